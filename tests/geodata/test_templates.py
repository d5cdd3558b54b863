"""Report templates for the village work groups: what the sheet offers, and that it comes back.

Each template is written, read as Excel would show it (headers, lists, formats, the frozen
header, the instructions), filled in by a script as a work group would, and imported.
"""

import datetime as dt

import pytest
from openpyxl import load_workbook

from geodata.importing import apply_plan, plan_import, read_source
from geodata.schema import CHOICE_LABELS, schema_for
from geodata.stores import GeoPackageStore
from geodata.templates import LISTS_SHEET, TemplateError, template_layer, write_template
from layers.messages import message_text
from tests.geodata.import_helpers import INSIDE, assert_same_layers, layers_of

GUANWANGMIAO = "411771360200"


@pytest.fixture
def store(sample_copy):
    return GeoPackageStore(sample_copy)


def make(store, tmp_path, layer, *, lang="zh", village=None, name=None):
    path = tmp_path / (name or f"{layer}-{lang}.xlsx")
    write_template(store.read_all(), layer, path, village=village, lang=lang, say=lambda m: message_text(m, lang=lang))
    return path


def headers(sheet):
    return [cell.value for cell in sheet[1] if cell.value is not None]


def column_of(sheet, header_start: str) -> str:
    for cell in sheet[1]:
        if cell.value and str(cell.value).startswith(header_start):
            return cell.column_letter
    raise AssertionError(f"no column {header_start!r} in {headers(sheet)}")


def list_words(book, sheet, letter: str) -> list[str]:
    """The words of the drop-down list on column ``letter``, as Excel would offer them."""
    [check] = [dv for dv in sheet.data_validations.dataValidation if f"{letter}2:" in str(dv.sqref)]
    assert check.type == "list"
    source = check.formula1
    if source.startswith('"'):
        return source.strip('"').split(",")
    sheet_name, cells = source.split("!")
    assert sheet_name.strip("'") == LISTS_SHEET
    first, last = cells.replace("$", "").split(":")
    return [c.value for row in book[LISTS_SHEET][f"{first}:{last}"] for c in row]


def test_the_household_template_as_excel_shows_it(store, tmp_path):
    book = load_workbook(make(store, tmp_path, "households"))
    sheet, notes, lists = book.worksheets
    assert sheet.title == "居家医学观察户" and notes.title == "填写说明" and lists.sheet_state == "hidden"
    assert headers(sheet)[:4] == ["编号 *", "所属村", "村民组", "观察原因 *"]
    assert headers(sheet)[-2:] == ["经度 *", "纬度 *"]
    assert sheet.freeze_panes == "A2"
    villages = store.read("villages")
    assert list_words(book, sheet, column_of(sheet, "所属村")) == list(villages["name"])
    zh = lambda key: [zh for zh, _en in CHOICE_LABELS[key].values()]  # noqa: E731
    assert list_words(book, sheet, column_of(sheet, "观察原因")) == zh(("households", "reason"))
    assert list_words(book, sheet, column_of(sheet, "状态")) == zh(("households", "status"))
    assert sheet[f"{column_of(sheet, '观察开始')}2"].number_format == "yyyy-mm-dd"
    assert sheet[f"{column_of(sheet, '联系电话')}2"].number_format == "@"  # 138... stays text
    for cell in sheet[1]:
        width = sheet.column_dimensions[cell.column_letter].width
        assert width >= sum(2 if ord(ch) > 0x2E80 else 1 for ch in cell.value), cell.value
    text = "\n".join(str(c.value) for row in notes.iter_rows() for c in row if c.value)
    assert "关王庙乡" in text and "必填" in text and "2020-02-19" in text and "关王庙乡疫情防控指挥部" in text
    assert "个人信息" in text  # the filled sheet holds names and phones
    for header in headers(sheet):
        assert header in text  # every column explained


