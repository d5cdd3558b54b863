"""The planning part of a MapState, and what the map page draws for it.

Any render of a MapState with ``planning`` (the window, a saved page, a briefing) draws the
same overlay: the coverage of the active checkpoints (circles, or in along-roads mode the road
each reaches), the road entries (uncovered ones marked, those only the plan would cover marked
apart), and the proposed and what-if sites with the entry weight each adds.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import cast

from geodata.dataset import Dataset
from layers.derived_cache import DerivedCache
from layers.i18n import _
from layers.map_state import MapState, PlannedSite, Planning
from layers.messages import error_text
from layers.planning.coverage import PlanningContext, Site
from layers.planning.options import DEFAULT_WEIGHTS, PlanningOptions
from layers.planning.summary import coverage_figures, coverage_text
from layers.styles import Symbol, planning_style_for_page

_DECIMALS = 6


def options_of(planning: Planning) -> PlanningOptions:
    """The planning options a MapState's planning part stands for."""
    weights = dict(DEFAULT_WEIGHTS) if planning.weights is None else dict(planning.weights)
    return PlanningOptions(radius_m=planning.radius_m, weights=weights, along_roads=planning.along_roads)


def planning_state(state: MapState, options: PlanningOptions, proposals=(), what_if=()) -> MapState:
    """``state`` with a planning part showing ``options`` and the given proposals."""
    planning = Planning(
        radius_m=options.radius_m,
        along_roads=options.along_roads,
        weights=tuple(sorted(options.weights.items())),
        proposed=tuple(PlannedSite(p.longitude, p.latitude, p.key, p.gain) for p in proposals),
        what_if=tuple(what_if),
    )
    return state.replace(planning=planning)


def context_for(dataset: Dataset, planning: Planning, as_of, cache: DerivedCache | None = None) -> PlanningContext:
    """The planning context of ``dataset``, kept in ``cache`` while options and day hold."""
    options = options_of(planning)
    key = (options, str(as_of))
    kept = cache.planning_for(key) if cache is not None else None
    if kept is not None:
        return kept
    context = PlanningContext(dataset, options, as_of)
    if cache is not None:
        cache.keep_planning(key, context)
    return context


def planning_overlay(dataset: Dataset, state: MapState, as_of, cache: DerivedCache | None = None) -> dict | None:
    """What the page draws for ``state.planning`` (None when the state has none).

    Returns
    -------
    dict
        ``radius`` (m), ``alongRoads``, ``showGaps``, ``entries`` [{id, lng, lat, covered,
        planned, weight}] (``covered``: by an existing checkpoint; ``planned``: only once the
        plan's sites stand), ``checkpoints`` [{id, lng, lat, reach}] (the active ones),
        ``proposed`` and ``whatIf`` [{label, lng, lat, gain, reach}], ``coverage`` (the
        :class:`CoverageFigures` as a dict), ``summary`` text and ``legend`` items. ``reach``
        is, in along-roads mode, the road the site reaches within the radius as polylines of
        [lng, lat] (else empty: the page draws a circle).
    """
    planning = state.planning
    if planning is None:
        return None
    try:
        context = context_for(dataset, planning, as_of, cache)
    except ValueError as exc:  # no roads, no villages: the page says why instead of drawing
        return {
            "radius": planning.radius_m,
            "alongRoads": planning.along_roads,
            "error": error_text(exc),
            "showGaps": False,
            "entries": [],
            "checkpoints": [],
            "proposed": [],
            "whatIf": [],
            "legend": [],
            "summary": "",
            "coverage": None,
        }
    # Keys of their own: two sites may carry the same label.
    extra = [
        Site(f"#{n}", s.longitude, s.latitude) for n, s in enumerate(planning.proposed + planning.what_if, start=1)
    ]
    base = context.coverage()
    report = context.coverage(extra)
    figures = coverage_figures(base, report, len(planning.proposed), len(planning.what_if))
    uncovered_before = set(base.uncovered["id"])
    weight_of = dict(zip(report.entries["id"], report.entries["weight"], strict=False))
    # Reaching along the roads costs a search per site: only for what is drawn.
    checkpoints_drawn = context.checkpoint_sites if planning.show_gaps else ()
    reaches = context.reach(tuple(checkpoints_drawn) + tuple(extra))
    checkpoint_reach, site_reach = reaches[: len(checkpoints_drawn)], reaches[len(checkpoints_drawn) :]

    def sites(planned, offset):
        result = []
        for n, site in enumerate(planned):
            key = extra[offset + n].key
            gain = sum(float(weight_of[e]) for e in report.by_site.get(key, ()) if e in uncovered_before)
            result.append(
                {
                    "label": str(site.label),
                    "lng": _degrees(site.longitude),
                    "lat": _degrees(site.latitude),
                    "gain": round(gain, 2),
                    "reach": _lines(site_reach[offset + n]),
                }
            )
        return result

    style = _page_style()
    return {
        "radius": float(planning.radius_m),
        "alongRoads": bool(planning.along_roads),
        "showGaps": bool(planning.show_gaps),
        "entries": [
            {
                "id": str(row.id),
                "lng": _degrees(row.longitude),
                "lat": _degrees(row.latitude),
                "covered": row.id not in uncovered_before,
                "planned": bool(row.covered) and row.id in uncovered_before,
                "weight": float(cast(float, row.weight)),  # pandas-stubs types a tuple's cell as any scalar
            }
            for row in report.entries.itertuples()
        ],
        "checkpoints": [
            {
                "id": s.key,
                "lng": _degrees(s.longitude),
                "lat": _degrees(s.latitude),
                "reach": _lines(checkpoint_reach[n]) if n < len(checkpoint_reach) else [],
            }
            for n, s in enumerate(context.checkpoint_sites)
        ],
        "proposed": sites(planning.proposed, 0),
        "whatIf": sites(planning.what_if, len(planning.proposed)),
        "coverage": asdict(figures),
        "summary": coverage_text(figures) + " · " + _radius_text(planning),
        "style": style,
        "words": {
            "gap": _("Uncovered road entry"),
            "entry": _("Covered road entry"),
            "planned": _("Road entry covered once the plan's sites stand"),
        },
        "legend": _legend(planning, style),
    }


