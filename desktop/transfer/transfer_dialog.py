"""File → Import… and File → Export layer…: real files in and out of the open dataset.

The import dialog reads and checks the file on a worker thread whenever the file or an option
changes (layer, mode, coordinate system, encoding, sheet), shows the first rows with the field
each column becomes, the detected encoding, and every problem with its row and field. Import
writes in one transaction, also on the worker thread, then the window shows the new data.
Nothing is written while there are errors, or warnings the user has not accepted.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from PyQt6.QtCore import QSettings, Qt, pyqtSignal
from PyQt6.QtGui import QColor
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.background import BackgroundJob
from desktop.os_errors import error_text
from desktop.plain_text import plain_label, plain_tooltip
from desktop.transfer.transfer_export import ExportDialog
from geodata.feedback import Cancelled
from geodata.importing import ImportFailure, apply_plan, plan_import, read_source
from geodata.importing.readers import PREVIEW_ROWS
from geodata.schema import SCHEMAS, choice_label
from layers.features import layer_label
from layers.i18n import _, format_names, language
from layers.messages import message_text, problem_text

# A table of a hundred thousand problems helps nobody and takes the window seconds to fill.
_PROBLEMS_SHOWN = 2000
_ROWS_FITTED = 200
_SEVERITY_COLOURS = {"error": "#c62828", "warning": "#b26a00", "note": "#546e7a"}


def install(window) -> TransferTool:
    """File → Import… and File → Export layer…; the window keeps the tool."""
    return TransferTool(window)


class TransferTool:
    """Opens the import and export dialogs and keeps the last of each: a dialog without a
    Python owner is collected."""

    def __init__(self, window):
        self.window = window
        self.import_dialog: ImportDialog | None = None
        self.export_dialog: ExportDialog | None = None
        window.add_file_action(_("&Import…"), self.open_import_dialog, "Ctrl+I")
        window.add_file_action(_("&Export layer…"), self.open_export_dialog, "Ctrl+E")

    def open_import_dialog(self) -> ImportDialog:
        self.import_dialog = ImportDialog(self.window.session, parent=self.window)
        self.import_dialog.open()
        return self.import_dialog

    def open_export_dialog(self) -> ExportDialog:
        self.export_dialog = ExportDialog(self.window.session, parent=self.window)
        self.export_dialog.open()
        return self.export_dialog


def defaults_text(plan) -> str:
    """The values the import assumed for what the file left out, in a few words:
    "defaults: Status observing (3 rows), Observation days 14 (3 rows)"."""
    lang = language()
    schema = SCHEMAS[plan.layer]
    parts = []
    for name, (value, rows) in sorted(plan.defaults.items()):
        label = schema.field(name).label(lang) or name
        shown = choice_label(plan.layer, name, value, lang) if isinstance(value, str) else str(value)
        parts.append(
            _("{field} {value} ({rows})").format(
                field=label, value=shown, rows=_("{count} rows").format(count=f"{rows:,}")
            )
        )
    return _("defaults: {values}").format(values=format_names(parts, lang))


def _field_label(layer: str, name: str) -> str:
    """A field as the user knows it: its label in the interface language, and its name."""
    schema = SCHEMAS[layer]
    if name == "geometry":
        return _("location")
    if name not in schema.field_names:
        return name
    field = schema.field(name)
    label = field.label(language())
    return f"{label} ({name})" if label and label != name else name


def _where(text: str | None) -> str:
    """ "row 5" / "feature 3" from the importer, in the interface language."""
    if not text:
        return ""
    kind, _space, number = text.partition(" ")
    return _("row {number}").format(number=number) if kind == "row" else _("feature {number}").format(number=number)


def _crs_choices() -> list[tuple[str, str]]:
    return [
        ("wgs84", _("WGS-84 (GPS)")),
        ("cgcs2000", _("CGCS2000")),
        ("gcj02", _("GCJ-02 (Gaode, Tencent, WeChat)")),
        ("bd09", _("BD-09 (Baidu)")),
        ("EPSG:4547", _("CGCS2000 Gauss-Kruger CM 114E (EPSG:4547)")),
    ]


def _blank(value) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or array in a cell is no blank
        return False


class ImportDialog(QDialog):
    """Choose a file and how to read it, see what it becomes, import it."""

    imported = pyqtSignal(str, object)  # layer, the plan written

    def __init__(self, session, parent=None, path: str | None = None):
        super().__init__(parent)
        self.setObjectName("import-dialog")
        self.setWindowTitle(_("Import a file"))
        self.session = session
        self.source = None
        self.plan = None
        self.job: BackgroundJob | None = None
        self._pending = False
        self._checked_options: dict | None = None
        self.resize(1100, 720)

        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText(_("CSV, Excel, GeoJSON, Shapefile or GeoPackage file"))
        browse = QPushButton(_("Browse…"))
        browse.clicked.connect(self.browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(browse)

        self.layer_box = QComboBox()
        for name in SCHEMAS:
            self.layer_box.addItem(layer_label(name), name)
        self.layer_box.setCurrentIndex(list(SCHEMAS).index("households"))
        self.mode_box = QComboBox()
        for mode, text in (
            ("append", _("Add new features (existing ids are skipped)")),
            ("update", _("Update features with the same id")),
            ("replace", _("Replace the whole layer")),
        ):
            self.mode_box.addItem(text, mode)
        self.crs_box = QComboBox()
        self.crs_box.addItem(_("As the file says (else WGS-84)"), None)
        for value, text in _crs_choices():
            self.crs_box.addItem(text, value)
        self.crs_box.setEditable(True)
        self.crs_box.setToolTip(_("Choose the coordinate system, or type an EPSG code such as EPSG:4526"))
        self.encoding_box = QComboBox()
        for value, text in ((None, _("Detect")), ("utf-8", "UTF-8"), ("gbk", "GBK"), ("gb18030", "GB18030")):
            self.encoding_box.addItem(text, value)
        self.sheet_box = QComboBox()
        self.sheet_box.setEnabled(False)

        form = QFormLayout()
        form.addRow(_("File"), file_row)
        form.addRow(_("Into layer"), self.layer_box)
        form.addRow(_("Mode"), self.mode_box)
        form.addRow(_("Coordinates"), self.crs_box)
        form.addRow(_("Text encoding"), self.encoding_box)
        form.addRow(_("Sheet or layer"), self.sheet_box)

        self.info_label = QLabel()
        self.info_label.setWordWrap(True)
        self.info_label.setTextFormat(Qt.TextFormat.PlainText)  # file and column names are data
        self.preview = QTableWidget()
        self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.problems = QTableWidget(0, 4)
        self.problems.setHorizontalHeaderLabels([_("Severity"), _("Where"), _("Field"), _("Problem")])
        self.problems.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.problems.horizontalHeader().setStretchLastSection(True)
        self.problems.setWordWrap(True)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self._titled(_("First rows of the file"), self.preview))
        splitter.addWidget(self._titled(_("Problems"), self.problems))

        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress_label = plain_label()
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress_label)
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        self._show_busy(False)

        self.accept_box = QCheckBox(_("Import despite warnings"))
        self.summary_label = plain_label()
        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton(_("Import"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(_("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.start_import)
        self.buttons.rejected.connect(self.reject)
        self.import_button.setEnabled(False)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary_label, 1)
        bottom.addWidget(self.accept_box)
        bottom.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.info_label)
        layout.addWidget(splitter, 1)
        layout.addLayout(progress_row)
        layout.addLayout(bottom)

        self.path_edit.editingFinished.connect(self.check)
        for box in (self.layer_box, self.mode_box, self.encoding_box):
            box.currentIndexChanged.connect(self.check)
        self.crs_box.activated.connect(self.check)
        self.crs_box.lineEdit().editingFinished.connect(self.check)
        self.sheet_box.activated.connect(self.check)
        self.accept_box.toggled.connect(self._update_buttons)
        if path:
            self.set_path(path)

    @staticmethod
    def _titled(title: str, widget: QWidget) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(title))
        layout.addWidget(widget)
        return box

    # -- choosing ------------------------------------------------------------------------------

    def browse(self) -> None:
        start = QSettings().value("import/folder", str(Path.home()))
        path, _filter = QFileDialog.getOpenFileName(
            self,
            _("Import a file"),
            start,
            _("Data files (*.csv *.txt *.xlsx *.geojson *.json *.shp *.zip *.gpkg);;All files (*)"),
        )
        if path:
            QSettings().setValue("import/folder", str(Path(path).parent))
            self.set_path(path)

    def set_path(self, path) -> None:
        self.path_edit.setText(str(path))
        self.sheet_box.clear()
        self.check(force=True)

    def options(self) -> dict:
        text = self.crs_box.currentText().strip()
        listed = self.crs_box.findText(text)
        crs = self.crs_box.itemData(listed) if listed >= 0 else text  # typed: an EPSG code
        return {
            "path": self.path_edit.text().strip(),
            "layer": self.layer_box.currentData(),
            "mode": self.mode_box.currentData(),
            "crs": crs or None,
            "encoding": self.encoding_box.currentData(),
            "sheet": self.sheet_box.currentText() or None,
        }

    # -- checking ------------------------------------------------------------------------------

    def check(self, *_args, force: bool = False) -> None:
        """Read and check the file with the options shown, on the worker thread (again only
        when an option changed, or with ``force``: a line edit reports every lost focus)."""
        options = self.options()
        if not options["path"] or (options == self._checked_options and not force):
            return
        self._checked_options = options
        if self.job is not None:
            self._pending = True  # check again when the running job ends
            self.job.cancel()
            return
        store = self.session.store
        self.plan = None
        self._update_buttons()

        def work(feedback):
            source = read_source(
                options["path"],
                encoding=options["encoding"],
                sheet=options["sheet"],
                layer_hint=options["layer"],
                feedback=feedback.part(0.0, 0.3),
            )
            dataset = store.read_all()  # as the file is now, not as the window last read it
            plan = plan_import(
                source,
                dataset,
                options["layer"],
                crs=options["crs"],
                mode=options["mode"],
                feedback=feedback.part(0.3, 1.0),
            )
            return plan

        self._run(work, self._checked, self._check_failed)

    def _checked(self, plan) -> None:
        self.plan, self.source = plan, plan.source
        self._show_source(plan.source, plan)
        self._show_problems(plan.problems)
        counts = plan.counts
        summary = _(
            "{added} to add, {updated} to update, {skipped} skipped, {removed} to "
            "remove · {errors} errors, {warnings} warnings"
        ).format(errors=len(plan.errors), warnings=len(plan.warnings), **counts)
        if plan.defaults:
            summary += " · " + defaults_text(plan)
        self.summary_label.setText(summary)
        self._update_buttons()

    def _check_failed(self, exc) -> None:
        self.plan = None
        if isinstance(exc, Cancelled):
            self.summary_label.setText(_("Cancelled."))
            return
        problems = getattr(exc, "problems", None) or []
        self._show_problems(problems)
        self.preview.clear()
        self.preview.setRowCount(0)
        if len(problems) == 1 and problems[0].where is None:  # the file cannot be read: said as its problem
            self.info_label.setText(
                _("{file}: {problem}").format(file=problems[0].file, problem=problem_text(problems[0]))
            )
        else:
            self.info_label.setText(error_text(exc))
        self.summary_label.setText(_("The file cannot be imported."))
        self._update_buttons()

    def _show_source(self, source, plan) -> None:
        details = [source.name, source.kind.upper(), _("{count} rows").format(count=f"{len(source.frame):,}")]
        if source.encoding:
            details.append(_("encoding: {name}").format(name=source.encoding))
        details.append(_("coordinates: {crs}").format(crs=plan.crs if len(plan.crs) < 40 else "WKT"))
        self.info_label.setText(" · ".join(details + [message_text(note) for note in source.notes]))
        if source.sheets and self.sheet_box.count() == 0:
            self.sheet_box.addItems(list(source.sheets))
            self.sheet_box.setCurrentText(source.sheet or "")
        self.sheet_box.setEnabled(len(source.sheets) > 1)
        field_of = {column: _field_label(plan.layer, field) for field, column in plan.columns.fields.items()}
        for column in (plan.columns.longitude, plan.columns.latitude, plan.columns.pair, plan.columns.wkt):
            if column:
                field_of[column] = _("location")
        frame = source.frame.head(PREVIEW_ROWS)
        unused = _("not imported")
        self.preview.clear()
        self.preview.setRowCount(len(frame))
        self.preview.setColumnCount(len(frame.columns))
        self.preview.setHorizontalHeaderLabels(
            [f"{c}\n→ {field_of[c]}" if c in field_of else f"{c}\n({unused})" for c in frame.columns]
        )
        for row, values in enumerate(frame.itertuples(index=False)):
            for column, value in enumerate(values):
                self.preview.setItem(row, column, QTableWidgetItem("" if _blank(value) else str(value)))
        self.preview.setVerticalHeaderLabels([_where(source.where(i)) for i in range(len(frame))])
        self.preview.resizeColumnsToContents()

    def _show_problems(self, problems) -> None:
        names = {"error": _("error"), "warning": _("warning"), "note": _("note")}
        shown = problems[:_PROBLEMS_SHOWN]
        self.problems.setRowCount(len(shown) + (len(problems) > len(shown)))
        layer = self.layer_box.currentData()
        for row, problem in enumerate(shown):
            field = _field_label(layer, problem.field) if problem.field else ""
            cells = (
                names.get(problem.severity, problem.severity),
                _where(problem.where) or problem.file,
                field,
                problem_text(problem, layer=layer),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(plain_tooltip(text))  # problems quote the file's cells
                if column == 0:
                    item.setForeground(QColor(_SEVERITY_COLOURS.get(problem.severity, "#000000")))
                self.problems.setItem(row, column, item)
        if len(problems) > len(shown):
            more = _("… and {count} more; the import command lists them all").format(
                count=f"{len(problems) - len(shown):,}"
            )
            self.problems.setItem(len(shown), 3, QTableWidgetItem(more))
        for column in range(3):
            self.problems.resizeColumnToContents(column)
        if len(shown) <= _ROWS_FITTED:
            self.problems.resizeRowsToContents()

    def _update_buttons(self) -> None:
        plan = self.plan
        self.accept_box.setEnabled(bool(plan and plan.warnings and not plan.errors))
        self.import_button.setEnabled(bool(plan and self.job is None and plan.can_write(self.accept_box.isChecked())))

    # -- importing -----------------------------------------------------------------------------

    def start_import(self) -> None:
        plan = self.plan
        if plan is None or not plan.can_write(self.accept_box.isChecked()):
            return
        store, accept = self.session.store, self.accept_box.isChecked()
        allow_removal = plan.removes_most
        if allow_removal and not self.removal_confirmed(plan):
            return

        def work(feedback):
            feedback.report(0.1, _("writing"))
            apply_plan(store, plan, accept_warnings=accept, allow_removal=allow_removal)
            return store.read_all()

        self._run(work, lambda dataset: self._imported(plan, dataset), self._import_failed)

    def removal_confirmed(self, plan) -> bool:
        """Whether the user means a replace that takes away most of the layer (an empty or
        cut-off file would otherwise delete it without a word)."""
        text = _(
            "Importing {file} would remove {removed} of the {count} features of {layer}, leaving {kept}. "
            "Replace the layer anyway?"
        ).format(
            file=plan.source.name,
            removed=plan.removed,
            count=len(plan.base),
            layer=layer_label(plan.layer),
            kept=len(plan.result),
        )
        box = QMessageBox(
            QMessageBox.Icon.Question,
            _("Remove {count} features?").format(count=plan.removed),
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setObjectName("removal-question")
        box.setTextFormat(Qt.TextFormat.PlainText)  # the file's name is the user's text
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes

    def _imported(self, plan, dataset) -> None:
        self.session.take_external(dataset)  # redraws what changed, as for another desk's save
        self.imported.emit(plan.layer, plan)
        counts = plan.counts
        self.summary_label.setText(_("Imported: {added} added, {updated} updated, {removed} removed.").format(**counts))
        self.plan = None
        self._update_buttons()

    def _import_failed(self, exc) -> None:
        if isinstance(exc, Cancelled):
            text = _("Cancelled.")
        elif isinstance(exc, ImportFailure):
            text = error_text(exc)
        else:
            text = _("The import failed: {reason}").format(reason=error_text(exc))
        self.summary_label.setText(_("Nothing was imported."))
        self.info_label.setText(text)
        self.check(force=True)  # the file or the layer may have changed: show where things stand

    # -- the worker ----------------------------------------------------------------------------

    def _run(self, work, on_success, on_failure) -> None:
        job = BackgroundJob(work, name="import-worker", owner=self)
        job.progress.connect(self._on_progress)
        job.finished.connect(on_success)
        job.failed.connect(on_failure)
        job.ended.connect(self._job_done)
        self.job = job
        self._show_busy(True)
        self._update_buttons()
        job.start()

    def _on_progress(self, fraction: float, text: str) -> None:
        self.progress.setValue(int(fraction * 100))
        self.progress_label.setText(_(text))  # the importer's steps are in transfer.po

    def _job_done(self) -> None:
        self.job = None
        self._show_busy(False)
        self._update_buttons()
        if self._pending:
            self._pending = False
            self.check(force=True)

    def _show_busy(self, busy: bool) -> None:
        for widget in (self.progress, self.progress_label, self.cancel_button):
            widget.setVisible(busy)
        self.progress.setValue(0)

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def hideEvent(self, event):  # noqa: N802 (Qt name)
        # Closed, or its window closed: the worker must end before the dialog can go.
        self._pending = False
        if self.job is not None:
            self.job.cancel()
            self.job.wait()
        super().hideEvent(event)
