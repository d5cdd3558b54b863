"""Before Qt owns the process: find a display and prepare Qt WebEngine.

Used by the window's start (:func:`desktop.cli.run_window`) and by the briefing printer's
offscreen application. Everything that can go wrong before Qt owns the process (no display,
missing system libraries) is turned into one line that says what to do, instead of a Qt abort.
"""

from __future__ import annotations

import os
import sys

from geodata.messages import N_

# English here; said through the catalogs where it is printed.
NO_DISPLAY = N_(
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


def webengine_problem() -> str | None:
    """Why Qt WebEngine cannot load (it must load before the QApplication), or None."""
    try:
        import PyQt6.QtWebEngineWidgets  # noqa: F401
    except ImportError as exc:
        from layers.i18n import _

        return _(
            "situation-map: Qt WebEngine cannot load ({reason}). Install the system libraries: "
            "python3 desktop/system_check.py --screen"
        ).format(reason=exc)
    return None
