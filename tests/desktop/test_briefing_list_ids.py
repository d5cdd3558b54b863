"""Every household id in the internal list prints on one line, however long a city's ids are
(up to the list's limit): "SYN000161" broke into "SYN00" and "0161" at a township's width."""

from __future__ import annotations

import pymupdf
import pytest

from desktop.briefing.briefing_printer import print_and_wait
from geodata.stores import open_store
from layers.briefing.document import write_briefing_document
from layers.briefing.options import BriefingOptions
from layers.map_state import MapState
from tests.bench.synthetic import with_households
from tests.desktop import briefing_pdf as pdf

STATE = MapState(audience="internal")


@pytest.mark.parametrize("extra", ["", "410"], ids=["nine-characters", "twelve-characters"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_listed_id_is_one_word_on_the_page(sample_file, tmp_path, qapp, lang, extra):
    dataset = with_households(open_store(sample_file).read_all(), 120)
    households = dataset.households.copy()
    households["id"] = extra + households["id"]
    dataset["households"] = households
    options = BriefingOptions(lang=lang)
    document = write_briefing_document(dataset, STATE, options, tmp_path / "doc")
    listed = set(document.briefing.household_list._frame["id"])
    assert len(listed) > 50 and all(len(i) == 9 + len(extra) for i in listed)
    with pymupdf.open(print_and_wait(document, tmp_path / "b.pdf", options)) as printed:
        whole = {word.text for page in printed for word in pdf.words(page)}
    assert listed <= whole, sorted(listed - whole)[:5]
