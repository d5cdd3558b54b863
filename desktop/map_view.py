"""The map in the window: the offline page in a QWebEngineView, and the bridge to it.

The view writes the page for a dataset once, then applies every later MapState through the
page's update API (only what changed), so filters feel instant and the view stays put.
"""

from __future__ import annotations

import json
from pathlib import Path

from PyQt6.QtCore import QObject, QUrl, pyqtSignal, pyqtSlot
from PyQt6.QtWebChannel import QWebChannel
from PyQt6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineSettings,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
)
from PyQt6.QtWebEngineWidgets import QWebEngineView
from PyQt6.QtWidgets import QApplication

from geodata.dataset import Dataset
from layers.map_state import MapState
from layers.page_model import PageModel, page_model, page_update
from layers.webmap import page_view, write_page

LOCAL_SCHEMES = {"file", "qrc", "data", "blob", "about"}


def shared_profile() -> QWebEngineProfile:
    """One off-the-record profile for every map page, owned by the application so that it
    outlives the pages (Qt warns when a profile goes before its pages)."""
    app = QApplication.instance()
    profile = app.findChild(QWebEngineProfile, "situation-map-profile")
    if profile is None:
        profile = QWebEngineProfile(app)  # off the record: nothing of the page persists
        profile.setObjectName("situation-map-profile")
    return profile


class OfflineGuard(QWebEngineUrlRequestInterceptor):
    """Blocks every request that leaves the machine, unless the user chose an online basemap.

    It also records what was asked for, which is how the tests prove the page is offline.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.allow_online = False
        self.requested: list[str] = []
        self.blocked: list[str] = []

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:  # noqa: N802 (Qt name)
        url = info.requestUrl()
        self.requested.append(url.toString())
        if url.scheme() not in LOCAL_SCHEMES and not self.allow_online:
            self.blocked.append(url.toString())
            info.block(True)


class PageBridge(QObject):
    """The object the page talks to (``bridge`` in the web channel)."""

    event = pyqtSignal(str, dict)

    @pyqtSlot(str, str)
    def pageEvent(self, kind: str, detail: str) -> None:  # noqa: N802 (called from JavaScript)
        try:
            payload = json.loads(detail) if detail else {}
        except json.JSONDecodeError:
            return
        self.event.emit(kind, payload if isinstance(payload, dict) else {"value": payload})


class MapView(QWebEngineView):
    """Shows a dataset's situation map and keeps it in step with a MapState."""

    drawn = pyqtSignal(dict)
    applied = pyqtSignal(dict)  # an update is on screen
    feature_clicked = pyqtSignal(str, str)
    cursor_moved = pyqtSignal(float, float)
    view_changed = pyqtSignal(dict)

    def __init__(self, page_folder: Path, parent=None):
        super().__init__(parent)
        self.page_folder = Path(page_folder)
        self.guard = OfflineGuard(self)
        self.setPage(QWebEnginePage(shared_profile(), self))
        self.page().setUrlRequestInterceptor(self.guard)
        settings = self.page().settings()
        settings.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls, True)
        settings.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, False)
        self.bridge = PageBridge(self)
        self.channel = QWebChannel(self.page())
        self.channel.registerObject("bridge", self.bridge)
        self.page().setWebChannel(self.channel)
        self.bridge.event.connect(self._on_page_event)
        self.dataset: Dataset | None = None
        self.state: MapState | None = None
        self.model: PageModel | None = None
        self.lang = "zh"
        self.is_drawn = False

    def show_dataset(self, dataset: Dataset, state: MapState, lang: str = "zh") -> None:
        """Write the page for ``dataset`` and load it (the one time the page reloads)."""
        self.dataset, self.state, self.lang = dataset, state, lang
        self.guard.allow_online = state.basemap not in ("none",) and not state.basemap.startswith("local:")
        self._memo: dict = {}  # situations on the as-of day, kept while the dataset is the same
        path, self.model = write_page(dataset, state, self.page_folder, lang=lang, bridge=True)
        self.is_drawn = False
        self.load(QUrl.fromLocalFile(str(path)))

    def set_state(self, state: MapState) -> dict:
        """Show ``state`` through the page's update API; returns the message sent."""
        if self.dataset is None:
            raise RuntimeError("no dataset shown yet")
        if state.audience != self.state.audience or state.basemap != self.state.basemap:
            # Which household data the page holds depends on the audience: rebuild it.
            self.show_dataset(self.dataset, state, self.lang)
            return {}
        model = page_model(self.dataset, state, self.lang, self._memo)
        update = page_update(self.model, model)
        if state.view != self.state.view:
            update["view"] = page_view(self.dataset, state)
        self.state, self.model = state, model
        self.run_js(f"SituationMap.apply({json.dumps(update, ensure_ascii=False)})")
        return update

    def run_js(self, script: str, callback=None) -> None:
        if callback is None:
            self.page().runJavaScript(script)
        else:
            self.page().runJavaScript(script, 0, callback)

    def _on_page_event(self, kind: str, detail: dict) -> None:
        if kind == "drawn":
            self.is_drawn = True
            self.drawn.emit(detail)
        elif kind == "applied":
            self.applied.emit(detail)
        elif kind == "select":
            self.feature_clicked.emit(str(detail.get("layer", "")), str(detail.get("id", "")))
        elif kind == "cursor":
            self.cursor_moved.emit(float(detail.get("lng", 0)), float(detail.get("lat", 0)))
        elif kind == "view":
            self.view_changed.emit(detail)
