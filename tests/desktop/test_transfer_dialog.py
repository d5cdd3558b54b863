"""File → Import… and File → Export layer… in the window's session, offscreen."""

import pandas as pd
import pytest

from desktop.transfer.transfer_dialog import ImportDialog
from desktop.transfer.transfer_export import ExportDialog
from geodata.chinese_crs import wgs84_to_gcj02
from tests.geodata.import_helpers import INSIDE, household_row, write_csv

WAIT_MS = 20000


def wait_checked(qtbot, dialog):
    qtbot.waitUntil(
        lambda: dialog.job is None and (dialog.plan is not None or dialog.summary_label.text()), timeout=WAIT_MS
    )


@pytest.fixture
def dialog(session, qtbot):
    widget = ImportDialog(session)
    qtbot.addWidget(widget)
    return widget


def table_texts(table):
    return [
        [table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def test_preview_encoding_and_import_into_the_session(dialog, session, qtbot, tmp_path):
    rows = [household_row(i) for i in range(1, 4)]
    dialog.set_path(write_csv(tmp_path / "观察户.csv", rows, encoding="gbk"))
    wait_checked(qtbot, dialog)
    assert "gbk" in dialog.info_label.text()
    assert dialog.preview.rowCount() == 3
    headers = [dialog.preview.horizontalHeaderItem(c).text() for c in range(dialog.preview.columnCount())]
    assert "观察原因\n→ Reason (reason)" in headers
    assert dialog.import_button.isEnabled()
    changes = []
    session.dataset_changed.connect(changes.append)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: bool(changes), timeout=WAIT_MS)
    assert sorted(changes[0]["households"]) == ["IMP0001", "IMP0002", "IMP0003"]
    assert {"IMP0001", "IMP0002", "IMP0003"} <= set(session.dataset.households["id"])
    assert {"IMP0001"} <= set(session.store.read("households")["id"])


def test_problems_block_the_import_and_name_row_and_field(dialog, session, qtbot, tmp_path):
    before = len(session.store.read("households"))
    dialog.set_path(write_csv(tmp_path / "bad.csv", [household_row(1, 人数="0", 观察原因="火星")]))
    wait_checked(qtbot, dialog)
    problems = table_texts(dialog.problems)
    wheres = {(row[1], row[2]) for row in problems}
    assert ("row 2", "Persons (persons)") in wheres and ("row 2", "Reason (reason)") in wheres
    assert not dialog.import_button.isEnabled()
    dialog.start_import()  # even if called, nothing is written
    assert len(session.store.read("households")) == before


def test_changing_the_coordinate_system_checks_again(dialog, qtbot, tmp_path):
    lon, lat = wgs84_to_gcj02(*INSIDE)
    dialog.set_path(
        write_csv(tmp_path / "gaode.csv", [household_row(1, 经度=f"{float(lon):.7f}", 纬度=f"{float(lat):.7f}")])
    )
    wait_checked(qtbot, dialog)
    first = dialog.plan.rows.geometry.iloc[0]
    dialog.crs_box.setCurrentIndex(dialog.crs_box.findData("gcj02"))
    dialog.check()
    wait_checked(qtbot, dialog)
    assert dialog.plan.crs == "gcj02"
    point = dialog.plan.rows.geometry.iloc[0]
    assert (point.x, point.y) == pytest.approx(INSIDE, abs=1e-5)
    assert point.distance(first) > 0.003


def test_warnings_need_the_box_ticked(dialog, qtbot, tmp_path):
    dialog.set_path(write_csv(tmp_path / "dup.csv", [household_row(1, 编号="HH001"), household_row(2)]))
    wait_checked(qtbot, dialog)
    assert dialog.plan.warnings and not dialog.import_button.isEnabled()
    dialog.accept_box.setChecked(True)
    assert dialog.import_button.isEnabled()


def test_an_unreadable_file_is_explained(language, dialog, qtbot, tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a workbook")
    dialog.set_path(path)
    qtbot.waitUntil(lambda: dialog.job is None and dialog.problems.rowCount() == 1, timeout=WAIT_MS)
    assert "broken.xlsx" in dialog.info_label.text()
    assert ("无法按 XLSX 读取" if language == "zh" else "cannot be read as XLSX") in dialog.info_label.text()
    assert not dialog.import_button.isEnabled()


def test_export_dialog_writes_a_public_file(session, qtbot, tmp_path):
    dialog = ExportDialog(session)
    qtbot.addWidget(dialog)
    dialog.layer_box.setCurrentIndex(dialog.layer_box.findData("households"))
    assert dialog.export_to(tmp_path / "h.csv")
    frame = pd.read_csv(tmp_path / "h.csv", encoding="utf-8-sig")
    assert len(frame) == 50 and "phone" not in frame.columns
    assert not dialog.export_to(tmp_path / "h.kml")
    assert "kml" in dialog.result_label.text()


def test_file_menu_import_redraws_the_window_map(qtbot, sample_copy, tmp_path):
    from geodata.stores import GeoPackageStore
    from tests.desktop.pagetools import PAGE_TIMEOUT_MS, evaluate, open_window

    window = open_window(qtbot, GeoPackageStore(sample_copy))
    texts = [action.text() for action in window.file_menu.actions()]
    assert any("Import" in text or "导入" in text for text in texts)
    assert any("Export" in text or "导出" in text for text in texts)
    shown = lambda: evaluate(qtbot, window.map_view, "SituationMap.state()")["shown"]["households"]  # noqa: E731
    before = shown()
    action = next(a for a in window.file_menu.actions() if "Import" in a.text() or "导入" in a.text())
    action.trigger()
    dialog = window.transfer.import_dialog
    dialog.set_path(write_csv(tmp_path / "new.csv", [household_row(i) for i in range(1, 5)]))
    wait_checked(qtbot, dialog)
    with qtbot.waitSignal(window.map_view.applied, timeout=PAGE_TIMEOUT_MS):
        dialog.import_button.click()
    qtbot.waitUntil(lambda: shown() == before + 4, timeout=PAGE_TIMEOUT_MS)


def test_a_long_check_shows_progress_and_can_be_cancelled(dialog, qtbot, tmp_path):
    rows = [household_row(i) for i in range(1, 20001)]
    path = write_csv(tmp_path / "big.csv", rows)
    fractions = []
    dialog.set_path(path)
    dialog.job.progress.connect(lambda fraction, text: fractions.append(fraction))
    assert dialog.progress.isVisibleTo(dialog) and dialog.cancel_button.isVisibleTo(dialog)
    qtbot.waitUntil(lambda: bool(fractions), timeout=WAIT_MS)
    dialog.cancel()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=WAIT_MS)
    assert dialog.plan is None and not dialog.import_button.isEnabled()
    assert dialog.summary_label.text() in ("Cancelled.", "已取消。")
    assert not dialog.progress.isVisibleTo(dialog)


def test_problems_are_said_in_the_window_language(language, dialog, qtbot, tmp_path):
    dialog.set_path(write_csv(tmp_path / "bad.csv", [household_row(1, 观察开始="2020-02-30", 所属村="火星村")]))
    wait_checked(qtbot, dialog)
    messages = [row[3] for row in table_texts(dialog.problems)]
    if language == "zh":
        assert "'2020-02-30' 不是日期；日期请写成 YYYY-MM-DD" in messages
        assert any(m.startswith("'火星村' 不是本乡的村；请填写以下之一：关王庙村 (411771360200)") for m in messages)
    else:
        assert "'2020-02-30' is not a date; write dates as YYYY-MM-DD" in messages
        assert any(m.startswith("'火星村' is not a village of this township; write one of") for m in messages)


@pytest.mark.parametrize("answer", ["Yes", "No"])
def test_a_replace_removing_most_of_the_layer_asks_first_naming_the_count(
    dialog, session, qtbot, tmp_path, monkeypatch, answer
):
    from PyQt6.QtWidgets import QMessageBox

    asked = []

    def answer_box(box):
        asked.append((box.windowTitle(), box.text(), box.textFormat()))
        return getattr(QMessageBox.StandardButton, answer)

    monkeypatch.setattr(QMessageBox, "exec", answer_box)
    before = len(session.store.read("households"))
    dialog.mode_box.setCurrentIndex(dialog.mode_box.findData("replace"))
    dialog.set_path(write_csv(tmp_path / "two.csv", [household_row(1), household_row(2)]))
    wait_checked(qtbot, dialog)
    assert dialog.import_button.isEnabled()
    dialog.import_button.click()
    assert len(asked) == 1
    title, text, text_format = asked[0]
    assert "50" in title and "two.csv" in text and f"{before} of the {before}" in text and "leaving 2" in text
    from PyQt6.QtCore import Qt

    assert text_format == Qt.TextFormat.PlainText
    if answer == "No":
        assert dialog.job is None and len(session.store.read("households")) == before
        return
    qtbot.waitUntil(lambda: dialog.job is None and dialog.plan is None, timeout=WAIT_MS)
    assert sorted(session.store.read("households")["id"]) == ["IMP0001", "IMP0002"]
