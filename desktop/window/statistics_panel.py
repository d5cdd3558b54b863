"""The statistics panel: the figures of the situation per village on the as-of day.

One row per village of :func:`layers.statistics.village_table` (so the panel, the wall display
and the briefing agree), and a totals row that stays last whatever the sort. Clicking a
village (or pressing Enter on it) selects it and brings its polygon into view.

The table is recomputed only when what it counts can change: the dataset, the as-of time or
the village filter. Every other filter click leaves it alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from PyQt6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    pyqtSignal,
)
from PyQt6.QtGui import QColor, QFont, QPalette
from PyQt6.QtWidgets import QAbstractItemView, QLabel, QTableView, QVBoxLayout, QWidget

from geodata.schema import choice_label
from layers.briefing.cells import cell_text
from layers.i18n import _, language
from layers.situation import AsOfError
from layers.statistics import (
    CHECKPOINT_TIER_FIGURES,
    figure_description,
    figure_label,
    supplies_and_publicity,
    village_table,
)

__all__ = ["ALARMING_FIGURES", "SHOWN_FIGURES", "StatisticsPanel", "TOTALS"]

# The figures shown, one column each after the village name, in this order.
SHOWN_FIGURES: tuple[str, ...] = (
    *CHECKPOINT_TIER_FIGURES,
    "checkpoints_active",
    "households_under_observation",
    "new_today",
    "releasing_today",
    "disinfection_overdue",
    "party_branches",
    "volunteers",
)
# Figures that call for action when they are not zero: painted bold and red.
ALARMING_FIGURES = frozenset({"new_today", "disinfection_overdue"})
# The code by which figure() and row_codes() name the totals row (village codes are digits).
TOTALS = "totals"

_NAME_COLUMN = 0
_SORT_ROLE = Qt.ItemDataRole.UserRole
_CODE_ROLE = Qt.ItemDataRole.UserRole + 1
_ALARM_COLOUR = QColor("#c62828")
_NUMBER_ALIGNMENT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_HEADER_LINE_LENGTH = 12  # English headers longer than this are set on two lines


class StatisticsPanel(QWidget):
    """The per-village figures of the session's situation, sortable, with a totals row.

    Parameters
    ----------
    session : desktop.window.session.Session
        Read for the dataset, the as-of time and the village filter; told of a chosen village
        through :meth:`Session.select` and :meth:`Session.show_bounds`.
    parent : QWidget, optional

    Attributes
    ----------
    table_view : QTableView
        The table; its model is a sorting proxy over the figures.
    """

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self._figures = _VillageFiguresModel(self)
        self._sorted = _TotalsLastProxy(self)
        self._sorted.setSourceModel(self._figures)
        self._shown_for: tuple | None = None  # (as_of, village filter) the figures describe

        self.caption = QLabel()
        self.caption.setContentsMargins(4, 2, 4, 2)
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        # The township's supplies and publicity (published beside the checkpoint figures).
        self.resources = QLabel()
        self.resources.setContentsMargins(4, 2, 4, 2)
        self.resources.setTextFormat(Qt.TextFormat.PlainText)
        self.resources.setWordWrap(True)
        self.table_view = _VillageTableView()
        self.table_view.setModel(self._sorted)
        self.table_view.setSortingEnabled(True)
        self.table_view.sortByColumn(_NAME_COLUMN, Qt.SortOrder.AscendingOrder)
        self.table_view.setAlternatingRowColors(True)
        self.table_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table_view.verticalHeader().setVisible(False)
        # Dense rows, as in an attribute table: all ten villages fit in a short dock.
        self.table_view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table_view.horizontalHeader()
        header.setSectionResizeMode(header.ResizeMode.ResizeToContents)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.table_view)
        layout.addWidget(self.resources)

        self.table_view.row_chosen.connect(self._show_village)
        session.state_changed.connect(self._on_state_changed)
        session.dataset_changed.connect(self.refresh)
        self.refresh()

    # -- what the table shows ----------------------------------------------------------------

    def refresh(self, *_changed) -> None:
        """Recompute the figures from the session's dataset, as-of time and village filter."""
        as_of, villages = key = self._figures_key()
        table = _empty_table() if as_of is None else village_table(self.session.dataset, as_of)
        if villages is not None:
            table = table[table["code"].isin(villages)]
        self._figures.set_table(table)
        self._shown_for = key
        if as_of is None:
            self.caption.setText(_("No as-of time: the dataset holds no dates."))
            self.resources.setText("")
        else:
            self.caption.setText(_("Situation as of {time}").format(time=f"{as_of:%Y-%m-%d %H:%M}"))
            self.resources.setText(_resources_text(supplies_and_publicity(self.session.dataset, as_of)))

    def figure(self, code: str, column: str) -> int:
        """The number the table shows for a village and a figure.

        Parameters
        ----------
        code : str
            The village's division code, or :data:`TOTALS` for the totals row.
        column : str
            One of :data:`SHOWN_FIGURES`, e.g. ``"households_under_observation"``.

        Returns
        -------
        int

        Raises
        ------
        KeyError
            When the table shows no row for ``code`` or no column ``column``.
        """
        if column not in SHOWN_FIGURES:
            raise KeyError(f"column {column!r} is not shown; shown: {', '.join(SHOWN_FIGURES)}")
        codes = self.row_codes()
        if code not in codes:
            raise KeyError(f"no row for village code {code!r}")
        row = codes.index(code)
        cell = self._sorted.index(row, 1 + SHOWN_FIGURES.index(column))
        return int(cell.data(Qt.ItemDataRole.DisplayRole))

    def row_codes(self) -> list[str]:
        """The village code of each row as shown, top to bottom (:data:`TOTALS` last)."""
        rows = range(self._sorted.rowCount())
        return [self._sorted.index(row, _NAME_COLUMN).data(_CODE_ROLE) for row in rows]

    # -- reacting to the session -------------------------------------------------------------

    def _figures_key(self) -> tuple:
        """What the figures depend on besides the dataset: the as-of time and village filter."""
        try:
            as_of = self.session.as_of
        except AsOfError:
            as_of = None
        return as_of, self.session.state.filters.villages

    def _on_state_changed(self, _state) -> None:
        # Most state changes (layers, other filters, the view) leave the figures as they are.
        if self._figures_key() != self._shown_for:
            self.refresh()

    def _show_village(self, index: QModelIndex) -> None:
        code = index.data(_CODE_ROLE)
        if not code or code == TOTALS:  # the totals and unmatched rows are no place on the map
            return
        self.session.select("villages", code)
        villages = self.session.dataset.villages
        bounds = villages.loc[villages["code"] == code].total_bounds
        if np.isfinite(bounds).all():  # a village without geometry has nothing to show
            self.session.show_bounds(bounds)


