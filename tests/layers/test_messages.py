"""Problems found in data are shown in the window's language; their English stays as it was."""

import pickle

import pandas as pd
import pytest

from geodata.importing import plan_import, read_source
from geodata.messages import N_, Message, Template
from geodata.stores import GeoPackageStore
from geodata.validation import validate
from layers.messages import message_text, problem_line, problem_text
from tests.geodata.import_helpers import INSIDE, household_row, write_csv


@pytest.fixture
def store(sample_copy):
    return GeoPackageStore(sample_copy)


def import_problems(store, tmp_path, rows):
    path = write_csv(tmp_path / "观察户.csv", rows)
    return plan_import(read_source(path), store.read_all(), "households").problems


def only(problems, field, severity=None):
    found = [p for p in problems if p.field == field and (severity is None or p.severity == severity)]
    assert len(found) == 1, [str(p) for p in problems]
    return found[0]


def test_a_bad_date_in_chinese_keeps_the_cell_and_says_how_to_write_it(store, tmp_path):
    problem = only(import_problems(store, tmp_path, [household_row(1, 观察开始="2020-02-30")]), "observation_start")
    assert problem.message == "'2020-02-30' is not a date; write dates as YYYY-MM-DD"
    assert problem_text(problem, lang="zh") == "'2020-02-30' 不是日期；日期请写成 YYYY-MM-DD"
    assert problem_text(problem, lang="en") == problem.message


def test_an_unknown_village_in_chinese_lists_the_villages(store, tmp_path):
    problem = only(import_problems(store, tmp_path, [household_row(1, 所属村="火星村")]), "village")
    text = problem_text(problem, lang="zh")
    assert text.startswith("'火星村' 不是本乡的村；请填写以下之一：")
    assert "关王庙村 (411771360200)" in text
    assert "is not a village" in str(problem)


def test_swapped_coordinates_in_chinese(store, tmp_path):
    rows = [household_row(1, 经度=str(INSIDE[1]), 纬度=str(INSIDE[0])), household_row(2)]
    problem = only(import_problems(store, tmp_path, rows), "geometry", "warning")
    assert problem_text(problem, lang="zh") == "本行经度和纬度填反了；已按互换后读取"
    line = problem_line(problem, lang="zh")
    assert line.startswith("警告") and "观察户.csv  第 2 行  geometry: 本行经度和纬度填反了" in line
    assert problem_line(problem, lang="en") == str(problem)


def test_validation_problems_in_chinese_name_fields_by_their_labels(store):
    dataset = store.read_all()
    households = dataset.households.copy()
    households["status"] = households["status"].astype(object)
    households.loc[households.index[0], ["status", "status_date"]] = ["released", pd.NaT]
    households.loc[households.index[1], ["status", "observation_start", "status_date"]] = [
        "released",
        pd.Timestamp("2020-02-20"),
        pd.Timestamp("2020-02-10"),
    ]
    dataset["households"] = households
    problems = [p for p in validate(dataset) if p.layer == "households"]
    missing = next(p for p in problems if "no status_date" in p.message)
    assert problem_text(missing, lang="zh") == (
        "状态为“已解除”（released），但没有解除/转诊日期（status_date）；请填写解除观察的日期"
    )
    order = next(p for p in problems if "is before" in p.message)
    assert order.message == (
        "status_date 2020-02-10 is before observation_start 2020-02-20; correct one of the two dates"
    )
    assert problem_text(order, lang="zh") == (
        "解除/转诊日期 (status_date) 2020-02-10 早于 观察开始 (observation_start) 2020-02-20；请改正其中一个日期"
    )


def test_a_nested_phrase_is_translated_and_data_is_not():
    message = Message(N_("{value} is not a number"), value=Message(N_("the value")))
    assert message == "the value is not a number"
    assert message_text(message, lang="zh") == "该值 不是数字"
    data = Message(N_("{value} is not a number"), value="'the value'")
    assert message_text(data, lang="zh") == "'the value' 不是数字"


def test_a_message_without_template_or_translation_is_shown_as_it_is():
    assert message_text("a library's own words", lang="zh") == "a library's own words"
    untranslated = Message("no translation for {thing}", thing="x")
    assert message_text(untranslated, lang="zh") == "no translation for x"


def test_messages_and_templates_survive_pickling_and_read_as_english():
    template = Template(N_("{value} is not one of the allowed values; write one of {choices}"), choices="a, b")
    assert template == "{value} is not one of the allowed values; write one of a, b"
    message = template.format(value="'c'")
    assert message == "'c' is not one of the allowed values; write one of a, b"
    copy = pickle.loads(pickle.dumps(message))
    assert copy == message and copy.template == message.template and copy.params == message.params
    assert message_text(copy, lang="zh") == "'c' 不是允许的取值；请填写以下之一：a, b"
