"""Reading a printed briefing back from the PDF: words, the rules drawn round tables and
frames, table cells and the rows of a table, with PyMuPDF.

Chromium prints a table's borders as thin filled rectangles and a framed box (the map frame,
a legend) as a stroked rectangle; a word "inside its frame" crosses none of them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pymupdf

MM = 72 / 25.4
RULE_MAX_THICKNESS = 1.6  # pt: a border, not a filled symbol
RULE_MIN_LENGTH = 6.0  # pt: shorter thin rectangles are parts of symbols
FRAME_MIN_SIZE = 40.0  # pt: stroked rectangles this big are frames, smaller are map symbols
TOLERANCE = 0.3  # pt: anti-aliasing and rounding


@dataclass(frozen=True)
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    @property
    def rect(self) -> pymupdf.Rect:
        return pymupdf.Rect(self.x0, self.y0, self.x1, self.y1)


@dataclass(frozen=True)
class Rule:
    """An axis-parallel border: ``vertical`` at ``at`` from ``start`` to ``end``."""

    vertical: bool
    at: float
    start: float
    end: float
    rect: pymupdf.Rect


def words(page: pymupdf.Page) -> list[Word]:
    return [Word(*w[:5]) for w in page.get_text("words")]


def rules(page: pymupdf.Page) -> list[Rule]:
    """Table borders (thin filled rectangles) and the sides of framed boxes."""
    found = []
    for drawing in page.get_drawings():
        rect = drawing["rect"]
        items = drawing["items"]
        thin = min(rect.width, rect.height) <= RULE_MAX_THICKNESS and max(rect.width, rect.height) >= RULE_MIN_LENGTH
        if drawing["type"] == "f" and thin and len(items) == 1 and items[0][0] == "re":
            vertical = rect.height > rect.width
            at = (rect.x0 + rect.x1) / 2 if vertical else (rect.y0 + rect.y1) / 2
            span = (rect.y0, rect.y1) if vertical else (rect.x0, rect.x1)
            found.append(Rule(vertical, at, *span, rect))
        elif (
            "s" in drawing["type"]
            and len(items) == 1
            and items[0][0] == "re"
            and min(rect.width, rect.height) >= FRAME_MIN_SIZE
        ):
            r = items[0][1]
            found += [
                Rule(True, r.x0, r.y0, r.y1, rect),
                Rule(True, r.x1, r.y0, r.y1, rect),
                Rule(False, r.y0, r.x0, r.x1, rect),
                Rule(False, r.y1, r.x0, r.x1, rect),
            ]
    return found


def frames(page: pymupdf.Page) -> list[pymupdf.Rect]:
    """The stroked rectangles big enough to be frames (the map frame, legend boxes)."""
    return [
        d["items"][0][1]
        for d in page.get_drawings()
        if "s" in d["type"]
        and len(d["items"]) == 1
        and d["items"][0][0] == "re"
        and min(d["rect"].width, d["rect"].height) >= FRAME_MIN_SIZE
    ]


def crossings(page_words: list[Word], page_rules: list[Rule]) -> list[tuple[str, Rule]]:
    """Words that a border runs through: text spilling out of its cell or frame."""
    found = []
    for word in page_words:
        for rule in page_rules:
            if rule.vertical:
                across = word.x0 + TOLERANCE < rule.at < word.x1 - TOLERANCE
                along = min(word.y1, rule.end) - max(word.y0, rule.start) > (word.y1 - word.y0) / 3
            else:
                across = word.y0 + TOLERANCE < rule.at < word.y1 - TOLERANCE
                along = min(word.x1, rule.end) - max(word.x0, rule.start) > TOLERANCE
            if across and along:
                found.append((word.text, rule))
    return found


def content_box(page: pymupdf.Page, side_mm: float, top_mm: float, bottom_mm: float) -> pymupdf.Rect:
    r = page.rect
    return pymupdf.Rect(r.x0 + side_mm * MM, r.y0 + top_mm * MM, r.x1 - side_mm * MM, r.y1 - bottom_mm * MM)


def inside(inner, outer: pymupdf.Rect, tolerance: float = TOLERANCE) -> bool:
    return (
        inner.x0 >= outer.x0 - tolerance
        and inner.y0 >= outer.y0 - tolerance
        and inner.x1 <= outer.x1 + tolerance
        and inner.y1 <= outer.y1 + tolerance
    )


# -- tables ------------------------------------------------------------------------------------


@dataclass
class Cell:
    rect: pymupdf.Rect
    lines: list[str]  # the cell's text line by line, top to bottom

    @property
    def text(self) -> str:
        return join_text(self.lines)


def is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


def join_text(parts: list[str]) -> str:
    """Pieces of text as one, with a space between them unless both sides are CJK."""
    out = ""
    for part in parts:
        if out and part and not (is_wide(out[-1]) and is_wide(part[0])):
            out += " "
        out += part
    return out


def cells(page: pymupdf.Page, page_words: list[Word] | None = None) -> list[Cell]:
    """Every table cell of the page with its text: the rectangles the table rules enclose."""
    page_rules = [r for r in rules(page) if r.rect.width <= RULE_MAX_THICKNESS or r.rect.height <= RULE_MAX_THICKNESS]
    verticals = [r for r in page_rules if r.vertical]
    horizontals = [r for r in page_rules if not r.vertical]
    grouped: dict[tuple, list[Word]] = {}
    for word in page_words if page_words is not None else words(page):
        cx, cy = (word.x0 + word.x1) / 2, (word.y0 + word.y1) / 2
        left = max((r.at for r in verticals if r.at <= cx and r.start <= cy <= r.end), default=None)
        right = min((r.at for r in verticals if r.at >= cx and r.start <= cy <= r.end), default=None)
        if left is None or right is None:
            continue
        top = max((r.at for r in horizontals if r.at <= cy and r.start <= cx <= r.end), default=None)
        bottom = min((r.at for r in horizontals if r.at >= cy and r.start <= cx <= r.end), default=None)
        if top is None or bottom is None:
            continue
        grouped.setdefault((round(left, 1), round(top, 1), round(right, 1), round(bottom, 1)), []).append(word)
    result = []
    for (x0, y0, x1, y1), members in grouped.items():
        lines: list[list[Word]] = []
        for word in sorted(members, key=lambda w: (w.y0, w.x0)):
            if lines and abs(lines[-1][0].y0 - word.y0) < (word.y1 - word.y0) / 2:
                lines[-1].append(word)
            else:
                lines.append([word])
        texts = [join_text([w.text for w in sorted(line, key=lambda w: w.x0)]) for line in lines]
        result.append(Cell(pymupdf.Rect(x0, y0, x1, y1), texts))
    return result


def rows_by_first_cell(page_cells: list[Cell], pattern: str) -> list[list[Cell]]:
    """Table rows whose first cell matches ``pattern``, each as its cells left to right."""
    rows = []
    for first in page_cells:
        if not re.fullmatch(pattern, first.text):
            continue
        row = [
            c
            for c in page_cells
            if abs(c.rect.y0 - first.rect.y0) < 0.5
            and abs(c.rect.y1 - first.rect.y1) < 0.5
            and c.rect.x0 >= first.rect.x0 - 0.5
        ]
        rows.append(sorted(row, key=lambda c: c.rect.x0))
    return rows


def header_whole(cell: Cell, header: str) -> bool:
    """The cell shows ``header`` broken only between words: a header without spaces (今日新增)
    on one line, one with spaces only where it has them."""
    if cell.text != header:
        return False
    if " " not in header:
        return len(cell.lines) == 1
    return all(line == " ".join(line.split()) for line in cell.lines) and " ".join(cell.lines).split() == header.split()
