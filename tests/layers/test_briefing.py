"""The briefing's content and HTML document, without Qt: figures, privacy, atlas, escaping."""

from __future__ import annotations

import re
from datetime import datetime

import pandas as pd
import pytest

from geodata.sample.bundled import bundled_sample_path
from geodata.store import open_store
from layers.briefing.content import briefing_content
from layers.briefing.document import css_string, page_css, write_briefing_document
from layers.briefing.options import BriefingError, BriefingOptions
from layers.map_state import MapState
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
    column = table.headers.index("居家观察户")
    expected = under_observation_by_hand(sample.households, "2020-02-19")
    names = dict(zip(sample.villages["code"], sample.villages["name"]))
    shown = {row[0]: int(row[column]) for row in table.rows}
    assert shown == {names[c]: int(expected.get(c, 0)) for c in sample.villages["code"]}
    assert int(table.total[column]) == int(expected.sum())
    active = sample.checkpoints[sample.checkpoints["status"] == "active"]
    assert int(table.total[table.headers.index("值守卡点")]) == len(active)


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
    escalated = sample.households[(sample.households["status"] == "escalated")
                                  & (pd.to_datetime(sample.households["status_date"]) <= "2020-02-19")]
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
