"""`situation-map trend`: the daily series as CSV (with a BOM) or XLSX; one-line errors."""

import csv
import io
import os
from datetime import datetime

import openpyxl
import pytest

from desktop.cli import main
from desktop.commands.common import EXIT_FAILED, EXIT_OK
from geodata.stores import GeoPackageStore
from layers import i18n
from layers.styles import HOUSEHOLD_STYLE
from layers.trend import COLUMNS, daily_series


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    i18n.set_language("en")  # the command sets the language for the whole process


def test_csv_has_a_bom_the_header_and_one_row_per_day(tmp_path, sample_copy, capsys):
    out = tmp_path / "趋势.csv"
    code = main(["trend", "--data", str(sample_copy), "--from", "2020-02-01", "--to", "2020-02-10", "--out", str(out)])
    assert code == EXIT_OK
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert tuple(table[0]) == COLUMNS
    assert [row[0] for row in table[1:]] == [f"2020-02-{day:02d}" for day in range(1, 11)]
    expected = daily_series(GeoPackageStore(sample_copy).read_all(), "2020-02-01", "2020-02-10")
    assert [[int(value) for value in row[1:]] for row in table[1:]] == expected.drop(columns="date").values.tolist()
    assert "10" in capsys.readouterr().out


def test_xlsx_of_one_village_reads_back_with_openpyxl(tmp_path, sample_copy):
    out = tmp_path / "village.xlsx"
    code = main(["trend", "--data", str(sample_copy), "--village", "411771360200", "--out", str(out)])
    assert code == EXIT_OK
    sheet = openpyxl.load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    assert len(rows) == 1 + 14
    assert rows[-1][0] == datetime(2020, 2, 19)
    assert sheet.freeze_panes == "A2"
    expected = daily_series(GeoPackageStore(sample_copy).read_all(), village="411771360200")
    assert [list(row[1:]) for row in rows[1:]] == expected.drop(columns="date").values.tolist()


def test_charts_are_svg_with_real_text_and_png(tmp_path, sample_copy):
    svg, png = tmp_path / "trend.svg", tmp_path / "trend.png"
    assert main(["trend", "--data", str(sample_copy), "--out", str(svg)]) == EXIT_OK
    text = svg.read_text(encoding="utf-8")
    assert text.startswith("<svg") and ">02-06<" in text and ">02-19<" in text and "观察中" in text
    assert HOUSEHOLD_STYLE.symbol("observing").fill in text
    assert main(["trend", "--data", str(sample_copy), "--out", str(png)]) == EXIT_OK
    assert png.read_bytes().startswith(b"\x89PNG")
    assert oct(png.stat().st_mode & 0o044) == oct(0o044 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (["--from", "2020-13-01"], "YYYY-MM-DD"),
        (["--to", "19.02.2020"], "YYYY-MM-DD"),
        (["--from", "2020-02-10", "--to", "2020-02-01"], "after"),
        (["--village", "999"], "no village"),
    ],
)
def test_bad_options_fail_with_one_line(tmp_path, sample_copy, capsys, options, words):
    out = tmp_path / "t.csv"
    code = main(["trend", "--data", str(sample_copy), "--lang", "en", "--out", str(out), *options])
    assert code == EXIT_FAILED
    error = capsys.readouterr().err
    assert words in error and error.count("\n") == 1
    assert not out.exists()


@pytest.mark.parametrize("name", ["missing/t.csv", "t.pdf", "t.txt", "folder.csv"])
def test_outputs_it_cannot_write_fail_with_one_line(tmp_path, sample_copy, capsys, name):
    (tmp_path / "folder.csv").mkdir()
    code = main(["trend", "--data", str(sample_copy), "--lang", "en", "--out", str(tmp_path / name)])
    assert code == EXIT_FAILED
    assert capsys.readouterr().err.count("\n") == 1
    assert sorted(path.name for path in tmp_path.iterdir()) == ["folder.csv", "sample.gpkg"]


def test_messages_are_in_chinese_by_default(tmp_path, sample_copy, capsys):
    code = main(["trend", "--data", str(sample_copy), "--village", "999", "--out", str(tmp_path / "t.csv")])
    assert code == EXIT_FAILED
    assert "没有这个编码的村" in capsys.readouterr().err
