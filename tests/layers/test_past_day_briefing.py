"""A briefing of a past day says nothing that was only known later (issue 16, item 2)."""

import dataclasses
import json

import pytest

from geodata.sample.bundled import bundled_sample_path
from geodata.stores import GeoPackageStore
from layers.briefing.content import briefing_content
from layers.briefing.options import BriefingOptions
from layers.map_state import MapState
from tests.later_dates import later_dates


@pytest.fixture(scope="module")
def sample():
    return GeoPackageStore(bundled_sample_path()).read_all()


@pytest.mark.parametrize("day", ["2020-02-01", "2020-02-10", "2020-02-14"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_date_after_the_day_except_planned_releases_and_the_print_stamp(sample, day, lang):
    state = MapState().replace(as_of=f"{day}T08:00", audience="internal")
    briefing = briefing_content(sample, state, BriefingOptions(lang=lang, atlas=True))
    record = dataclasses.asdict(briefing)
    record["generated_text"] = ""  # when it was printed, not a fact of the day
    planned = briefing.observation.headers.index("Release date" if lang == "en" else "解除日期")
    record["observation"]["rows"] = [
        [c for i, c in enumerate(row) if i != planned] for row in record["observation"]["rows"]
    ]
    text = json.dumps(record, default=str, ensure_ascii=False)
    assert later_dates(text, day) == []
    assert briefing.observation.rows, "the internal list is empty: the test would see no dates"
