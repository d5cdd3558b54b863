"""The ``situation-map`` command: the window by default, and verbs for work without one.

Errors from the data and map packages become one clear line and an exit status, never a
traceback: 0 success, 1 the data has errors, 2 the command could not be carried out.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from geodata import __version__
from geodata.errors import GeodataError

EXIT_OK, EXIT_DATA_ERRORS, EXIT_FAILED = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    data_option = argparse.ArgumentParser(add_help=False)
    data_option.add_argument(
        "--data",
        metavar="PATH_OR_URL",
        help="dataset: a .gpkg file, or a shared PostGIS database (postgresql://user@host/db or "
        "service=NAME; passwords from ~/.pgpass); default: your working copy of the sample",
    )
    parser = argparse.ArgumentParser(
        prog="situation-map",
        parents=[data_option],
        description="Township Situation Map / 乡镇疫情防控态势图. Without a command, opens the map window.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--lang",
        choices=("zh", "en"),
        help="language of the window (default: the system's; Chinese on a Chinese system)",
    )
    wall = parser.add_argument_group("wall display (with --wall)")
    wall.add_argument("--wall", action="store_true", help="full-screen wall display for the command centre")
    wall.add_argument(
        "--presets",
        metavar="FILE_OR_DIR",
        help="view presets to cycle through (default: the township, then each village)",
    )
    wall.add_argument("--screen", type=int, default=0, metavar="N", help="screen number (default 0)")
    wall.add_argument(
        "--refresh",
        type=float,
        default=30,
        metavar="SECONDS",
        help="how often the data is checked for changes (default 30)",
    )
    wall.add_argument(
        "--dwell", type=float, default=60, metavar="SECONDS", help="how long each preset is shown (default 60)"
    )
    wall.add_argument("--theme", choices=("dark", "light"), default="dark", help="dark (default) or light")
    verbs = parser.add_subparsers(dest="verb", metavar="COMMAND")
    check = verbs.add_parser(
        "check",
        parents=[data_option],
        help="count the features of every layer and list every problem in the data",
        description="Print a per-layer count table and every problem. Exit status 0 when "
        "there are no errors (warnings allowed), 1 when there are.",
    )
    # SUPPRESS: without it, this default would overwrite the --lang given before the verb.
    check.add_argument(
        "--lang",
        choices=("zh", "en"),
        default=argparse.SUPPRESS,
        help="language of the problems (default: English, or the --lang before the verb)",
    )
    sample = verbs.add_parser(
        "sample",
        help="write the illustrative Guanwangmiao sample dataset",
        description="Write the illustrative Guanwangmiao sample dataset to a new GeoPackage.",
    )
    sample.add_argument("--out", required=True, metavar="PATH.gpkg", help="file to create")
    sample.add_argument("--force", action="store_true", help="replace the file if it exists")
    page = verbs.add_parser(
        "map",
        parents=[data_option],
        help="write the situation map as an offline web page (a folder you can copy)",
        description="Write the situation map page, its data and every asset it loads into the "
        "folder of --out, so it opens offline in any browser, also when copied elsewhere.",
    )
    page.add_argument("--out", required=True, metavar="FILE.html", help="the page to write")
    state_options(page)
    for module_name in VERB_MODULES:
        # Each module adds its verbs with set_defaults(run=...); heavy imports stay inside run.
        importlib.import_module(module_name).register(verbs, data_option)
    return parser


# Verbs that live in their own modules: each has register(verbs, data_option).
VERB_MODULES = (
    "desktop.brief_command",
    "desktop.plan_command",
    "desktop.transfer_command",
    "desktop.db_command",
)


def state_options(verb: argparse.ArgumentParser) -> None:
    verb.add_argument("--state", metavar="STATE.json", help="a saved MapState (view preset)")
    verb.add_argument("--date", metavar="YYYY-MM-DD", help="show the situation on this day")
    verb.add_argument(
        "--audience",
        choices=("public", "internal"),
        help="public (default) leaves out household points and personal data",
    )
    verb.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the page (default zh)")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.verb == "check":
            return run_check(args)
        if args.verb == "sample":
            return run_sample(args)
        if args.verb == "map":
            return run_map(args)
        if getattr(args, "run", None) is not None:
            return args.run(args)
        from desktop.launch import launch_window

        return launch_window(args)
    except (GeodataError, ValueError, OSError) as exc:
        print(f"situation-map: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("situation-map: interrupted", file=sys.stderr)
        return EXIT_FAILED


def data_path(args) -> Path | str:
    """The dataset the user named (a file path, or a database location kept as text: a URL
    made into a Path would lose its "//"), or their working copy of the sample."""
    if args.data:
        from geodata.postgis.location import is_database_location

        return args.data if is_database_location(args.data) else Path(args.data)
    from desktop.userdata import working_copy

    return working_copy()


def open_store_from_args(args):
    """The store --data names (a .gpkg path or a PostGIS database), or the working copy."""
    from geodata.store import open_store

    return open_store(data_path(args))


def run_check(args) -> int:
    from desktop.report import format_check_report
    from geodata.store import open_store
    from geodata.validation import has_errors, validate
    from layers.i18n import set_language

    # Explicit: the language must not depend on whatever ran before in this process.
    set_language(getattr(args, "lang", None) or "en")
    store = open_store(data_path(args))
    dataset = store.read_all()
    problems = validate(dataset)
    print(format_check_report(store.path, dataset, problems))
    return EXIT_DATA_ERRORS if has_errors(problems) else EXIT_OK


def run_sample(args) -> int:
    from geodata.sample import write_sample
    from geodata.store import lock_path_of

    out = Path(args.out)
    if out.exists() and not args.force:
        print(f"situation-map: {out} exists; give --force to replace it", file=sys.stderr)
        return EXIT_FAILED
    if out.suffix.lower() != ".gpkg":
        print(f"situation-map: {out}: the sample is a GeoPackage, name it *.gpkg", file=sys.stderr)
        return EXIT_FAILED
    # Written beside the target and renamed over it: --force never leaves half a file.
    staging = out.with_name(f".{out.name}.new.gpkg")
    staging.unlink(missing_ok=True)
    write_sample(staging)
    staging.replace(out)
    lock_path_of(staging).unlink(missing_ok=True)
    print(f"Wrote the illustrative Guanwangmiao sample to {out}")
    return EXIT_OK


def state_from_args(args):
    """The MapState the options describe: --state, then --date and --audience over it."""
    from layers.map_state import MapState

    state = MapState.load(args.state) if args.state else MapState()
    if args.date:
        day = _parse_day(args.date)
        state = state.replace(as_of=day.replace(hour=23, minute=59))
    if args.audience:
        state = state.replace(audience=args.audience)
    return state


def _parse_day(text: str):
    from datetime import datetime

    try:
        return datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        raise ValueError(f"--date {text!r}: give the day as YYYY-MM-DD, e.g. 2020-02-19") from None


def run_map(args) -> int:
    from geodata.store import open_store
    from layers.webmap import write_page

    out = Path(args.out)
    if out.suffix.lower() not in (".html", ".htm"):
        raise ValueError(f"--out {out}: name the page *.html")
    dataset = open_store(data_path(args)).read_all()
    state = state_from_args(args)
    path, _ = write_page(dataset, state, out.parent, lang=args.lang, page_name=out.name)
    print(f"Wrote {path} (open it in a browser; copy the whole folder {out.parent} to move it)")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