def test_english_template_has_english_words_and_instructions(store, tmp_path):
    book = load_workbook(make(store, tmp_path, "followups", lang="en"))
    sheet, notes, _lists = book.worksheets
    assert headers(sheet)[:4] == ["ID *", "Household *", "Village", "Time *"]
    assert list_words(book, sheet, column_of(sheet, "Result")) == ["Normal", "Abnormal", "Referred"]
    assert list_words(book, sheet, column_of(sheet, "Symptoms")) == ["Yes", "No"]
    assert sheet[f"{column_of(sheet, 'Time')}2"].number_format == "yyyy-mm-dd hh:mm"
    text = "\n".join(str(c.value) for row in notes.iter_rows() for c in row if c.value)
    assert "Required" in text and "send" in text and "command centre" in text
    villages = store.read("villages")
    for word in sorted([*villages["name"], *villages["work_group"]], key=len, reverse=True):
        text = text.replace(word, "")  # data is never translated
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in text)  # no Chinese sentence


def test_one_village_template_lists_only_that_village(store, tmp_path):
    book = load_workbook(make(store, tmp_path, "followups", village=GUANWANGMIAO))
    sheet = book.worksheets[0]
    assert list_words(book, sheet, column_of(sheet, "所属村")) == ["关王庙村"]
    households = store.read("households")
    own = sorted(households.loc[households["village"] == GUANWANGMIAO, "id"])
    assert list_words(book, sheet, column_of(sheet, "观察户")) == own
    assert "关王庙村工作组" in list_words(book, sheet, column_of(sheet, "上报人"))
    book = load_workbook(make(store, tmp_path, "households", village="关王庙村", name="h.xlsx"))
    sheet = book.worksheets[0]
    groups = int(store.read("villages").set_index("code").loc[GUANWANGMIAO, "groups"])
    assert list_words(book, sheet, column_of(sheet, "村民组")) == [str(n) for n in range(1, groups + 1)]


def test_disinfection_is_the_rounds_and_lists_the_points(store, tmp_path):
    assert template_layer("disinfection") == template_layer("disinfection_rounds") == "disinfection_rounds"
    book = load_workbook(make(store, tmp_path, "disinfection"))
    sheet, notes, _lists = book.worksheets
    assert sheet.title == "消毒记录"
    points = sorted(store.read("disinfection_points")["id"])
    assert list_words(book, sheet, column_of(sheet, "消毒点")) == points
    text = [str(c.value) for row in notes.iter_rows() for c in row if c.value]
    assert set(points) <= set(text)  # the points with their names, for choosing
    with pytest.raises(TemplateError):
        template_layer("roads")
    with pytest.raises(TemplateError, match="no village"):
        make(store, tmp_path, "households", village="999")


# --- filled in and sent back ---------------------------------------------------------------


def fill(path, rows: list[dict]) -> None:
    """Write ``rows`` (header start -> value) under the headers, as a work group would."""
    book = load_workbook(path)
    sheet = book.worksheets[0]
    for number, row in enumerate(rows, start=2):
        for header, value in row.items():
            sheet[f"{column_of(sheet, header)}{number}"] = value
    book.save(path)


FILLED = {
    "households": (
        [
            {
                "编号": "关王庙村-101",
                "所属村": "关王庙村",
                "村民组": "3",
                "观察原因": "湖北返乡",
                "人数": 3,
                "观察开始": dt.datetime(2020, 2, 15),
                "状态": "观察中",
                "户主姓名": "某某",
                "联系电话": "13800000001",
                "经度": INSIDE[0],
                "纬度": INSIDE[1],
            },
            {
                "编号": "关王庙村-102",
                "观察原因": "密切接触者",
                "人数": 2,
                "观察开始": dt.datetime(2020, 2, 10),
                "观察天数": 14,
                "状态": "已解除",
                "解除/转诊日期": dt.datetime(2020, 2, 18),
                "经度": INSIDE[0] + 0.0003,
                "纬度": INSIDE[1],
            },
        ],
        {
            "编号": "关王庙村-103",
            "所属村": "关王庙村",
            "观察原因": "出差",
            "人数": 1,
            "观察开始": dt.datetime(2020, 2, 16),
            "状态": "观察中",
            "经度": INSIDE[0],
            "纬度": INSIDE[1],
        },
        "reason",
    ),
    "followups": (
        [
            {
                "编号": "FU-T-1",
                "观察户": "HH001",
                "所属村": "关王庙村",
                "随访时间": dt.datetime(2020, 2, 19, 9, 0),
                "体温": 36.6,
                "有症状": "否",
                "结果": "正常",
                "上报人": "关王庙村工作组",
            },
            {
                "编号": "FU-T-2",
                "观察户": "HH003",
                "随访时间": dt.datetime(2020, 2, 19, 9, 30),
                "体温": 37.9,
                "有症状": "是",
                "结果": "异常",
                "上报人": "关王庙村工作组",
            },
        ],
        {"编号": "FU-T-3", "观察户": "HH001", "随访时间": dt.datetime(2020, 2, 19, 10, 0), "体温": 36.5},
        "result",
    ),
    "disinfection": (
        [
            {
                "编号": "DR-T-1",
                "消毒点": "DP01",
                "消毒时间": dt.datetime(2020, 2, 19, 8, 0),
                "消毒剂": "含氯消毒液",
                "上报人": "熊楼村工作组",
            },
            {"编号": "DR-T-2", "消毒点": "DP02", "所属村": "杨楼村", "消毒时间": dt.datetime(2020, 2, 19, 8, 30)},
        ],
        {"编号": "DR-T-3", "消毒点": "DP01", "消毒时间": "明天"},
        "time",
    ),
}


