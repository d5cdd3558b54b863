"""The search box: find a village, checkpoint, disinfection point or household by typing.

Each feature is one entry of a completer: a readable line, such as
``CP07 · 孙吴庄村村口卡点 · 监测卡点``, with its layer's symbol, matched anywhere in its search
text, case-insensitively. Choosing an entry selects the feature and flies the map to it.

Privacy: what can be searched is decided here, field by field. Households are found by id;
by the head of household's name only for the internal audience; never by phone. The public
audience's index holds no personal field at all, not even in the displayed line.
"""

from __future__ import annotations

import pandas as pd
from PyQt6.QtCore import QModelIndex, QRect, QSize, Qt
from PyQt6.QtGui import QIcon, QPainter, QPixmap, QStandardItem, QStandardItemModel
from PyQt6.QtSvg import QSvgRenderer
from PyQt6.QtWidgets import QCompleter, QLineEdit, QSizePolicy, QWidget

from layers.i18n import _
from layers.styles import STYLE_TABLE

__all__ = ["MAX_MATCHES", "SearchBox"]

MAX_MATCHES = 50  # matches() lists at most this many; the popup scrolls through them all

_SEARCH_ROLE = Qt.ItemDataRole.UserRole  # the text typed words are matched against
_LAYER_ROLE = Qt.ItemDataRole.UserRole + 1
_ID_ROLE = Qt.ItemDataRole.UserRole + 2
_SEPARATOR = " · "
_ICON_SIZE = 16
_VISIBLE_ENTRIES = 12

# The symbol that stands for each layer in the list (checkpoints: their tier's own symbol).
_LAYER_SYMBOLS = {"villages": "plain", "households": "observing", "disinfection_points": "done"}


class SearchBox(QLineEdit):
    """A line edit that finds features of the session's dataset as the user types.

    Parameters
    ----------
    session : desktop.window.session.Session
        Its dataset is indexed; its ``state.audience`` decides whether household heads' names
        are searchable; a chosen entry goes to :meth:`Session.select` with ``fly=True``.
    parent : QWidget, optional

    Attributes
    ----------
    suggestions : QCompleter
        The completer whose popup lists the matches.
    """

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.setPlaceholderText(_("Search villages, checkpoints, households…"))
        self.setClearButtonEnabled(True)
        # As wide as its placeholder, not the whole toolbar: a line edit's default policy
        # would take every free pixel of it.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        placeholder_width = self.fontMetrics().horizontalAdvance(self.placeholderText())
        self.setMinimumWidth(max(placeholder_width + 48, 220))

        self._entries = QStandardItemModel(self)
        self._indexed_audience: str | None = None  # None: nothing indexed yet
        self._index_is_stale = True
        self.suggestions = QCompleter(self._entries, self)
        # Attached with setWidget, not setCompleter: the line edit would otherwise write the
        # chosen entry's search text into the box after it has been cleared.
        self.suggestions.setWidget(self)
        self.suggestions.setCompletionRole(_SEARCH_ROLE)
        self.suggestions.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.suggestions.setFilterMode(Qt.MatchFlag.MatchContains)
        self.suggestions.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.suggestions.setMaxVisibleItems(_VISIBLE_ENTRIES)
        self.suggestions.popup().setIconSize(QSize(_ICON_SIZE, _ICON_SIZE))

        self.suggestions.activated[QModelIndex].connect(self._choose)
        self.textEdited.connect(self._suggest)
        self.returnPressed.connect(self._choose_first_match)
        session.dataset_changed.connect(self._mark_index_stale)
        session.state_changed.connect(self._on_state_changed)
        # The index is built on the first search, so opening the window does not wait for it.

    # -- the index ---------------------------------------------------------------------------

    def rebuild_index(self) -> None:
        """Index the session's dataset again, for the session's audience.

        The box calls it itself: before the first search, before the first search after the
        dataset changed, and at once when the audience changes.
        """
        audience = self.session.state.audience
        dataset = self.session.dataset
        village_names = dict(zip(dataset.villages["code"], dataset.villages["name"], strict=False))
        entries = [
            *_village_entries(dataset.villages),
            *_named_point_entries(dataset.checkpoints, "checkpoints", _("Checkpoint")),
            *_named_point_entries(dataset.disinfection_points, "disinfection_points", _("Disinfection point")),
            *_household_entries(dataset.households, village_names, internal=audience == "internal"),
        ]
        self._entries.clear()
        root = self._entries.invisibleRootItem()
        root.appendRows([_item(*entry) for entry in entries])
        self._indexed_audience = audience
        self._index_is_stale = False

    def _mark_index_stale(self, *_changed) -> None:
        # Indexing ten thousand households takes a tenth of a second: after an edit, wait
        # until someone searches rather than make every edit pay for it.
        self._index_is_stale = True

    def _ensure_fresh_index(self) -> None:
        if self._index_is_stale:
            self.rebuild_index()

    def _on_state_changed(self, state) -> None:
        # At once, not when next searched: a switch to the public audience must take the
        # household heads' names out of the list that may be on screen.
        if self._indexed_audience not in (None, state.audience):
            self.rebuild_index()

    # -- searching and choosing --------------------------------------------------------------

    def matches(self, text: str) -> list[tuple[str, str, str]]:
        """What the completer lists for ``text``: (layer, id, displayed line), at most
        :data:`MAX_MATCHES`, villages first, then checkpoints, disinfection points, households.

        Parameters
        ----------
        text : str
            Matched anywhere in each entry's search text, ignoring case; blank matches nothing.

        Returns
        -------
        list of (str, str, str)
            e.g. ``[("checkpoints", "CP07", "CP07 · 孙吴庄村村口卡点 · 监测卡点")]``.

        Notes
        -----
        Sets the completer's prefix, as typing ``text`` would.
        """
        if not text.strip():
            return []
        self._ensure_fresh_index()
        self.suggestions.setCompletionPrefix(text)
        listed = self.suggestions.completionModel()
        rows = (listed.index(row, 0) for row in range(min(listed.rowCount(), MAX_MATCHES)))
        return [(index.data(_LAYER_ROLE), index.data(_ID_ROLE), index.data()) for index in rows]

    def _suggest(self, text: str) -> None:
        popup = self.suggestions.popup()
        if not text.strip():
            popup.hide()
            return
        self._ensure_fresh_index()
        self.suggestions.setCompletionPrefix(text)
        # The popup is as wide as its longest line (not the box), so no line is cut off.
        scroll_bar = popup.verticalScrollBar().sizeHint().width()
        needed = popup.sizeHintForColumn(0) + scroll_bar + 2 * popup.frameWidth()
        self.suggestions.complete(QRect(0, 0, max(self.width(), needed), self.height()))

    def _choose(self, index: QModelIndex) -> None:
        layer, feature_id = index.data(_LAYER_ROLE), index.data(_ID_ROLE)
        self.suggestions.popup().hide()
        self.clear()
        if layer and feature_id:
            self.session.select(layer, feature_id, fly=True)

    def _choose_first_match(self) -> None:
        # Enter without picking from the list: take the first match, as a search field does.
        # (When an entry was picked, the completer has chosen it and cleared the box already.)
        if not self.text().strip():
            return
        self._ensure_fresh_index()
        self.suggestions.setCompletionPrefix(self.text())
        first = self.suggestions.completionModel().index(0, 0)
        if first.isValid():
            self._choose(first)


