"""A plan briefing's table of proposed checkpoint sites: where each is and what it covers.

The coordinates are WGS-84 (what the data and a GPS use); on request also GCJ-02, the
offset coordinates Chinese map apps (Gaode, Tencent, WeChat) show, so a site can be found
on a phone. Coverage is computed as the map's planning overlay computes it.
"""

from __future__ import annotations

from geodata.chinese_crs import wgs84_to_gcj02
from geodata.dataset import Dataset
from geodata.messages import N_
from layers.briefing.cells import cell_text
from layers.briefing.table import Table
from layers.map_state import MapState

COORDINATE_DECIMALS = 6  # about 0.1 m: a site can be staked out from the paper


def proposals_table(dataset: Dataset, state: MapState, as_of, options, tr):
    """The proposed and what-if sites of ``state.planning``; None for a state without any."""
    planning = state.planning
    if planning is None or not (planning.proposed or planning.what_if):
        return None
    # Only a plan briefing needs the planning code (a third of a second of imports).
    from layers.planning.coverage import Site
    from layers.planning.options import PlanningError
    from layers.planning.overlay import context_for

    planned = planning.proposed + planning.what_if
    try:
        context = context_for(dataset, planning, as_of)
    except PlanningError:
        context = None  # no roads or villages: the sites are listed without coverage
    covered_by_site, village_of = {}, {}
    if context is not None:
        extra = [Site(f"#{n}", s.longitude, s.latitude) for n, s in enumerate(planned, start=1)]
        uncovered_before = set(context.coverage().uncovered["id"])
        report = context.coverage(extra)
        weight = dict(zip(report.entries["id"], report.entries["weight"], strict=False))
        for extra_site in extra:
            new = [e for e in report.by_site.get(extra_site.key, ()) if e in uncovered_before]
            covered_by_site[extra_site.key] = (new, sum(weight[e] for e in new))
            code = context.village_of(extra_site.longitude, extra_site.latitude)
            village_of[extra_site.key] = cell_text(context.village_names.get(code, code))

    def degrees(value) -> str:
        return f"{float(value):.{COORDINATE_DECIMALS}f}"

    rows, keys = [], []
    for number, site in enumerate(planned, start=1):
        key = f"#{number}"
        new, gain = covered_by_site.get(key, ([], None))
        row = [cell_text(site.label) or key, village_of.get(key, ""), degrees(site.longitude), degrees(site.latitude)]
        if options.gcj02:
            lon, lat = wgs84_to_gcj02(site.longitude, site.latitude)
            row += [degrees(lon), degrees(lat)]
        row += [cell_text(len(new)) if context is not None else "", ", ".join(new), cell_text(gain)]
        rows.append(row)
        keys.append(row[0])
    coordinate_headers = [tr(N_("Longitude")), tr(N_("Latitude"))]
    headers = [tr(N_("Site")), tr(N_("Village")), *coordinate_headers]
    groups = [("", 2), ("WGS-84", 2)]
    widths: list[float] = [7, 11, 13, 13]
    if options.gcj02:
        headers += coordinate_headers
        groups.append(("GCJ-02", 2))
        widths += [13, 13]
    headers += [tr(N_("Entries")), tr(N_("Road entries newly covered")), tr(N_("Weight added"))]
    groups.append(("", 3))
    widths += [8, 25, 9]
    numeric = [False, False, True, True, *([True, True] if options.gcj02 else []), True, False, True]
    caption = tr(N_("Proposed checkpoint sites ({count})")).format(count=len(rows))
    return Table(
        caption,
        headers,
        rows,
        numeric,
        widths=widths,
        groups=groups,
        limits=[10, 16, *[None] * (len(headers) - 5), 40, None],
        keys=keys,
        note=tr(
            N_(
                "Entries: road entries the site covers that no active checkpoint covered; "
                "weight: their road-class weight."
            )
        ),
    )
