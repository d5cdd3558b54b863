"""A city's figures by village (issue 17): totals of seven digits and more stay inside their
columns on the printed summary and on a village's atlas page, not run into the next one."""

from __future__ import annotations

import pymupdf
import pytest

import layers.briefing.content as content
from desktop.briefing.briefing_printer import print_and_wait
from geodata.stores import open_store
from layers.briefing.document import write_briefing_document
from layers.briefing.options import BriefingOptions
from layers.map_state import MapState
from tests.desktop import briefing_pdf as pdf

SCALE = 3_000  # the sample's ~500 persons under observation: a city's 1,500,000


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_citys_totals_stay_inside_their_columns(sample_file, tmp_path, qapp, monkeypatch, lang):
    village_table = content.village_table

    def a_citys(dataset, as_of):
        table = village_table(dataset, as_of).copy()
        counts = table.select_dtypes("number").columns
        table[counts] = table[counts] * SCALE
        return table

    monkeypatch.setattr(content, "village_table", a_citys)
    options = BriefingOptions(lang=lang, atlas=True, villages=("411771360200",))
    document = write_briefing_document(open_store(sample_file).read_all(), MapState(), options, tmp_path / "doc")
    with pymupdf.open(print_and_wait(document, tmp_path / "b.pdf", options)) as printed:
        # The figures by village: under the summary's map, or opening the next page where the
        # words above the map (English) would leave it too small.
        summary = [w for page in (printed[0], printed[1]) for w in pdf.words(page)]
        assert any(len(w.text) >= 9 and w.text.replace(",", "").isdigit() for w in summary)
        village = printed[len(printed) - 1]
        assert any(len(w.text) >= 7 and w.text.replace(",", "").isdigit() for w in pdf.words(village))
        for number, page in enumerate(printed, start=1):
            assert pdf.crossings(pdf.words(page), pdf.rules(page)) == [], f"page {number}"
