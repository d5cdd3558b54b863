"""File → Export briefing… and File → Print briefing…: the daily briefing from the window, with a
preview of its first page, saved as a PDF or sent to a printer through Qt's print dialogs.

The document is written in the background and printed by Qt WebEngine in its own processes,
so the window never freezes; an atlas shows its progress and can be cancelled. The audience
starts at *public* whatever the window shows: sharing a briefing must never leak names by
default. The PDF is printed beside its target and renamed over it only when complete.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from PyQt6.QtCore import QSettings, QSize, Qt, QTimer, QUrl, pyqtSignal
from PyQt6.QtGui import QDesktopServices, QImage, QPixmap
from PyQt6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.background import BackgroundJob
from desktop.briefing.briefing_printer import BriefingPrinter
from geodata.feedback import Cancelled
from layers.briefing.document import write_briefing_document
from layers.briefing.options import BriefingError, BriefingOptions
from layers.i18n import _, language

log = logging.getLogger(__name__)

PREVIEW_WIDTH = 300
PREVIEW_DELAY_MS = 600  # options changed quickly one after another make one preview


def install(window) -> BriefingTool:
    """File → Export briefing…; the window keeps the tool."""
    return BriefingTool(window)


class BriefingTool:
    """One briefing dialog per window, made when first asked for and shown again after."""

    def __init__(self, window):
        self.window = window
        self.dialog: BriefingDialog | None = None
        window.add_file_action(_("Export &briefing…"), self.open_dialog, "Ctrl+P")
        window.add_file_action(_("P&rint briefing…"), self.open_for_printing, "Ctrl+Shift+P")

    def open_dialog(self) -> BriefingDialog:
        if self.dialog is None:
            self.dialog = BriefingDialog(self.window.session, self.window)
        self.dialog.export_button.setDefault(True)
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.refresh_preview()
        return self.dialog

    def open_for_printing(self) -> BriefingDialog:
        """The same dialog, its Print… button the default: the options first, then the printer."""
        dialog = self.open_dialog()
        dialog.print_button.setDefault(True)
        dialog.print_button.setFocus()
        return dialog


class BriefingRun:
    """One briefing being made (the preview or the export): its folder, the job writing its
    document, its printer."""

    def __init__(
        self,
        dialog: BriefingDialog,
        options: BriefingOptions,
        target: Path,
        *,
        reports_progress: bool,
        final_target: Path | None = None,
    ):
        self.dialog, self.options, self.target = dialog, options, target
        self.reports_progress, self.final_target = reports_progress, final_target
        self.folder = tempfile.TemporaryDirectory(prefix="situation-map-briefing-")
        self.printer: BriefingPrinter | None = None
        dataset, state, folder = dialog.session.dataset, dialog.chosen_state(), Path(self.folder.name)
        self.writer = BackgroundJob(
            lambda feedback: write_briefing_document(dataset, state, options, folder, feedback=feedback),
            name="briefing-writer",
            owner=dialog,
        )
        self.writer.finished.connect(self._print)
        self.writer.failed.connect(self._refused)
        self.writer.start()

    def _refused(self, exc: Exception) -> None:
        if isinstance(exc, Cancelled):
            return
        if not isinstance(exc, (BriefingError, ValueError, OSError)):
            log.error("the briefing document could not be written", exc_info=exc)
        from desktop.os_errors import error_text

        self._end(None, error_text(exc))

    def _print(self, document) -> None:
        if self.cancelled:
            return
        self.printer = BriefingPrinter(self.dialog)
        if self.reports_progress:
            self.printer.progress.connect(self.dialog.show_progress)
        self.printer.finished.connect(lambda path: self._end(Path(path), None))
        self.printer.failed.connect(lambda message: self._end(None, message))
        self.printer.start(document.path, self.target, self.options, document.map_count)

    @property
    def cancelled(self) -> bool:
        """Cancelled by the user: the writer's cancel, which also stands for the printing's."""
        return self.writer.is_cancelled

    def cancel(self) -> None:
        self.writer.cancel()  # stops writing at the next map
        if self.printer is not None:
            self.printer.cancel()
        if self.writer.is_running():
            # Kept until its writer ends: the folder it writes into goes with the run.
            self.dialog._retired.append(self)
            self.writer.ended.connect(lambda: self.dialog._retired.remove(self))

    def _end(self, path: Path | None, error: str | None) -> None:
        if not self.cancelled:
            self.dialog.job_done(self, path, error)

    def wait(self) -> None:
        self.writer.wait()


class BriefingDialog(QDialog):
    """The options of a briefing, a preview of its first page, and Export."""

    preview_ready = pyqtSignal()
    exported = pyqtSignal(str)  # the PDF written
    printed = pyqtSignal(bool)  # the print preview closed: True when the user printed
    export_failed = pyqtSignal(str)
    export_cancelled = pyqtSignal()

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(_("Export briefing"))
        self.setObjectName("briefing-dialog")
        self._export: BriefingRun | None = None
        self._printing: BriefingRun | None = None
        self._preview: BriefingRun | None = None
        self._preview_again = False
        self._retired: list[BriefingRun] = []  # cancelled runs whose writer still runs
        self._preview_folder = tempfile.TemporaryDirectory(prefix="situation-map-preview-")
        self._preview_timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self._make_preview)
        self._build()
        session.dataset_changed.connect(lambda *_args: self.refresh_preview())

    # -- building --------------------------------------------------------------------------

    def _build(self) -> None:
        options = QFormLayout()
        audience = QWidget()
        row = QHBoxLayout(audience)
        row.setContentsMargins(0, 0, 0, 0)
        self.public_button = QRadioButton(_("Public (no names; households as counts)"))
        self.internal_button = QRadioButton(_("Internal (observation list, marked confidential)"))
        self.public_button.setChecked(True)
        self._audience_group = QButtonGroup(self)
        for button in (self.public_button, self.internal_button):
            self._audience_group.addButton(button)
            row.addWidget(button)
        options.addRow(_("Audience:"), audience)

        self.paper_box = QComboBox()
        self.paper_box.addItems(["A4", "A3"])
        self.landscape_box = QCheckBox(_("Landscape"))
        paper = QWidget()
        row = QHBoxLayout(paper)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.paper_box)
        row.addWidget(self.landscape_box)
        row.addStretch(1)
        options.addRow(_("Paper:"), paper)

        self.language_box = QComboBox()
        self.language_box.addItem("中文", "zh")
        self.language_box.addItem("English", "en")
        self.language_box.setCurrentIndex(0 if language() == "zh" else 1)
        options.addRow(_("Language:"), self.language_box)
        # Chinese map apps (Gaode, Tencent, WeChat) show GCJ-02: with these a site is found on a phone.
        self.gcj02_box = QCheckBox(_("GCJ-02 coordinates too (a plan's proposed sites)"))
        options.addRow("", self.gcj02_box)

        self.atlas_box = QGroupBox(_("Atlas: one page per village after the summary"))
        self.atlas_box.setCheckable(True)
        self.atlas_box.setChecked(False)
        self.village_list = QListWidget()
        self.village_list.setMaximumHeight(160)
        for code, name in zip(
            self.session.dataset.villages["code"], self.session.dataset.villages["name"], strict=False
        ):
            item = QListWidgetItem(f"{name}  {code}")
            item.setData(Qt.ItemDataRole.UserRole, str(code))
            item.setCheckState(Qt.CheckState.Checked)
            self.village_list.addItem(item)
        atlas_layout = QVBoxLayout(self.atlas_box)
        atlas_layout.addWidget(self.village_list)

        self.path_edit = QLineEdit(str(self._default_path()))
        browse = QPushButton(_("Browse…"))
        browse.clicked.connect(self._choose_path)
        target = QWidget()
        row = QHBoxLayout(target)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        self.open_when_done = QCheckBox(_("Open the PDF when done"))
        self.open_when_done.setChecked(True)

        self.preview_label = QLabel(_("Preparing the preview…"))
        self.preview_label.setObjectName("briefing-preview")
        self.preview_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview_label.setMinimumSize(QSize(PREVIEW_WIDTH, round(PREVIEW_WIDTH * 1.414)))
        self.preview_label.setStyleSheet("background: #808080; color: white;")

        self.progress_bar = QProgressBar()
        self.progress_bar.setVisible(False)
        self.status_label = QLabel()
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)  # errors may quote data
        self.status_label.setWordWrap(True)
        self.export_button = QPushButton(_("Export"))
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.export)
        self.print_button = QPushButton(_("Print…"))
        self.print_button.clicked.connect(self.print_briefing)
        self.cancel_button = QPushButton(_("Close"))
        self.cancel_button.clicked.connect(self._cancel_or_close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.cancel_button)

        left = QVBoxLayout()
        left.addLayout(options)
        left.addWidget(self.atlas_box)
        left.addWidget(QLabel(_("Save as:")))
        left.addWidget(target)
        left.addWidget(self.open_when_done)
        left.addStretch(1)
        left.addWidget(self.progress_bar)
        left.addWidget(self.status_label)
        left.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        preview = QVBoxLayout()
        preview.addWidget(QLabel(_("First page:")))
        preview.addWidget(self.preview_label)
        preview.addStretch(1)
        layout.addLayout(preview)

        for signal in (
            self.public_button.toggled,
            self.landscape_box.toggled,
            self.paper_box.currentIndexChanged,
            self.language_box.currentIndexChanged,
        ):
            signal.connect(self.refresh_preview)

    def _default_path(self) -> Path:
        folder = QSettings().value("briefing/folder", str(Path.home()), type=str)
        day = self.session.as_of
        return Path(folder) / f"briefing-{day:%Y-%m-%d}.pdf"

    def _choose_path(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Save the briefing as"), self.path_edit.text(), _("PDF files (*.pdf)")
        )
        if path:
            self.path_edit.setText(path if path.lower().endswith(".pdf") else path + ".pdf")

    # -- what is asked for -------------------------------------------------------------------

    def chosen_state(self):
        audience = "internal" if self.internal_button.isChecked() else "public"
        return self.session.state.replace(audience=audience)

    def chosen_villages(self) -> tuple[str, ...]:
        return tuple(
            self.village_list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.village_list.count())
            if self.village_list.item(i).checkState() == Qt.CheckState.Checked
        )

    def chosen_options(self, atlas: bool | None = None) -> BriefingOptions:
        atlas = self.atlas_box.isChecked() if atlas is None else atlas
        return BriefingOptions(
            atlas=atlas,
            villages=self.chosen_villages() if atlas else None,
            paper=self.paper_box.currentText(),
            landscape=self.landscape_box.isChecked(),
            lang=self.language_box.currentData(),
            gcj02=self.gcj02_box.isChecked(),
        )

    # -- preview -----------------------------------------------------------------------------

    def refresh_preview(self, *_args) -> None:
        if self.isVisible():
            self._preview_timer.start()

    def _make_preview(self) -> None:
        if self._preview is not None:
            self._preview_again = True  # one at a time; the latest options win
            return
        target = Path(self._preview_folder.name) / "preview.pdf"
        # The first page is the township summary, with or without an atlas.
        self._preview = BriefingRun(self, self.chosen_options(atlas=False), target, reports_progress=False)

    def _show_preview(self, path: Path) -> None:
        from PyQt6.QtPdf import QPdfDocument

        document = QPdfDocument(self)
        document.load(str(path))
        page = document.pagePointSize(0)
        width = PREVIEW_WIDTH
        height = round(width * page.height() / page.width()) if page.width() else width
        image: QImage = document.render(0, QSize(width, height))
        document.close()
        self.preview_label.setMinimumSize(QSize(width, height))
        self.preview_label.setPixmap(QPixmap.fromImage(image))
        self.preview_ready.emit()

    # -- export ------------------------------------------------------------------------------

    def export(self) -> None:
        if self._export is not None:
            return
        target = Path(self.path_edit.text()).expanduser()
        problem = self._target_problem(target)
        if problem:
            self.status_label.setText(problem)
            self.export_failed.emit(problem)
            return
        options = self._options_or_say()
        if options is None:
            return
        QSettings().setValue("briefing/folder", str(target.parent))
        staging = target.with_name(f".{target.name}.partial")
        self._set_busy(True)
        self.status_label.setText(_("Writing the briefing…"))
        self._export = BriefingRun(self, options, staging, reports_progress=True, final_target=target)

    def print_briefing(self) -> None:
        """Make the briefing with the chosen options, then show Qt's print preview of it."""
        if self._export is not None or self._printing is not None:
            return
        options = self._options_or_say()
        if options is None:
            return
        self._set_busy(True)
        self.status_label.setText(_("Writing the briefing…"))
        target = Path(self._preview_folder.name) / "print.pdf"
        self._printing = BriefingRun(self, options, target, reports_progress=True)

    def _options_or_say(self) -> BriefingOptions | None:
        try:
            options = self.chosen_options()
        except BriefingError as exc:
            self.status_label.setText(str(exc))
            return None
        if options.atlas and not options.villages:
            self.status_label.setText(_("Tick at least one village for the atlas."))
            return None
        return options

    def _send_to_printer(self, job: BriefingRun, path: Path | None, error: str | None) -> None:
        from desktop.briefing.print_briefing import PrintError, preview_and_print

        self._printing = None
        self._set_busy(False)
        if path is None:
            self.status_label.setText(error or "")
            return
        self.status_label.setText("")
        try:
            done = preview_and_print(path, job.options, self)
        except PrintError as exc:
            self.status_label.setText(str(exc))
            done = False
        else:
            if done:
                log.info("briefing printed with %s", job.options)
                self.status_label.setText(_("Sent to the printer."))
        finally:
            path.unlink(missing_ok=True)
        self.printed.emit(done)

    def _target_problem(self, target: Path) -> str:
        if target.suffix.lower() != ".pdf":
            return _("Name the briefing file *.pdf.")
        if not target.parent.is_dir():
            return _("The folder {folder} does not exist.").format(folder=target.parent)
        return ""

    def show_progress(self, done: int, total: int, message: str) -> None:
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done)
        self.status_label.setText(f"{message} ({done}/{total})")

    def job_done(self, job: BriefingRun, path: Path | None, error: str | None) -> None:
        if job is self._preview:
            self._preview = None
            if path is not None:
                self._show_preview(path)
            elif error:
                self.preview_label.setText(error)
            if self._preview_again:
                self._preview_again = False
                self._make_preview()
            return
        if job is self._printing:
            self._send_to_printer(job, path, error)
            return
        if job is not self._export:
            return
        self._export = None
        self._set_busy(False)
        if path is None:
            job.target.unlink(missing_ok=True)
            self.status_label.setText(error or "")
            self.export_failed.emit(error or "")
            return
        final = job.final_target
        try:
            path.replace(final)  # whole or not at all
        except OSError as exc:
            path.unlink(missing_ok=True)
            from desktop.os_errors import os_error_text

            message = _("The PDF could not be saved: {error}").format(error=os_error_text(exc, final))
            self.status_label.setText(message)
            self.export_failed.emit(message)
            return
        log.info("briefing exported with %s", job.options)
        self.status_label.setText(_("Saved {path}").format(path=final))
        if self.open_when_done.isChecked():
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(final)))
        self.exported.emit(str(final))

    def _cancel_or_close(self) -> None:
        if self._export is None and self._printing is None:
            self.close()
            return
        job = self._export or self._printing
        self._export = self._printing = None
        assert job is not None
        job.cancel()
        job.target.unlink(missing_ok=True)
        self._set_busy(False)
        self.status_label.setText(_("Cancelled: nothing was saved."))
        self.export_cancelled.emit()

    def _set_busy(self, busy: bool) -> None:
        self.export_button.setEnabled(not busy)
        self.print_button.setEnabled(not busy)
        self.progress_bar.setVisible(busy)
        self.progress_bar.setRange(0, 0)  # busy until the first progress report
        self.cancel_button.setText(_("Cancel") if busy else _("Close"))

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if self._export is not None or self._printing is not None:
            self._cancel_or_close()
        if self._preview is not None:
            job, self._preview = self._preview, None
            job.cancel()
        for job in list(self._retired):
            job.wait()
        super().closeEvent(event)
