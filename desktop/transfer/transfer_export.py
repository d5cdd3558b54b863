"""File → Export layer…: one layer to Excel, CSV, GeoJSON, GeoPackage or a zipped shapefile,
public or internal, for people (the window's language) or for import; of the day the map shows."""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtCore import QSettings, Qt
from PyQt6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QLabel

from desktop.os_errors import error_text
from geodata.schema import SCHEMAS
from layers.features import layer_label
from layers.i18n import _


class ExportDialog(QDialog):
    """Choose a layer, the audience and (for CSV) the encoding; then the file."""

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.setObjectName("export-dialog")
        self.setWindowTitle(_("Export layer"))
        self.session = session
        self.layer_box = QComboBox()
        for name in SCHEMAS:
            self.layer_box.addItem(layer_label(name), name)
        self.audience_box = QComboBox()
        self.audience_box.addItem(_("Public (without names, phones, notes or home locations)"), "public")
        self.audience_box.addItem(_("Internal (with personal data)"), "internal")
        self.encoding_box = QComboBox()
        self.encoding_box.addItem(_("UTF-8 (Excel opens it)"), "utf-8")
        self.encoding_box.addItem(_("GBK (older Chinese software)"), "gbk")
        self.form_box = QComboBox()
        self.form_box.addItem(_("For people: headers, names and words in the window's language"), "people")
        self.form_box.addItem(_("For import: field names and codes"), "import")
        self.day_label = QLabel()
        self.day_label.setTextFormat(Qt.TextFormat.PlainText)
        self.result_label = QLabel()
        self.result_label.setTextFormat(Qt.TextFormat.PlainText)
        form = QFormLayout(self)
        form.addRow(_("Layer"), self.layer_box)
        form.addRow(_("Audience"), self.audience_box)
        form.addRow(_("CSV text encoding"), self.encoding_box)
        form.addRow(_("Made for"), self.form_box)
        form.addRow(self.day_label)
        past = self._past_day()
        if past is not None:
            self.day_label.setText(
                _("The records as they stood at {moment}, the time the map shows.").format(
                    moment=past.strftime("%Y-%m-%d %H:%M")
                )
            )
        self.day_label.setVisible(past is not None)
        buttons = QDialogButtonBox()
        buttons.addButton(_("Export…"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(_("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.choose_file)
        buttons.rejected.connect(self.reject)
        form.addRow(self.result_label)
        form.addRow(buttons)

    def choose_file(self) -> None:
        layer = self.layer_box.currentData()
        start = str(Path(QSettings().value("export/folder", str(Path.home()))) / f"{layer}.xlsx")
        path, _filter = QFileDialog.getSaveFileName(
            self,
            _("Export layer"),
            start,
            _("Excel (*.xlsx);;CSV (*.csv);;GeoJSON (*.geojson);;GeoPackage (*.gpkg);;Shapefile, zipped (*.shp)"),
        )
        if path:
            QSettings().setValue("export/folder", str(Path(path).parent))
            self.export_to(Path(path))

    def export_to(self, path: Path) -> bool:
        from geodata.errors import GeodataError
        from geodata.export import export_layer, written_path
        from layers.i18n import language

        dataset = self.session.dataset
        past = self._past_day()
        if past is not None:
            from layers.day_records import records_on_day

            dataset = records_on_day(dataset, past)
        path = written_path(path)
        try:
            count = export_layer(
                dataset,
                self.layer_box.currentData(),
                path,
                audience=self.audience_box.currentData(),
                encoding=self.encoding_box.currentData(),
                form=self.form_box.currentData(),
                lang=language(),
            )
        except (GeodataError, OSError) as exc:
            self.result_label.setText(_("Not exported: {reason}").format(reason=error_text(exc)))
            return False
        self.result_label.setText(_("Wrote {count} rows to {path}.").format(count=count, path=path))
        return True

    def _past_day(self):
        """The time the map shows when it is before the data's own (a past day on the date bar),
        else None: an export then holds what was known by that time."""
        from layers.map_state import MapState
        from layers.situation import AsOfError, resolve_as_of

        if self.session.state.as_of is None:
            return None
        try:
            shown, own = self.session.as_of, resolve_as_of(MapState(), self.session.dataset)
        except AsOfError:
            return None
        return shown if shown < own else None
