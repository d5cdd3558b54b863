"""The briefing's content and HTML document, without Qt: figures, privacy, atlas, escaping."""

from __future__ import annotations

import re
from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from geodata.feedback import Cancelled, Feedback
from geodata.sample.bundled import bundled_sample_path
from geodata.stores import open_store
from layers.briefing.cells import cell_text
from layers.briefing.content import briefing_content
from layers.briefing.document import css_string, page_css, write_briefing_document
from layers.briefing.options import BriefingError, BriefingOptions
from layers.map_state import MapState, PlannedSite, Planning
from tests.geodata.factories import EAST, WEST, tiny_dataset

GENERATED = datetime(2020, 2, 20, 7, 30)


@pytest.fixture(scope="module")
def sample():
    return open_store(bundled_sample_path()).read_all()


def under_observation_by_hand(households: pd.DataFrame, day: str) -> pd.Series:
    """Households under observation on ``day``, straight from the rules, per village code."""
    day = pd.Timestamp(day)
    start = pd.to_datetime(households["observation_start"])
    last = start + pd.to_timedelta(households["observation_days"].fillna(14) - 1, unit="D")
    settled = pd.to_datetime(households["status_date"]) <= day
    ended = households["status"].isin(["released", "escalated"]) & settled
    observing = (start <= day) & (day <= last) & ~ended
    return households[observing].groupby("village").size()


def test_village_table_matches_figures_counted_by_hand(sample):
    content = briefing_content(sample, MapState(), BriefingOptions(), GENERATED)
    table = content.tables[0]
    column = table.headers.index("户数")  # under the group header 居家观察
    assert ("居家观察", 4) in table.groups
    expected = under_observation_by_hand(sample.households, "2020-02-19")
    names = dict(zip(sample.villages["code"], sample.villages["name"], strict=False))
    shown = {row[0]: int(row[column]) for row in table.rows}
    assert shown == {names[c]: int(expected.get(c, 0)) for c in sample.villages["code"]}
    assert int(table.total[column]) == int(expected.sum())
    active = sample.checkpoints[sample.checkpoints["status"] == "active"]
    assert int(table.total[table.headers.index("值守合计")]) == len(active)


def test_public_content_names_nobody(sample):
    content = briefing_content(sample, MapState(audience="public"), BriefingOptions(atlas=True), GENERATED)
    assert content.observation is None
    assert content.confidential_mark == ""
    cells = " ".join(" ".join(row) for t in content.tables for row in t.rows)
    for name in sample.households["head_name"]:
        assert name not in cells


def test_internal_content_lists_the_households_under_observation(sample):
    content = briefing_content(sample, MapState(audience="internal"), BriefingOptions(), GENERATED)
    assert content.confidential_mark == "内部资料 注意保密"
    listed = {row[0] for row in content.observation.rows}
    situation = under_observation_by_hand(sample.households, "2020-02-19")
    escalated = sample.households[
        (sample.households["status"] == "escalated")
        & (pd.to_datetime(sample.households["status_date"]) <= "2020-02-19")
    ]
    assert len(listed) == int(situation.sum()) + len(escalated)
    first = content.observation.rows[0]
    assert re.fullmatch(r"第 \d+/14 天|", first[7])


def test_atlas_pages_follow_the_chosen_villages_by_code_or_name():
    dataset = tiny_dataset()
    content = briefing_content(dataset, MapState(), BriefingOptions(atlas=True, villages=("东村", WEST)), GENERATED)
    assert [page.code for page in content.villages] == [WEST, EAST]  # in the layer's order
    assert briefing_content(dataset, MapState(), BriefingOptions(), GENERATED).villages == []


def test_an_unknown_village_is_refused_with_the_known_ones():
    with pytest.raises(BriefingError, match="unknown village '411'.*999999000201 西村"):
        briefing_content(tiny_dataset(), MapState(), BriefingOptions(atlas=True, villages=("411",)))


def test_paper_and_language_are_checked():
    with pytest.raises(BriefingError, match="paper 'B5'"):
        BriefingOptions(paper="B5")
    assert BriefingOptions(paper="A3", landscape=True).page_size_mm == (420.0, 297.0)


def test_english_briefing_speaks_english(sample):
    content = briefing_content(sample, MapState(), BriefingOptions(lang="en"), GENERATED)
    assert content.title == "Guanwangmiao Township epidemic-prevention situation briefing"
    assert content.tables[0].total[0] == "Township total"


def test_public_document_holds_no_personal_data_anywhere(sample, tmp_path):
    document = write_briefing_document(sample, MapState(), BriefingOptions(atlas=True), tmp_path, GENERATED)
    text = "".join(p.read_text(encoding="utf-8") for p in tmp_path.glob("*.*") if p.is_file())
    assert document.map_count == 11
    for column in ("head_name", "phone"):
        for value in sample.households[column].dropna():
            assert value not in text
    assert "示例记录" not in text  # the households' notes


def test_an_atlas_document_reports_each_map_and_a_cancel_stops_it_at_the_next(sample, tmp_path):
    maps = []

    def stop_after_three(fraction, message):
        if message == "map data":
            maps.append(fraction)
            if len(maps) == 3:
                feedback.cancel()

    feedback = Feedback(stop_after_three)
    with pytest.raises(Cancelled):
        write_briefing_document(sample, MapState(), BriefingOptions(atlas=True), tmp_path, GENERATED, feedback=feedback)
    assert len(maps) == 3 and maps == sorted(maps)
    assert not (tmp_path / "briefing.html").exists()


