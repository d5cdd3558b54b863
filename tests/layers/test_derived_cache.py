"""DerivedCache: what a view keeps between redraws is used only while its key holds."""

import datetime as dt

import pandas as pd

from layers.derived_cache import DerivedCache
from layers.map_state import MapState, Planning
from layers.page_model import page_model
from layers.planning.overlay import context_for
from tests.layers.planning_factories import two_clusters

DAY = dt.datetime(2020, 2, 19, 18, 0)


def test_situations_are_kept_for_their_as_of_only():
    cache = DerivedCache()
    as_of = pd.Timestamp(DAY)
    assert cache.situations_on(as_of) is None
    situations = {"households": pd.DataFrame()}
    cache.keep_situations(as_of, situations)
    assert cache.situations_on(as_of) is situations
    assert cache.situations_on(as_of + pd.Timedelta(hours=1)) is None


def test_a_filter_change_reuses_the_situations_and_another_day_does_not():
    dataset, cache = two_clusters().conformed(), DerivedCache()
    state = MapState(as_of=DAY, audience="internal")
    page_model(dataset, state, cache=cache)
    kept = dict(cache.situations)
    assert set(kept) == {"checkpoints", "households", "disinfection_points"}
    page_model(dataset, state.with_filters(overdue_only=True), cache=cache)
    assert all(cache.situations[name] is frame for name, frame in kept.items())
    page_model(dataset, state.replace(as_of=DAY + dt.timedelta(days=1)), cache=cache)
    assert not any(cache.situations[name] is frame for name, frame in kept.items())


def test_the_planning_context_is_kept_while_options_and_day_hold():
    dataset, cache = two_clusters(), DerivedCache()
    context = context_for(dataset, Planning(), DAY, cache)
    assert context_for(dataset, Planning(), DAY, cache) is context
    assert context_for(dataset, Planning(radius_m=500.0), DAY, cache) is not context
    assert context_for(dataset, Planning(radius_m=500.0), DAY + dt.timedelta(days=1), cache) is not context
