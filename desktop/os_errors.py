"""Errors said as one sentence in the language in use, the same way by every verb and window.

An operating-system error's own text ("[Errno 30] Read-only file system: '/mnt/usb/b.pdf'")
is English from the C library, whatever language the user chose; here its errno becomes a
sentence that names the path. An error raised with a :class:`~geodata.messages.Message`
is translated through the catalogs; an SQLite error under a store error (a file locked by
QGIS, a full disk) is recognised and said the same way as the operating system's.

    error_text(exc)     # any error the command line or a window shows
    os_error_text(exc)  # an OSError
"""

from __future__ import annotations

import errno
import sqlite3

from geodata.messages import N_
from layers.i18n import _

# errno -> sentence (English template, translated where shown). {path} is the file or folder.
_SENTENCES = {
    errno.ENOENT: N_("{path}: the file or folder does not exist"),
    errno.EACCES: N_("{path}: permission denied"),
    errno.EPERM: N_("{path}: permission denied"),
    errno.EROFS: N_("{path}: the folder is read-only; choose another folder"),
    errno.ENOSPC: N_("{path}: the disk is full; free some space and try again"),
    errno.EDQUOT: N_("{path}: the disk is full; free some space and try again"),
    errno.EBUSY: N_("{path}: the file is in use by another program; close it there and try again"),
    errno.ETXTBSY: N_("{path}: the file is in use by another program; close it there and try again"),
    errno.EISDIR: N_("{path} is a folder, not a file"),
    errno.ENOTDIR: N_("{path}: part of the path is a file, not a folder"),
    errno.EEXIST: N_("{path} exists already"),
    errno.ENAMETOOLONG: N_("{path}: the name is too long"),
    errno.EIO: N_("{path}: the disk could not be read or written; is it still plugged in?"),
}
_LOCKED = N_("{path}: the file is in use by another program; close it there and try again")
_UNKNOWN = N_("{path}: cannot be read or written (error {code})")
# Windows reports a file held open by Excel or QGIS as a sharing or lock violation.
_WINDOWS_LOCKED = (32, 33)


def os_error_text(exc: OSError, path=None) -> str:
    """``exc`` as one sentence naming ``path`` (default: the file the error names)."""
    shown = path if path is not None else (exc.filename if exc.filename is not None else _("the file"))
    if getattr(exc, "winerror", None) in _WINDOWS_LOCKED:
        return _(_LOCKED).format(path=shown)
    template = _SENTENCES.get(exc.errno) if exc.errno is not None else None
    if template is None:
        code = errno.errorcode.get(exc.errno, str(exc.errno)) if exc.errno is not None else type(exc).__name__
        return _(_UNKNOWN).format(path=shown, code=code)
    return _(template).format(path=shown)


def error_text(exc: BaseException) -> str:
    """Any error the command line or a window shows, in the language in use."""
    from layers.messages import error_text as message_error_text

    if isinstance(exc, OSError) and exc.errno is not None:
        return os_error_text(exc)
    cause = exc.__cause__ or exc.__context__
    if isinstance(cause, sqlite3.Error):
        sentence = _sqlite_text(cause, _path_of(exc), "nothing was written" in str(exc))
        if sentence is not None:
            return sentence
    known = _known_store_text(exc)
    if known is not None:
        return known
    if type(cause).__module__.startswith("psycopg") and ": cannot connect: " in str(exc):
        return _connection_text(str(exc).partition(": cannot connect: ")[0], str(cause))
    if isinstance(cause, OSError) and cause.errno is not None and cause.filename is not None:
        return os_error_text(cause)  # e.g. a view preset that cannot be read
    return message_error_text(exc) if isinstance(exc, Exception) else str(exc)


def _sqlite_text(cause: sqlite3.Error, path, unwritten: bool) -> str | None:
    """What an SQLite error under a store error means, said like the operating system's;
    ``unwritten``: the store said its write left the file as it was, and so do we."""
    if path is None:
        return None
    text = str(cause).lower()
    for words, sentence, unwritten_sentence in _SQLITE_SENTENCES:
        if any(word in text for word in words):
            return _(unwritten_sentence if unwritten else sentence).format(path=path)
    return None


_SQLITE_SENTENCES = (
    (
        ("locked", "busy"),
        _LOCKED,
        N_("{path}: the file is in use by another program; nothing was written, close it there and try again"),
    ),
    (
        ("readonly", "read-only"),
        _SENTENCES[errno.EROFS],
        N_("{path}: the folder is read-only; nothing was written"),
    ),
    (("full",), _SENTENCES[errno.ENOSPC], N_("{path}: the disk is full; nothing was written")),
)


# What libpq says when a connection fails, by the words of its first line.
_CONNECTION_SENTENCES = (
    (
        ("password authentication failed", "no password supplied", "authentication failed"),
        N_("{location}: the database refused the user name or password (see ~/.pgpass)"),
    ),
    (("does not exist",), N_("{location}: the server has no such database or user")),
    (
        ("connection refused", "could not connect", "timeout expired", "no route to host", "could not translate host"),
        N_("{location}: the database server cannot be reached; is it running, and is the address right?"),
    ),
)


def _connection_text(location: str, reason: str) -> str:
    """A failed database connection as one sentence; libpq's own words only when they say
    something not foreseen here."""
    lowered = reason.lower()
    for words, template in _CONNECTION_SENTENCES:
        if any(word in lowered for word in words):
            return _(template).format(location=location)
    first = (reason.strip().splitlines() or [""])[0]
    return _("{location}: cannot connect to the database ({reason})").format(location=location, reason=first)


def _known_store_text(exc: BaseException) -> str | None:
    """A store error written as "<file>: <fixed words>" whose words, as "{path}: <words>",
    are in the catalog (the disk is full; nothing was written), translated."""
    path = _path_of(exc)
    if path is None or not str(exc).startswith(f"{path}: "):
        return None
    template = "{path}: " + str(exc)[len(str(path)) + 2 :]
    if "{" in template[6:] or "}" in template[6:]:
        return None
    translated = _(template)
    return translated.format(path=path) if translated != template else None


def _path_of(exc: BaseException):
    """The file a store error is about: a Message's ``path``, or the text before its first
    ": " (every store error begins with its file)."""
    params = getattr(exc.args[0], "params", None) if exc.args else None
    if isinstance(params, dict) and params.get("path") is not None:
        return params["path"]
    head, sep, _rest = str(exc).partition(": ")
    return head if sep and ("/" in head or "\\" in head or "." in head) else None
