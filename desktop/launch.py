"""Start the window: find a display, prepare Qt WebEngine, then hand over to Qt.

Everything that can go wrong before Qt owns the process (no display, missing system
libraries) is turned into one line that says what to do, instead of a Qt abort.
"""

from __future__ import annotations

import os
import sys

from desktop.cli import EXIT_FAILED, data_path

NO_DISPLAY = (
    "situation-map: no display found (DISPLAY and WAYLAND_DISPLAY are not set). Run it in a "
    "desktop session, or on a virtual screen: apt-get install xvfb, then xvfb-run -a make run"
)


def has_display(environ=os.environ) -> bool:
    """Whether Qt will find a screen: a desktop session or an explicitly chosen platform."""
    if sys.platform != "linux":
        return True
    return any(environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def prepare_webengine(environ=os.environ) -> None:
    """Chromium refuses to run as root inside its sandbox: lift it only in that case."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")


def launch_window(args) -> int:
    if not has_display():
        print(NO_DISPLAY, file=sys.stderr)
        return EXIT_FAILED
    prepare_webengine()
    try:
        import PyQt6.QtWebEngineWidgets  # noqa: F401  (must load before the QApplication)
    except ImportError as exc:
        print(
            f"situation-map: Qt WebEngine cannot load ({exc}). Install the system libraries: "
            "python3 desktop/system_check.py --screen",
            file=sys.stderr,
        )
        return EXIT_FAILED
    from desktop.app import run_app, run_wall
    from layers.i18n import set_language

    set_language(args.lang)
    if args.wall:
        return run_wall(data_path(args), args)
    return run_app(data_path(args))