class _VillageTableView(QTableView):
    """A table that says which row the user chose, by click or by Enter."""

    row_chosen = pyqtSignal(QModelIndex)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        # Not ``activated``: some platforms emit it on a single click as well, which would
        # choose the row twice.
        self.clicked.connect(self.row_chosen)

    def keyPressEvent(self, event):  # noqa: N802 (Qt name)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.row_chosen.emit(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)


class _VillageFiguresModel(QAbstractTableModel):
    """The rows of a village table and, last, their totals."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._codes: list[str] = []
        self._names: list[str] = []
        self._values = np.zeros((0, len(SHOWN_FIGURES)), dtype="int64")
        self._totals = np.zeros(len(SHOWN_FIGURES), dtype="int64")

    def set_table(self, table: pd.DataFrame) -> None:
        self.beginResetModel()
        self._codes = [str(code) for code in table["code"]]
        self._names = [str(name) for name in table["name"]]
        self._values = table[list(SHOWN_FIGURES)].to_numpy(dtype="int64")
        self._totals = self._values.sum(axis=0)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()):  # noqa: N802 (Qt name)
        return 0 if parent.isValid() else len(self._codes) + 1

    def columnCount(self, parent=QModelIndex()):  # noqa: N802 (Qt name)
        return 0 if parent.isValid() else 1 + len(SHOWN_FIGURES)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        row, column = index.row(), index.column()
        is_totals = row == len(self._codes)
        if role == _CODE_ROLE:
            return TOTALS if is_totals else self._codes[row]
        if column == _NAME_COLUMN:
            if role == Qt.ItemDataRole.DisplayRole:
                return _("Total") if is_totals else self._names[row]
            if role == _SORT_ROLE:  # villages sort in the division list's order
                return "" if is_totals else self._codes[row]
        else:
            figure = SHOWN_FIGURES[column - 1]
            value = int(self._totals[column - 1] if is_totals else self._values[row, column - 1])
            alarming = figure in ALARMING_FIGURES and value > 0
            if role == Qt.ItemDataRole.DisplayRole:
                return str(value)
            if role == _SORT_ROLE:
                return value
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _NUMBER_ALIGNMENT
            if role == Qt.ItemDataRole.ForegroundRole and alarming:
                return _ALARM_COLOUR
            if role == Qt.ItemDataRole.FontRole and (alarming or is_totals):
                return _bold_font()
        if role == Qt.ItemDataRole.FontRole and is_totals:
            return _bold_font()
        if role == Qt.ItemDataRole.BackgroundRole and is_totals:
            # Painted like the header, so the totals read as the table's foot, not a village.
            return QPalette().color(QPalette.ColorRole.Button)
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _short_header(section)
        if role == Qt.ItemDataRole.ToolTipRole and section != _NAME_COLUMN:
            figure = SHOWN_FIGURES[section - 1]
            return f"{_figure_label(figure)}\n{_figure_description(figure)}"
        return None


class _TotalsLastProxy(QSortFilterProxyModel):
    """Sorts the villages by the sort role and keeps the totals row last in either order."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(_SORT_ROLE)

    def lessThan(self, left, right):  # noqa: N802 (Qt name)
        # A descending sort asks lessThan(right, left), so "totals last" flips with the order.
        descending = self.sortOrder() == Qt.SortOrder.DescendingOrder
        if left.data(_CODE_ROLE) == TOTALS:
            return descending
        if right.data(_CODE_ROLE) == TOTALS:
            return not descending
        return super().lessThan(left, right)


