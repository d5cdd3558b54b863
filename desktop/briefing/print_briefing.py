"""Printing a briefing: its PDF drawn onto a printer chosen in Qt's print dialogs, with a preview.

The briefing is made exactly as for Export (the same document, the same PDF); each page the
user asks for is then drawn onto the printer at the printer's resolution (at most
:data:`MAX_PRINT_DPI`), so the paper shows what the PDF shows. The printer uses the whole sheet
and the briefing's own margins (14 to 16 mm, wider than any office printer's unprintable edge)
keep every word on the paper; on another paper size the page is scaled to fit, never cut.
Qt's dialogs choose the printer, the copies, the pages and the paper.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PyQt6.QtCore import QMarginsF, QRectF, QSize
from PyQt6.QtGui import QPageLayout, QPageSize, QPainter
from PyQt6.QtPdf import QPdfDocument
from PyQt6.QtPrintSupport import QPrinter, QPrintPreviewDialog

from layers.briefing.options import BriefingOptions
from layers.i18n import _

MAX_PRINT_DPI = 300  # finer shows nothing more on an office printer and costs memory per page


class PrintError(RuntimeError):
    """The briefing could not be sent to the printer; the message says why, in the user's words."""


def briefing_printer(options: BriefingOptions) -> QPrinter:
    """A printer set up for the briefing's paper and orientation (the dialogs may change both)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    size = QPageSize(QPageSize.PageSizeId.A3 if options.paper == "A3" else QPageSize.PageSizeId.A4)
    orientation = QPageLayout.Orientation.Landscape if options.landscape else QPageLayout.Orientation.Portrait
    printer.setPageLayout(QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter))
    printer.setFullPage(True)  # the briefing's pages carry their own margins
    printer.setDocName(_("Briefing"))
    return printer


def pages_to_print(printer: QPrinter, page_count: int) -> list[int]:
    """The page indexes (from 0) the printer's range asks for, in order, each copy when the
    printer cannot make copies itself (collated: the whole set, then the next)."""
    first, last = 0, page_count - 1
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first = printer.fromPage() - 1
        last = min(last, (printer.toPage() or page_count) - 1)
    pages = list(range(first, last + 1))
    copies = 1 if printer.supportsMultipleCopies() else max(1, printer.copyCount())
    return pages * copies


def print_pdf(pdf: Path, printer: QPrinter, cancelled: Callable[[], bool] = lambda: False) -> int:
    """Draw the pages of ``pdf`` that ``printer`` asks for onto it; return how many were drawn.

    Raises
    ------
    PrintError
        When the PDF cannot be read or the printer cannot be opened.
    """
    document = QPdfDocument(None)
    if document.load(str(pdf)) != QPdfDocument.Error.None_ or document.pageCount() == 0:
        raise PrintError(_("The briefing could not be read for printing."))
    painter = QPainter()
    if not painter.begin(printer):
        document.close()
        raise PrintError(_("The printer could not be opened; check that it is connected and switched on."))
    drawn = 0
    try:
        sheet = printer.paperRect(QPrinter.Unit.DevicePixel)
        dpi = min(printer.resolution(), MAX_PRINT_DPI)
        for index in pages_to_print(printer, document.pageCount()):
            if cancelled():
                break
            if drawn:
                printer.newPage()
            page = document.pagePointSize(index)
            image = document.render(index, QSize(round(page.width() / 72 * dpi), round(page.height() / 72 * dpi)))
            scale = min(sheet.width() / page.width(), sheet.height() / page.height())
            width, height = page.width() * scale, page.height() * scale
            left, top = (sheet.width() - width) / 2, (sheet.height() - height) / 2
            painter.drawImage(QRectF(left, top, width, height), image)
            drawn += 1
    finally:
        painter.end()
        document.close()
    return drawn


def preview_and_print(pdf: Path, options: BriefingOptions, parent=None) -> bool:
    """Show Qt's print preview of ``pdf``; its print button opens Qt's print dialog (printer,
    copies, pages, paper). True when the user printed."""
    printer = briefing_printer(options)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(_("Print briefing"))
    failures: list[str] = []

    def paint(target: QPrinter) -> None:
        try:
            print_pdf(pdf, target)
        except PrintError as exc:
            failures.append(str(exc))

    dialog.paintRequested.connect(paint)
    printed = dialog.exec() == QPrintPreviewDialog.DialogCode.Accepted
    if failures:
        raise PrintError(failures[-1])
    return printed
