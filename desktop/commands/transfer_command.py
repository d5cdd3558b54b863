"""The ``import`` and ``export`` verbs: real files into a layer, a layer out to a file.

    situation-map import --layer households --from 观察户.csv --crs gcj02 --dry-run
    situation-map export --layer checkpoints --out 卡点.xlsx --audience public
    situation-map export --layer households --out 观察户.shp --for import --date 2020-02-14

Exit status: 0 done (or a dry run without errors), 1 the file has problems (nothing written),
2 the command could not be carried out.
"""

from __future__ import annotations

import sys
from pathlib import Path

from desktop.commands.common import (
    EXIT_DATA_ERRORS,
    EXIT_FAILED,
    EXIT_OK,
    end_of_day,
    language_option,
    open_store_from_args,
    printed_feedback,
    use_language,
    writable_output,
)
from layers.i18n import _

# Smaller files are read and checked before anyone would wonder.
_PROGRESS_FROM_ROWS = 5000
_PROGRESS_FROM_BYTES = 1_000_000
# The names a report template goes by (situation-map template --layer disinfection), read as
# the layer they report into, so the name on the template imports it back.
LAYER_ALIASES = {"disinfection": "disinfection_rounds"}


def register(verbs, data_option) -> None:
    from geodata.importing import MODES
    from geodata.schema import SCHEMAS

    layers = list(SCHEMAS)
    importing = verbs.add_parser(
        "import",
        parents=[data_option],
        help=_("import a CSV, XLSX, GeoJSON, Shapefile or GeoPackage file into a layer"),
        description=_(
            "Check a file and import it into a layer in one transaction. Every problem is "
            "listed with file, row and field; nothing is written when there are errors (or warnings, "
            "unless --accept-warnings)."
        ),
    )
    importing.add_argument(
        "--layer", required=True, type=_layer_name, choices=layers, help=_("the layer to import into")
    )
    importing.add_argument("--from", dest="source", required=True, metavar="FILE", help=_("the file to import"))
    importing.add_argument(
        "--crs",
        help=_(
            "coordinate system of the file: wgs84 (default), cgcs2000, gcj02 "
            "(Gaode/Tencent/WeChat), bd09 (Baidu) or EPSG:<code>"
        ),
    )
    importing.add_argument(
        "--mode",
        choices=MODES,
        default="append",
        help=_("append new ids (default), update features by id, or replace the layer"),
    )
    importing.add_argument(
        "--dry-run", action="store_true", help=_("check and show what would be imported; write nothing")
    )
    importing.add_argument("--encoding", help=_("text encoding of a CSV or Shapefile (default: detected)"))
    importing.add_argument("--sheet", help=_("the sheet of a workbook, or the layer of a GeoPackage"))
    importing.add_argument("--accept-warnings", action="store_true", help=_("import even when there are warnings"))
    importing.add_argument(
        "--allow-removal",
        action="store_true",
        help=_("let a replace remove every feature of the layer or more than half of them"),
    )
    language_option(importing, _("language of the messages"))
    importing.set_defaults(run=run_import)

    exporting = verbs.add_parser(
        "export",
        parents=[data_option],
        help=_("export a layer to CSV, XLSX, GeoJSON, GeoPackage or a zipped shapefile"),
        description=_(
            "Write one layer to a .csv, .xlsx, .geojson, .gpkg or .shp file (a shapefile is "
            "written as one zip). By default the file is for people: headers in their language, village "
            "names, values as words, dates as dates; --for import keeps field names and codes. Both "
            "import back. The public audience (default) leaves out personal data (household head names, "
            "phones, notes, home locations)."
        ),
    )
    exporting.add_argument("--layer", required=True, type=_layer_name, choices=layers, help=_("the layer to export"))
    exporting.add_argument(
        "--out", required=True, metavar="FILE", help=_(".csv, .xlsx, .geojson, .gpkg or .shp (.zip) file to write")
    )
    exporting.add_argument(
        "--for",
        dest="form",
        choices=("people", "import"),
        default="people",
        help=_("people (default): labels, names and words; import: field names and codes"),
    )
    exporting.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        help=_("the records as they stood on that day (its evening), from the events; default: as they are"),
    )
    language_option(exporting, _("language of the headers, the words and the messages"))
    exporting.add_argument(
        "--audience",
        choices=("public", "internal"),
        default="public",
        help=_("public (default) leaves out personal fields"),
    )
    exporting.add_argument(
        "--encoding",
        choices=("utf-8", "gbk"),
        default="utf-8",
        help=_("CSV text encoding: utf-8 with BOM (default, Excel opens it) or gbk"),
    )
    exporting.set_defaults(run=run_export)


def _layer_name(name: str) -> str:
    return LAYER_ALIASES.get(name, name)