def _short_header(section: int) -> str:
    """A column's header: the tiers by their level alone (the full name is the tooltip), the
    other figures by their label; long English ones on two lines, to keep the columns narrow."""
    if section == _NAME_COLUMN:
        return _("Village")
    figure = SHOWN_FIGURES[section - 1]
    tier_words = {
        "checkpoints_district": _("District level"),
        "checkpoints_village": _("Village level"),
        "checkpoints_natural_village": _("Natural village"),
        "checkpoints_compound": _("Compound"),
        "checkpoints_active": _("All tiers"),
    }
    return _two_lines(tier_words.get(figure) or _figure_label(figure))


def _figure_label(figure: str) -> str:
    """The label of a figure in the language in use."""
    return figure_label(figure, language())


def _figure_description(figure: str) -> str:
    """What a figure counts, in the language in use."""
    return figure_description(figure, language())


def _resources_text(figures: pd.DataFrame) -> str:
    """One line each for supplies and publicity: "Supplies: Masks 22,284 · …"."""
    lang = language()
    lines = []
    for table, heading in (("supplies", _("Supplies")), ("publicity", _("Publicity"))):
        rows = figures[figures["table"] == table]
        if rows.empty:
            continue
        items = " · ".join(
            f"{choice_label(table, 'item', item, lang)} {cell_text(quantity)}"
            for item, quantity in zip(rows["item"], rows["quantity"], strict=False)
        )
        lines.append(_("{heading}: {items}").format(heading=heading, items=items))
    return "\n".join(lines)


def _two_lines(text: str) -> str:
    """``text`` broken at the space nearest its middle, when it is long and has spaces."""
    spaces = [i for i, character in enumerate(text) if character == " "]
    if len(text) <= _HEADER_LINE_LENGTH or not spaces:
        return text
    middle = min(spaces, key=lambda i: abs(i - len(text) / 2))
    return f"{text[:middle]}\n{text[middle + 1 :]}"


def _bold_font() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


def _empty_table() -> pd.DataFrame:
    return pd.DataFrame({"code": [], "name": [], **{f: pd.Series([], dtype="int64") for f in SHOWN_FIGURES}})
