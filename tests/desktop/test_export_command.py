"""situation-map export: for people by default (--lang), --for import, shapefiles, --date."""

import zipfile

import pandas as pd
from openpyxl import load_workbook

from desktop.cli import main
from geodata.stores import GeoPackageStore
from tests.later_dates import later_dates


def _export(sample_copy, *options):
    return main(["export", "--data", str(sample_copy), *options])


def test_by_default_a_file_for_people_in_the_chosen_language(sample_copy, tmp_path, capsys):
    out = tmp_path / "卡点.xlsx"
    assert _export(sample_copy, "--layer", "checkpoints", "--out", str(out), "--lang", "zh") == 0
    sheet = load_workbook(out).active
    assert [c.value for c in sheet[1]][:5] == ["编号", "名称", "级别", "所属村", "状态"]
    assert sheet["E2"].value == "值守中" and sheet["D2"].value == "熊楼村"
    assert str(out) in capsys.readouterr().out
    english = tmp_path / "checkpoints.csv"
    assert (
        main(["--lang", "en", "export", "--data", str(sample_copy), "--layer", "checkpoints", "--out", str(english)])
        == 0
    )
    assert pd.read_csv(english, encoding="utf-8-sig").columns[:3].tolist() == ["ID", "Name", "Tier"]


def test_for_import_keeps_field_names_and_codes(sample_copy, tmp_path):
    out = tmp_path / "households.csv"
    assert _export(sample_copy, "--layer", "households", "--out", str(out), "--for", "import") == 0
    frame = pd.read_csv(out, encoding="utf-8-sig", dtype=str)
    assert frame.columns[:4].tolist() == ["id", "village", "villager_group", "reason"]
    assert frame["village"].str.startswith("411771360").all() and "head_name" not in frame


def test_a_shapefile_is_written_as_a_zip_and_imports_back(sample_copy, tmp_path, capsys):
    out = tmp_path / "卡点.shp"
    assert _export(sample_copy, "--layer", "checkpoints", "--out", str(out)) == 0
    written = tmp_path / "卡点.shp.zip"
    assert written.exists() and not out.exists()
    assert str(written) in capsys.readouterr().out
    assert {n.rsplit(".", 1)[1] for n in zipfile.ZipFile(written).namelist()} == {"shp", "shx", "dbf", "prj", "cpg"}
    before = GeoPackageStore(sample_copy).read("checkpoints")
    command = ["import", "--data", str(sample_copy), "--layer", "checkpoints", "--from", str(written)]
    assert main([*command, "--mode", "replace", "--accept-warnings"]) == 0
    after = GeoPackageStore(sample_copy).read("checkpoints")
    assert after["staffed_24h"].tolist() == before["staffed_24h"].tolist()
    assert after["staff_on_shift"].tolist() == before["staff_on_shift"].tolist()


def test_a_past_day_export_holds_no_later_date(sample_copy, tmp_path):
    out = tmp_path / "households.csv"
    options = ["--layer", "households", "--out", str(out), "--audience", "internal", "--date", "2020-02-14"]
    assert _export(sample_copy, *options, "--lang", "zh") == 0
    text = out.read_text(encoding="utf-8-sig")
    assert later_dates(text, "2020-02-14") == [] and "观察中" in text
    assert len(pd.read_csv(out, encoding="utf-8-sig")) < len(GeoPackageStore(sample_copy).read("households"))
    for layer in ("followups", "disinfection_points", "status_changes"):
        path = tmp_path / f"{layer}.xlsx"
        assert _export(sample_copy, "--layer", layer, "--out", str(path), "--date", "2020-02-14") == 0
        cells = [c.value for row in load_workbook(path).active.iter_rows(min_row=2) for c in row]
        assert max(pd.Timestamp(v) for v in cells if hasattr(v, "year")) <= pd.Timestamp("2020-02-14 23:59")


def test_a_day_not_written_as_a_day_is_refused(sample_copy, tmp_path, capsys):
    out = tmp_path / "x.csv"
    assert _export(sample_copy, "--layer", "households", "--out", str(out), "--date", "14.2.2020") == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err and not out.exists()


def test_an_unwritable_place_is_said_before_any_work(sample_copy, tmp_path, capsys):
    missing = tmp_path / "no such folder" / "x.xlsx"
    assert _export(sample_copy, "--layer", "households", "--out", str(missing), "--lang", "zh") == 2
    error = capsys.readouterr().err
    assert "no such folder" in error and not missing.parent.exists()
