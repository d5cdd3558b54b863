"""``situation-map brief``: the daily briefing as a PDF, with no one at the machine.

No display is needed (Qt draws offscreen); an atlas prints its progress; any failure is
one line on standard error and a non-zero exit status, and leaves no partial file.
"""

from __future__ import annotations

import sys
from pathlib import Path

from desktop.commands.common import (
    EXIT_FAILED,
    EXIT_OK,
    open_store_from_args,
    printed_feedback,
    state_from_args,
    state_options,
    use_language,
    writable_output,
)


def register(verbs, data_option) -> None:
    from layers.i18n import _

    brief = verbs.add_parser(
        "brief",
        parents=[data_option],
        help=_("write the daily briefing as a PDF: map, figures, tables; atlas pages per village"),
        description=_(
            "Write the daily briefing as a PDF: title, as-of time, the map of the view "
            "(legend, scale bar, north arrow), key figures, figures per village, checkpoints by tier, "
            "supplies and publicity. The public audience (default) names no household; the internal "
            "one adds the observation list and marks every page confidential. Needs no display."
        ),
    )
    brief.add_argument("--out", required=True, metavar="FILE.pdf", help=_("the PDF to write"))
    state_options(brief)
    brief.add_argument("--atlas", action="store_true", help=_("add one page per village after the summary"))
    brief.add_argument(
        "--villages",
        metavar="CODE,...",
        help=_("atlas pages only for these villages (division codes or names, comma-separated)"),
    )
    brief.add_argument("--paper", choices=("A4", "A3"), default="A4", help=_("paper size (default A4)"))
    brief.add_argument("--landscape", action="store_true", help=_("landscape instead of portrait"))
    brief.add_argument(
        "--gcj02",
        action="store_true",
        help=_("a plan's proposed sites also in GCJ-02 coordinates (as Gaode/Tencent maps show them)"),
    )
    brief.set_defaults(run=run_brief)


def run_brief(args) -> int:
    import tempfile

    from layers.briefing.options import BriefingOptions
    from layers.i18n import _

    lang = use_language(args)
    out = _checked_output(Path(args.out))
    villages = tuple(v.strip() for v in args.villages.split(",") if v.strip()) if args.villages else None
    if villages is not None and not args.atlas:
        raise ValueError(_("--villages chooses atlas pages: give --atlas too"))
    state = state_from_args(args)  # a bad --state or --date is said before the browser starts
    if state.audience == "public":
        _pause_collector_if_command()
    options = BriefingOptions(
        atlas=args.atlas,
        villages=villages,
        paper=args.paper,
        landscape=args.landscape,
        lang=lang,
        gcj02=args.gcj02,
    )

    from desktop.briefing.briefing_printer import (
        BriefingPrinter,
        BriefingPrintError,
        application_for_printing,
        print_and_wait,
    )

    application_for_printing()
    printer = BriefingPrinter()
    # The browser's processes start (on the other core) while the document's libraries load,
    # the data is read and the document written: it needs a quarter of a second or so.
    printer.prepare(options)
    from layers.briefing.document import write_briefing_document
    from layers.briefing.options import atlas_village_codes

    staging = out.with_name(f".{out.name}.partial")
    try:
        dataset = open_store_from_args(args).read_all()
        atlas_village_codes(dataset, options)  # an unknown village fails before anything is written
        with tempfile.TemporaryDirectory(prefix="situation-map-brief-") as folder:
            document = write_briefing_document(dataset, state, options, Path(folder))
            print_and_wait(document, staging, options, _progress_printer(document.map_count), printer)
    except BriefingPrintError as exc:
        staging.unlink(missing_ok=True)
        print(f"situation-map: {exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        printer.close()
    staging.replace(out)  # whole or not at all: a reader never sees half a PDF
    print(_("Wrote {path}").format(path=out))
    from desktop import quiet

    if quiet.is_command():
        # The PDF is whole and in place: nothing is left to do (the web profile is off the
        # record), and the ordinary end took a fifth of a second of a summary's 1.6.
        quiet.end_process(EXIT_OK)
    return EXIT_OK


def _pause_collector_if_command() -> None:
    """A public briefing, written and printed in one burst, makes objects that live to the end
    and short-lived ones without cycles: the collector's passes freed next to nothing and were
    about a tenth of a summary's CPU. An internal one, whose list may run to thousands of pages,
    keeps it; so does a test (the process goes on)."""
    import gc

    from desktop import quiet

    if quiet.is_command():
        gc.disable()


def _checked_output(out: Path) -> Path:
    from layers.i18n import _

    if out.suffix.lower() != ".pdf":
        raise ValueError(_("--out {path}: name the briefing *.pdf").format(path=out))
    return writable_output(out)


def _progress_printer(map_count: int):
    """Progress lines for an atlas (more than one map); a single map needs none. The printer
    counts maps drawn, and may say the same count twice."""
    shown: set[str] = set()

    def line(_fraction: float, text: str) -> str | None:
        if map_count < 2 or text in shown:
            return None
        shown.add(text)
        return text

    feedback = printed_feedback(line)

    def report(done: int, total: int, message: str) -> None:
        feedback.report(done / max(total, 1), f"{message}: {done}/{total}")

    return report
