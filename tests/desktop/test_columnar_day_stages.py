"""On the columnar page a change of day draws each household in the class the day's situation
gives it (its stage read from its steps over the days, layers/day_stages.py, not from its
facts): before its observation began, while observed, on a past day read from the events and
after its release, and back on the dataset's own day."""

import pandas as pd
import pytest

import layers.page_columns as page_columns
from geodata.stores import GeoPackageStore
from layers.map_state import MapState
from layers.situation import household_situation, resolve_as_of
from tests.desktop.pagetools import evaluate, open_map, wait_applied

INTERNAL = MapState(audience="internal")
DAYS = ("2020-01-20T12:00", "2020-02-01T12:00", "2020-02-10T09:00", "2020-02-16T18:00", None)


@pytest.fixture(autouse=True)
def households_as_columns(monkeypatch):
    monkeypatch.setattr(page_columns, "COLUMNAR_AT", 0)


def test_the_page_draws_each_household_in_the_class_of_its_day(qtbot, tmp_path, sample_copy):
    sample = GeoPackageStore(sample_copy).read_all()
    view = open_map(qtbot, tmp_path, sample, INTERNAL)
    assert view.columnar == {"households"}
    ids = sample.households["id"].tolist()
    seen_before_start = seen_after_release = False
    for day in DAYS:
        state = INTERNAL.replace(as_of=day)
        wait_applied(qtbot, view, lambda state=state: view.set_state(state))
        as_of = resolve_as_of(state, sample)
        situation = household_situation(sample.households, as_of, sample)
        expected = {i: (None if pd.isna(s) else s) for i, s in zip(ids, situation["stage"].astype(object), strict=True)}
        drawn = evaluate(
            qtbot,
            view,
            f"{ids!r}.map(function (id) {{ return [id, SituationMap.properties('households', id).stage]; }})",
        )
        assert dict(drawn) == expected, day
        starts = sample.households["observation_start"]
        seen_before_start |= bool((starts > as_of).any())
        seen_after_release |= bool(((situation["stage"] == "released") & (situation["release_date"] < as_of)).any())
    assert seen_before_start and seen_after_release  # the days hold both cases
