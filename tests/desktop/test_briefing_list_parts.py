"""A long internal household list is printed in parts after the rest of the briefing (issue 17):
no document holds more than the part size, every household is listed once and in order, and
the pages of the joined PDF are numbered once each, 1 to N, where a briefing's footer numbers
its pages."""

from __future__ import annotations

import re

import pymupdf
import pytest

from desktop.briefing.briefing_printer import print_and_wait
from geodata.stores import open_store
from layers.briefing.document import write_briefing_document
from layers.briefing.options import BriefingOptions
from layers.map_state import MapState
from tests.desktop import briefing_pdf as pdf

PART_ROWS = 8
STATE = MapState(as_of="2020-02-10T23:59", audience="internal")
NUMBER = re.compile(r"第 (\d+) 页 / 共 (\d+) 页")


@pytest.fixture(scope="module")
def printed(sample_file, tmp_path_factory, qapp):
    """(the document, its PDF) in parts, and (the document, its PDF) in one piece."""
    dataset = open_store(sample_file).read_all()
    made = {}
    for name, rows in (("parts", PART_ROWS), ("whole", 2_000)):
        folder = tmp_path_factory.mktemp(name)
        options = BriefingOptions(lang="zh", list_rows_per_document=rows)
        document = write_briefing_document(dataset, STATE, options, folder / "doc")
        made[name] = (document, pymupdf.open(print_and_wait(document, folder / "b.pdf", options)))
    yield made
    for _document, opened in made.values():
        opened.close()


def _list_ids(document: pymupdf.Document, ids: set[str]) -> list[str]:
    found = []
    for page in document:
        found += [w.text for w in sorted(pdf.words(page), key=lambda w: (round(w.y0), w.x0)) if w.text in ids]
    return found


def test_no_document_holds_more_rows_of_the_list_than_a_part(printed):
    document, _pdf = printed["parts"]
    listed = len(document.briefing.household_list)
    assert listed > 2 * PART_ROWS, "the sample lists too few households to need parts"
    assert len(document.parts) == -(-listed // PART_ROWS)
    assert "observation" not in document.path.read_text(encoding="utf-8").split("<body", 1)[1].split("<script", 1)[0]
    for part in document.parts:
        html = part.read_text(encoding="utf-8")
        body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
        assert body.count("<tr>") <= PART_ROWS


def test_every_household_is_listed_once_in_the_order_of_the_whole_list(printed):
    whole_document, whole_pdf = printed["whole"]
    parts_document, parts_pdf = printed["parts"]
    ids = set(parts_document.briefing.household_list.table().keys)
    in_parts = _list_ids(parts_pdf, ids)
    assert in_parts == whole_document.briefing.observation.keys
    assert in_parts == _list_ids(whole_pdf, ids)


def test_the_joined_pages_are_numbered_once_each_where_the_footer_numbers_them(printed):
    _document, joined = printed["parts"]
    _whole_document, whole = printed["whole"]
    total = len(joined)
    assert total > len(whole), "the parts printed no more pages than the whole"
    for number, page in enumerate(joined, start=1):
        numbers = NUMBER.findall(page.get_text())
        assert numbers == [(str(number), str(total))], f"page {number}: {numbers}"
    reference = next(w for w in pdf.words(whole[0]) if w.text == "第")
    stamped = next(w for w in pdf.words(joined[0]) if w.text == "第")
    assert abs(reference.y0 - stamped.y0) < 1 and abs(reference.x0 - stamped.x0) < 3
    # The rest of the running footer (issuing body, generation time) is on every part's pages.
    for page in joined:
        assert "生成时间" in page.get_text()


def test_the_briefing_says_where_the_list_is(printed):
    document, joined = printed["parts"]
    words = document.briefing.words["list_follows"]
    assert str(len(document.briefing.household_list)) in words
    assert "".join(words.split()) in "".join("".join(p.get_text() for p in joined).split())


def test_numbers_printed_in_several_documents_run_on_across_them(sample_file, tmp_path, monkeypatch, qapp):
    """Chromium prints one long numbering document in a time growing faster than its pages,
    so the numbers come in documents of a few pages: page n still says n of N."""
    import layers.briefing.document as document_module

    monkeypatch.setattr(document_module, "NUMBERED_PAGES_PER_DOCUMENT", 2)
    options = BriefingOptions(lang="en", list_rows_per_document=PART_ROWS)
    document = write_briefing_document(open_store(sample_file).read_all(), STATE, options, tmp_path / "doc")
    assert len(document.page_numbers(5)) == 3
    with pymupdf.open(print_and_wait(document, tmp_path / "b.pdf", options)) as joined:
        total = len(joined)
        for number, page in enumerate(joined, start=1):
            assert re.findall(r"Page (\d+) of (\d+)", page.get_text()) == [(str(number), str(total))]
