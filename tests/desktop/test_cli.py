"""The situation-map command: verbs, exit statuses, messages."""

import subprocess
import sys

import pytest

from desktop.cli import main
from desktop.launch import NO_DISPLAY, has_display
from geodata import __version__
from geodata.stores import GeoPackageStore


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_help_lists_the_verbs(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "check" in out and "sample" in out and "--data" in out


def test_check_on_the_sample_reports_counts_and_no_errors(sample_copy, capsys):
    assert main(["check", "--data", str(sample_copy)]) == 0
    out = capsys.readouterr().out
    lines = {line.split()[0]: line.split()[-1] for line in out.splitlines() if line.strip()}
    assert lines["villages"] == "10"
    assert lines["checkpoints"] == "29"
    assert (lines["district"], lines["village"], lines["natural_village"], lines["compound"]) == ("2", "8", "16", "3")
    assert "0 error(s)" in out or "No problems found." in out
    assert "示例" in out  # the sample says it is illustrative


def test_check_defaults_to_the_working_copy_made_on_first_use(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("SITUATION_MAP_HOME", str(tmp_path / "home"))
    assert main(["check"]) == 0
    assert (tmp_path / "home" / "guanwangmiao.gpkg").exists()


def test_data_given_before_the_verb_is_the_data_the_verb_uses(sample_copy, capsys, tmp_path, monkeypatch):
    """`situation-map --data X check` checked the working copy instead of X: the verb's own
    --data option reset the one given before it."""
    monkeypatch.setenv("SITUATION_MAP_HOME", str(tmp_path / "home"))
    store = GeoPackageStore(sample_copy)
    checkpoints = store.read("checkpoints")
    checkpoints.loc[3, "village"] = "411771360999"
    store.write({"checkpoints": checkpoints})
    assert main(["--data", str(sample_copy), "check"]) == 1
    assert "411771360999" in capsys.readouterr().out
    assert not (tmp_path / "home" / "guanwangmiao.gpkg").exists()
    assert main(["--data", "elsewhere.gpkg", "check", "--data", str(sample_copy)]) == 1  # the verb's wins


def test_check_exits_1_and_names_the_problem_when_data_has_errors(sample_copy, capsys):
    store = GeoPackageStore(sample_copy)
    checkpoints = store.read("checkpoints")
    checkpoints.loc[3, "village"] = "411771360999"
    store.write({"checkpoints": checkpoints})
    assert main(["check", "--data", str(sample_copy)]) == 1
    out = capsys.readouterr().out
    problem = next(line for line in out.splitlines() if "411771360999" in line)
    assert "error" in problem and checkpoints.loc[3, "id"] in problem and "village" in problem


def test_check_says_the_problems_in_chinese_with_lang_zh(sample_copy, capsys):
    from layers import i18n

    store = GeoPackageStore(sample_copy)
    checkpoints = store.read("checkpoints")
    checkpoints.loc[3, "village"] = "411771360999"
    store.write({"checkpoints": checkpoints})
    try:
        for arguments in (
            ["check", "--data", str(sample_copy), "--lang", "zh"],
            ["--lang", "zh", "check", "--data", str(sample_copy)],
        ):
            assert main(arguments) == 1
            out = capsys.readouterr().out
            assert "错误 1 个，警告 0 个：" in out
            problem = next(line for line in out.splitlines() if "411771360999" in line)
            assert problem == (
                f"错误  checkpoints  {checkpoints.loc[3, 'id']}  village: 没有村的代码是 "
                "'411771360999'；请使用行政村图层中某个村的代码"
            )
    finally:
        i18n.set_language("en")


def test_check_on_a_broken_file_is_one_clear_line(tmp_path, capsys):
    broken = tmp_path / "broken.gpkg"
    broken.write_text("not a database")
    assert main(["check", "--data", str(broken)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "broken.gpkg" in err and "Traceback" not in err


def test_sample_writes_a_checkable_file_and_refuses_to_overwrite(tmp_path, capsys):
    out = tmp_path / "new.gpkg"
    assert main(["sample", "--out", str(out)]) == 0
    assert len(GeoPackageStore(out).read("checkpoints")) == 29
    assert main(["sample", "--out", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["sample", "--out", str(out), "--force"]) == 0


def test_the_bundled_sample_is_what_the_generator_makes(sample_copy):
    from geodata.sample import build_sample

    shipped = GeoPackageStore(sample_copy).read_all()
    generated = build_sample().conformed()
    assert shipped.metadata == {**generated.metadata, **shipped.metadata}
    for name in generated.frames:
        a, b = shipped[name], generated[name]
        assert len(a) == len(b), f"{name}: run `make sample` after changing the generator"
        assert a.drop(columns="geometry", errors="ignore").equals(b.drop(columns="geometry", errors="ignore")), name
        if "geometry" in b:
            assert a.geometry.geom_equals_exact(b.geometry, tolerance=1e-9).all(), name


def test_no_display_gives_one_line_instead_of_a_qt_abort(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SITUATION_MAP_HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "desktop"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == NO_DISPLAY
    assert "xvfb-run" in result.stderr


def test_display_detection():
    assert not has_display({})
    assert has_display({"DISPLAY": ":0"})
    assert has_display({"WAYLAND_DISPLAY": "wayland-0"})
    assert has_display({"QT_QPA_PLATFORM": "offscreen"})