def test_data_text_is_escaped_in_the_document(tmp_path):
    dataset = tiny_dataset().conformed()  # as a store reads it
    dataset.villages.loc[0, "name"] = "<script>alert(1)</script>"
    dataset.metadata["issuing_body"] = 'x"; } body { display: none'
    document = write_briefing_document(dataset, MapState(audience="internal"), BriefingOptions(), tmp_path, GENERATED)
    html = document.path.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'x"; }' not in html  # the issuing body is a CSS string in the page footer


def test_page_rule_has_numbers_time_and_mark_only_for_internal(sample):
    internal = briefing_content(sample, MapState(audience="internal"), BriefingOptions(), GENERATED)
    public = briefing_content(sample, MapState(), BriefingOptions(paper="A3", landscape=True), GENERATED)
    rule = page_css(internal, BriefingOptions())
    assert "size: 210mm 297mm" in rule and "counter(pages)" in rule
    assert css_string("内部资料 注意保密") in rule and "@top-right" in rule
    assert css_string("生成时间 2020-02-20 07:30") in rule
    assert "@top-right" not in page_css(public, BriefingOptions(paper="A3", landscape=True))
    assert "size: 420mm 297mm" in page_css(public, BriefingOptions(paper="A3", landscape=True))


# -- issue 13: every value as the records say, long texts cut and kept whole ---------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        (np.bool_(True), "是"),
        (np.bool_(False), "否"),
        (True, "是"),
        (pd.NA, ""),
        (None, ""),
        (float("nan"), ""),
        (pd.NaT, ""),
        (np.datetime64("NaT"), ""),
        (np.int64(12345), "12,345"),
        (np.float64(6116.5), "6,116.5"),
        (np.float64(22284.0), "22,284"),
        (pd.Timestamp("2020-02-19 18:00"), "2020-02-19"),
        ("", ""),
        ("示例", "示例"),
    ],
)
def test_cell_text_knows_numpy_and_pandas_scalars(value, expected):
    assert cell_text(value, yes="是", no="否") == expected


def test_checkpoints_staffed_around_the_clock_say_so(sample):
    assert sample.checkpoints["staffed_24h"].dtype == bool  # numpy bools, as a store reads them
    content = briefing_content(sample, MapState(), BriefingOptions(), GENERATED)
    column = content.tables[1].headers.index("24小时")
    printed = [row[column] for table in content.tables[1:5] for row in table.rows]
    assert len(printed) == int(sample.checkpoints["staffed_24h"].sum()) == 29
    assert set(printed) == {"是"}


def test_missing_values_print_as_empty_cells_never_as_nan(sample):
    dataset = sample.copy()
    checkpoints = dataset.checkpoints.copy()
    checkpoints["staff_on_shift"] = checkpoints["staff_on_shift"].astype("Int64")
    checkpoints.loc[checkpoints.index[0], ["staff_on_shift", "note"]] = [pd.NA, None]
    checkpoints["staffed_24h"] = checkpoints["staffed_24h"].astype(object)
    checkpoints.loc[checkpoints.index[1], "staffed_24h"] = None
    households = dataset.households.copy()
    households.loc[households.index, "note"] = np.nan
    households["villager_group"] = pd.array([pd.NA] * len(households), dtype="Int64")
    supplies = dataset["supplies"].copy()
    supplies.loc[supplies.index[0], "quantity"] = np.nan
    dataset["checkpoints"], dataset["households"], dataset["supplies"] = checkpoints, households, supplies
    content = briefing_content(dataset, MapState(audience="internal"), BriefingOptions(atlas=True), GENERATED)
    tables = [*content.tables, content.observation, *(t for page in content.villages for t in page.tables)]
    cells = [cell for table in tables for row in table.rows for cell in row]
    for bad in ("nan", "NaN", "NaT", "<NA>", "None"):
        assert not [cell for cell in cells if bad in cell], bad
    first = next(row for row in content.tables[1].rows if row[0] == checkpoints["id"].iloc[0])
    assert first[5] == ""


def test_a_long_note_is_cut_and_printed_whole_in_the_appendix(sample):
    dataset = sample.copy()
    households = dataset.households.copy()
    long_note = "群消息转发：" + "今天下午三点在村委会门口发放口罩，请各户派一人领取，不要聚集。\n" * 12
    listed = briefing_content(sample, MapState(audience="internal"), BriefingOptions(), GENERATED).observation
    first_id = listed.rows[0][0]
    households.loc[households["id"] == first_id, "note"] = long_note
    dataset["households"] = households
    content = briefing_content(dataset, MapState(audience="internal"), BriefingOptions(), GENERATED)
    row = next(r for r in content.observation.rows if r[0] == first_id)
    assert "…" in row[-1] and len(row[-1]) < 30
    mark = row[-1][row[-1].index("…") + 1 :]
    entry = next(e for e in content.appendix.rows if e[0] == mark)
    assert entry[2] == long_note and first_id in entry[1]
    public = briefing_content(dataset, MapState(), BriefingOptions(), GENERATED)
    assert public.appendix is None or long_note not in str(public.appendix.rows)


def test_a_plan_briefing_lists_its_proposed_sites(sample):
    state = MapState(planning=Planning(proposed=(PlannedSite(113.966126, 33.019178, "P1"),)))
    plain = briefing_content(sample, state, BriefingOptions(), GENERATED).proposals
    assert plain.headers[:4] == ["点位", "行政村", "经度", "纬度"] and ("GCJ-02", 2) not in plain.groups
    row = plain.rows[0]
    assert row[:4] == ["P1", "孙吴庄村", "113.966126", "33.019178"]
    with_gcj = briefing_content(sample, state, BriefingOptions(gcj02=True), GENERATED).proposals
    assert ("GCJ-02", 2) in with_gcj.groups and len(with_gcj.rows[0]) == len(row) + 2
    assert briefing_content(sample, MapState(), BriefingOptions(), GENERATED).proposals is None