# Each entry is (layer, id, displayed line, search text, symbol key of its icon).


def _village_entries(villages: pd.DataFrame):
    """Villages, found by name or division code."""
    kind = _("Village")
    for code, name in zip(_texts(villages["code"]), _texts(villages["name"]), strict=False):
        yield "villages", code, _line(name, code, kind), f"{name} {code}", "plain"


def _named_point_entries(points: pd.DataFrame, layer: str, kind: str):
    """Entries of a layer found by id or name (checkpoints, disinfection points)."""
    symbols = _texts(points["tier"]) if layer == "checkpoints" else [_LAYER_SYMBOLS[layer]] * len(points)
    for feature_id, name, symbol in zip(_texts(points["id"]), _texts(points["name"]), symbols, strict=False):
        yield layer, feature_id, _line(feature_id, name, kind), f"{feature_id} {name}", symbol


def _household_entries(households: pd.DataFrame, village_names: dict, internal: bool):
    """Households, found by id, and by the head's name only when ``internal``.

    The phone is never read. For the public audience the head's name is not read either, so
    it can be neither matched nor shown.
    """
    kind = _("Household")
    ids = _texts(households["id"])
    villages = [village_names.get(code, "") for code in households["village"]]
    heads = _texts(households["head_name"]) if internal else [""] * len(ids)
    for feature_id, village, head in zip(ids, villages, heads, strict=False):
        yield (
            "households",
            feature_id,
            _line(feature_id, head, village, kind),
            f"{feature_id} {head}".strip(),
            _LAYER_SYMBOLS["households"],
        )


def _item(layer: str, feature_id: str, line: str, search_text: str, symbol_key: str) -> QStandardItem:
    """One entry: the line shown, the text matched, and the feature it stands for."""
    item = QStandardItem(_layer_icon(layer, symbol_key), line)
    item.setData(search_text, _SEARCH_ROLE)
    item.setData(layer, _LAYER_ROLE)
    item.setData(feature_id, _ID_ROLE)
    return item


def _line(*parts: str) -> str:
    """The displayed line: the parts that are not blank, joined by a middle dot."""
    return _SEPARATOR.join(part for part in parts if part)


def _texts(column: pd.Series) -> list[str]:
    """A text column as Python strings, missing values as ""."""
    return column.astype(object).where(column.notna(), "").astype(str).tolist()


_icons: dict[tuple[str, str], QIcon] = {}


def _layer_icon(layer: str, symbol_key: str) -> QIcon:
    """The style table's symbol as a small icon, so the list looks like the map's legend."""
    key = (layer, symbol_key)
    if key not in _icons:
        try:
            svg = STYLE_TABLE[layer].symbol(symbol_key).svg(_ICON_SIZE)
        except KeyError:  # an unknown tier in the data: no icon rather than no entry
            svg = None
        pixmap = QPixmap(_ICON_SIZE, _ICON_SIZE)
        pixmap.fill(Qt.GlobalColor.transparent)
        if svg:
            painter = QPainter(pixmap)
            QSvgRenderer(svg.encode()).render(painter)
            painter.end()
        _icons[key] = QIcon(pixmap)
    return _icons[key]
