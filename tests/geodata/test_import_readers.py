"""Each reader, each encoding: files the tests write themselves, read as the user wrote them."""

import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from openpyxl import Workbook
from shapely.geometry import Point, box

from geodata.feedback import Cancelled, Feedback
from geodata.importing import ImportFailure, read_source
from tests.geodata.import_helpers import HEADER, household_row, write_csv


@pytest.mark.parametrize(
    "encoding, detected",
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("gbk", "gbk"),
    ],
)
def test_csv_encodings_are_detected_and_chinese_read_back(tmp_path, encoding, detected):
    path = write_csv(tmp_path / "households.csv", [household_row(1)], encoding=encoding)
    source = read_source(path)
    assert source.encoding == detected
    assert list(source.frame.columns) == HEADER  # no BOM glued to the first header
    assert source.frame.loc[0, "所属村"] == "关王庙村"
    assert source.frame.loc[0, "编号"] == "IMP0001"


def test_gb18030_text_beyond_gbk_is_detected(tmp_path):
    path = write_csv(tmp_path / "h.csv", [household_row(1, 户主姓名="王䶮")], encoding="gb18030")
    source = read_source(path)
    assert source.encoding == "gb18030"
    assert source.frame.loc[0, "户主姓名"] == "王䶮"


def test_an_encoding_given_by_the_user_wins(tmp_path):
    path = write_csv(tmp_path / "h.csv", [household_row(1)], encoding="gbk")
    assert read_source(path, encoding="GB2312").frame.loc[0, "所属村"] == "关王庙村"
    with pytest.raises(ImportFailure, match="cannot be read as utf-8"):
        read_source(path, encoding="utf-8")


def test_csv_keeps_leading_zeros_and_reads_tabs(tmp_path):
    path = tmp_path / "h.txt"
    path.write_text("编号\t人数\n007\t3\n", encoding="utf-8")
    frame = read_source(path).frame
    assert frame.loc[0, "编号"] == "007"


def test_xlsx_written_with_openpyxl_keeps_types_and_picks_the_sheet(tmp_path):
    book = Workbook()
    book.active.title = "说明"
    book.active.append(["这张表是说明"])
    sheet = book.create_sheet("观察户")
    sheet.append([None])  # a blank row above the header, as people leave them
    sheet.append(HEADER[:6])
    sheet.append(["H1", "关王庙村", "湖北返乡", 3, pd.Timestamp("2020-02-19").to_pydatetime(), "观察中"])
    path = tmp_path / "households.xlsx"
    book.save(path)
    source = read_source(path, sheet="观察户")
    assert source.sheets == ("说明", "观察户")
    assert source.frame.loc[0, "人数"] == 3
    assert pd.Timestamp(source.frame.loc[0, "观察开始"]) == pd.Timestamp("2020-02-19")
    assert source.where(0) == "row 3"  # header in row 2, first record in row 3
    with pytest.raises(ImportFailure, match="no sheet 'Sheet9'.*说明, 观察户"):
        read_source(path, sheet="Sheet9")


def _shapefile(tmp_path, *, cpg: bool):
    frame = gpd.GeoDataFrame(
        {"name": ["关王庙卡点"], "tier": ["区级"]}, geometry=[Point(113.97, 33.0)], crs="EPSG:4326"
    )
    path = tmp_path / "checkpoints.shp"
    frame.to_file(path, encoding="GBK", engine="pyogrio")
    if not cpg:
        path.with_suffix(".cpg").unlink()
    else:
        path.with_suffix(".cpg").write_text("GBK")
    raw = path.with_suffix(".dbf").read_bytes()
    assert "关王庙卡点".encode("gbk") in raw  # the file really holds GBK bytes
    return path


@pytest.mark.parametrize("cpg", [True, False])
def test_shapefile_in_gbk_with_or_without_cpg(tmp_path, cpg):
    source = read_source(_shapefile(tmp_path, cpg=cpg))
    assert source.frame.loc[0, "name"] == "关王庙卡点"
    assert source.encoding == "gbk"
    assert source.geometries[0].equals(Point(113.97, 33.0))
    assert "cpg" in source.notes[0]


