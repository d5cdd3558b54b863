"""A briefing table: caption, headers (optionally grouped), rows of text, column widths."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from geodata.messages import N_
from layers.briefing.cells import clipped


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

    def rows_html(self) -> Markup:
        """The body rows as HTML, every text escaped. A city's household list has millions of
        cells: made cell by cell in the template they cost most of the time the list took to
        write; here a column is escaped at once and a row is one format."""
        row = "<tr>" + "".join(f'<td class="{"num" if n else ""}">{{}}</td>' for n in self.numeric) + "</tr>"
        columns = [_escaped([str(cell) for cell in column]) for column in zip(*self.rows, strict=True)]
        return Markup("\n".join(row.format(*cells) for cells in zip(*columns, strict=True)))

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


def _escaped(texts: list[str]) -> list[str]:
    """``texts`` escaped for HTML, all in one call where no text holds the separator."""
    joined = "\0".join(texts)
    if joined.count("\0") != len(texts) - 1:
        return [str(escape(text)) for text in texts]
    return str(escape(joined)).split("\0")


def cut_long_texts(tables: list[Table], tr, first_mark: int = 1) -> Table | None:
    """Cut every cell longer than its column allows and list the whole texts in an appendix.

    A long text (a note pasted from a chat) would otherwise make its row pages long; the cut
    cell says which appendix entry holds the rest. Marks are numbered from ``first_mark`` (a
    long list printed in parts goes on from the last part's).
    """
    entries: list[list[str]] = []
    for table in tables:
        if not table.limits:
            continue
        for number, row in enumerate(table.rows):
            for column, limit in enumerate(table.limits):
                whole = row[column]
                short = clipped(whole, limit)
                if short is None:
                    continue
                mark = f"[{first_mark + len(entries)}]"
                key = table.keys[number] if table.keys else str(number + 1)
                entries.append([mark, f"{table.caption} · {key} · {table.headers[column]}", whole])
                row[column] = short + mark
    if not entries:
        return None
    return Table(
        tr(N_("Texts in full")),
        [tr(N_("Mark")), tr(N_("Where")), tr(N_("Text"))],
        entries,
        [False, False, False],
        widths=[8, 27, 65],
    )