def run_import(args) -> int:
    from desktop.os_errors import error_text
    from geodata.importing import ImportFailure, apply_plan, plan_import, read_source

    use_language(args)
    store = open_store_from_args(args)
    feedback = printed_feedback(_progress_line())
    try:
        size = Path(args.source).stat().st_size if Path(args.source).is_file() else 0
        source = read_source(
            args.source,
            encoding=args.encoding,
            sheet=args.sheet,
            layer_hint=args.layer,
            feedback=feedback if size >= _PROGRESS_FROM_BYTES else None,
        )
        plan = plan_import(
            source,
            store.read_all(),
            args.layer,
            crs=args.crs,
            mode=args.mode,
            feedback=feedback if len(source.frame) >= _PROGRESS_FROM_ROWS else None,
        )
    except ImportFailure as exc:
        _print_problems(exc.problems, args.layer)
        print(_("Nothing was imported: {reason}").format(reason=error_text(exc)), file=sys.stderr)
        return EXIT_DATA_ERRORS if exc.problems else EXIT_FAILED
    _print_source(source, plan)
    _print_problems(plan.problems, args.layer)
    _print_counts(plan)
    if plan.errors:
        print(
            _("Nothing was imported: {count} error(s). Correct the file and import it again.").format(
                count=len(plan.errors)
            ),
            file=sys.stderr,
        )
        return EXIT_DATA_ERRORS
    if plan.warnings and not args.accept_warnings and not args.dry_run:
        print(
            _("Nothing was imported: {count} warning(s). Check them, then import again with --accept-warnings.").format(
                count=len(plan.warnings)
            ),
            file=sys.stderr,
        )
        return EXIT_DATA_ERRORS
    if args.dry_run:
        print(_("Dry run: nothing was written."))
        return EXIT_OK
    if plan.removes_most and not args.allow_removal:
        print(
            _(
                "Nothing was imported: {file} would leave {layer} with {kept} of its {count} features "
                "({removed} removed). If that is meant, import again with --allow-removal."
            ).format(
                file=source.name, layer=args.layer, kept=len(plan.result), count=len(plan.base), removed=plan.removed
            ),
            file=sys.stderr,
        )
        return EXIT_FAILED
    try:
        apply_plan(store, plan, accept_warnings=args.accept_warnings, allow_removal=args.allow_removal)
    except ImportFailure as exc:
        print(_("Nothing was imported: {reason}").format(reason=error_text(exc)), file=sys.stderr)
        return EXIT_FAILED
    print(_("Imported into {layer} of {path}.").format(layer=args.layer, path=getattr(store, "path", args.data)))
    return EXIT_OK


def run_export(args) -> int:
    from geodata.export import export_layer, written_path

    lang = use_language(args)
    day = end_of_day(args.date) if args.date else None  # a bad day is refused before any reading
    path = writable_output(written_path(args.out))
    store = open_store_from_args(args)
    dataset = store.read_all()
    if day is not None:
        from layers.day_records import records_on_day

        dataset = records_on_day(dataset, day)
    count = export_layer(
        dataset, args.layer, path, audience=args.audience, encoding=args.encoding, form=args.form, lang=lang
    )
    audience = _("public: without personal data") if args.audience == "public" else _("internal: with personal data")
    print(
        _("Wrote {count} rows of {layer} to {path} ({audience}).").format(
            count=count, layer=args.layer, path=path, audience=audience
        )
    )
    return EXIT_OK


def _progress_line():
    """A line at every tenth of the way: a big file reports thousands of times."""
    last = {"step": -1}

    def line(fraction: float, text: str) -> str | None:
        step = int(fraction * 10)
        if step == last["step"]:
            return None
        last["step"] = step
        return _("  {percent:3d}%  {what}").format(percent=int(fraction * 100), what=_(text))

    return line


def _print_source(source, plan) -> None:
    from layers.messages import message_text

    details = [source.name, source.kind.upper()]
    if source.encoding:
        details.append(_("encoding {name}").format(name=source.encoding))
    if source.sheet:
        details.append(_("sheet {name}").format(name=source.sheet))
    details.append(_("coordinates {crs}").format(crs=plan.crs if len(plan.crs) < 40 else "WKT"))
    print(" · ".join(details))
    for note in source.notes:
        print("  " + message_text(note))
    mapped = ", ".join(f"{column} → {field}" for field, column in plan.columns.fields.items())
    print(_("Columns: {mapping}").format(mapping=mapped or "—"))


def _print_problems(problems, layer: str) -> None:
    from layers.messages import problem_line

    for problem in problems:
        print(problem_line(problem, layer=layer))


def _print_counts(plan) -> None:
    counts = plan.counts
    print(
        _(
            "{added} to add, {updated} to update, {skipped} skipped, {removed} to remove; "
            "{errors} error(s), {warnings} warning(s)"
        ).format(errors=len(plan.errors), warnings=len(plan.warnings), **counts)
    )
