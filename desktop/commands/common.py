"""What the command line's verbs and the window's launcher share: exit statuses, the dataset
``--data`` names, and the map state that ``--state``, ``--date`` and ``--audience`` describe.

Errors from the data and map packages become one clear line and an exit status, never a
traceback: 0 success, 1 the data has errors, 2 the command could not be carried out.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from geodata.feedback import Feedback

EXIT_OK, EXIT_DATA_ERRORS, EXIT_FAILED = 0, 1, 2


def data_path(args) -> Path | str:
    """The dataset the user named (a file path, or a database location kept as text: a URL
    made into a Path would lose its "//"), or their working copy of the sample."""
    if args.data:
        from geodata.stores.postgis.location import is_database_location

        return args.data if is_database_location(args.data) else Path(args.data)
    from desktop.userdata import working_copy

    return working_copy()


def printed_feedback(line: Callable[[float, str], str | None]) -> Feedback:
    """The :class:`~geodata.feedback.Feedback` of a long job run by a verb: each report is a
    line on stderr (stdout is the verb's answer, which a script may read), worded by ``line``
    from (fraction done, what is happening); ``None`` prints nothing for that report."""
    from geodata.feedback import Feedback

    def show(fraction: float, message: str) -> None:
        text = line(fraction, message)
        if text is not None:
            print(text, file=sys.stderr, flush=True)

    return Feedback(show)


def open_store_from_args(args):
    """The store --data names (a .gpkg path or a PostGIS database), or the working copy."""
    from geodata.stores import open_store

    return open_store(data_path(args))


def state_options(verb: argparse.ArgumentParser) -> None:
    verb.add_argument("--state", metavar="STATE.json", help="a saved MapState (view preset)")
    verb.add_argument("--date", metavar="YYYY-MM-DD", help="show the situation on this day")
    verb.add_argument(
        "--audience",
        choices=("public", "internal"),
        help="public (default) leaves out household points and personal data",
    )
    verb.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the page (default zh)")


def state_from_args(args):
    """The MapState the options describe: --state, then --date and --audience over it."""
    from layers.map_state import MapState

    state = MapState.load(args.state) if args.state else MapState()
    if args.date:
        state = state.replace(as_of=end_of_day(args.date))
    if args.audience:
        state = state.replace(audience=args.audience)
    return state


def parse_day(text: str) -> datetime:
    """The day of a ``--date`` option, or a ValueError that says how to write it."""
    try:
        return datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        raise ValueError(f"--date {text!r}: give the day as YYYY-MM-DD, e.g. 2020-02-19") from None


def end_of_day(text: str) -> datetime:
    """The report time of a ``--date`` day: the situation as it stood that evening."""
    return parse_day(text).replace(hour=23, minute=59)
