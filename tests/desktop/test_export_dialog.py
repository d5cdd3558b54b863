"""File → Export layer… writes for people in the window's language, GeoPackage and shapefiles
too, and the day the map shows (issues 18 and 16)."""

import zipfile

import pandas as pd
from openpyxl import load_workbook

from desktop.transfer.transfer_export import ExportDialog
from layers import i18n
from tests.later_dates import later_dates


def _dialog(session, qtbot, layer):
    dialog = ExportDialog(session)
    qtbot.addWidget(dialog)
    dialog.layer_box.setCurrentIndex(dialog.layer_box.findData(layer))
    return dialog


def test_for_people_in_the_window_language_by_default(session, qtbot, tmp_path):
    i18n.set_language("zh")
    dialog = _dialog(session, qtbot, "checkpoints")
    assert dialog.form_box.currentData() == "people" and dialog.day_label.isHidden()
    assert dialog.export_to(tmp_path / "卡点.xlsx")
    sheet = load_workbook(tmp_path / "卡点.xlsx").active
    assert [c.value for c in sheet[1]][:3] == ["编号", "名称", "级别"] and sheet["E2"].value == "值守中"
    dialog.form_box.setCurrentIndex(dialog.form_box.findData("import"))
    assert dialog.export_to(tmp_path / "checkpoints.csv")
    assert pd.read_csv(tmp_path / "checkpoints.csv", encoding="utf-8-sig").columns[0] == "id"


def test_a_shapefile_is_a_zip(session, qtbot, tmp_path):
    dialog = _dialog(session, qtbot, "roads")
    assert dialog.export_to(tmp_path / "roads.shp")
    assert "roads.shp.zip" in dialog.result_label.text()
    assert "roads.shp" in zipfile.ZipFile(tmp_path / "roads.shp.zip").namelist()


def test_a_past_day_on_the_date_bar_is_the_day_exported(session, qtbot, tmp_path):
    session.update_state(as_of="2020-02-14T18:00")
    dialog = _dialog(session, qtbot, "followups")
    assert not dialog.day_label.isHidden() and "2020-02-14 18:00" in dialog.day_label.text()
    assert dialog.export_to(tmp_path / "followups.csv")
    text = (tmp_path / "followups.csv").read_text(encoding="utf-8-sig")
    assert later_dates(text, "2020-02-14") == [] and "2020-02-14" in text
