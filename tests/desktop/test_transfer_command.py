"""The import and export verbs: exit statuses, the problem list, dry runs and the write."""

import hashlib

import pandas as pd

from desktop.cli import main
from geodata.stores import GeoPackageStore
from tests.geodata.import_helpers import household_row, write_csv


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_import_writes_and_exits_0(sample_copy, tmp_path, capsys):
    path = write_csv(tmp_path / "新增观察户.csv", [household_row(1), household_row(2)], encoding="gbk")
    assert main(["import", "--data", str(sample_copy), "--layer", "households", "--from", str(path)]) == 0
    out = capsys.readouterr().out
    assert "encoding gbk" in out and "观察原因 → reason" in out and "2 to add" in out
    ids = set(GeoPackageStore(sample_copy).read("households")["id"])
    assert {"IMP0001", "IMP0002"} <= ids


def test_import_with_errors_lists_them_and_writes_nothing(sample_copy, tmp_path, capsys):
    before = digest(sample_copy)
    path = write_csv(tmp_path / "bad.csv", [household_row(1, 人数="很多", 户主姓名="秘密户主")])
    assert main(["import", "--data", str(sample_copy), "--layer", "households", "--from", str(path)]) == 1
    captured = capsys.readouterr()
    assert "bad.csv  row 2  persons" in captured.out
    assert "秘密户主" not in captured.out + captured.err
    assert "Nothing was imported" in captured.err
    assert digest(sample_copy) == before


def test_dry_run_shows_and_writes_nothing(sample_copy, tmp_path, capsys):
    before = digest(sample_copy)
    path = write_csv(tmp_path / "ok.csv", [household_row(1)])
    assert main(["import", "--data", str(sample_copy), "--layer", "households", "--from", str(path), "--dry-run"]) == 0
    assert "Dry run" in capsys.readouterr().out
    assert digest(sample_copy) == before


def test_warnings_need_accepting(sample_copy, tmp_path, capsys):
    path = write_csv(tmp_path / "dup.csv", [household_row(1), household_row(2, 编号="HH001")])
    args = ["import", "--data", str(sample_copy), "--layer", "households", "--from", str(path)]
    assert main(args) == 1
    assert "--accept-warnings" in capsys.readouterr().err
    assert main(args + ["--accept-warnings"]) == 0
    assert "IMP0001" in set(GeoPackageStore(sample_copy).read("households")["id"])


def test_unreadable_file_and_bad_crs_exit_non_zero(sample_copy, tmp_path, capsys):
    missing = tmp_path / "nope.csv"
    assert main(["import", "--data", str(sample_copy), "--layer", "households", "--from", str(missing)]) == 1
    assert "nope.csv" in capsys.readouterr().out
    path = write_csv(tmp_path / "ok.csv", [household_row(1)])
    assert (
        main(["import", "--data", str(sample_copy), "--layer", "households", "--from", str(path), "--crs", "mars"]) == 2
    )
    assert "mars" in capsys.readouterr().err


def test_export_public_csv_without_personal_data(sample_copy, tmp_path, capsys):
    out = tmp_path / "households.csv"
    assert main(["export", "--data", str(sample_copy), "--layer", "households", "--out", str(out)]) == 0
    assert "50" in capsys.readouterr().out
    frame = pd.read_csv(out, encoding="utf-8-sig")
    assert "head_name" not in frame.columns and len(frame) == 50
    internal = tmp_path / "internal.csv"
    assert (
        main(
            [
                "export",
                "--data",
                str(sample_copy),
                "--layer",
                "households",
                "--out",
                str(internal),
                "--audience",
                "internal",
                "--encoding",
                "gbk",
                "--for",
                "import",
            ]
        )
        == 0
    )
    assert "head_name" in pd.read_csv(internal, encoding="gbk").columns


def test_export_to_an_unknown_format_fails_cleanly(sample_copy, tmp_path, capsys):
    assert main(["export", "--data", str(sample_copy), "--layer", "roads", "--out", str(tmp_path / "r.kml")]) == 2
    assert "r.kml" in capsys.readouterr().err


def test_import_problems_in_chinese_with_lang_zh(sample_copy, tmp_path, capsys):
    from layers import i18n

    path = write_csv(tmp_path / "bad.csv", [household_row(1, 观察开始="2020-02-30")])
    try:
        assert (
            main(["--data", str(sample_copy), "import", "--layer", "households", "--from", str(path), "--lang", "zh"])
            == 1
        )
    finally:
        i18n.set_language("en")
    out = capsys.readouterr().out
    assert "错误  bad.csv  第 2 行  observation_start: '2020-02-30' 不是日期；日期请写成 YYYY-MM-DD" in out
    assert main(["--data", str(sample_copy), "import", "--layer", "households", "--from", str(path)]) == 1
    assert "row 2  observation_start: '2020-02-30' is not a date; write dates as YYYY-MM-DD" in capsys.readouterr().out


def test_a_replace_removing_most_of_the_layer_needs_allow_removal(sample_copy, tmp_path, capsys):
    before = digest(sample_copy)
    empty = write_csv(tmp_path / "只有表头.csv", [])  # a header-only file: the export that went wrong
    args = ["import", "--data", str(sample_copy), "--layer", "households", "--from", str(empty), "--mode", "replace"]
    assert main(args) == 2
    refusal = capsys.readouterr().err.strip().splitlines()
    assert len(refusal) == 1, refusal
    assert "只有表头.csv" in refusal[0] and "households" in refusal[0] and "--allow-removal" in refusal[0]
    assert "0 of its 50" in refusal[0] and "50 removed" in refusal[0]
    assert digest(sample_copy) == before
    three = write_csv(tmp_path / "three.csv", [household_row(1), household_row(2), household_row(3)])
    assert main(args[:6] + [str(three)] + args[7:]) == 2  # 50 of 50 taken away, 3 new: still most
    assert digest(sample_copy) == before
    assert main(args + ["--allow-removal"]) == 0
    assert len(GeoPackageStore(sample_copy).read("households")) == 0


def test_a_replace_keeping_half_the_layer_needs_no_consent(sample_copy, tmp_path, capsys):
    kept = GeoPackageStore(sample_copy).read("households").iloc[:25]
    path = tmp_path / "half.csv"
    rows = [household_row(i, 编号=ident) for i, ident in enumerate(kept["id"], start=1)]
    write_csv(path, rows)
    assert (
        main(
            [
                "import",
                "--data",
                str(sample_copy),
                "--layer",
                "households",
                "--from",
                str(path),
                "--mode",
                "replace",
                "--accept-warnings",
            ]
        )
        == 0
    ), capsys.readouterr()
    assert sorted(GeoPackageStore(sample_copy).read("households")["id"]) == sorted(kept["id"])


def test_the_template_s_layer_name_disinfection_imports_into_the_disinfection_rounds(sample_copy, tmp_path, capsys):
    """``situation-map template --layer disinfection`` tells the work group's file by that name;
    import takes the same name."""
    out = tmp_path / "rounds.csv"
    args = ["export", "--data", str(sample_copy), "--layer", "disinfection", "--out", str(out), "--for", "import"]
    assert main(args) == 0
    assert "disinfection_rounds" in capsys.readouterr().out
    args = ["import", "--data", str(sample_copy), "--layer", "disinfection", "--from", str(out), "--mode", "update"]
    assert main([*args, "--dry-run", "--lang", "en"]) == 0
    said = capsys.readouterr()
    assert "Dry run" in said.out and "0 to add" in said.out and "invalid choice" not in said.err
