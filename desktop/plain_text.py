"""Data shown as the text it is, never as markup.

A QLabel, a QMessageBox and a tooltip take a text that looks like HTML as HTML: a township
name ``<b style="font-size:80px;color:red">ALL CLEAR</b>`` would be drawn huge and red. Every
widget that can show data text shows it through these.
"""

from __future__ import annotations

import html

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QLabel, QMessageBox


def plain_label(text: str = "", parent=None) -> QLabel:
    """A QLabel that shows ``text``, and every text set later, as plain text."""
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def plain_tooltip(text: str) -> str:
    """``text`` as a tooltip must be given to show it verbatim.

    Qt decides per tooltip whether it is markup (Qt.mightBeRichText); for a text it would
    take as markup, the escaped text in a paragraph that keeps its spaces and line breaks.
    """
    if not text or not Qt.mightBeRichText(text):
        return text
    return "<p style='white-space:pre-wrap'>" + html.escape(text, quote=False) + "</p>"


def plain_box(
    icon: QMessageBox.Icon, title: str, text: str, buttons=QMessageBox.StandardButton.Ok, parent=None
) -> QMessageBox:
    """A message box showing ``text`` as plain text."""
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    return box