def test_geojson_with_nested_properties_and_no_crs(tmp_path):
    document = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {
                    "adcode": 411702,
                    "name": "驿城区",
                    "center": [114.03, 32.98],
                    "parent": {"adcode": 411700},
                },
                "geometry": {"type": "Polygon", "coordinates": [[[114, 33], [114.1, 33], [114.1, 33.1], [114, 33]]]},
            }
        ],
    }
    path = tmp_path / "district.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    source = read_source(path)
    assert source.crs is None
    assert source.frame.loc[0, "adcode"] == 411702
    assert json.loads(source.frame.loc[0, "parent"]) == {"adcode": 411700}
    assert json.loads(source.frame.loc[0, "center"]) == [114.03, 32.98]
    assert source.geometries[0].geom_type == "Polygon"


def test_geopackage_layer_named_like_the_target_is_chosen(tmp_path):
    path = tmp_path / "data.gpkg"
    gpd.GeoDataFrame({"code": ["1"]}, geometry=[box(0, 0, 1, 1)], crs="EPSG:4326").to_file(path, layer="other")
    gpd.GeoDataFrame({"code": ["2"]}, geometry=[box(0, 0, 1, 1)], crs="EPSG:4326").to_file(path, layer="villages")
    source = read_source(path, layer_hint="villages")
    assert source.sheet == "villages" and source.frame.loc[0, "code"] == "2"
    assert read_source(path, layer_hint="roads").sheet == "other"
    assert str(source.crs.to_epsg()) == "4326"


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("empty.csv", b"", "empty"),
        ("broken.xlsx", b"not a zip file", "cannot be read as XLSX"),
        ("broken.json", b"{not json", "not valid JSON"),
        ("table.json", b"[1, 2]", "not a GeoJSON"),
        ("data.dbx", b"x", "cannot import .dbx"),
        ("ragged.csv", b"a,b\n1,2\n1,2,3,4\n", "broken"),
        ("latin.csv", bytes([0x61, 0x0A, 0xFF, 0xFF, 0xFF, 0x0A]), "neither UTF-8 nor GBK"),
    ],
)
def test_unreadable_files_say_which_file_and_why(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFailure, match=message) as caught:
        read_source(path)
    assert caught.value.problems[0].file == name


# -- files that would take the reader's memory or time (issue 14, defect 7) ---------------------


def _bounded(code: str, memory_gb: int = 2, seconds: int = 90) -> subprocess.CompletedProcess:
    """Run ``code`` in a child with its address space capped, as a desk with little memory."""
    prelude = f"import resource; resource.setrlimit(resource.RLIMIT_AS, ({memory_gb} * 2**30, {memory_gb} * 2**30))\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + code],
        capture_output=True,
        text=True,
        timeout=seconds,
        cwd=Path(__file__).resolve().parents[2],
    )


def _read_and_say(path) -> str:
    return (
        "from geodata.importing import ImportFailure, read_source\n"
        f"try:\n    read_source({str(path)!r})\n    print('READ')\n"
        "except ImportFailure as failure:\n    print('REFUSED', failure)\n"
    )


