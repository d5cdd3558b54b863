"""A briefing table's body rows are written in Python, not cell by cell in the template (a city's
household list has millions of cells): every text is escaped as the template escaped it, in its
own column, and a long list's parts escape the household data too."""

from __future__ import annotations

from datetime import datetime
from html.parser import HTMLParser

from markupsafe import escape

from geodata.sample.bundled import bundled_sample_path
from geodata.stores import open_store
from layers.briefing.document import write_briefing_document
from layers.briefing.options import BriefingOptions
from layers.briefing.table import Table
from layers.map_state import MapState

NASTY = ["<script>alert(1)</script>", "a \"quoted\" & 'single'", "nul\0inside", "", "第 3/14 天"]


class _Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows: list[list[tuple[str, str]]] = []
        self._cell: list[str] | None = None
        self._class = ""

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self._cell, self._class = [], dict(attrs).get("class") or ""

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.rows[-1].append(("".join(self._cell), self._class))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def test_rows_are_escaped_each_in_its_own_cell_and_column():
    rows = [[text, str(number), NASTY[-1 - number]] for number, text in enumerate(NASTY)]
    table = Table("t", ["a", "b", "c"], [list(r) for r in rows], [False, True, False])
    html = str(table.rows_html())
    assert "<script>" not in html and "\0" not in html.replace(str(escape("nul\0inside")), "")
    parser = _Cells()
    parser.feed(html)
    assert [[text for text, _class in row] for row in parser.rows] == rows
    assert {tuple(c for _t, c in row) for row in parser.rows} == {("", "num", "")}


def test_a_list_part_escapes_the_households_texts(tmp_path):
    dataset = open_store(bundled_sample_path()).read_all()
    households = dataset.households.copy()
    households["note"] = "<img src=x onerror=alert(1)>"
    dataset["households"] = households
    options = BriefingOptions(list_rows_per_document=4)
    state = MapState(audience="internal", as_of=datetime(2020, 2, 10, 23, 59))
    document = write_briefing_document(dataset, state, options, tmp_path)
    assert len(document.parts) > 1
    for part in document.parts:
        html = part.read_text(encoding="utf-8")
        assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
