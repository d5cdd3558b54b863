"""The terminal holds the program's own lines only; Chromium's and Qt's go to the log files.

A cron job mails every line a command prints, so ``brief``, ``map``, ``plan``, ``trend`` and
the window must not pass on what Qt WebEngine says about itself (dbus, GPUInfo, QRhi,
Vulkan, the zygote, the page's console). Chromium writes straight to file descriptor 2 from
its own processes, which inherit it, so replacing Python's ``sys.stderr`` is not enough:
before Qt WebEngine starts, descriptor 2 is pointed at ``native.log`` in the log folder and
``sys.stderr`` at a copy of the real one, so the program's own errors and progress lines
still reach the terminal. Qt's messages (qWarning and the page's console) are logged by a
message handler into ``situation-map.log``. Chromium is also asked to log only fatal errors.

Only a process that *is* the command does this (:func:`enable`, called by
:func:`desktop.cli.main` when it runs the process's own arguments): tests that call ``main``
inside pytest keep their descriptors. The log files hold no data: Chromium's lines, Qt's
warnings and messages that name layers, ids and error types.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import NoReturn

LOG_NAME = "situation-map.log"
NATIVE_LOG_NAME = "native.log"
MAX_LOG_BYTES = 1_000_000
KEPT_LOGS = 3
# Chromium's --log-level: 0 info, 1 warning, 2 error, 3 fatal.
_CHROMIUM_LOG_FLAGS = ("--log-level=3",)
_MESSAGE_CHARS = 500  # a page's console line is logged, but never a whole page of it

_enabled = False
_silenced = False
log = logging.getLogger("qt")


def enable() -> None:
    """This process is the command: its terminal gets the program's own lines only."""
    global _enabled
    _enabled = True


def is_command() -> bool:
    """Whether this process is the command (:func:`enable` was called), not a test calling it."""
    return _enabled


def end_process(status: int) -> NoReturn:
    """End this process with ``status`` once what it printed and logged is out. Python's own
    teardown of what a command loaded (pandas, Arrow, GEOS, PROJ, Qt WebEngine and the data:
    every module and object freed one by one) took 0.2-0.3 s after the work was done; the
    operating system frees the process whole, and Chromium's processes end with it."""
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        with contextlib.suppress(Exception):
            if stream is not None:
                stream.flush()
    os._exit(status)


def log_folder() -> Path:
    """Where the logs go (created on demand): ``$SITUATION_MAP_HOME/logs`` when it is set,
    else the user log folder (``~/.local/state/situation-map/log`` on Linux)."""
    override = os.environ.get("SITUATION_MAP_HOME")
    if override:
        folder = Path(override) / "logs"
    else:
        import platformdirs

        folder = Path(platformdirs.user_log_dir("situation-map", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def start_logging() -> Path:
    """Log to a rotating file in the log folder (once per process). Messages name layers,
    ids and error types, never values from the data, so no personal data reaches the file."""
    path = log_folder() / LOG_NAME
    root = logging.getLogger()
    if not any(getattr(handler, "situation_map", False) for handler in root.handlers):
        handler = RotatingFileHandler(path, maxBytes=MAX_LOG_BYTES, backupCount=KEPT_LOGS, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.situation_map = True  # type: ignore[attr-defined]
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    return path


def silence_native_output(environ=os.environ) -> Path | None:
    """Before Qt WebEngine starts: Chromium's and Qt's messages to the log folder, the
    program's own to the terminal. Does nothing unless :func:`enable` was called, and only
    once; returns the file that now takes descriptor 2."""
    global _silenced
    if not _enabled or _silenced:
        return None
    _silenced = True
    flags = environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "").split()
    if not any(flag.startswith("--log-level") for flag in flags):
        environ["QTWEBENGINE_CHROMIUM_FLAGS"] = " ".join([*flags, *_CHROMIUM_LOG_FLAGS])
    start_logging()
    install_qt_message_handler()
    native = log_folder() / NATIVE_LOG_NAME
    _rotate(native)
    _point_descriptor_2_at(native)
    return native


def install_qt_message_handler() -> None:
    """Qt's messages (its warnings, the page's console as category "js") to the log."""
    from PyQt6.QtCore import QtMsgType, qInstallMessageHandler

    levels = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
        QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }

    def handle(kind, context, message) -> None:
        category = getattr(context, "category", None) or "default"
        log.log(levels.get(kind, logging.WARNING), "%s: %s", category, (message or "")[:_MESSAGE_CHARS])
        if kind == QtMsgType.QtFatalMsg:  # Qt aborts next: the user must learn why
            print(f"situation-map: Qt: {message}", file=sys.stderr, flush=True)

    global _handler
    _handler = handle  # held: Qt keeps only a pointer to it
    qInstallMessageHandler(handle)


_handler = None


def _point_descriptor_2_at(path: Path) -> None:
    """Descriptor 2 (inherited by Chromium's processes) to ``path``; ``sys.stderr`` to a copy
    of the terminal's."""
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    terminal = os.dup(2)
    target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.dup2(target, 2)
    finally:
        os.close(target)
    encoding = getattr(sys.stderr, "encoding", None) or "utf-8"
    sys.stderr = io.TextIOWrapper(
        io.FileIO(terminal, "w"), encoding=encoding, errors="backslashreplace", line_buffering=True
    )


def _rotate(path: Path) -> None:
    """Keep the native log small: past the size limit it becomes ``native.log.1`` and so on."""
    try:
        if path.stat().st_size < MAX_LOG_BYTES:
            return
    except FileNotFoundError:
        return
    for number in range(KEPT_LOGS - 1, 0, -1):
        older = path.with_name(f"{path.name}.{number}")
        if older.exists():
            older.replace(path.with_name(f"{path.name}.{number + 1}"))
    path.replace(path.with_name(f"{path.name}.1"))
