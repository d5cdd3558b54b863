"""The command line and the window speak one language at a time: `--lang zh` errors hold no
English sentence, `--lang en` errors no Chinese; an operating-system error is one sentence
naming the path; an output that cannot be written is said before the long work."""

from __future__ import annotations

import errno
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from desktop.commands.parsing import chosen_language, locale_language
from desktop.os_errors import error_text, os_error_text
from geodata.errors import StoreError
from layers import i18n

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
# What may be ASCII in a Chinese message: file paths, option names, codes, the program name.
_PATH = re.compile(r"(?:[\w.~-]*/[\w./~-]*)|(?:\S+\.(?:gpkg|pdf|html|geojson|json|csv|xlsx|png|svg)\b)")
_OPTION = re.compile(r"-{1,2}[A-Za-z][\w-]*")
_CODE = re.compile(r"\b(?:[A-Z][A-Z0-9_]*|[a-z]|zh|en|public|internal|A4|A3)\b|\{[^}]*\}|'[^']*'")
ENGLISH_SENTENCE = re.compile(r"\b[A-Za-z]{2,}(?:[ \t]+[A-Za-z]{2,}){2,}\b")


def english_sentences(text: str) -> list[str]:
    """Runs of three or more English words, once paths, options, codes and the program name
    are taken out."""
    text = text.replace("situation-map", " ")
    for pattern in (_PATH, _OPTION, _CODE):
        text = pattern.sub(" | ", text)
    return ENGLISH_SENTENCE.findall(text)


def test_the_detector_finds_english_and_lets_codes_and_paths_through():
    assert english_sentences("situation-map: nope.gpkg: no such file") == ["no such file"]
    assert english_sentences("situation-map: /tmp/a b/x.gpkg：文件或文件夹不存在") == []
    assert english_sentences("用法：situation-map plan [-h] [--data PATH_OR_URL] [--lang {zh,en}]") == []


def run(arguments, tmp_path, *, environment=None, wrapper=()):
    env = {
        **os.environ,
        "SITUATION_MAP_HOME": str(tmp_path / "home"),
        "QT_QPA_PLATFORM": "offscreen",
        "LANG": "C.UTF-8",
        **(environment or {}),
    }
    env.pop("LANGUAGE", None)
    env.pop("LC_ALL", None)
    return subprocess.run(
        [*wrapper, sys.executable, "-m", "desktop", *arguments],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )


def bad_requests(sample_copy, tmp_path):
    return {
        "missing data": ["check", "--data", str(tmp_path / "nope.gpkg")],
        "missing output folder": ["plan", "--data", str(sample_copy), "--out", str(tmp_path / "no" / "p.geojson")],
        "unknown option": ["plan", "--data", str(sample_copy), "--bogus"],
        "bad date": ["map", "--data", str(sample_copy), "--out", str(tmp_path / "m.html"), "--date", "2020-13-01"],
        "missing argument": ["brief", "--data", str(sample_copy)],
        "invalid choice": ["map", "--out", str(tmp_path / "m.html"), "--audience", "everyone"],
        "bad number": ["plan", "--data", str(sample_copy), "--radius", "far"],
        "output is a folder": ["trend", "--data", str(sample_copy), "--out", str(tmp_path / "folder.csv")],
        "unknown export format": ["export", "--data", str(sample_copy), "--layer", "roads", "--out", "r.kml"],
        "unknown import crs": [
            "import",
            "--data",
            str(sample_copy),
            "--layer",
            "roads",
            "--from",
            "r.csv",
            "--crs",
            "mars",
        ],
    }


@pytest.mark.parametrize("where", ["before the verb", "after the verb"])
def test_lang_zh_errors_hold_no_english_sentence(sample_copy, tmp_path, where):
    (tmp_path / "folder.csv").mkdir()
    (tmp_path / "r.csv").write_text("id,name\nR1,x\n", encoding="utf-8")
    for name, arguments in bad_requests(sample_copy, tmp_path).items():
        words = ["--lang", "zh", *arguments] if where == "before the verb" else [*arguments, "--lang", "zh"]
        result = run(words, tmp_path)
        assert result.returncode == 2, (name, result.stderr)
        assert CJK.search(result.stderr), (name, result.stderr)
        assert english_sentences(result.stderr) == [], (name, result.stderr)
        assert "Traceback" not in result.stderr


