"""The layer tree: which layers are drawn, what their symbols mean, and which features show.

One top-level item per layer, top-most first, as QGIS users know it: a checkbox (the layer is
drawn), the layer's name and a symbol. Below each layer, its symbol classes with their swatches
(the legend) and the filters of :class:`layers.map_state.Filters` as checkboxes.

The panel only talks to the session: every user change becomes one new MapState given to
:meth:`Session.set_state`, and every new state (from here or elsewhere) is shown by ticking
the boxes with the tree's signals blocked, so showing a state never sends one back.
"""

from __future__ import annotations

import dataclasses
import re

from PyQt6.QtCore import QByteArray, QRectF, QSize, Qt, pyqtSignal
from PyQt6.QtGui import QIcon, QPainter, QPixmap
from PyQt6.QtSvg import QSvgRenderer
from PyQt6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QStyledItemDelegate,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.plain_text import plain_tooltip
from geodata.schema import (
    CHECKPOINT_STATUSES,
    CHECKPOINT_TIERS,
    HOUSEHOLD_REASONS,
    HOUSEHOLD_STATUSES,
    LAYERS,
    OBSERVATION_DAYS,
    choice_label,
)
from layers.i18n import _, language
from layers.map_state import MapState
from layers.styles import (
    CHECKPOINT_STATUS_OVERRIDES,
    DRAW_ORDER,
    STYLE_TABLE,
    Symbol,
    legend_symbols,
)

SWATCH_SIZE = 20  # logical pixels of a swatch in the tree: the largest point symbol's size

# What an item stands for: ("layer", name), ("group", filter name), (filter name, value).
_KEY = Qt.ItemDataRole.UserRole
_CHECKED, _UNCHECKED, _PARTLY = (
    Qt.CheckState.Checked,
    Qt.CheckState.Unchecked,
    Qt.CheckState.PartiallyChecked,
)

# The symbol a layer's own item shows, and the one a checkpoint status is drawn over.
_LAYER_SYMBOL = {
    "checkpoints": "district",
    "households": "observing",
    "disinfection_points": "done",
    "roads": "county",
    "villages": "plain",
}
_STATUS_BASE_TIER = "district"


def swatch_icon(symbol: Symbol, size: int = SWATCH_SIZE) -> QIcon:
    """The symbol's SVG (from the style table) as an icon, so the tree matches the map.

    Point symbols keep their size relative to one another, as on the map (a district
    checkpoint is drawn larger than a natural-village one); lines and areas fill the icon.

    Parameters
    ----------
    symbol : Symbol
        A symbol of :data:`layers.styles.STYLE_TABLE` (or one derived from it).
    size : int
        Edge of the square icon, in logical pixels.

    Returns
    -------
    QIcon
        Drawn at twice the size, so it stays sharp on high-density screens.
    """
    scale = 2
    svg = symbol.svg()
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    drawn = size if symbol.shape in ("line", "area") else min(renderer.defaultSize().width(), size)
    pixmap = QPixmap(size * scale, size * scale)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    margin = (size - drawn) / 2 * scale
    renderer.render(painter, QRectF(margin, margin, drawn * scale, drawn * scale))
    painter.end()
    return QIcon(pixmap)


class _RowDelegate(QStyledItemDelegate):
    """Rows at least as tall as a swatch, so rows with and without one line up evenly."""

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 (Qt name)
        hint = super().sizeHint(option, index)
        hint.setHeight(max(hint.height(), SWATCH_SIZE + 2))
        return hint


def _status_symbol(status: str) -> Symbol:
    """The checkpoint symbol with the look a status on the day gives it on the map."""
    base = STYLE_TABLE["checkpoints"].symbol(_STATUS_BASE_TIER)
    return dataclasses.replace(base, key=status, **CHECKPOINT_STATUS_OVERRIDES.get(status, {}))


