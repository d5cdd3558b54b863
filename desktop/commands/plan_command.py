"""``situation-map plan``: coverage of road entries and where new checkpoints would go.

Prints the coverage before and after, the proposed sites with coordinates and village, and
optionally writes them as GeoJSON and as a planning view preset a briefing can print.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from desktop.commands.common import (
    EXIT_FAILED,
    EXIT_OK,
    end_of_day,
    language_option,
    open_store_from_args,
    printed_feedback,
    use_language,
    writable_output,
)


def register(verbs, data_option) -> None:
    from layers.i18n import _

    plan = verbs.add_parser(
        "plan",
        parents=[data_option],
        help=_("find road entries not covered by a checkpoint and propose new checkpoints"),
        description=_(
            "Road entries are where roads cross a village or the township boundary; an "
            "entry is covered when an active checkpoint is within --radius. Proposes --add new "
            "checkpoints that cover the most entry weight (maximal covering, existing checkpoints "
            "kept), or with --lscp the fewest that cover every reachable entry."
        ),
    )
    plan.add_argument(
        "--radius", type=float, default=300.0, metavar="M", help=_("coverage radius in metres (default 300)")
    )
    plan.add_argument("--add", type=int, default=3, metavar="K", help=_("how many new checkpoints (default 3)"))
    plan.add_argument(
        "--lscp",
        action="store_true",
        help=_("instead of --add: the fewest new checkpoints that cover every entry they can"),
    )
    plan.add_argument(
        "--weights",
        metavar="CLASS=W,...",
        default="",
        help=_(
            "road-class weights, e.g. national=5,village=0.5 (default expressway=5, "
            "national=4, provincial=3, county=2, village=1)"
        ),
    )
    plan.add_argument("--along-roads", action="store_true", help=_("measure distances along the roads"))
    plan.add_argument(
        "--spacing",
        type=float,
        default=200.0,
        metavar="M",
        help=_("candidate sites every M metres along each road (default 200)"),
    )
    plan.add_argument(
        "--candidate",
        action="append",
        default=[],
        metavar="LON,LAT",
        help=_("a place to consider as well (repeatable), WGS-84 degrees"),
    )
    plan.add_argument(
        "--household-distance",
        type=float,
        default=1000.0,
        metavar="M",
        help=_(
            "report households under observation further than M metres from every disinfection point (default 1000)"
        ),
    )
    plan.add_argument(
        "--date", metavar="YYYY-MM-DD", help=_("checkpoints active on this day (default: the data's as-of)")
    )
    plan.add_argument("--out", metavar="PROPOSALS.geojson", help=_("write the proposed sites as GeoJSON"))
    plan.add_argument(
        "--save-state",
        metavar="STATE.json",
        help=_("write a view preset showing the plan (for `situation-map brief --state`)"),
    )
    language_option(plan, _("language of the report"))
    plan.set_defaults(run=run_plan)


def run_plan(args) -> int:
    from layers.i18n import _

    use_language(args)
    out = Path(args.out) if args.out else None
    if out is not None and out.suffix.lower() not in (".geojson", ".json"):
        raise ValueError(_("--out {path}: name the proposals *.geojson").format(path=out))
    if args.add < 1 and not args.lscp:
        raise ValueError(_("--add {count}: give 1 or more new checkpoints").format(count=args.add))
    # Before the siting, which may take a while: a place that cannot be written is said now.
    for path in (out, Path(args.save_state) if args.save_state else None):
        if path is not None:
            writable_output(path)
    as_of = end_of_day(args.date) if args.date else None
    from layers.messages import error_text
    from layers.planning import PlanningContext, PlanningError, PlanningOptions, Site, parse_weights, suggest_sites

    try:
        options = PlanningOptions(
            radius_m=args.radius,
            weights=parse_weights(args.weights),
            along_roads=args.along_roads,
            spacing_m=args.spacing,
            household_distance_m=args.household_distance,
        )
        user_sites = tuple(Site(f"U{n}", *_lon_lat(text)) for n, text in enumerate(args.candidate, start=1))
        dataset = open_store_from_args(args).read_all()
        context = PlanningContext(dataset, options, as_of)
        result = suggest_sites(context, args.add, lscp=args.lscp, user_sites=user_sites, feedback=_progress())
    except PlanningError as exc:
        print(f"situation-map plan: {error_text(exc)}", file=sys.stderr)
        return EXIT_FAILED
    print(format_plan(dataset, context, result))
    if out is not None:
        _write_text(out, json.dumps(proposals_geojson(result), ensure_ascii=False, indent=1))
        print(_("Wrote {count} proposed sites to {path}").format(count=len(result.proposals), path=out))
    if args.save_state:
        from layers.map_state import MapState
        from layers.planning.overlay import planning_state

        state = planning_state(MapState(as_of=as_of), options, result.proposals)
        state.save(args.save_state)
        print(_("Wrote the planning view preset {path}").format(path=args.save_state))
    return EXIT_OK


def _lon_lat(text: str) -> tuple[float, float]:
    from geodata.messages import N_, Message
    from layers.planning import PlanningError

    try:
        longitude, latitude = (float(part) for part in text.split(","))
    except ValueError:
        raise PlanningError(
            Message(N_("--candidate {text}: give longitude,latitude in degrees, e.g. 113.97,33.01"), text=repr(text))
        ) from None
    if not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
        raise PlanningError(Message(N_("--candidate {text}: not a longitude,latitude in degrees"), text=repr(text)))
    return longitude, latitude


def _progress():
    from layers.planning.siting import step_text

    return printed_feedback(lambda fraction, message: f"  [{fraction * 100:3.0f} %] {step_text(message)}")


def format_plan(dataset, context, result) -> str:
    """The plan verb's report: coverage before and after, the proposals, per village, gaps."""
    from layers.i18n import _
    from layers.planning.siting import note_text
    from layers.planning.summary import coverage_figures, coverage_text, text_of

    options = context.options
    how = _("along the roads") if options.along_roads else _("straight line")
    before, after = result.before, result.after
    figures = coverage_figures(before, after, proposed_sites=len(result.proposals))
    lines = [
        _(
            "{township}: {entries} road entries, radius {radius:g} m ({how}), {checkpoints} active checkpoints on {day}"
        ).format(
            township=dataset.metadata.get("township_name", ""),
            entries=len(context.entries),
            radius=options.radius_m,
            how=how,
            checkpoints=len(context.checkpoint_sites),
            day=f"{context.as_of:%Y-%m-%d}",
        ),
        coverage_text(figures),
        _("Entry weight covered by existing checkpoints: {weight:g} of {total_weight:g} ({share:.1f} %)").format(
            **_weights(before)
        ),
    ]
    if figures.has_plan:
        lines.append(
            _("Entry weight covered with the proposed sites: {weight:g} of {total_weight:g} ({share:.1f} %)").format(
                **_weights(after)
            )
        )
    lines.append("")
    method = _("fewest to cover all (LSCP)") if result.method == "lscp" else _("maximal covering (MCLP)")
    if result.proposals:
        lines.append(
            _("Proposed new checkpoints: {count}, {method}, from {candidates} candidate sites").format(
                count=len(result.proposals), method=method, candidates=result.candidates
            )
        )
        for p in result.proposals:
            lines.append(
                "  "
                + _("{key}  {longitude:.5f} E  {latitude:.5f} N  {village}  +{gain:g} weight  covers {entries}").format(
                    key=p.key,
                    longitude=p.longitude,
                    latitude=p.latitude,
                    village=text_of(p.village_name) or text_of(p.village),
                    gain=p.gain,
                    entries=", ".join(p.covers) or _("nothing new"),
                )
            )
    else:
        lines.append(_("No new checkpoint proposed."))
    lines += [_("Note: {note}").format(note=note_text(note)) for note in result.notes]
    lines += [
        "",
        _("Share of each village's entry weight covered:"),
        _padded(_("Village"), 10)
        + "".join(_padded_left(word, 14) for word in (_("Entries"), _("Existing"), _("With proposed"))),
    ]
    for b, a in zip(before.villages.itertuples(), after.villages.itertuples(), strict=False):
        lines.append(
            f"{_padded(text_of(b.name), 10)}{int(b.entries):>14}{float(b.share) * 100:>13.0f}%"
            f"{float(a.share) * 100:>13.0f}%"
        )
    gaps = after.uncovered
    lines.append("")
    if len(gaps):
        lines.append(_("Uncovered entries after the proposals: {count}").format(count=len(gaps)))
        for row in gaps.itertuples():
            villages = "/".join(text_of(context.village_names.get(code, code)) for code in row.villages)
            lines.append(
                "  "
                + _("{id}  {longitude:.5f} E  {latitude:.5f} N  {road_class} {road_id}  {villages}").format(
                    id=row.id,
                    longitude=row.longitude,
                    latitude=row.latitude,
                    road_class=_road_class(row.road_class),
                    road_id=text_of(row.road_id),
                    villages=villages,
                )
            )
    else:
        lines.append(_("Every road entry is covered after the proposals."))
    far = after.households_far
    lines.append(
        _("Households under observation farther than {distance:g} m from every disinfection point: {count}").format(
            distance=options.household_distance_m, count=len(far)
        )
    )
    for row in far.itertuples():
        village = text_of(context.village_names.get(row.village, row.village))
        lines.append(f"  {text_of(row.id)}  {village}  {float(row.distance_m):.0f} m")
    return "\n".join(lines)


def _weights(report) -> dict:
    return {"weight": report.covered_weight, "total_weight": report.total_weight, "share": report.share * 100}


def _road_class(road_class: str) -> str:
    from geodata.schema import choice_label
    from layers.i18n import language
    from layers.planning.summary import text_of

    return choice_label("roads", "road_class", text_of(road_class), language())


def _padded_left(text: str, width: int) -> str:
    return " " * max(width - _columns(text), 0) + text


def _columns(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _padded(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal columns (a Chinese character takes two)."""
    return text + " " * max(width - _columns(text), 0)


def proposals_geojson(result) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": p.key,
                "properties": {
                    "key": p.key,
                    "village": p.village,
                    "village_name": p.village_name,
                    "candidate_kind": p.kind,
                    "gain": p.gain,
                    "covers": list(p.covers),
                },
                "geometry": {"type": "Point", "coordinates": [round(p.longitude, 6), round(p.latitude, 6)]},
            }
            for p in result.proposals
        ],
    }


def _write_text(path: Path, text: str) -> None:
    staging = path.with_name(f".{path.name}.saving")
    try:
        staging.write_text(text + "\n", encoding="utf-8")
        staging.replace(path)
    except OSError:
        staging.unlink(missing_ok=True)
        raise