def test_lang_en_errors_hold_no_chinese(sample_copy, tmp_path):
    (tmp_path / "folder.csv").mkdir()
    (tmp_path / "r.csv").write_text("id,name\nR1,x\n", encoding="utf-8")
    for name, arguments in bad_requests(sample_copy, tmp_path).items():
        result = run(["--lang", "en", *arguments], tmp_path)
        assert result.returncode == 2, (name, result.stderr)
        assert not CJK.search(result.stderr), (name, result.stderr)
        assert re.search(r"\b[a-z]{3,}\b", result.stderr.split("\n")[-2]), (name, result.stderr)


def test_the_locale_chooses_the_language_when_lang_is_not_given(tmp_path):
    result = run(["check", "--data", str(tmp_path / "nope.gpkg")], tmp_path, environment={"LANG": "zh_CN.UTF-8"})
    assert result.stderr.strip() == f"situation-map: {tmp_path / 'nope.gpkg'}：文件不存在"
    result = run(["plan", "--bogus"], tmp_path, environment={"LANG": "en_GB.UTF-8"})
    assert "usage: situation-map plan" in result.stderr and not CJK.search(result.stderr)


def test_language_before_parsing():
    assert chosen_language(["--lang", "zh", "check"]) == "zh"
    assert chosen_language(["--lang", "zh", "check", "--lang", "en"]) == "en"  # the verb's wins
    assert chosen_language(["plan", "--lang=en"]) == "en"
    assert chosen_language(["plan", "--lang", "fr"]) in ("zh", "en")  # argparse refuses it, in a language
    assert locale_language({"LANG": "zh_CN.UTF-8"}) == "zh"
    assert locale_language({"LANG": "C.UTF-8"}) is None
    assert locale_language({"LANGUAGE": "en_US:zh_CN", "LANG": "zh_CN.UTF-8"}) == "en"