def test_a_stray_cell_at_the_last_row_is_refused_without_reading_a_million_rows(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(list(household_row(1).values()))
    sheet.cell(row=1_048_576, column=3, value="x")
    path = tmp_path / "stray.xlsx"
    book.save(path)
    assert path.stat().st_size < 20_000
    done = _bounded(_read_and_say(path))
    assert done.returncode == 0, done.stderr[-500:]
    assert "REFUSED" in done.stdout and "1048576" in done.stdout.replace(",", ""), done.stdout
    assert "empty rows" in done.stdout


def test_a_stray_cell_in_the_last_column_is_refused(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(list(household_row(1).values()))
    sheet.cell(row=2, column=16_384, value="x")  # column XFD
    sheet.cell(row=1_048_576, column=16_384, value="x")
    path = tmp_path / "far.xlsx"
    book.save(path)
    done = _bounded(_read_and_say(path))
    assert done.returncode == 0, done.stderr[-500:]
    assert "REFUSED" in done.stdout and "column 500" in done.stdout, done.stdout


def test_a_sixteen_megabyte_line_is_refused_at_once(tmp_path):
    path = tmp_path / "one-line.csv"
    path.write_text("a" * 16_000_000, encoding="utf-8")
    done = _bounded(_read_and_say(path), seconds=30)
    assert "REFUSED" in done.stdout and "line 1" in done.stdout, (done.stdout, done.stderr[-300:])


def test_a_header_of_thousands_of_columns_is_refused(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(["c"] * 20_000) + "\n" + ",".join(["1"] * 20_000) + "\n", encoding="utf-8")
    done = _bounded(_read_and_say(path), seconds=30)
    assert "REFUSED" in done.stdout and "columns" in done.stdout, (done.stdout, done.stderr[-300:])


def test_a_cell_longer_than_excel_allows_is_named_by_row_and_column(tmp_path):
    rows = [household_row(n) for n in range(3)]
    rows[1]["户主姓名"] = "长" * 40_000
    path = write_csv(tmp_path / "long.csv", rows)
    with pytest.raises(ImportFailure, match=r"row 3, column 户主姓名"):
        read_source(path)


def test_a_long_sheet_reports_its_progress(tmp_path):
    from openpyxl import Workbook as StreamingBook

    book = StreamingBook(write_only=True)
    sheet = book.create_sheet("households")
    sheet.append(HEADER)
    row = list(household_row(1).values())
    for _ in range(45_000):
        sheet.append(row)
    path = tmp_path / "long.xlsx"
    book.save(path)
    said = []
    source = read_source(path, feedback=Feedback(lambda fraction, text: said.append(fraction)))
    assert len(source.frame) == 45_000
    inside = [f for f in said if 0 < f < 1]
    assert len(inside) >= 2 and inside == sorted(inside), said


def test_a_cancel_while_reading_is_a_cancel_not_a_broken_file(tmp_path):
    path = write_csv(tmp_path / "ok.csv", [household_row(1), household_row(2)])
    feedback = Feedback(lambda fraction, text: feedback.cancel())  # at once: the reader's own report raises
    with pytest.raises(Cancelled) as raised:
        read_source(path, feedback=feedback)
    assert not isinstance(raised.value, ImportFailure)


# -- files whose first reading pointed at the wrong cause (issue 14, defect 11) ----------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_text_from_excel_is_read_with_or_without_its_mark(tmp_path, encoding):
    path = write_csv(tmp_path / "unicode.csv", [household_row(1), household_row(2)], encoding=encoding)
    source = read_source(path)
    assert source.frame["所属村"].tolist() == ["关王庙村", "关王庙村"]
    assert source.encoding.startswith("utf-16")


def test_a_title_row_above_the_header_is_passed_over_and_said(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["关王庙乡居家医学观察户名单（2月19日）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet.append([])
    sheet.append(HEADER)
    sheet.append(list(household_row(1).values()))
    path = tmp_path / "titled.xlsx"
    book.save(path)
    source = read_source(path)
    assert list(source.frame.columns) == HEADER
    assert source.where(0) == "row 4"  # the data row as Excel numbers it
    assert any("title" in note and "row 3" in note for note in source.notes), source.notes


def test_formulas_never_calculated_are_said_not_read_silently_as_empty(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    row = list(household_row(1).values())
    row[HEADER.index("人数")] = "=1+2"  # openpyxl writes the formula without a value
    sheet.append(row)
    path = tmp_path / "formula.xlsx"
    book.save(path)
    source = read_source(path)
    cell = f"{chr(ord('A') + HEADER.index('人数'))}2"
    assert any(cell in note and "formulas" in note for note in source.notes), source.notes


def test_a_shapefile_without_its_dbf_says_so_rather_than_every_column_missing(tmp_path):
    frame = gpd.GeoDataFrame({"id": ["S1"]}, geometry=[Point(113.97, 33.0)], crs="EPSG:4326")
    frame.to_file(tmp_path / "h.shp")
    (tmp_path / "h.dbf").unlink()
    with pytest.raises(ImportFailure, match=r"h\.dbf is missing"):
        read_source(tmp_path / "h.shp")
