"""The ``smdata:`` URL scheme: bytes the window's pages read from Python, not from files.

A page in the window asks ``smdata:<route>/<rest>``; the handler installed on the shared web
profile passes ``<rest>`` to the function registered for ``<route>`` and replies with what it
returns (bytes and their MIME type), or "not found". Routes today: ``columns/`` and
``details/`` (large point layers as typed columns and their popup details, answered by the
:class:`~desktop.map_view.MapView` that wrote the page). Another route (``tiles/`` from an
MBTiles file, say) is one more :meth:`PageScheme.add_route`.

Chromium must know the scheme before the QApplication exists, so importing this module
registers it when no QApplication is running yet (``desktop/map_view.py`` imports it, and so
does everything that opens a window). Without it the pages get their columns from files.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PyQt6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice
from PyQt6.QtWebEngineCore import (
    QWebEngineProfile,
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

SCHEME = "smdata"
log = logging.getLogger(__name__)

# A route answers the rest of the path with (MIME type, bytes), or None: not found.
Route = Callable[[str], tuple[bytes, bytes] | None]


def register_scheme() -> bool:
    """Tell Chromium about the scheme; only possible before the QApplication. Whether it is known."""
    if scheme_registered():
        return True
    if QCoreApplication.instance() is not None:
        return False
    scheme = QWebEngineUrlScheme(SCHEME.encode())
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Path)
    flags = QWebEngineUrlScheme.Flag
    # LocalScheme: a page loaded from a file may read it (as it may read files beside it);
    # CorsEnabled and FetchApiAllowed: fetch() and XMLHttpRequest may ask for it.
    scheme.setFlags(
        flags.SecureScheme | flags.LocalScheme | flags.LocalAccessAllowed | flags.CorsEnabled | flags.FetchApiAllowed
    )
    QWebEngineUrlScheme.registerScheme(scheme)
    return True


def scheme_registered() -> bool:
    return QWebEngineUrlScheme.schemeByName(SCHEME.encode()).name() == QByteArray(SCHEME.encode())


class PageScheme(QWebEngineUrlSchemeHandler):
    """Answers ``smdata:`` requests of every page of one profile from the routes given."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._routes: dict[str, Route] = {}

    def add_route(self, prefix: str, route: Route) -> None:
        self._routes[prefix.strip("/")] = route

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:  # noqa: N802 (Qt name)
        path = job.requestUrl().path().lstrip("/")
        prefix, _, rest = path.partition("/")
        route = self._routes.get(prefix)
        try:
            answer = route(rest) if route is not None else None
        except Exception:  # a failed answer is a failed request, never a crashed window
            log.exception("smdata:%s failed", prefix)
            job.fail(QWebEngineUrlRequestJob.Error.RequestFailed)
            return
        if answer is None:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        mime, content = answer
        buffer = QBuffer(parent=job)  # lives as long as the request
        buffer.setData(QByteArray(content))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        job.setAdditionalResponseHeaders({QByteArray(b"Access-Control-Allow-Origin"): QByteArray(b"*")})
        job.reply(mime, buffer)


def page_scheme(profile: QWebEngineProfile) -> PageScheme | None:
    """The handler of ``profile`` (installed on first use), or None when the scheme could not
    be registered (the QApplication was made before this module was imported)."""
    if not scheme_registered():
        return None
    handler = profile.findChild(PageScheme)
    if handler is None:
        handler = PageScheme(profile)
        profile.installUrlSchemeHandler(SCHEME.encode(), handler)
    return handler


register_scheme()
