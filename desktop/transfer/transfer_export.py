"""File → Export layer…: one layer to Excel, CSV or GeoJSON, public or internal."""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtCore import QSettings, Qt
from PyQt6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QLabel

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
        self.result_label = QLabel()
        self.result_label.setTextFormat(Qt.TextFormat.PlainText)
        form = QFormLayout(self)
        form.addRow(_("Layer"), self.layer_box)
        form.addRow(_("Audience"), self.audience_box)
        form.addRow(_("CSV text encoding"), self.encoding_box)
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
            self, _("Export layer"), start, _("Excel (*.xlsx);;CSV (*.csv);;GeoJSON (*.geojson)")
        )
        if path:
            QSettings().setValue("export/folder", str(Path(path).parent))
            self.export_to(Path(path))

    def export_to(self, path: Path) -> bool:
        from geodata.errors import GeodataError
        from geodata.export import export_layer

        try:
            count = export_layer(
                self.session.dataset,
                self.layer_box.currentData(),
                path,
                audience=self.audience_box.currentData(),
                encoding=self.encoding_box.currentData(),
            )
        except (GeodataError, OSError) as exc:
            self.result_label.setText(_("Not exported: {reason}").format(reason=exc))
            return False
        self.result_label.setText(_("Wrote {count} rows to {path}.").format(count=count, path=path))
        return True
