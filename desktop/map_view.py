"""The map in the window: the offline page in a QWebEngineView, and the bridge to it.

The view writes the page for a dataset once, then applies every later MapState through the
page's update API (only what changed), so filters feel instant and the view stays put.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import uuid
import weakref
from dataclasses import replace
from pathlib import Path

import numpy as np
from PyQt6.QtCore import QObject, QTimer, QUrl, pyqtSignal, pyqtSlot
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

from desktop.os_errors import error_text
from desktop.page_scheme import SCHEME, PageScheme, page_scheme
from desktop.tile_route import tile_route, tiles_for
from geodata.dataset import Dataset
from geodata.mbtiles import MBTilesError
from geodata.stores.gpkg_changes import patch_of
from layers.derived_cache import DerivedCache
from layers.map_state import MapState
from layers.page_columns import columnar_layers, detail_chunks
from layers.page_model import PageModel, page_model, page_update, properties_at
from layers.webmap import BasemapError, ServedColumns, feature_collection, page_view, write_page

LOCAL_SCHEMES = {"file", "qrc", "data", "blob", "about", SCHEME}

# The views whose pages read columns through the scheme, by the token in their URLs.
_views: weakref.WeakValueDictionary[str, MapView] = weakref.WeakValueDictionary()


_profile: QWebEngineProfile | None = None


def shared_profile() -> QWebEngineProfile:
    """One off-the-record profile for every map page, owned by the application so that it
    outlives the pages (Qt warns when a profile goes before its pages)."""
    global _profile
    if _profile is None:
        _profile = QWebEngineProfile(QApplication.instance())  # off the record: nothing persists
    return _profile


def give_back_freed_memory() -> None:
    """Hand the memory freed since back to the system. Writing a page of a million households
    frees 80 MB or more of working arrays that the C allocator and Arrow's pool would keep for
    the process (counted in its memory) though nothing is in it. Where neither can be asked
    (not glibc), nothing happens."""
    with contextlib.suppress(ImportError, AttributeError):
        import pyarrow

        pyarrow.default_memory_pool().release_unused()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


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


def _columns_route(rest: str):
    token, _, layer = rest.partition("/")
    view = _views.get(token)
    content = view._served.data.get(layer) if view is not None and view._served is not None else None
    return None if content is None else (b"application/octet-stream", content)


def _details_route(rest: str):
    token, layer, chunk = (rest.split("/") + ["", ""])[:3]
    view = _views.get(token)
    if view is None or view.dataset is None or layer not in view.columnar or not chunk.isdigit():
        return None
    found = next(detail_chunks(view.dataset, layer, view.model, view.state.audience, int(chunk)), None)
    return None if found is None else (b"application/json", found[1].encode("utf-8"))


def _serve_pages(scheme: PageScheme) -> None:
    scheme.add_route("columns", _columns_route)
    scheme.add_route("details", _details_route)
    scheme.add_route("tiles", tile_route)


def _same_ids(before: np.ndarray, after: np.ndarray) -> bool:
    # The page model keeps a layer's ids array while its ids stay the same: a million compared
    # only when it could not tell.
    return before is after or np.array_equal(before, after)


class MapView(QWebEngineView):
    """Shows a dataset's situation map and keeps it in step with a MapState."""

    drawn = pyqtSignal(dict)
    applied = pyqtSignal(dict)  # an update is on screen
    feature_clicked = pyqtSignal(str, str)
    cursor_moved = pyqtSignal(float, float)  # longitude, latitude
    map_clicked = pyqtSignal(float, float)  # longitude, latitude
    feature_moved = pyqtSignal(str, str, float, float)  # layer, id, longitude, latitude
    view_changed = pyqtSignal(dict)
    basemap_failed = pyqtSignal(str)  # the basemap cannot be shown: why, in one sentence

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
        self._editable = False
        self._memo = DerivedCache()
        # A while after the last change (a day's first facts, its steps) the freed memory goes back.
        self._give_back = QTimer(self)
        self._give_back.setSingleShot(True)
        self._give_back.setInterval(1500)
        self._give_back.timeout.connect(give_back_freed_memory)
        # Large point layers go to the page as columns, through the scheme when it is known.
        self.columnar: frozenset[str] = frozenset()
        self._served: ServedColumns | None = None
        self._token = uuid.uuid4().hex
        scheme = page_scheme(shared_profile())
        self._scheme = scheme is not None
        if scheme is not None:
            _serve_pages(scheme)
            _views[self._token] = self

    def show_dataset(self, dataset: Dataset, state: MapState, lang: str = "zh") -> None:
        """Write the page for ``dataset`` and load it (the one time the page reloads)."""
        self.dataset, self.state, self.lang = dataset, state, lang
        self.guard.allow_online = state.basemap != "none" and not state.basemap.startswith(("local:", "mbtiles:"))
        self._memo = DerivedCache()  # situations on the as-of day, kept while the dataset is the same
        served = (
            ServedColumns(f"{SCHEME}:columns/{self._token}/", f"{SCHEME}:details/{self._token}/")
            if self._scheme
            else None
        )
        try:
            tiles = tiles_for(state.basemap, SCHEME) if self._scheme else None
            path, self.model = write_page(
                dataset, state, self.page_folder, lang=lang, bridge=True, served=served, tiles=tiles
            )
        except (MBTilesError, BasemapError) as exc:
            # A basemap file gone from its USB stick: the map without it, and the reason said.
            self.basemap_failed.emit(error_text(exc))
            bare = state.replace(basemap="none", basemap_datum="auto")
            path, self.model = write_page(dataset, bare, self.page_folder, lang=lang, bridge=True, served=served)
        self._served = served
        self.columnar = served.layers if served is not None else columnar_layers(self.model)
        self.is_drawn = False
        self.load(QUrl.fromLocalFile(str(path)))
        give_back_freed_memory()

    def set_state(self, state: MapState) -> dict:
        """Show ``state`` through the page's update API; returns the message sent."""
        if self.dataset is None:
            raise RuntimeError("no dataset shown yet")
        if (
            state.audience != self.state.audience
            or state.basemap != self.state.basemap
            or state.basemap_datum != self.state.basemap_datum
        ):
            # Which household data the page holds depends on the audience: rebuild it.
            self.show_dataset(self.dataset, state, self.lang)
            return {}
        model = page_model(self.dataset, state, self.lang, self._memo)
        update = page_update(self.model, model, self.columnar)
        if state.view != self.state.view:
            update["view"] = page_view(self.dataset, state)
        self.state, self.model = state, model
        self._send(update)
        self._give_back.start()
        return update

    def apply_dataset(self, dataset: Dataset, changed: dict[str, list[str]]) -> dict:
        """Show ``dataset`` after an edit: send the changed features and what follows from
        them (figures, filters, legend) through the update API, without reloading."""
        old, before = self.model, self.dataset
        self.dataset = dataset
        self._memo = DerivedCache()
        self.model = page_model(dataset, self.state, self.lang, self._memo)
        if old is None or any(not _same_ids(old.ids[n], self.model.ids[n]) for n in self.columnar):
            # Features added to or removed from a layer held as columns: its rows are numbered
            # by position, so the page is written again.
            self.show_dataset(dataset, self.state, self.lang)
            return {}
        update = page_update(old, self.model, self.columnar)
        for layer, ids in changed.items():
            if layer not in self.model.layers:
                continue
            change = update["layers"].setdefault(layer, {})
            rows, gone = self._rows_of(layer, ids, before)
            if gone:
                change["remove"] = gone
            if len(rows):
                features = self._features_at(layer, rows)
                change["upsert"] = features
                # A feature whose place was taken away has no feature to send: its marker goes.
                drawn = {feature["id"] for feature in features}
                if placeless := [i for i in self.model.ids[layer][rows].tolist() if i not in drawn]:
                    change["remove"] = gone + placeless
        self._send(update)
        return update

    def _rows_of(self, layer: str, ids: list[str], before: Dataset | None) -> tuple[np.ndarray, list[str]]:
        """The rows of the shown layer holding these changed ids, and the ids it no longer
        holds. Looked for among the rows the store read again when the frame says which those
        were: a set of a million ids to find one took 0.14 s."""
        all_ids = self.model.ids[layer]
        patch = patch_of(before[layer], self.dataset[layer]) if before is not None else None
        wanted = set(ids)
        if patch is not None:
            rows = patch[1][np.fromiter((i in wanted for i in all_ids[patch[1]]), dtype=bool, count=len(patch[1]))]
            found = set(all_ids[rows].tolist())
            # An id not among the rows read is gone, or (a duplicated id) held by another row.
            if not (missing := wanted - found):
                return rows, []
            rows = np.union1d(rows, np.flatnonzero(np.isin(all_ids, list(missing))))
        else:
            rows = np.flatnonzero(np.isin(all_ids, list(wanted)))
        found = set(all_ids[rows].tolist())
        return rows, [i for i in ids if i not in found]

    def _features_at(self, layer: str, rows: np.ndarray) -> list[dict]:
        """The layer's features at ``rows`` as the page's GeoJSON, their day's properties
        worked out for those rows alone."""
        part = Dataset({**self.dataset.frames, layer: self.dataset[layer].iloc[rows]}, self.dataset.metadata)
        model = replace(
            self.model,
            ids={**self.model.ids, layer: self.model.ids[layer][rows]},
            shown={**self.model.shown, layer: self.model.shown[layer][rows]},
            props={layer: properties_at(self.model, layer, rows)},
        )
        return feature_collection(part, layer, model, self.state.audience)["features"]

    def refresh_features(self, layer: str, ids: list[str]) -> None:
        """Draw these features again as the dataset has them (after a refused move)."""
        if layer in self.model.layers:
            features = feature_collection(self.dataset, layer, self.model, self.state.audience, ids)["features"]
            self._send({"layers": {layer: {"upsert": features}}})

    def highlight(self, layer: str, feature_id: str, fly: bool = False) -> None:
        """Mark the selected feature in the page (and bring it into view with ``fly``)."""
        if not feature_id:
            self.run_js("SituationMap.clearSelection()")
        else:
            self.run_js(f"SituationMap.highlight({json.dumps(layer)}, {json.dumps(feature_id)}, {json.dumps(fly)})")

    def fit_bounds(self, bounds) -> None:
        self.run_js(f"SituationMap.fitTo({json.dumps([float(b) for b in bounds])})")

    def set_editable(self, editable: bool) -> None:
        """Let point markers be dragged to new places (each drop is a ``feature_moved``)."""
        self._editable = editable
        self.run_js(f"SituationMap.setEditable({json.dumps(editable)})")

    def set_theme(self, theme: str) -> None:
        """ "dark" (for a projector on the wall) or "light"."""
        self.run_js(f"SituationMap.setTheme({json.dumps(theme)})")

    def _send(self, update: dict) -> None:
        self.run_js(f"SituationMap.apply({json.dumps(update, ensure_ascii=False)})")

    def run_js(self, script: str, callback=None) -> None:
        if callback is None:
            self.page().runJavaScript(script)
        else:
            self.page().runJavaScript(script, 0, callback)

    def _on_page_event(self, kind: str, detail: dict) -> None:
        if kind == "drawn":
            self.is_drawn = True
            if self._served is not None:
                # The page has read its columns (before it drew): 19 MB at a million households,
                # kept for nothing. A page written again is served anew.
                self._served.data.clear()
            if self._editable:
                self.set_editable(True)
            self.drawn.emit(detail)
        elif kind == "applied":
            self.applied.emit(detail)
        elif kind == "select":
            self.feature_clicked.emit(str(detail.get("layer", "")), str(detail.get("id", "")))
        elif kind == "cursor":
            self.cursor_moved.emit(float(detail.get("lng", 0)), float(detail.get("lat", 0)))
        elif kind == "map_click":
            self.map_clicked.emit(float(detail.get("lng", 0)), float(detail.get("lat", 0)))
        elif kind == "moved":
            self.feature_moved.emit(
                str(detail.get("layer", "")),
                str(detail.get("id", "")),
                float(detail.get("lng", 0)),
                float(detail.get("lat", 0)),
            )
        elif kind == "view":
            self.view_changed.emit(detail)
