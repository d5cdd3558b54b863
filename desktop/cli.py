"""The ``situation-map`` command: the window by default, and verbs for work without one.

Errors from the data and map packages become one clear line and an exit status, never a
traceback (the statuses are in :mod:`desktop.commands.common`). The verbs live in
:mod:`desktop.commands`; each module adds its own with ``register(verbs, data_option)``.
"""

from __future__ import annotations

import argparse
import gc
import sys

from desktop.commands import (
    brief_command,
    check_command,
    db_command,
    map_command,
    plan_command,
    sample_command,
    template_command,
    transfer_command,
    trend_command,
)
from desktop.commands.common import EXIT_FAILED, basemap_changes, basemap_options, data_path
from desktop.commands.parsing import VerbParser, chosen_language, speak_argparse_in_our_language
from geodata import __version__
from geodata.errors import GeodataError
from layers.i18n import _, set_language

# Each adds its verbs with set_defaults(run=...); heavy imports stay inside run. In this order
# in --help.
VERB_MODULES = (
    check_command,
    sample_command,
    map_command,
    brief_command,
    plan_command,
    trend_command,
    transfer_command,
    template_command,
    db_command,
)


def _data_option(default) -> argparse.ArgumentParser:
    option = argparse.ArgumentParser(add_help=False)
    option.add_argument(
        "--data",
        metavar="PATH_OR_URL",
        default=default,
        help=_(
            "dataset: a .gpkg file, or a shared PostGIS database (postgresql://user@host/db or "
            "service=NAME; passwords from ~/.pgpass); default: your working copy of the sample"
        ),
    )
    return option


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="situation-map",
        parents=[_data_option(None)],
        description=_("Township Situation Map. Without a command, opens the map window."),
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}", help=_("show the version and exit")
    )
    parser.add_argument(
        "--lang",
        choices=("zh", "en"),
        help=_("language of the window and the messages (default: the system's; Chinese on a Chinese system)"),
    )
    basemap_options(parser)
    wall = parser.add_argument_group(_("wall display (with --wall)"))
    wall.add_argument("--wall", action="store_true", help=_("full-screen wall display for the command centre"))
    wall.add_argument(
        "--presets",
        metavar="FILE_OR_DIR",
        help=_("view presets to cycle through (default: the township, then each village)"),
    )
    wall.add_argument("--screen", type=int, default=0, metavar="N", help=_("screen number (default 0)"))
    wall.add_argument(
        "--refresh",
        type=float,
        default=30,
        metavar="SECONDS",
        help=_("how often the data is checked for changes (default 30)"),
    )
    wall.add_argument(
        "--dwell", type=float, default=60, metavar="SECONDS", help=_("how long each preset is shown (default 60)")
    )
    wall.add_argument("--theme", choices=("dark", "light"), default="dark", help=_("dark (default) or light"))
    verbs = parser.add_subparsers(dest="verb", metavar="COMMAND", parser_class=VerbParser)
    # A verb's --data leaves one given before the verb alone (argparse would reset it to None).
    data_option = _data_option(argparse.SUPPRESS)
    for verb_module in VERB_MODULES:
        verb_module.register(verbs, data_option)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command ``argv`` (default: this process's arguments, and then the process is
    the command: Chromium's and Qt's own messages go to the log file, not the terminal)."""
    from desktop import quiet

    if argv is None:
        quiet.enable()
        # The start makes only what lives until the process ends (modules, classes, the
        # parser), and the collector's full passes walked it again and again: 0.05 s of a cold
        # command. Paused until the verb is known; see `short_lived`.
        gc.disable()
    words = list(sys.argv[1:] if argv is None else argv)
    # Before parsing: a usage error is said in the chosen language too.
    set_language(chosen_language(words))
    speak_argparse_in_our_language()
    args = build_parser().parse_args(words)
    # A short-lived verb does its work in one burst, and then the process ends.
    short_lived = argv is None and getattr(args, "short_lived", False)
    if argv is None and not short_lived:
        gc.freeze()  # what the start made is kept out of every later pass
        gc.enable()
    status = _run(args)
    if short_lived:
        quiet.end_process(status)
    return status


def _run(args) -> int:
    try:
        if getattr(args, "run", None) is not None:
            return args.run(args)
        return run_window(args)
    except (GeodataError, ValueError, OSError) as exc:
        from desktop.os_errors import error_text

        print(f"situation-map: {error_text(exc)}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("situation-map: " + _("interrupted"), file=sys.stderr)
        return EXIT_FAILED


def run_window(args) -> int:
    """The window (or the wall display with --wall); it needs a display and Qt WebEngine."""
    from desktop.launch import NO_DISPLAY, has_display, prepare_webengine, webengine_problem

    basemap = basemap_changes(args)  # a missing basemap file is said before Qt starts
    if not has_display():
        print(_(NO_DISPLAY), file=sys.stderr)
        return EXIT_FAILED
    prepare_webengine()
    from desktop import quiet

    quiet.silence_native_output()
    problem = webengine_problem()
    if problem is not None:
        print(problem, file=sys.stderr)
        return EXIT_FAILED
    from desktop.app import run_app, run_wall
    from layers.i18n import language

    set_language(args.lang or language())
    if args.wall:
        return run_wall(data_path(args), args, basemap)
    return run_app(data_path(args), basemap)


if __name__ == "__main__":
    sys.exit(main())