def _degrees(value) -> float:
    return round(float(value), _DECIMALS)


def _lines(lines) -> list:
    return [[[_degrees(lng), _degrees(lat)] for lng, lat in line] for line in lines]


def _radius_text(planning: Planning) -> str:
    if planning.along_roads:
        return _("radius {radius:g} m along the roads").format(radius=planning.radius_m)
    return _("radius {radius:g} m").format(radius=planning.radius_m)


def _page_style() -> dict:
    """The planning symbols, with the two only this overlay draws: the road a site reaches
    (along-roads mode) and an entry only the plan's sites would cover."""
    style = planning_style_for_page()
    coverage, proposed = style["coverage"], style["proposed"]
    reach = Symbol(
        "reach",
        "可达道路",
        "Road within reach",
        "line",
        coverage["stroke"],
        coverage["stroke"],
        size=6,
        stroke_width=0,
        fill_opacity=0.55,
    )
    planned = Symbol(
        "planned",
        "拟设覆盖入口",
        "Entry covered by the plan",
        "circle",
        "#ffffff",
        proposed["fill"],
        size=12,
        stroke_width=3,
        dash="3 2",
    )
    for symbol in (reach, planned):
        style[symbol.key] = {**asdict(symbol), "svg": symbol.svg()}
    return style


def _legend(planning: Planning, style: dict) -> list[dict]:
    items = []
    if planning.show_gaps:
        if planning.along_roads:
            items.append(
                (
                    "reach",
                    _("Road within {radius:g} m of a checkpoint, along the roads").format(radius=planning.radius_m),
                )
            )
        else:
            items.append(("coverage", _("Checkpoint coverage ({radius:g} m)").format(radius=planning.radius_m)))
        items += [("gap", _("Uncovered road entry")), ("entry", _("Covered road entry"))]
        if planning.proposed or planning.what_if:
            items.append(("planned", _("Road entry covered once the plan's sites stand")))
    if planning.proposed:
        items.append(("proposed", _("Proposed checkpoint (+ weight covered)")))
    if planning.what_if:
        items.append(("what_if", _("What-if checkpoint")))
    return [{"key": key, "svg": style[key]["svg"], "label": label} for key, label in items]
