"""``situation-map template``: the workbook it writes, its refusals, and the way back in."""

import datetime as dt
import hashlib

from openpyxl import load_workbook

from desktop.cli import build_parser, main
from desktop.commands.template_command import LAYERS
from geodata.stores import GeoPackageStore
from geodata.templates import TEMPLATE_LAYERS
from tests.geodata.import_helpers import INSIDE

GUANWANGMIAO = "411771360200"


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fill(path, rows):
    book = load_workbook(path)
    sheet = book.worksheets[0]
    columns = {str(cell.value).rstrip(" *"): cell.column_letter for cell in sheet[1] if cell.value}
    for number, row in enumerate(rows, start=2):
        for header, value in row.items():
            sheet[f"{columns[header]}{number}"] = value
    book.save(path)


def test_the_verb_is_listed_and_knows_every_template():
    assert "template" in build_parser().format_help()
    assert set(LAYERS) == set(TEMPLATE_LAYERS)


def test_writes_the_disinfection_template_in_chinese_and_english(sample_copy, tmp_path, capsys):
    out = tmp_path / "消毒记录.xlsx"
    assert main(["template", "--data", str(sample_copy), "--layer", "disinfection", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert str(out) in said and "消毒记录" in said and "--layer disinfection_rounds" in said
    book = load_workbook(out)
    assert book.sheetnames == ["消毒记录", "填写说明", "lists"]
    assert book.worksheets[0]["A1"].value == "编号 *"
    english = tmp_path / "rounds.xlsx"
    args = ["template", "--data", str(sample_copy), "--layer", "disinfection_rounds", "--out", str(english)]
    assert main(args + ["--lang", "en"]) == 0
    assert "Wrote" in capsys.readouterr().out
    book = load_workbook(english)
    assert book.sheetnames == ["Disinfection rounds", "Instructions", "lists"]
    assert book.worksheets[0]["B1"].value == "Disinfection point *"


def test_refusals_are_one_line_and_write_nothing(sample_copy, tmp_path, capsys):
    base = ["template", "--data", str(sample_copy), "--layer", "households"]
    assert main(base + ["--village", "999", "--out", str(tmp_path / "a.xlsx")]) == 2
    assert capsys.readouterr().err.strip() == "situation-map template: --village 999：没有这个编码的村"
    assert main(base + ["--out", str(tmp_path / "a.csv"), "--lang", "en"]) == 2
    assert ".xlsx" in capsys.readouterr().err
    assert main(base + ["--out", str(tmp_path / "nope" / "a.xlsx"), "--lang", "en"]) == 2
    assert "folder does not exist" in capsys.readouterr().err
    assert list(tmp_path.glob("*.xlsx")) == [] and list(tmp_path.glob(".template-*")) == []


def test_a_village_template_filled_in_imports_all_or_nothing(sample_copy, tmp_path, capsys):
    """The command centre writes a template for 关王庙村, the work group fills it in (here a
    script), one row is wrong: the import names it and writes nothing; corrected, it imports."""
    out = tmp_path / "关王庙村观察户.xlsx"
    assert main(["template", "--data", str(sample_copy), "--layer", "households", "--village", GUANWANGMIAO,
                 "--out", str(out)]) == 0  # fmt: skip
    assert "居家医学观察户填报模板（关王庙村，411771360200）" in capsys.readouterr().out
    good = [
        {"编号": "关王庙村-201", "所属村": "关王庙村", "村民组": "2", "观察原因": "武汉返乡", "人数": 2,
         "观察开始": dt.datetime(2020, 2, 16), "状态": "观察中", "经度": INSIDE[0], "纬度": INSIDE[1]},
        {"编号": "关王庙村-202", "所属村": "关王庙村", "观察原因": "体温异常", "人数": 1,
         "观察开始": dt.datetime(2020, 2, 18), "状态": "已转诊", "解除/转诊日期": dt.datetime(2020, 2, 19),
         "经度": INSIDE[0], "纬度": INSIDE[1] + 0.0002},
    ]  # fmt: skip
    bad = {**good[0], "编号": "关王庙村-203", "人数": 0}
    fill(out, [good[0], bad, good[1]])
    before = digest(sample_copy)
    args = ["import", "--data", str(sample_copy), "--layer", "households", "--from", str(out)]
    assert main(args) == 1
    said = capsys.readouterr()
    errors = [line for line in said.out.splitlines() if line.startswith("error")]
    assert errors == [errors[0]] and "关王庙村观察户.xlsx  row 3  persons:" in errors[0]
    assert "Nothing was imported" in said.err
    assert digest(sample_copy) == before
    fill(out, [good[0], {**bad, "人数": 1}, good[1]])
    assert main(args) == 0
    stored = GeoPackageStore(sample_copy).read("households").set_index("id")
    rows = stored.loc[["关王庙村-201", "关王庙村-202", "关王庙村-203"]]
    assert list(rows["reason"]) == ["wuhan_return", "fever", "wuhan_return"]
    assert list(rows["status"]) == ["observing", "escalated", "observing"]
    assert set(rows["village"]) == {GUANWANGMIAO}
