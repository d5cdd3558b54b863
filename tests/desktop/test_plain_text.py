"""Data is shown as the text it is: markup planted in every text field of the dataset is
drawn nowhere as markup (labels, tooltips, item views, message boxes), and is seen as text."""

import pytest
from PyQt6.QtCore import QModelIndex, Qt
from PyQt6.QtGui import QTextDocument
from PyQt6.QtWidgets import QAbstractItemView, QLabel, QMessageBox, QWidget

from desktop.wall.wall import WallWindow
from desktop.window.main_window import MainWindow
from geodata.stores import GeoPackageStore
from layers.map_state import MapState
from tests.desktop.pagetools import PAGE_TIMEOUT_MS

MARKUP = '<b style="font-size:80px;color:red">ALL CLEAR</b>'
WORDS = "ALL CLEAR"


@pytest.fixture
def planted(sample_copy):
    """The sample with markup in every text a person types: metadata, names and notes."""
    dataset = GeoPackageStore(sample_copy).read_all().conformed()
    dataset.metadata["township_name"] = MARKUP
    dataset.metadata["issuing_body"] = MARKUP
    dataset.metadata["township_name_en"] = MARKUP  # the name an English window shows
    for layer, fields in (
        ("villages", ["name"]),
        ("checkpoints", ["name", "note"]),
        ("households", ["note", "head_name"]),
        ("disinfection_points", ["name", "note"]),
    ):
        frame = dataset[layer].copy()
        for field in fields:
            frame[field] = [f"{MARKUP}{i}" for i in range(len(frame))]  # still distinct names
        dataset[layer] = frame
    # Written to the file too: the window and the wall read it again as they open.
    GeoPackageStore(sample_copy).write_dataset(dataset)
    return dataset


def drawn_as_markup(text: str, rich: bool) -> bool:
    """Whether ``text`` shown as rich text (``rich``) loses the planted markup to formatting."""
    if not rich or WORDS not in text:
        return False
    document = QTextDocument()
    document.setHtml(text)
    return MARKUP not in document.toPlainText()


def tooltip_is_markup(tip) -> bool:
    return bool(tip) and drawn_as_markup(str(tip), Qt.mightBeRichText(str(tip)))


def label_is_markup(label: QLabel) -> bool:
    rich = label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and Qt.mightBeRichText(label.text())
    )
    return drawn_as_markup(label.text(), rich)


def model_indexes(model, parent=QModelIndex()):
    for row in range(model.rowCount(parent)):
        for column in range(model.columnCount(parent)):
            index = model.index(row, column, parent)
            yield index
            if column == 0 and model.rowCount(index):
                yield from model_indexes(model, index)


def walk(root: QWidget) -> tuple[list[str], list[str]]:
    """(what is drawn as markup, every text shown) under ``root``."""
    wrong, shown = [], []
    widgets = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        name = f"{type(widget).__name__} {widget.objectName()!r}"
        if tooltip_is_markup(widget.toolTip()):
            wrong.append(f"{name} tooltip {widget.toolTip()!r}")
        if isinstance(widget, QLabel):
            shown.append(widget.text())
            if label_is_markup(widget):
                wrong.append(f"{name} {widget.text()!r} format {widget.textFormat()}")
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            for index in model_indexes(widget.model()):
                text = index.data(Qt.ItemDataRole.DisplayRole)
                shown.append(str(text))
                # Item views draw DisplayRole as plain text; only the tooltip may be taken as markup.
                if tooltip_is_markup(index.data(Qt.ItemDataRole.ToolTipRole)):
                    wrong.append(f"{name} item tooltip {index.data(Qt.ItemDataRole.ToolTipRole)!r}")
    return wrong, shown


def test_the_window_details_and_search_show_planted_markup_as_text(qtbot, sample_copy, planted, monkeypatch):
    window = MainWindow(GeoPackageStore(sample_copy), planted, MapState(audience="internal"))
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.map_view.drawn, timeout=PAGE_TIMEOUT_MS):
        window.show()
    assert window.session.dataset.metadata["township_name"] == MARKUP
    everything = []
    for layer in ("villages", "checkpoints", "households", "disinfection_points"):
        key = "code" if layer == "villages" else "id"
        window.session.select(layer, planted[layer][key].iloc[0])
        qtbot.wait(50)
        wrong, shown = walk(window)
        assert not wrong, (layer, wrong)
        everything += shown
    assert any(text.startswith(MARKUP) for text in window.details_panel.shown_texts())

    village = planted.villages.geometry.iloc[0].representative_point()
    window._show_cursor(village.x, village.y)
    window.search_box.setText("ALL")
    window.search_box.textEdited.emit("ALL")
    qtbot.wait(100)
    wrong, shown = walk(window)
    popup = window.search_box.suggestions.popup()
    popup_wrong, popup_shown = walk(popup)
    assert not wrong + popup_wrong
    everything += shown + popup_shown
    assert any(MARKUP in text for text in popup_shown)
    assert MARKUP in window.cursor_label.text()
    assert any(text.startswith(MARKUP) for text in everything)

    asked = []
    monkeypatch.setattr(
        QMessageBox, "exec", lambda box: asked.append(box.textFormat()) or QMessageBox.StandardButton.No
    )
    window.details_panel.confirm("Delete " + MARKUP + "?")
    window.show_error(MARKUP)
    assert asked == [Qt.TextFormat.PlainText] * 2


def test_the_wall_header_shows_planted_markup_as_text(qtbot, sample_copy, planted):
    wall = WallWindow(sample_copy, planted, [MapState(audience="public")], refresh_s=3600, dwell_s=3600)
    qtbot.addWidget(wall)
    with qtbot.waitSignal(wall.map_view.drawn, timeout=PAGE_TIMEOUT_MS):
        wall.show()
    wrong, shown = walk(wall)
    assert not wrong
    assert wall.header.township_label.text() == MARKUP
    assert wall.header.township_label.textFormat() == Qt.TextFormat.PlainText
    # Drawn plain, the name is as wide as its characters, not one 80-pixel bold line.
    metrics = wall.header.township_label.fontMetrics()
    assert wall.header.township_label.sizeHint().width() >= metrics.horizontalAdvance(MARKUP)