def test_an_unknown_option_prints_that_verbs_usage(sample_copy, tmp_path):
    result = run(["--lang", "en", "plan", "--bogus"], tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("usage: situation-map plan [-h]")
    assert "--wall" not in result.stderr  # not the window's usage
    assert result.stderr.strip().endswith("situation-map plan: error: unrecognized arguments: --bogus")
    result = run(["--lang", "zh", "brief", "--out", "b.pdf", "--bogus"], tmp_path)
    assert result.stderr.startswith("用法：situation-map brief [-h]")
    assert result.stderr.strip().endswith("situation-map brief：错误：无法识别的参数：--bogus")


@pytest.mark.parametrize(
    "verb", ["check", "map", "brief", "plan", "trend", "sample", "db", "import", "export", "template"]
)
def test_a_verbs_help_is_in_the_chosen_language(tmp_path, verb):
    result = run(["--lang", "zh", verb, "--help"], tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith(f"用法：situation-map {verb} [-h]")
    assert english_sentences(result.stdout) == [], result.stdout
    english = run(["--lang", "en", verb, "--help"], tmp_path).stdout
    assert english.startswith(f"usage: situation-map {verb} [-h]") and not CJK.search(english)


def test_the_programs_help_lists_every_verb_in_the_chosen_language(tmp_path):
    chinese = run(["--lang", "zh", "--help"], tmp_path).stdout
    assert chinese.startswith("用法：situation-map [-h]") and "template" in chinese
    assert english_sentences(chinese) == [], chinese
    english = run(["--lang", "en", "--help"], tmp_path).stdout
    assert english.startswith("usage: situation-map [-h]") and not CJK.search(english)


@pytest.mark.parametrize(
    ("code", "english", "chinese"),
    [
        (errno.EROFS, "read-only", "只读"),
        (errno.ENOSPC, "the disk is full", "磁盘已满"),
        (errno.EACCES, "permission denied", "没有访问权限"),
        (errno.ENOENT, "does not exist", "不存在"),
        (errno.EBUSY, "in use by another program", "其他程序占用"),
        (errno.EXDEV, "EXDEV", "EXDEV"),
    ],
)
def test_an_operating_system_error_is_one_sentence_naming_the_path(code, english, chinese):
    exc = OSError(code, os.strerror(code), "/media/usb/简报.pdf")
    try:
        i18n.set_language("en")
        text = os_error_text(exc)
        assert text.startswith("/media/usb/简报.pdf") and english in text and os.strerror(code) not in text
        i18n.set_language("zh")
        text = os_error_text(exc)
        assert text.startswith("/media/usb/简报.pdf") and chinese in text and english_sentences(text) == []
    finally:
        i18n.set_language("en")


def test_a_file_locked_by_another_program_is_said_so(tmp_path):
    try:
        raise sqlite3.OperationalError("database is locked")
    except sqlite3.OperationalError:
        try:
            raise StoreError(f"{tmp_path / 'a.gpkg'}: the write failed and nothing was written (database is locked)")
        except StoreError as exc:
            error = exc
    try:
        i18n.set_language("zh")
        assert (
            error_text(error)
            == f"{tmp_path / 'a.gpkg'}：文件正被其他程序占用，没有写入任何内容，请在该程序中关闭后重试"
        )
        full = StoreError(f"{tmp_path / 'a.gpkg'}: the disk is full; nothing was written")  # as the store says it
        assert error_text(full) == f"{tmp_path / 'a.gpkg'}：磁盘已满，没有写入任何内容"
    finally:
        i18n.set_language("en")


def read_only_folder(tmp_path):
    """A folder no file can be written to, and how to run a command that sees it so: as
    root, permissions do not stop a write, so a read-only file system is mounted in a mount
    namespace of the command's own."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return folder, ()
    if shutil.which("unshare") is None:
        pytest.skip("needs unshare to make a read-only folder as root")
    return folder, ("unshare", "-rm", "sh", "-c", f"mount -t tmpfs -o ro tmpfs '{folder}' && exec \"$@\"", "sh")


def test_a_read_only_output_folder_stops_plan_before_it_solves(sample_copy, tmp_path):
    folder, wrapper = read_only_folder(tmp_path)
    script = textwrap.dedent(
        f"""
        import sys, time
        from desktop.cli import main
        start = time.monotonic()
        status = main(["plan", "--data", {str(sample_copy)!r}, "--lang", "zh", "--add", "8",
                       "--out", {str(folder / "p.geojson")!r}])
        print(f"{{status}} {{time.monotonic() - start:.2f}}")
        """
    )
    env = {**os.environ, "SITUATION_MAP_HOME": str(tmp_path / "home"), "LANG": "C.UTF-8"}
    result = subprocess.run(
        [*wrapper, sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    status, seconds = result.stdout.split()
    assert status == "2"
    assert float(seconds) < 2, result.stderr
    assert result.stderr.strip().splitlines() == [f"situation-map: {folder}：" + _read_only_words()]
    assert not list(folder.iterdir())


def _read_only_words() -> str:
    return "没有访问权限" if os.geteuid() != 0 else "该位置是只读的，请换一个文件夹"


def test_the_window_says_a_missing_dataset_in_one_language(tmp_path, qapp):
    from desktop.app import open_window

    said: list[str] = []
    try:
        for lang in ("zh", "en"):
            i18n.set_language(lang)
            assert open_window(tmp_path / "nope.gpkg", on_error=said.append) is None
    finally:
        i18n.set_language("en")
    chinese, english = said
    assert chinese == f"无法打开数据：{tmp_path / 'nope.gpkg'}：文件不存在"
    assert english_sentences(chinese) == []
    assert english == f"Cannot open the data: {tmp_path / 'nope.gpkg'}: no such file"


def test_check_counts_in_chinese(sample_copy, tmp_path):
    result = run(["check", "--data", str(sample_copy), "--lang", "zh"], tmp_path)
    assert result.returncode == 0
    table = result.stdout.split("\n\n", 1)[1]  # after the header: the township, its as-of, its disclaimer
    assert "行政村" in table and "区级" in table and "自然村" in table
    assert english_sentences(table) == [] and not re.search(r"[A-Za-z]{3,}", table)


def test_a_database_that_cannot_be_reached_is_one_sentence_without_libpqs_english():
    import psycopg

    location = "postgresql://desk@10.0.0.9/township"
    try:
        try:
            raise psycopg.OperationalError('connection to server at "10.0.0.9", port 5432 failed: Connection refused')
        except psycopg.OperationalError:
            raise StoreError(f"{location}: cannot connect: connection failed: Connection refused") from None
    except StoreError as exc:
        error = exc
    try:
        i18n.set_language("zh")
        text = error_text(error)
        assert text.startswith(location + "：") and english_sentences(text) == []
        i18n.set_language("en")
        assert (
            error_text(error)
            == f"{location}: the database server cannot be reached; is it running, and is the address right?"
        )
    finally:
        i18n.set_language("en")


BAD_PRESETS = {
    "a.json": ('{"audience": "everyone"}', "audience: 'everyone' is not one of public, internal"),
    "b.json": ('{"view": {"zoom": 31}}', "view.zoom: 31 is outside 0..30"),
    "c.json": ('{"version": 9}', "written by a newer application"),
    "d.json": ('{"filters": {"observation_days": [3, 2]}}', "first day 3 is after last day 2"),
    "e.json": ('{"colour": "red"}', "colour: unknown key; known keys: title, "),
    "f.json": ('{"basemap": "mbtiles:"}', "'mbtiles:' must be followed by the path of an .mbtiles file"),
    "g.json": ("[1", "not valid JSON: line 1, column 3"),
}


def test_a_bad_view_preset_is_said_in_one_language(tmp_path):
    """What is wrong with a preset (--state, or applied in the window: both show error_text)
    in the language in use; its English is what logs and tests read."""
    from layers.map_state import MapState, MapStateError

    for name, (text, english) in BAD_PRESETS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        with pytest.raises(MapStateError) as caught:
            MapState.load(tmp_path / name)
        try:
            i18n.set_language("zh")
            chinese = error_text(caught.value)
        finally:
            i18n.set_language("en")
        assert chinese.startswith(f"{tmp_path / name}：") and CJK.search(chinese), chinese
        assert english_sentences(chinese) == [], chinese
        said = error_text(caught.value)
        assert said.startswith(f"{tmp_path / name}: ") and english in said and not CJK.search(said)


def test_lang_zh_says_a_bad_state_file_in_chinese(sample_copy, tmp_path):
    (tmp_path / "bad.json").write_text('{"audience": "everyone"}', encoding="utf-8")
    arguments = ["map", "--data", str(sample_copy), "--state", str(tmp_path / "bad.json"), "--out", "m.html"]
    result = run(["--lang", "zh", *arguments], tmp_path)
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == f"situation-map: {tmp_path / 'bad.json'}：audience：'everyone' 不是 public, internal 之一"
    )
    result = run(["--lang", "en", *arguments], tmp_path)
    assert result.stderr.strip().endswith("bad.json: audience: 'everyone' is not one of public, internal")
    assert not (tmp_path / "m.html").exists()


def test_a_geopackages_own_errors_are_said_in_one_language(sample_copy, tmp_path):
    """A layer another desk saved after it was read, a file that is no GeoPackage: said by the
    store in English, shown in Chinese with the layer's Chinese name."""
    from geodata.stores import GeoPackageStore
    from geodata.stores.gpkg import StaleLayerError

    mine, theirs = GeoPackageStore(sample_copy), GeoPackageStore(sample_copy)
    households = mine.read("households")
    theirs.write({"households": theirs.read("households").iloc[:-1]})
    with pytest.raises(StaleLayerError) as stale:
        mine.write({"households": households})
    (tmp_path / "notes.gpkg").write_text("not a database", encoding="utf-8")
    with pytest.raises(StoreError) as foreign:
        GeoPackageStore(tmp_path / "notes.gpkg")
    assert "households has changed since it was read" in str(stale.value)
    assert str(foreign.value) == f"{tmp_path / 'notes.gpkg'}: not a GeoPackage file"
    try:
        i18n.set_language("zh")
        chinese = [error_text(stale.value), error_text(foreign.value)]
    finally:
        i18n.set_language("en")
    assert chinese[0].startswith(f"{sample_copy}：") and "观察户" in chinese[0], chinese
    assert chinese[1] == f"{tmp_path / 'notes.gpkg'}：不是 GeoPackage 文件"
    assert [english_sentences(text) for text in chinese] == [[], []], chinese


def test_an_import_under_lang_zh_says_everything_in_chinese(sample_copy, tmp_path):
    """The reader's notes (the zipped shapefile's text encoding) included."""
    data = ["--data", str(sample_copy), "--lang", "zh"]
    assert (
        run(["export", *data, "--layer", "checkpoints", "--out", "cp.shp", "--for", "import"], tmp_path).returncode == 0
    )
    result = run(
        ["import", *data, "--layer", "checkpoints", "--from", "cp.shp.zip", "--mode", "update", "--dry-run"], tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "文字编码 utf-8（取自 checkpoints.cpg）" in result.stdout
    assert english_sentences(result.stdout + result.stderr) == [], result.stdout + result.stderr


def test_a_template_that_cannot_be_written_is_one_sentence_in_chinese(sample_copy, tmp_path, capsys, monkeypatch):
    import geodata.templates
    from desktop.cli import main

    def refuse(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(tmp_path / "观察户.xlsx"))

    monkeypatch.setattr(geodata.templates, "write_template", refuse)
    out = tmp_path / "观察户.xlsx"
    assert main(["template", "--data", str(sample_copy), "--layer", "households", "--out", str(out)]) == 2
    said = capsys.readouterr().err.strip()
    assert said == f"situation-map template: {out}：该位置是只读的，请换一个文件夹"