class ObservationDayRange(QWidget):
    """Two spin boxes choosing the days of observation shown (1..14: no filter)."""

    days_changed = pyqtSignal(object)  # (first, last), or None for every day

    def __init__(self, parent=None):
        super().__init__(parent)
        self.first_box, self.last_box = QSpinBox(), QSpinBox()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        # The sentence is translated whole, so each language places the boxes where it wants.
        text = _("Observation day {first} to {last}")
        for part in re.split(r"(\{first\}|\{last\})", text):
            if part == "{first}":
                layout.addWidget(self.first_box)
            elif part == "{last}":
                layout.addWidget(self.last_box)
            elif part.strip():
                layout.addWidget(QLabel(part.strip()))
        layout.addStretch(1)
        for box in (self.first_box, self.last_box):
            box.setRange(1, OBSERVATION_DAYS)
            box.setKeyboardTracking(False)  # typing "12" is one change, not "1" then "12"
            box.valueChanged.connect(self._on_value_changed)
        self.first_box.setToolTip(_("First day of observation shown"))
        self.last_box.setToolTip(_("Last day of observation shown"))
        self.show_days(None)

    def days(self) -> tuple[int, int] | None:
        """The range chosen; None when it is every day (no filter)."""
        days = (self.first_box.value(), self.last_box.value())
        return None if days == (1, OBSERVATION_DAYS) else days

    def show_days(self, days: tuple[int, int] | None) -> None:
        """Show ``days`` (None: every day) without announcing a change."""
        first, last = days or (1, OBSERVATION_DAYS)
        for box in (self.first_box, self.last_box):
            box.blockSignals(True)
        self.first_box.setRange(1, OBSERVATION_DAYS)
        self.last_box.setRange(1, OBSERVATION_DAYS)
        self.first_box.setValue(first)
        self.last_box.setValue(last)
        self._keep_in_order()
        for box in (self.first_box, self.last_box):
            box.blockSignals(False)

    def _keep_in_order(self) -> None:
        # The first day can never pass the last, so the range is always valid.
        self.first_box.setMaximum(self.last_box.value())
        self.last_box.setMinimum(self.first_box.value())

    def _on_value_changed(self) -> None:
        self._keep_in_order()
        self.days_changed.emit(self.days())


