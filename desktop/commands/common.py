"""What the command line's verbs and the window's launcher share: exit statuses, the dataset
``--data`` names, and the map state that ``--state``, ``--date`` and ``--audience`` describe.

Errors from the data and map packages become one clear line and an exit status, never a
traceback: 0 success, 1 the data has errors, 2 the command could not be carried out.
"""

from __future__ import annotations

import argparse
import errno
import os
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
    from layers.i18n import _

    verb.add_argument("--state", metavar="STATE.json", help=_("a saved MapState (view preset)"))
    verb.add_argument("--date", metavar="YYYY-MM-DD", help=_("show the situation on this day"))
    verb.add_argument(
        "--audience",
        choices=("public", "internal"),
        help=_("public (default) leaves out household points and personal data"),
    )
    basemap_options(verb, default=argparse.SUPPRESS)
    language_option(verb, _("language of the page and the messages"))


def basemap_options(parser, default=None) -> None:
    """``--basemap`` and ``--basemap-datum``, for the window, the wall, ``map`` and ``brief``
    (a verb's SUPPRESS keeps what was given before the verb)."""
    from layers.i18n import _

    parser.add_argument(
        "--basemap",
        metavar="FILE.mbtiles",
        default=default,
        help=_(
            "the basemap under the data: a raster MBTiles file (e.g. from QGIS), none, "
            "local:FOLDER of {z}/{x}/{y}.png tiles, or osm (online)"
        ),
    )
    parser.add_argument(
        "--basemap-datum",
        choices=("auto", "wgs84", "gcj02"),
        default=default,
        help=_(
            "the datum of the basemap's tiles: gcj02 for Gaode/Tencent tiles, wgs84 for Tianditu; "
            "auto (default) reads the MBTiles file's metadata"
        ),
    )


def basemap_changes(args) -> dict[str, str]:
    """The MapState changes ``--basemap``/``--basemap-datum`` ask for; an MBTiles file is
    opened now, so a missing or unreadable one is said before any long work."""
    changes: dict[str, str] = {}
    choice = getattr(args, "basemap", None)
    if choice:
        if choice.lower().endswith(".mbtiles") and not choice.startswith("mbtiles:"):
            choice = "mbtiles:" + str(Path(choice).expanduser().absolute())
        changes["basemap"] = choice
        from layers.basemap_tiles import mbtiles_path, open_mbtiles

        path = mbtiles_path(choice)
        if path is not None:
            open_mbtiles(path)  # raises MBTilesError naming the file
    datum = getattr(args, "basemap_datum", None)
    if datum:
        changes["basemap_datum"] = datum
    return changes


def language_option(verb: argparse.ArgumentParser, what: str) -> None:
    """``--lang``, ``what`` saying what it sets; SUPPRESS keeps a --lang given before the
    verb (a default would overwrite it)."""
    from layers.i18n import _

    verb.add_argument(
        "--lang",
        choices=("zh", "en"),
        default=argparse.SUPPRESS,
        help=_("{what} (default: the --lang before the verb, else the system's)").format(what=what),
    )


def use_language(args) -> str:
    """Speak the verb's language from here on: its --lang, else the one chosen before
    parsing (see :mod:`desktop.commands.parsing`); returns it."""
    from desktop.commands.parsing import verb_language
    from layers.i18n import set_language

    return set_language(verb_language(args))


def writable_output(path: Path, *, make_folder: bool = False) -> Path:
    """``path``, once it is sure a file can be written there: its folder exists (or, with
    ``make_folder``, has been made) and takes a new file, and the file, if there is one,
    opens for writing. Checked before the long work, so a read-only folder is said at once,
    not after the work is done. Raises the OSError the write would have met, naming the
    folder or the file."""
    import tempfile

    folder = path.parent if str(path.parent) else Path(".")
    if make_folder and not folder.exists():
        try:
            folder.mkdir(parents=True)
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror, str(folder)) from None
    if not folder.is_dir():
        missing = errno.ENOTDIR if folder.exists() else errno.ENOENT
        raise OSError(missing, os.strerror(missing), str(folder))
    try:
        handle, probe = tempfile.mkstemp(prefix=".situation-map-", suffix=".probe", dir=folder)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(folder)) from None
    os.close(handle)
    os.unlink(probe)
    if path.is_dir():
        raise OSError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if path.exists():
        with open(path, "r+b"):  # opens for writing without changing a byte
            pass
    return path


def state_from_args(args):
    """The MapState the options describe: --state, then --date, --audience and --basemap over it."""
    from layers.map_state import MapState

    state = MapState.load(args.state) if args.state else MapState()
    if args.date:
        state = state.replace(as_of=end_of_day(args.date))
    if args.audience:
        state = state.replace(audience=args.audience)
    return state.replace(**basemap_changes(args))


def parse_day(text: str) -> datetime:
    """The day of a ``--date`` option, or a ValueError that says how to write it."""
    from layers.i18n import _

    try:
        return datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        raise ValueError(
            _("{option} {text}: give the day as YYYY-MM-DD, e.g. 2020-02-19").format(option="--date", text=repr(text))
        ) from None


def end_of_day(text: str) -> datetime:
    """The report time of a ``--date`` day: the situation as it stood that evening."""
    return parse_day(text).replace(hour=23, minute=59)
