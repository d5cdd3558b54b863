"""The planning part of a MapState: optional, JSON round trip, old presets, checks; and the
overlay every render of such a state draws."""

import json

import pytest

from geodata.sample.bundled import bundled_sample_path
from geodata.stores import open_store
from layers.map_state import MapState, MapStateError, PlannedSite, Planning
from layers.page_model import page_model, page_update
from layers.planning import PlanningContext, PlanningOptions, suggest_sites
from layers.planning.overlay import options_of, planning_overlay, planning_state

VERSION_1_PRESET = {
    "version": 1,
    "title": "晨报",
    "as_of": None,
    "visible_layers": ["villages", "roads", "checkpoints"],
    "filters": {
        "villages": None,
        "checkpoint_tiers": None,
        "checkpoint_statuses": None,
        "household_reasons": None,
        "household_statuses": None,
        "observation_days": None,
        "overdue_only": False,
    },
    "view": {"bounds": None, "center": None, "zoom": None},
    "basemap": "none",
    "labels": True,
    "audience": "public",
    "village_fill": "households_under_observation",
}


@pytest.fixture(scope="module")
def sample():
    return open_store(bundled_sample_path()).read_all()


def test_a_version_1_preset_loads_without_planning_and_writes_back_the_same():
    state = MapState.from_dict(VERSION_1_PRESET)
    assert state.planning is None
    assert state.to_dict() == VERSION_1_PRESET


def test_planning_round_trips_through_json():
    planning = Planning(
        radius_m=450,
        along_roads=True,
        weights=(("national", 6.0), ("village", 0.5)),
        proposed=(PlannedSite(113.97, 33.01, "P1", 4.0),),
        what_if=(PlannedSite(113.98, 33.0, "W1"),),
    )
    state = MapState(planning=planning)
    text = state.to_json()
    assert json.loads(text)["planning"]["weights"] == {"national": 6.0, "village": 0.5}
    assert MapState.from_json(text) == state
    assert options_of(planning).weight_of("national") == 6.0 and options_of(planning).weight_of("county") == 0


@pytest.mark.parametrize(
    "planning, message",
    [
        ({"radius_m": 0}, "planning.radius_m: must be above 0"),
        ({"radius": 300}, "planning.radius: unknown key"),
        ({"weights": {"lane": 1}}, "planning.weights: 'lane' is not one of"),
        ({"proposed": [{"longitude": 200, "latitude": 33}]}, "planning.site.longitude: 200 is outside"),
        ({"what_if": [[113.9, 33.0]]}, "planning.what_if: expected site objects"),
    ],
)
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


def _sample_truth(sample, overlay_entries, sites, radius):
    """Entries covered by the active checkpoints, and with ``sites`` too, counted by brute force."""
    from layers.situation import checkpoint_situation
    from tests.layers.planning_factories import covered_in_straight_line

    context = PlanningContext(sample, PlanningOptions(radius_m=radius))
    active = sample.checkpoints[checkpoint_situation(sample.checkpoints, context.as_of)["active"].to_numpy()]
    checkpoints = list(zip(active.geometry.x, active.geometry.y, strict=False))
    entries = [(e["lng"], e["lat"]) for e in overlay_entries]
    existing = covered_in_straight_line(entries, checkpoints, radius)
    planned = covered_in_straight_line(entries, checkpoints + [(s.longitude, s.latitude) for s in sites], radius)
    return int(existing.sum()), int(planned.sum()), len(entries)


def test_the_summary_says_existing_and_planned_coverage_apart(sample):
    from layers.i18n import set_language

    context = PlanningContext(sample, PlanningOptions())
    gaps = context.coverage().uncovered
    # A proposal on each of two gaps and a what-if on a third: each covers at least its own.
    proposed = tuple(
        PlannedSite(r.longitude, r.latitude, f"P{n}", 1.0) for n, r in enumerate(gaps.iloc[:2].itertuples(), 1)
    )
    what_if = (PlannedSite(gaps.iloc[2].longitude, gaps.iloc[2].latitude, "W1"),)
    state = MapState(planning=Planning(proposed=proposed, what_if=what_if, show_gaps=True))
    for lang, words in (
        ("zh", ("现有卡点已覆盖", "加上拟设 2 处、假设 1 处")),
        ("en", ("by existing", "2 proposed and 1 what-if")),
    ):
        set_language(lang)
        try:
            overlay = planning_overlay(sample, state, context.as_of)
        finally:
            set_language("en")
        existing, planned, total = _sample_truth(sample, overlay["entries"], proposed + what_if, 300)
        assert planned > existing
        summary = overlay["summary"]
        first, second = summary.split(" · ")[:2]
        assert f"{existing}/{total}" in first and words[0] in first
        assert f"{planned}/{total}" in second and words[1] in second
        # An entry only the plan covers is drawn apart from one a checkpoint covers.
        assert sum(e["covered"] for e in overlay["entries"]) == existing
        assert sum(e["covered"] or e["planned"] for e in overlay["entries"]) == planned


def test_along_roads_the_overlay_carries_the_road_each_site_reaches_and_no_radius_alone(sample):
    state = MapState(
        planning=Planning(along_roads=True, show_gaps=True, proposed=(PlannedSite(113.97, 33.0, "P1", 1.0),))
    )
    import shapely

    from tests.layers.planning_factories import METRIC, to_metric

    overlay = planning_overlay(sample, state, None)
    assert overlay["alongRoads"] is True
    roads = shapely.union_all(sample.roads.to_crs(METRIC).geometry.to_numpy())
    for checkpoint in overlay["checkpoints"]:  # a site further from every road than the radius reaches none
        x, y = to_metric(checkpoint["lng"], checkpoint["lat"])
        assert bool(checkpoint["reach"]) == (shapely.distance(shapely.Point(x, y), roads) < 300)
    assert all(len(line) >= 2 for c in overlay["checkpoints"] for line in c["reach"])
    assert overlay["proposed"][0]["reach"]
    assert "along the roads" in overlay["summary"]
    assert [item["key"] for item in overlay["legend"]][0] == "reach"


def test_a_plan_that_cannot_be_drawn_says_why_in_the_page_language():
    from layers.i18n import set_language
    from tests.layers.planning_factories import planning_dataset

    set_language("zh")
    try:
        overlay = planning_overlay(planning_dataset([]), MapState(planning=Planning()), None)
    finally:
        set_language("en")
    assert overlay["error"].startswith("数据中没有道路") and overlay["entries"] == []
