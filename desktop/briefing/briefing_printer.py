"""Print a briefing document to PDF with Qt WebEngine, offscreen, without freezing anything.

The document (:mod:`layers.briefing.document`) is loaded in a view that is never shown on
screen, sized to the printed width so Leaflet draws exactly what will be printed. The page
reports its progress through its title ("briefing-drawn 3/11", then "briefing-ready"); then
it is printed with real margins, so the running header and footer (page numbers, generation
time, the confidentiality mark) are not cut off at the paper's edge.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from PyQt6.QtCore import QMarginsF, QObject, Qt, QTimer, QUrl, pyqtSignal
from PyQt6.QtGui import QPageLayout, QPageSize
from PyQt6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile, QWebEngineSettings
from PyQt6.QtWebEngineWidgets import QWebEngineView
from PyQt6.QtWidgets import QApplication

from layers.briefing.options import (
    MARGIN_BOTTOM_MM,
    MARGIN_SIDE_MM,
    MARGIN_TOP_MM,
    PROGRESS_TITLE_PREFIX,
    READY_TITLE,
    BriefingOptions,
)
from layers.i18n import _

DRAW_TIMEOUT_MS = 120_000
PRINT_TIMEOUT_MS = 600_000  # a long internal list prints for minutes, but never forever
VIEW_HEIGHT_PX = 1200  # any height: the sheets are sized in millimetres, not to the view


def page_layout(options: BriefingOptions) -> QPageLayout:
    """The paper, orientation and margins of ``options`` as Qt's page layout."""
    size = QPageSize(QPageSize.PageSizeId.A3 if options.paper == "A3" else QPageSize.PageSizeId.A4)
    orientation = QPageLayout.Orientation.Landscape if options.landscape else QPageLayout.Orientation.Portrait
    margins = QMarginsF(MARGIN_SIDE_MM, MARGIN_TOP_MM, MARGIN_SIDE_MM, MARGIN_BOTTOM_MM)
    return QPageLayout(size, orientation, margins, QPageLayout.Unit.Millimeter)


_own_profile: QWebEngineProfile | None = None


def _profile() -> QWebEngineProfile:
    """The window's shared profile where the window's map view is loaded; a command printing
    a briefing alone makes its own, off the record as well, rather than import the map view
    (and the data libraries with it) before Chromium may start."""
    map_view = sys.modules.get("desktop.map_view")
    if map_view is not None:
        return map_view.shared_profile()
    global _own_profile
    if _own_profile is None:
        _own_profile = QWebEngineProfile(QApplication.instance())  # held by the application
    return _own_profile


class _QuietPage(QWebEnginePage):
    """Keeps the page's script errors, to say why a briefing failed."""

    def __init__(self, parent=None):
        super().__init__(_profile(), parent)
        self.errors: list[str] = []

    def javaScriptConsoleMessage(self, level, message, line, source):  # noqa: N802 (Qt name)
        if level == QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel:
            self.errors.append(f"{Path(source).name}:{line}: {message}")


