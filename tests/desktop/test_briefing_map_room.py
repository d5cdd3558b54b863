"""The summary's map keeps room enough for its villages' names to stand apart: where English
words and the internal banner above it would leave it a quarter of the sheet (its names ran
into each other at 1:170,000), the figures by village open the next page instead."""

from __future__ import annotations

import pymupdf
import pytest

from desktop.briefing.briefing_printer import print_and_wait
from geodata.stores import open_store
from layers.briefing.document import write_briefing_document
from layers.briefing.options import MARGIN_BOTTOM_MM, MARGIN_TOP_MM, BriefingOptions
from layers.map_state import MapState
from tests.desktop import briefing_pdf as pdf

MM = 72 / 25.4
LEAST_SHARE = 0.37  # of the sheet's height: the map, as resources/briefing/briefing.js keeps it
CAPTION = {"zh": "分村统计", "en": "Figures by village"}


@pytest.mark.parametrize("audience", ["public", "internal"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_summary_map_keeps_its_room_and_the_village_figures_follow_once(
    sample_file, tmp_path, qapp, lang, audience
):
    options = BriefingOptions(lang=lang)
    document = write_briefing_document(
        open_store(sample_file).read_all(), MapState(audience=audience), options, tmp_path
    )
    with pymupdf.open(print_and_wait(document, tmp_path / "b.pdf", options)) as printed:
        first = printed[0]
        sheet = first.rect.height - (MARGIN_TOP_MM + MARGIN_BOTTOM_MM) * MM
        map_frame = max(pdf.frames(first), key=lambda r: r.width * r.height)
        assert map_frame.height >= LEAST_SHARE * sheet * 0.97, (map_frame.height / sheet, lang, audience)
        captions = [page.number for page in printed for w in [page.get_text()] if CAPTION[lang] in w]
        assert captions[:1] in ([0], [1]) and len([n for n in captions if n <= 1]) == 1
