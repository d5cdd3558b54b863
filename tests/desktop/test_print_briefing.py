"""Printing a briefing (issue 18, item 8): the pages the printer asks for, as the PDF shows them,
on the printer's paper, each copy. The printer here is Qt's own PDF printer, read back page by
page and compared with the briefing's PDF as pictures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pymupdf
import pytest
from PyQt6.QtPrintSupport import QPrinter

from desktop.briefing.briefing_printer import print_and_wait
from desktop.briefing.print_briefing import PrintError, briefing_printer, pages_to_print, print_pdf
from geodata.stores import open_store
from layers.briefing.document import write_briefing_document
from layers.briefing.options import BriefingOptions
from layers.map_state import MapState

OPTIONS = BriefingOptions(lang="zh")
PICTURE_DPI = 30
MM = 72 / 25.4


@pytest.fixture(scope="module")
def briefing_pdf(sample_file, tmp_path_factory, qapp) -> Path:
    folder = tmp_path_factory.mktemp("print")
    dataset = open_store(sample_file).read_all()
    document = write_briefing_document(dataset, MapState(as_of="2020-02-14T23:59"), OPTIONS, folder / "doc")
    return print_and_wait(document, folder / "briefing.pdf", OPTIONS)


def _to_file(printer: QPrinter, path: Path) -> QPrinter:
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def _picture(page: pymupdf.Page) -> np.ndarray:
    pixmap = page.get_pixmap(dpi=PICTURE_DPI, colorspace=pymupdf.csGRAY)
    return np.frombuffer(pixmap.samples, dtype=np.uint8).reshape(pixmap.height, pixmap.width).astype(float)


def _same_picture(a: pymupdf.Page, b: pymupdf.Page) -> bool:
    first, second = _picture(a), _picture(b)
    rows, columns = min(first.shape[0], second.shape[0]), min(first.shape[1], second.shape[1])
    # Printed pages are pictures of the PDF's: edges of text differ by a grey level or so;
    # two different pages of the briefing differ by 15 or more.
    return float(np.abs(first[:rows, :columns] - second[:rows, :columns]).mean()) < 8.0


def test_every_page_is_printed_as_the_pdf_shows_it_on_the_briefings_paper(briefing_pdf, tmp_path, qapp):
    printed = tmp_path / "printed.pdf"
    assert print_pdf(briefing_pdf, _to_file(briefing_printer(OPTIONS), printed)) == 3
    with pymupdf.open(briefing_pdf) as source, pymupdf.open(printed) as paper:
        assert len(paper) == len(source) == 3
        for number, (want, got) in enumerate(zip(source, paper, strict=True), start=1):
            assert abs(got.rect.width - 210 * MM) < 1 and abs(got.rect.height - 297 * MM) < 1
            assert _same_picture(want, got), f"printed page {number} differs from the PDF"
        assert not _same_picture(source[0], paper[1]), "the comparison cannot tell pages apart"


def test_a_page_range_prints_only_those_pages(briefing_pdf, tmp_path, qapp):
    printer = _to_file(briefing_printer(OPTIONS), tmp_path / "range.pdf")
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 3)
    assert print_pdf(briefing_pdf, printer) == 2
    with pymupdf.open(briefing_pdf) as source, pymupdf.open(tmp_path / "range.pdf") as paper:
        assert len(paper) == 2
        assert _same_picture(source[1], paper[0]) and _same_picture(source[2], paper[1])


def test_copies_are_printed_as_whole_sets_when_the_printer_cannot_copy(briefing_pdf, tmp_path, qapp):
    printer = _to_file(briefing_printer(OPTIONS), tmp_path / "copies.pdf")
    printer.setCopyCount(2)
    assert not printer.supportsMultipleCopies()
    assert pages_to_print(printer, 3) == [0, 1, 2, 0, 1, 2]
    assert print_pdf(briefing_pdf, printer) == 6


def test_on_larger_paper_the_page_is_scaled_to_fit_and_centred_never_cut(briefing_pdf, tmp_path, qapp):
    printer = _to_file(briefing_printer(BriefingOptions(lang="zh", paper="A3")), tmp_path / "a3.pdf")
    print_pdf(briefing_pdf, printer)
    with pymupdf.open(briefing_pdf) as source, pymupdf.open(tmp_path / "a3.pdf") as paper:
        page = paper[0]
        assert abs(page.rect.width - 297 * MM) < 1 and abs(page.rect.height - 420 * MM) < 1
        ink = np.argwhere(_picture(page) < 200)
        source_ink = np.argwhere(_picture(source[0]) < 200)
        scale = 297 / 210
        # The ink spans the source's ink times the scale, with the margins scaled alike.
        for axis in (0, 1):
            span = ink[:, axis].max() - ink[:, axis].min()
            source_span = source_ink[:, axis].max() - source_ink[:, axis].min()
            assert abs(span - source_span * scale) <= 3
        for axis in (0, 1):  # the margins grow alike: the page sits in the middle of the sheet
            assert ink[:, axis].min() >= source_ink[:, axis].min() * scale - 3


def test_an_unreadable_pdf_is_refused_in_words(tmp_path, qapp):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"not a pdf")
    with pytest.raises(PrintError, match="could not be read"):
        print_pdf(broken, _to_file(briefing_printer(OPTIONS), tmp_path / "out.pdf"))