class BriefingPrinter(QObject):
    """Prints one briefing document to one PDF file; one use per object.

    Signals: ``progress(done, total, message)`` while the maps draw, then exactly one of
    ``finished(pdf_path)``, ``failed(message)`` or ``cancelled()``.
    """

    progress = pyqtSignal(int, int, str)
    finished = pyqtSignal(str)
    failed = pyqtSignal(str)
    cancelled = pyqtSignal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._view: QWebEngineView | None = None
        self._parts: list[Path] = []
        self._printed: list[Path] = []
        self._part_total = 0
        self._numbered: int | None = None  # once numbering: how many of the printed PDFs are the briefing's
        self._number_total = 0
        self._target = ""
        self._layout: QPageLayout | None = None
        self._map_count = 0
        self._done = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._timed_out)

    def prepare(self, options: BriefingOptions) -> None:
        """Make the offscreen view and start its browser process now, so that it starts
        while the caller writes the document (it takes a second or so)."""
        if self._view is not None:
            return
        view = self._view = QWebEngineView()
        view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        self._new_page()
        view.resize(options.content_width_px, VIEW_HEIGHT_PX)
        view.show()
        view.setHtml("<!DOCTYPE html><title>-</title>")

    def _new_page(self, connected: bool = False) -> None:
        """A fresh page in the view, the old one deleted: a page kept across the parts of a
        long list held every part printed (about 460 MB each, measured on 2,000-row parts)."""
        view = self._view
        assert view is not None
        old = view.page()
        page = _QuietPage(view)
        settings = page.settings()
        settings.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls, True)
        settings.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, False)
        # A renderer that dies (out of memory on a huge list, killed) would otherwise leave the
        # printer waiting for a page that never finishes.
        page.renderProcessTerminated.connect(self._on_renderer_gone)
        if connected:
            page.titleChanged.connect(self._on_title)
            page.loadFinished.connect(self._on_loaded)
            page.pdfPrintingFinished.connect(self._on_printed)
        view.setPage(page)
        if isinstance(old, _QuietPage):
            old.deleteLater()

    def start(
        self,
        document_path: Path,
        pdf_path: Path,
        options: BriefingOptions,
        map_count: int,
        *,
        parts: list[Path] | tuple[Path, ...] = (),
        page_numbers: Callable[[int], list[Path]] | None = None,
    ) -> None:
        """Load ``document_path`` and print it to ``pdf_path`` once every map has drawn.

        ``parts`` (a long household list) are printed after it in the same page, one at a time,
        and joined to it with the page numbers of ``page_numbers(pages)`` laid over them."""
        self._final = Path(pdf_path)
        self._parts, self._page_numbers = list(parts), page_numbers
        self._part_total = len(self._parts)
        self._numbered, self._number_total = None, 0
        self._printed: list[Path] = []
        self._target = str(self._next_output() if self._parts else pdf_path)
        self._layout = page_layout(options)
        self._map_count = map_count
        self.prepare(options)
        view = self._view
        view.resize(options.content_width_px, VIEW_HEIGHT_PX)
        page = view.page()
        page.titleChanged.connect(self._on_title)
        page.loadFinished.connect(self._on_loaded)
        page.pdfPrintingFinished.connect(self._on_printed)
        self._timer.start(DRAW_TIMEOUT_MS)
        self.progress.emit(0, map_count, _("Drawing the maps"))
        view.load(QUrl.fromLocalFile(str(Path(document_path).resolve())))

    def cancel(self) -> None:
        if self._done:
            return
        self._finish()
        self.cancelled.emit()

    def close(self) -> None:
        """Stop (without a signal) and delete the offscreen page now, before the
        application and its web profile go."""
        from PyQt6.QtCore import QCoreApplication, QEvent

        if not self._done:
            self._finish()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)

    @property
    def busy(self) -> bool:
        return self._view is not None and not self._done

    def _on_loaded(self, ok: bool) -> None:
        # The blank page of prepare() may report its own (interrupted) load: not ours.
        if not ok and not self._done and self._view.url().isLocalFile():
            self._fail(_("The briefing page could not be loaded."))

    def _on_title(self, title: str) -> None:
        if self._done:
            return
        if title == READY_TITLE:
            self._timer.start(PRINT_TIMEOUT_MS)  # printing has its own limit
            if len(self._printed) == 0:  # the briefing itself; the parts say their own progress
                self.progress.emit(self._map_count, self._map_count, _("Printing"))
            self._view.page().printToPdf(self._target, self._layout)
        elif title.startswith(PROGRESS_TITLE_PREFIX):
            done, _slash, total = title[len(PROGRESS_TITLE_PREFIX) :].partition("/")
            if done.isdigit() and total.isdigit():
                self.progress.emit(int(done), int(total), _("Drawing the maps"))

    def _on_printed(self, path: str, ok: bool) -> None:
        if self._done:
            return
        if not ok:
            self._fail(_("The PDF could not be written to {path}.").format(path=path))
            return
        if self._part_total:
            self._printed.append(Path(path))
            self._print_next_part()
            return
        self._finish()
        self.finished.emit(path)

    def _next_output(self) -> Path:
        return self._final.with_name(f".{self._final.name}.part-{len(self._printed)}.pdf")

    def _print_next_part(self) -> None:
        """The next part of the list; after the last, the page numbers; after those, the join."""
        from desktop.briefing.pdf_parts import join_numbered, page_count

        if self._parts:
            document = self._parts.pop(0)
            if self._numbered is None:
                done = self._part_total - len(self._parts)
                self.progress.emit(done, self._part_total, _("Printing the household list"))
            else:
                done = self._number_total - len(self._parts)
                self.progress.emit(done, self._number_total, _("Numbering the pages"))
        elif self._page_numbers is not None:
            pages = sum(page_count(pdf) for pdf in self._printed)
            self._numbered = len(self._printed)  # the PDFs printed after these are the numbers
            self._parts, self._page_numbers = self._page_numbers(pages), None
            self._number_total = len(self._parts)
            self._print_next_part()
            return
        else:
            documents, numbers = self._printed[: self._numbered], self._printed[self._numbered :]
            try:
                join_numbered(documents, numbers, self._final)
            except (OSError, ValueError) as exc:
                self._fail(_("The PDF could not be written to {path}.").format(path=self._final) + f" ({exc})")
                return
            finally:
                for pdf in self._printed:
                    pdf.unlink(missing_ok=True)
            self._finish()
            self.finished.emit(str(self._final))
            return
        self._target = str(self._next_output())
        self._timer.start(DRAW_TIMEOUT_MS)
        self._new_page(connected=True)
        self._view.load(QUrl.fromLocalFile(str(Path(document).resolve())))

    def _timed_out(self) -> None:
        if self._view is not None and self._view.title() == READY_TITLE:
            self._fail(_("The briefing could not be printed in time."))
        else:
            self._fail(_("The briefing's maps did not finish drawing."))

    def _on_renderer_gone(self, _status, _exit_code) -> None:
        if not self._done:
            self._fail(_("The page drawing the briefing stopped (it may have run out of memory)."))

    def _fail(self, message: str) -> None:
        errors = self._view.page().errors if self._view is not None else []
        if errors:
            message += " " + "; ".join(errors[:3])
        self._finish()
        self.failed.emit(message)

    def _finish(self) -> None:
        self._done = True
        if self._part_total and not self._final.exists():
            for pdf in self._printed:  # a run that failed or was cancelled half-way leaves nothing
                pdf.unlink(missing_ok=True)
        self._timer.stop()
        if self._view is not None:
            self._view.page().triggerAction(QWebEnginePage.WebAction.Stop)
            view, self._view = self._view, None
            view.close()
            view.deleteLater()  # the page goes with it, before the shared profile


