"""Every text a window shows: its widgets' and actions' words, titles, tooltips and choices."""

from __future__ import annotations

from PyQt6.QtCore import QModelIndex, Qt
from PyQt6.QtGui import QAction
from PyQt6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QTableWidget,
    QTabWidget,
    QTreeView,
    QTreeWidget,
    QWidget,
)


def widget_texts(root: QWidget):
    """(where, text) for every text of ``root``, its child widgets and their actions."""
    seen_actions: set[int] = set()
    for widget in [root, *root.findChildren(QWidget)]:
        where = f"{type(widget).__name__}:{widget.objectName()}"
        yield from _own_texts(widget, where)
        for action in widget.actions():
            if id(action) not in seen_actions:
                seen_actions.add(id(action))
                yield from _action_texts(action)


def _action_texts(action: QAction):
    where = f"action:{action.text()}"
    for text in (action.text(), action.toolTip(), action.statusTip(), action.whatsThis()):
        if text:
            yield where, text.replace("&", "")
    menu = action.menu()
    if menu is not None:
        yield f"menu:{menu.title()}", menu.title().replace("&", "")


def _own_texts(widget: QWidget, where: str):
    texts = [widget.toolTip(), widget.statusTip(), widget.whatsThis(), widget.accessibleName()]
    if widget.isWindow() or isinstance(widget, QDockWidget):
        texts.append(widget.windowTitle())
    if isinstance(widget, QLabel):
        texts.append(widget.text())
    if isinstance(widget, QAbstractButton):
        texts.append(widget.text())
    if isinstance(widget, QGroupBox):
        texts.append(widget.title())
    if isinstance(widget, QMenu):
        texts.append(widget.title())
    if isinstance(widget, QLineEdit):
        texts.append(widget.placeholderText())
    if isinstance(widget, QComboBox):
        texts += [widget.itemText(i) for i in range(widget.count())]
        texts.append(widget.placeholderText())
    if isinstance(widget, QTabWidget):
        texts += [widget.tabText(i) for i in range(widget.count())]
        texts += [widget.tabToolTip(i) for i in range(widget.count())]
    if isinstance(widget, QTableWidget):
        for column in range(widget.columnCount()):
            item = widget.horizontalHeaderItem(column)
            if item is not None:
                texts += [item.text(), item.toolTip()]
    if isinstance(widget, QTreeWidget):
        header = widget.headerItem()
        if header is not None:
            texts += [header.text(c) for c in range(header.columnCount())]
    if isinstance(widget, QAbstractItemView) and widget.model() is not None:
        texts += list(_model_texts(widget.model(), tree=isinstance(widget, QTreeView)))
    for text in texts:
        if text:
            yield where, text.replace("&", "")


_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)


def _model_texts(model, parent=None, *, tree: bool):
    """The headers and items of a list, table or (``tree``) tree, as shown."""
    parent = parent if parent is not None else QModelIndex()
    columns = _count(model.columnCount, parent)
    if not parent.isValid():
        for column in range(columns):
            for role in _ROLES:
                value = model.headerData(column, Qt.Orientation.Horizontal, role)
                if isinstance(value, str):
                    yield value
    for row in range(_count(model.rowCount, parent)):
        for column in range(columns):
            index = model.index(row, column, parent)
            for role in _ROLES:
                value = model.data(index, role)
                if isinstance(value, str):
                    yield value
            # A table model may count its rows whatever the parent: only a tree's items have children.
            if tree and column == 0 and model.rowCount(index):
                yield from _model_texts(model, index, tree=True)


def _count(method, parent) -> int:
    """A model's rows or columns; 1 column for a list model, whose columnCount PyQt hides."""
    try:
        return method(parent)
    except TypeError:
        return 1
