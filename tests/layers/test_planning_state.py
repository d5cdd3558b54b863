"""The planning part of a MapState: optional, JSON round trip, old presets, checks; and the
overlay every render of such a state draws."""

import json

import pytest

from geodata.sample.bundled import bundled_sample_path
from geodata.store import open_store
from layers.map_state import MapState, MapStateError, Planning, PlannedSite
from layers.page_model import page_model, page_update
from layers.planning import PlanningContext, PlanningOptions, suggest_sites
from layers.planning.overlay import options_of, planning_overlay, planning_state

VERSION_1_PRESET = {
    "version": 1, "title": "晨报", "as_of": None,
    "visible_layers": ["villages", "roads", "checkpoints"],
    "filters": {"villages": None, "checkpoint_tiers": None, "checkpoint_statuses": None,
                "household_reasons": None, "household_statuses": None, "observation_days": None,
                "overdue_only": False},
    "view": {"bounds": None, "center": None, "zoom": None},
    "basemap": "none", "labels": True, "audience": "public", "village_fill": "households_under_observation",
}


@pytest.fixture(scope="module")
def sample():
    return open_store(bundled_sample_path()).read_all()


def test_a_version_1_preset_loads_without_planning_and_writes_back_the_same():
    state = MapState.from_dict(VERSION_1_PRESET)
    assert state.planning is None
    assert state.to_dict() == VERSION_1_PRESET


def test_planning_round_trips_through_json():
    planning = Planning(radius_m=450, along_roads=True, weights=(("national", 6.0), ("village", 0.5)),
                        proposed=(PlannedSite(113.97, 33.01, "P1", 4.0),),
                        what_if=(PlannedSite(113.98, 33.0, "W1"),))
    state = MapState(planning=planning)
    text = state.to_json()
    assert json.loads(text)["planning"]["weights"] == {"national": 6.0, "village": 0.5}
    assert MapState.from_json(text) == state
    assert options_of(planning).weight_of("national") == 6.0 and options_of(planning).weight_of("county") == 0


@pytest.mark.parametrize("planning, message", [
    ({"radius_m": 0}, "planning.radius_m: must be above 0"),
    ({"radius": 300}, "planning.radius: unknown key"),
    ({"weights": {"lane": 1}}, "planning.weights: 'lane' is not one of"),
    ({"proposed": [{"longitude": 200, "latitude": 33}]}, "planning.site.longitude: 200 is outside"),
    ({"what_if": [[113.9, 33.0]]}, "planning.what_if: expected site objects"),
])
def test_bad_planning_values_are_named(planning, message):
    with pytest.raises(MapStateError, match=message):
        MapState.from_dict({"planning": planning})


def test_the_page_model_carries_the_overlay_and_updates_only_when_the_plan_changes(sample):
    plain = page_model(sample, MapState())
    assert plain.texts["planning"] is None
    state = planning_state(MapState(), PlanningOptions())
    with_plan = page_model(sample, state)
    overlay = with_plan.texts["planning"]
    context = PlanningContext(sample, PlanningOptions())
    assert [e["id"] for e in overlay["entries"] if not e["covered"]] == list(context.coverage().uncovered["id"])
    assert len(overlay["checkpoints"]) == 29
    assert page_update(with_plan, page_model(sample, state)).get("planning") is None
    moved = state.replace(planning=Planning(what_if=(PlannedSite(113.97, 33.0, "W1"),)))
    assert page_update(with_plan, page_model(sample, moved))["planning"]["whatIf"][0]["label"] == "W1"


def test_overlay_gains_are_the_newly_covered_weight(sample):
    context = PlanningContext(sample, PlanningOptions())
    result = suggest_sites(context, 2)
    state = planning_state(MapState(), PlanningOptions(), result.proposals)
    overlay = planning_overlay(sample, state, context.as_of)
    assert [(s["label"], s["gain"]) for s in overlay["proposed"]] == [(p.key, p.gain) for p in result.proposals]
    assert overlay["summary"].count(str(result.after.covered_count)) >= 1