class LayersPanel(QWidget):
    """The layer tree with symbol swatches and filters; edits ``session.state``.

    Parameters
    ----------
    session : desktop.window.session.Session
        Read for the dataset and state; told of every change with ``set_state``.
    parent : QWidget, optional

    Attributes
    ----------
    tree : QTreeWidget
        One top-level item per layer; see :meth:`layer_item`, :meth:`filter_item` and
        :meth:`group_item` for the items of the filters.
    observation_range : ObservationDayRange
        The observation-day filter, shown in the households' branch.
    overdue_item : QTreeWidgetItem
        The disinfection points' "Overdue only" box.
    """

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setColumnCount(1)
        self.tree.setIndentation(16)
        self.tree.setIconSize(QSize(SWATCH_SIZE, SWATCH_SIZE))
        self.tree.setItemDelegate(_RowDelegate(self.tree))
        self.tree.setTextElideMode(Qt.TextElideMode.ElideNone)
        # Rows keep their whole text; a narrow panel scrolls sideways rather than cut a label.
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(False)
        self.observation_range = ObservationDayRange()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree)

        self._layer_items: dict[str, QTreeWidgetItem] = {}
        self._value_items: dict[str, dict[str, QTreeWidgetItem]] = {}
        self._group_items: dict[str, QTreeWidgetItem] = {}
        self._fill_legend: list[QTreeWidgetItem] = []
        self._fill_shown: str | None = None
        self._villages_listed: list[tuple[str, str]] = []
        # Every layer in the order a re-ticked layer goes back to (see _remember_order).
        self._layer_order: list[str] = []
        self._build()
        self.show_state(session.state)

        self.tree.itemChanged.connect(self._on_item_changed)
        self.observation_range.days_changed.connect(self._on_days_changed)
        session.state_changed.connect(self.show_state)
        session.dataset_changed.connect(self._on_dataset_changed)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(300, 560)

    # -- looking items up (for the window and the tests) ------------------------------------

    def layer_item(self, layer: str) -> QTreeWidgetItem:
        """The top-level item of ``layer``."""
        return self._layer_items[layer]

    def filter_item(self, filter_name: str, value: str) -> QTreeWidgetItem:
        """The checkbox item of one value of a filter (a tier, a reason, a village code...)."""
        return self._value_items[filter_name][value]

    def group_item(self, filter_name: str) -> QTreeWidgetItem:
        """The item that ticks or unticks every value of a filter at once."""
        return self._group_items[filter_name]

    def set_layer_checked(self, layer: str, checked: bool) -> None:
        """Tick or untick ``layer``'s box as a user would (the state follows)."""
        self._layer_items[layer].setCheckState(0, _CHECKED if checked else _UNCHECKED)

    # -- building the tree ------------------------------------------------------------------

    def _build(self) -> None:
        lang = language()
        for layer in reversed(DRAW_ORDER):
            schema = LAYERS[layer]
            icon = swatch_icon(STYLE_TABLE[layer].symbol(_LAYER_SYMBOL[layer]))
            item = self._add(
                self.tree,
                schema.label(lang),
                key=("layer", layer),
                icon=icon,
                checkable=True,
            )
            self._layer_items[layer] = item
            item.setExpanded(True)
        self._build_checkpoints(self._layer_items["checkpoints"])
        self._build_households(self._layer_items["households"])
        self._build_disinfection(self._layer_items["disinfection_points"])
        self._add_legend(self._layer_items["roads"], STYLE_TABLE["roads"].symbols)
        villages = self._add_group(self._layer_items["villages"], _("All villages"), "villages", expanded=False)
        self._list_villages(villages)

    def _build_checkpoints(self, parent: QTreeWidgetItem) -> None:
        style = STYLE_TABLE["checkpoints"]
        self._add_choices(
            parent,
            "checkpoint_tiers",
            "checkpoints",
            "tier",
            CHECKPOINT_TIERS,
            icons={tier: swatch_icon(style.symbol(tier)) for tier in CHECKPOINT_TIERS},
        )
        group = self._add_group(parent, _("Status on the day"), "checkpoint_statuses")
        self._add_choices(
            group,
            "checkpoint_statuses",
            "checkpoints",
            "status",
            CHECKPOINT_STATUSES,
            icons={s: swatch_icon(_status_symbol(s)) for s in CHECKPOINT_STATUSES},
        )

    def _build_households(self, parent: QTreeWidgetItem) -> None:
        style = STYLE_TABLE["households"]
        self._add_legend(parent, style.symbols)
        # Long lists start folded: a partly ticked group box still says a filter is on.
        reasons = self._add_group(parent, _("Reason"), "household_reasons", expanded=False)
        self._add_choices(reasons, "household_reasons", "households", "reason", HOUSEHOLD_REASONS)
        statuses = self._add_group(parent, _("Status on the day"), "household_statuses")
        # The statuses wear the swatch of the stage of the same name, as on the map.
        self._add_choices(
            statuses,
            "household_statuses",
            "households",
            "status",
            HOUSEHOLD_STATUSES,
            icons={s: swatch_icon(style.symbol(s)) for s in HOUSEHOLD_STATUSES},
        )
        row = self._add(parent, "")
        row.setSizeHint(0, self.observation_range.sizeHint())
        self.tree.setItemWidget(row, 0, self.observation_range)

    def _build_disinfection(self, parent: QTreeWidgetItem) -> None:
        self._add_legend(parent, STYLE_TABLE["disinfection_points"].symbols)
        self.overdue_item = self._add(parent, _("Overdue only"), key=("overdue_only", None), checkable=True)
        self.overdue_item.setToolTip(0, _("Show only the points overdue for disinfection at the as-of time"))

    def _list_villages(self, group: QTreeWidgetItem) -> None:
        group.takeChildren()
        self._villages_listed = _villages_of(self.session.dataset)
        self._value_items["villages"] = {
            code: self._add(group, name, key=("villages", code), checkable=True) for code, name in self._villages_listed
        }

    def _add(
        self, parent, text: str, key: tuple | None = None, icon: QIcon | None = None, checkable: bool = False
    ) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [text])
        flags = Qt.ItemFlag.ItemIsEnabled
        if checkable:
            flags |= Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable
            item.setCheckState(0, _CHECKED)
        item.setFlags(flags)
        if key is not None:
            item.setData(0, _KEY, key)
        if icon is not None:
            item.setIcon(0, icon)
        if text:
            item.setToolTip(0, plain_tooltip(text))  # village names are data
        return item

    def _add_group(self, parent, text: str, filter_name: str, expanded: bool = True) -> QTreeWidgetItem:
        group = self._add(parent, text, key=("group", filter_name), checkable=True)
        group.setExpanded(expanded)
        self._group_items[filter_name] = group
        return group

    def _add_choices(
        self, parent, filter_name: str, layer: str, field: str, values, icons: dict[str, QIcon] | None = None
    ) -> None:
        lang = language()
        self._value_items[filter_name] = {
            value: self._add(
                parent,
                choice_label(layer, field, value, lang),
                key=(filter_name, value),
                icon=(icons or {}).get(value),
                checkable=True,
            )
            for value in values
        }

    def _add_legend(self, parent, symbols, at: int | None = None) -> list[QTreeWidgetItem]:
        """Non-checkable rows, one per symbol: what each colour and shape on the map means."""
        lang = language()
        items = []
        for symbol in symbols:
            item = QTreeWidgetItem([symbol.label(lang)])
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            item.setIcon(0, swatch_icon(symbol))
            item.setToolTip(0, symbol.label(lang))
            if at is None:
                parent.addChild(item)
            else:
                parent.insertChild(at + len(items), item)
            items.append(item)
        return items

    def _show_fill_legend(self, village_fill: str) -> None:
        """The village legend follows the state's fill: classes of a count, or one plain fill."""
        if village_fill == self._fill_shown:
            return
        villages = self._layer_items["villages"]
        for item in self._fill_legend:
            villages.removeChild(item)
        symbols = legend_symbols("villages", village_fill)
        if village_fill == "none":
            self._fill_legend = self._add_legend(villages, symbols, at=0)
        else:
            header = QTreeWidgetItem([_("Fill: households under observation")])
            header.setFlags(Qt.ItemFlag.ItemIsEnabled)
            villages.insertChild(0, header)
            self._add_legend(header, symbols)
            header.setExpanded(True)
            self._fill_legend = [header]
        self._fill_shown = village_fill

    # -- showing a state --------------------------------------------------------------------

    def show_state(self, state: MapState) -> None:
        """Tick the boxes as ``state`` says, announcing nothing."""
        self._layer_order = self._remember_order(state.visible_layers)
        self.tree.blockSignals(True)
        try:
            for layer, item in self._layer_items.items():
                item.setCheckState(0, _CHECKED if layer in state.visible_layers else _UNCHECKED)
            self.overdue_item.setCheckState(0, _CHECKED if state.filters.overdue_only else _UNCHECKED)
            for filter_name, items in self._value_items.items():
                allowed = getattr(state.filters, filter_name)
                for value, item in items.items():
                    item.setCheckState(0, _CHECKED if allowed is None or value in allowed else _UNCHECKED)
            for filter_name, group in self._group_items.items():
                group.setCheckState(0, _group_state(self._value_items[filter_name].values()))
            self._show_fill_legend(state.village_fill)
        finally:
            self.tree.blockSignals(False)
        self.observation_range.show_days(state.filters.observation_days)

    def _remember_order(self, visible: tuple[str, ...]) -> list[str]:
        """Every layer, the visible ones in ``visible``'s order and the hidden ones where they
        were last, so unticking and re-ticking a layer gives back the same state."""
        known = list(self._layer_order) or list(visible) + [layer for layer in DRAW_ORDER if layer not in visible]
        in_order = iter(visible)
        return [next(in_order) if layer in visible else layer for layer in known]

    # -- user changes -----------------------------------------------------------------------

    def _on_item_changed(self, item: QTreeWidgetItem, _column: int) -> None:
        kind, value = item.data(0, _KEY) or (None, None)
        state = self.session.state
        if kind == "layer":
            visible = tuple(layer for layer in self._layer_order if self._layer_items[layer].checkState(0) == _CHECKED)
            state = state.replace(visible_layers=visible)
        elif kind == "overdue_only":
            state = state.with_filters(overdue_only=item.checkState(0) == _CHECKED)
        elif kind == "group":
            ticked = item.checkState(0) != _UNCHECKED
            self.tree.blockSignals(True)
            for child in self._value_items[value].values():
                child.setCheckState(0, _CHECKED if ticked else _UNCHECKED)
            self.tree.blockSignals(False)
            state = state.with_filters(**{value: self._checked_values(value)})
        elif kind in self._value_items:
            state = state.with_filters(**{kind: self._checked_values(kind)})
        else:
            return
        self._commit(state)

    def _on_days_changed(self, days) -> None:
        self._commit(self.session.state.with_filters(observation_days=days))

    def _commit(self, state: MapState) -> None:
        if state == self.session.state:
            # Nothing to announce (say, every value of a group ticked one by one, then the
            # group): the boxes are only brought back in line with the state.
            self.show_state(state)
        else:
            self.session.set_state(state)  # state_changed brings show_state

    def _checked_values(self, filter_name: str) -> tuple[str, ...] | None:
        """The values ticked; None when all are (no filter), () when none is."""
        items = self._value_items[filter_name]
        ticked = tuple(value for value, item in items.items() if item.checkState(0) == _CHECKED)
        return None if len(ticked) == len(items) else ticked

    def _on_dataset_changed(self, _changed) -> None:
        if _villages_of(self.session.dataset) != self._villages_listed:
            self.tree.blockSignals(True)
            self._list_villages(self._group_items["villages"])
            self.tree.blockSignals(False)
            self.show_state(self.session.state)


def _group_state(items) -> Qt.CheckState:
    states = {item.checkState(0) for item in items}
    if states == {_UNCHECKED}:
        return _UNCHECKED
    return _CHECKED if states <= {_CHECKED} else _PARTLY


def _villages_of(dataset) -> list[tuple[str, str]]:
    """(code, name) of every village, in the dataset's order."""
    villages = dataset.villages
    return [(str(code), str(name)) for code, name in zip(villages["code"], villages["name"], strict=False)]
