"""A briefing table: caption, headers (optionally grouped), rows of text, column widths."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Table:
    """A table to print: a caption, column headers, rows of text and an optional total row.

    ``widths`` are the columns' shares of the table's width: the table is laid out with
    fixed columns, so no cell's text can widen its column and squeeze the others. A text
    longer than its column's ``limits`` entry (display columns, CJK counting two) is cut
    with an ellipsis and printed whole in the briefing's appendix, named by the row's
    ``keys`` entry.
    """

    caption: str
    headers: list[str]
    rows: list[list[str]]
    numeric: list[bool]  # right-aligned columns
    total: list[str] | None = None
    empty_text: str = ""
    widths: list[float] | None = None
    groups: list[tuple[str, int]] | None = None  # a header row above: (label, columns); "" spans both rows
    note: str = ""  # under the caption: what the table counts
    limits: list[int | None] | None = None
    keys: list[str] | None = None

    @property
    def column_percentages(self) -> list[float]:
        widths = self.widths or [1.0] * len(self.headers)
        total = sum(widths)
        return [round(100 * w / total, 3) for w in widths]

    @property
    def header_rows(self) -> list[list[tuple[str, int, int, bool]]]:
        """The header as rows of (text, colspan, rowspan, numeric), with the groups above."""
        leaves = [(h, 1, 1, n) for h, n in zip(self.headers, self.numeric, strict=False)]
        if not self.groups:
            return [leaves]
        top, bottom, column = [], [], 0
        for label, span in self.groups:
            if label:
                top.append((label, span, 1, False))
                bottom += leaves[column : column + span]
            else:
                top += [(h, 1, 2, n) for h, _c, _r, n in leaves[column : column + span]]
            column += span
        return [top, bottom]