class BriefingPrintError(RuntimeError):
    """The briefing could not be printed (the message says why)."""


def print_and_wait(
    document, pdf_path: Path, options: BriefingOptions, on_progress=None, printer: BriefingPrinter | None = None
) -> Path:
    """Print a written :class:`~layers.briefing.BriefingDocument` and wait for the PDF.

    For the command line: runs Qt's event loop until the printer is done. ``on_progress``
    is called with (done, total, message) as the maps draw.
    """
    from PyQt6.QtCore import QCoreApplication, QEvent, QEventLoop

    printer = printer or BriefingPrinter()
    loop = QEventLoop()
    outcome: dict = {}
    if on_progress is not None:
        printer.progress.connect(on_progress)
    printer.finished.connect(lambda path: (outcome.update(path=path), loop.quit()))
    printer.failed.connect(lambda message: (outcome.update(error=message), loop.quit()))
    printer.start(
        document.path,
        pdf_path,
        options,
        document.map_count,
        parts=document.parts,
        page_numbers=document.page_numbers if document.parts else None,
    )
    if not outcome:
        loop.exec()
    printer.deleteLater()
    # The page must be gone before the application (and its web profile) ends.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    if "error" in outcome:
        raise BriefingPrintError(outcome["error"])
    return Path(outcome["path"])


def application_for_printing():
    """The running QApplication, or a new one that needs no screen (for the command line).

    Without a display Qt draws offscreen; as root Chromium runs without its sandbox (it
    refuses to start otherwise), as in the window's launcher.
    """
    import os

    from desktop import quiet
    from desktop.launch import has_display, prepare_webengine

    if not has_display():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    prepare_webengine()
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")
    quiet.silence_native_output()  # Chromium's own lines to the log, not the command's terminal
    import PyQt6.QtWebEngineWidgets  # noqa: F401  (must load before the QApplication)
    from PyQt6.QtWidgets import QApplication

    global _application
    # Held here: a QApplication whose last reference goes is deleted, and Qt with it.
    _application = QApplication.instance() or QApplication(["situation-map"])
    return _application


_application = None
