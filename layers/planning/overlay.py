"""The planning part of a MapState, and what the map page draws for it.

Any render of a MapState with ``planning`` (the window, a saved page, a briefing) draws the
same overlay: coverage circles round the active checkpoints, the road entries (uncovered
ones marked), and the proposed and what-if sites with the entry weight each adds.
"""

from __future__ import annotations

from geodata.dataset import Dataset
from layers.i18n import _
from layers.map_state import MapState, Planning, PlannedSite
from layers.planning.coverage import PlanningContext, Site
from layers.planning.options import DEFAULT_WEIGHTS, PlanningOptions
from layers.styles import planning_style_for_page

_DECIMALS = 6


def options_of(planning: Planning) -> PlanningOptions:
    """The planning options a MapState's planning part stands for."""
    weights = dict(DEFAULT_WEIGHTS) if planning.weights is None else dict(planning.weights)
    return PlanningOptions(radius_m=planning.radius_m, weights=weights, along_roads=planning.along_roads)


def planning_state(state: MapState, options: PlanningOptions, proposals=(), what_if=()) -> MapState:
    """``state`` with a planning part showing ``options`` and the given proposals."""
    planning = Planning(
        radius_m=options.radius_m, along_roads=options.along_roads,
        weights=tuple(sorted(options.weights.items())),
        proposed=tuple(PlannedSite(p.longitude, p.latitude, p.key, p.gain) for p in proposals),
        what_if=tuple(what_if),
    )
    return state.replace(planning=planning)


def context_for(dataset: Dataset, planning: Planning, as_of, memo: dict | None = None) -> PlanningContext:
    """The planning context of ``dataset``, remembered in ``memo`` while options and day hold."""
    options = options_of(planning)
    key = (options, str(as_of))
    if memo is not None and memo.get("planning_key") == key:
        return memo["planning_context"]
    context = PlanningContext(dataset, options, as_of)
    if memo is not None:
        memo.update(planning_key=key, planning_context=context)
    return context


def planning_overlay(dataset: Dataset, state: MapState, as_of, memo: dict | None = None) -> dict | None:
    """What the page draws for ``state.planning`` (None when the state has none).

    Returns
    -------
    dict
        ``radius`` (m), ``showGaps``, ``entries`` [{id, lng, lat, covered, weight}],
        ``checkpoints`` [{id, lng, lat}] (the active ones: circle centres), ``proposed`` and
        ``whatIf`` [{label, lng, lat, gain}], ``summary`` texts and ``legend`` items.
    """
    planning = state.planning
    if planning is None:
        return None
    try:
        context = context_for(dataset, planning, as_of, memo)
    except ValueError as exc:  # no roads, no villages: the page says why instead of drawing
        return {"radius": planning.radius_m, "error": str(exc), "showGaps": False, "entries": [],
                "checkpoints": [], "proposed": [], "whatIf": [], "legend": [], "summary": ""}
    # Keys of their own: two sites may carry the same label.
    extra = [Site(f"#{n}", s.longitude, s.latitude)
             for n, s in enumerate(planning.proposed + planning.what_if, start=1)]
    base = context.coverage()
    report = context.coverage(extra)
    uncovered_before = set(base.uncovered["id"])
    weight_of = dict(zip(report.entries["id"], report.entries["weight"]))

    def sites(planned, offset):
        result = []
        for n, site in enumerate(planned):
            key = extra[offset + n].key
            gain = sum(weight_of[e] for e in report.by_site.get(key, ()) if e in uncovered_before)
            result.append({"label": site.label, "lng": round(site.longitude, _DECIMALS),
                           "lat": round(site.latitude, _DECIMALS), "gain": round(gain, 2)})
        return result

    style = planning_style_for_page()
    return {
        "radius": planning.radius_m,
        "showGaps": planning.show_gaps,
        "entries": [
            {"id": row.id, "lng": round(row.longitude, _DECIMALS), "lat": round(row.latitude, _DECIMALS),
             "covered": bool(row.covered), "weight": float(row.weight)}
            for row in report.entries.itertuples()
        ],
        "checkpoints": [{"id": s.key, "lng": round(s.longitude, _DECIMALS), "lat": round(s.latitude, _DECIMALS)}
                        for s in context.checkpoint_sites],
        "proposed": sites(planning.proposed, 0),
        "whatIf": sites(planning.what_if, len(planning.proposed)),
        "summary": _("Road entries covered: {covered} of {total} ({share:.0f} % of the weight), radius {radius:g} m")
        .format(covered=report.covered_count, total=len(report.entries), share=report.share * 100,
                radius=planning.radius_m),
        "style": style,
        "words": {"gap": _("Uncovered road entry"), "entry": _("Covered road entry")},
        "legend": _legend(planning, style),
    }


def _legend(planning: Planning, style: dict) -> list[dict]:
    items = []
    if planning.show_gaps:
        items += [("coverage", _("Checkpoint coverage ({radius:g} m)").format(radius=planning.radius_m)),
                  ("gap", _("Uncovered road entry")), ("entry", _("Covered road entry"))]
    if planning.proposed:
        items.append(("proposed", _("Proposed checkpoint (+ weight covered)")))
    if planning.what_if:
        items.append(("what_if", _("What-if checkpoint")))
    return [{"key": key, "svg": style[key]["svg"], "label": label} for key, label in items]
