"""Cells as people type them: degrees, dates, counts, yes/no, enumerations, headers."""

import math

import pandas as pd
import pytest

from geodata.importing.columns import map_columns
from geodata.importing.coordinates import parse_angle, parse_pairs
from geodata.importing.values import convert_column, read_time
from geodata.schema import CHECKPOINTS, HOUSEHOLDS, VILLAGES


@pytest.mark.parametrize(
    "cell, degrees",
    [
        ("113.975", 113.975),
        (113.975, 113.975),
        ("113°58'30\"E", 113.975),
        ("113度58分30秒", 113.975),
        ("E113 58 30", 113.975),
        ("113.975E", 113.975),
        ("北纬33.003", 33.003),
        ("33°0'10.8\"S", -33.003),
        ("113°58′30″", 113.975),
        ("-113.5", -113.5),
    ],
)
def test_angles(cell, degrees):
    assert parse_angle(cell) == pytest.approx(degrees)


@pytest.mark.parametrize("cell", ["", "abc", "113°75'", None, True, "1,2"])
def test_not_angles(cell):
    assert math.isnan(parse_angle(cell))


def test_pairs_by_header_order_and_by_size():
    cells = pd.Series(["33.003,113.975", "113.975，33.003", "bad"])
    lon, lat = parse_pairs(cells, "by_size")
    assert list(lon[:2]) == [113.975, 113.975] and list(lat[:2]) == [33.003, 33.003] and math.isnan(lon[2])
    lon, lat = parse_pairs(pd.Series(["33.003,113.975"]), "lat_first")
    assert (lon[0], lat[0]) == (113.975, 33.003)


@pytest.mark.parametrize(
    "cell, day",
    [
        ("2020年2月19日", "2020-02-19"),
        ("2020/2/19", "2020-02-19"),
        ("2020-02-19", "2020-02-19"),
        ("2020.2.19", "2020-02-19"),
        ("20200219", "2020-02-19"),
        (43880, "2020-02-19"),
        ("43880", "2020-02-19"),
        (pd.Timestamp("2020-02-19 08:00").to_pydatetime(), "2020-02-19"),
    ],
)
def test_chinese_and_excel_dates(cell, day):
    assert read_time(cell, date_only=True) == pd.Timestamp(day)


def test_times_keep_the_clock():
    assert read_time("2020年2月19日 14:30", date_only=False) == pd.Timestamp("2020-02-19 14:30")
    assert read_time("2020/2/19 8时5分", date_only=False) == pd.Timestamp("2020-02-19 08:05")


@pytest.mark.parametrize("cell", ["2020年13月1日", "2020-02-30", "yesterday", 12, True])
def test_not_dates(cell):
    assert read_time(cell, date_only=True) is None


def test_enumerations_by_chinese_english_or_code_and_the_rest_reported():
    cells = pd.Series(["湖北返乡", "Returned from Wuhan", "close_contact", "密接", "火星", None])
    values, problems = convert_column(cells, HOUSEHOLDS.field("reason"), "households")
    assert values.tolist()[:4] == ["hubei_return", "wuhan_return", "close_contact", "close_contact"]
    assert values.iloc[5] is None
    assert list(problems) == [4] and "湖北返乡 (hubei_return)" in problems[4]


def test_counts_with_units_and_yes_no_words():
    persons, _ = convert_column(pd.Series(["3人", "4", 5.0, "五"]), HOUSEHOLDS.field("persons"), "households")
    assert persons.tolist() == [3, 4, 5, "五"]  # the last is left for validation to report
    flags, _ = convert_column(pd.Series(["是", "否", "有", "√", "×"]), CHECKPOINTS.field("staffed_24h"), "checkpoints")
    assert flags.tolist() == [True, False, True, True, False]


def test_headers_in_chinese_english_and_with_units():
    columns = map_columns(
        HOUSEHOLDS, ["编号", "村", "Reason", "人数（人）", "观察开始日期", "* 状态", "东经", "北纬", "备注栏"]
    )
    assert columns.fields == {
        "id": "编号",
        "village": "村",
        "reason": "Reason",
        "persons": "人数（人）",
        "observation_start": "观察开始日期",
        "status": "* 状态",
    }
    assert (columns.longitude, columns.latitude) == ("东经", "北纬")
    assert columns.unused == ["备注栏"]
    villages = map_columns(VILLAGES, ["adcode", "name", "村名"], spatial_source=True)
    assert villages.fields["code"] == "adcode" and villages.clashes == {"name": ["name", "村名"]}