@pytest.mark.parametrize("layer", sorted(FILLED))
def test_a_filled_template_imports_and_a_bad_row_stops_it_whole(store, sample_copy, tmp_path, layer):
    good, bad, bad_field = FILLED[layer]
    path = make(store, tmp_path, layer)
    fill(path, [*good, bad])
    before = layers_of(sample_copy)
    target = template_layer(layer)
    plan = plan_import(read_source(path), store.read_all(), target)
    [error] = plan.errors
    assert (error.where, error.field) == ("row 4", bad_field)
    assert "\n" not in str(error) and "某某" not in str(error) and "138" not in str(error)
    assert not plan.can_write(accept_warnings=True)
    assert_same_layers(before, layers_of(sample_copy))

    path = make(store, tmp_path, layer, name="good.xlsx")
    fill(path, good)
    plan = plan_import(read_source(path), store.read_all(), target)
    assert not plan.errors and not plan.warnings, [str(p) for p in plan.problems]
    assert plan.columns.unused == []  # every header of the template is understood
    apply_plan(store, plan)
    stored = store.read(target).set_index("id")
    ids = [row["编号"] for row in good]
    assert set(ids) <= set(stored.index)
    if target == "households":
        first, second = stored.loc[ids[0]], stored.loc[ids[1]]
        assert (first["village"], first["reason"], first["status"]) == (GUANWANGMIAO, "hubei_return", "observing")
        assert (second["village"], second["status"], second["observation_days"]) == (GUANWANGMIAO, "released", 14)
        assert first["observation_start"] == dt.datetime(2020, 2, 15) and first["villager_group"] == 3
        assert first["phone"] == "13800000001"
    elif target == "followups":
        households = store.read("households").set_index("id")
        assert list(stored.loc[ids, "result"]) == ["normal", "abnormal"]
        assert list(stored.loc[ids, "symptoms"]) == [False, True]
        assert stored.loc[ids[1], "village"] == households.loc["HH003", "village"]
    else:
        points = store.read("disinfection_points").set_index("id")
        assert list(stored.loc[ids, "village"]) == list(points.loc[["DP01", "DP02"], "village"])
        assert stored.loc[ids[0], "time"] == dt.datetime(2020, 2, 19, 8, 0)


def test_an_english_template_filled_in_english_words_imports(store, tmp_path):
    path = make(store, tmp_path, "households", lang="en")
    fill(
        path,
        [
            {
                "ID": "E-1",
                "Village": "关王庙村",
                "Reason": "Returned from another province",
                "Persons": 4,
                "Observation start": dt.datetime(2020, 2, 17),
                "Status": "Under observation",
                "Longitude": INSIDE[0],
                "Latitude": INSIDE[1],
            },
        ],
    )
    plan = plan_import(read_source(path), store.read_all(), "households")
    assert not plan.errors and not plan.warnings, [str(p) for p in plan.problems]
    row = plan.rows.iloc[0]
    assert (row["reason"], row["status"], row["village"]) == ("other_province_return", "observing", GUANWANGMIAO)


def test_every_field_of_a_template_is_a_field_of_its_layer():
    from geodata.templates import COLUMNS

    for layer, names in COLUMNS.items():
        assert set(names) <= set(schema_for(layer).field_names)
