"""File → Export briefing… in the window: options, preview, export, progress and cancel."""

from __future__ import annotations

import subprocess

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QDesktopServices

from desktop.briefing.briefing_dialog import BriefingDialog
from tests.desktop.pagetools import share_unlike_commonest

TIMEOUT_MS = 90_000


@pytest.fixture
def dialog(qtbot, session):
    dialog = BriefingDialog(session)
    qtbot.addWidget(dialog)
    return dialog


@pytest.fixture
def opened(monkeypatch):
    """The files the dialog asked the desktop to open."""
    urls = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: urls.append(url.toLocalFile()) or True)
    return urls


def pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_the_audience_starts_public_although_the_window_is_internal(dialog, session):
    assert session.state.audience == "internal"
    assert dialog.chosen_state().audience == "public"
    dialog.internal_button.setChecked(True)
    assert dialog.chosen_state().audience == "internal"


def test_gcj02_coordinates_are_asked_for_in_the_options(dialog):
    assert dialog.chosen_options().gcj02 is False  # WGS-84 only unless asked
    dialog.gcj02_box.setChecked(True)
    assert dialog.chosen_options().gcj02 is True


def test_preview_shows_the_first_page(qtbot, dialog):
    with qtbot.waitSignal(dialog.preview_ready, timeout=TIMEOUT_MS):
        dialog.show()
        dialog.refresh_preview()
    image = dialog.preview_label.pixmap().toImage()
    assert image.height() > image.width() > 0  # A4 portrait
    assert share_unlike_commonest(image) > 0.1  # a drawn page, not a blank one
    with qtbot.waitSignal(dialog.preview_ready, timeout=TIMEOUT_MS):
        dialog.landscape_box.setChecked(True)
    landscape = dialog.preview_label.pixmap().toImage()
    assert landscape.width() > landscape.height()


def test_export_writes_the_pdf_and_opens_it(qtbot, dialog, tmp_path, opened, session):
    target = tmp_path / "brief.pdf"
    dialog.path_edit.setText(str(target))
    with qtbot.waitSignal(dialog.exported, timeout=TIMEOUT_MS) as signal:
        dialog.export()
    assert signal.args == [str(target)]
    assert opened == [str(target)]
    text = pdf_text(target)
    assert "关王庙村" in text
    assert not [name for name in session.dataset.households["head_name"] if name in text]
    assert dialog.export_button.isEnabled()
    assert not list(tmp_path.glob(".*partial"))


def test_internal_atlas_of_two_villages(qtbot, dialog, tmp_path, opened, session):
    dialog.open_when_done.setChecked(False)
    dialog.language_box.setCurrentIndex(dialog.language_box.findData("zh"))
    dialog.internal_button.setChecked(True)
    dialog.atlas_box.setChecked(True)
    for row in range(2, dialog.village_list.count()):
        dialog.village_list.item(row).setCheckState(Qt.CheckState.Unchecked)
    target = tmp_path / "atlas.pdf"
    dialog.path_edit.setText(str(target))
    progress = []
    dialog.progress_bar.valueChanged.connect(progress.append)
    with qtbot.waitSignal(dialog.exported, timeout=TIMEOUT_MS):
        dialog.export()
    assert opened == []
    assert 3 in progress  # the township map and two village maps drawn
    text = pdf_text(target)
    codes = list(session.dataset.villages["code"])
    assert codes[0] in text and codes[1] in text and codes[2] not in text
    assert "内部资料 注意保密" in text


def test_cancel_stops_an_atlas_and_saves_nothing(qtbot, dialog, tmp_path):
    dialog.atlas_box.setChecked(True)
    target = tmp_path / "atlas.pdf"
    dialog.path_edit.setText(str(target))
    dialog.export()
    assert not dialog.export_button.isEnabled()
    with qtbot.waitSignal(dialog.export_cancelled, timeout=TIMEOUT_MS):
        dialog.cancel_button.click()
    qtbot.wait(500)
    assert dialog.export_button.isEnabled()
    assert not target.exists() and not list(tmp_path.glob(".*partial"))


def test_a_missing_folder_is_reported_not_written(qtbot, dialog, tmp_path):
    dialog.path_edit.setText(str(tmp_path / "nowhere" / "brief.pdf"))
    with qtbot.waitSignal(dialog.export_failed, timeout=5_000):
        dialog.export()
    assert "nowhere" in dialog.status_label.text()
    assert dialog.export_button.isEnabled()


def test_the_window_offers_export_briefing_in_the_file_menu(qtbot, sample_copy):
    from desktop.window.main_window import MainWindow
    from geodata.stores import GeoPackageStore
    from layers.i18n import _

    store = GeoPackageStore(sample_copy)
    window = MainWindow(store, store.read_all())
    qtbot.addWidget(window)
    action = next(a for a in window.file_menu.actions() if a.text() == _("Export &briefing…"))
    action.trigger()
    dialog = window.briefing.dialog
    assert dialog.isVisible() and dialog.session is window.session
    with qtbot.waitSignal(dialog.preview_ready, timeout=TIMEOUT_MS):
        pass
    dialog.close()


@pytest.fixture
def printer_output(monkeypatch, tmp_path):
    """The print preview, answered as a user who presses Print: its pages go to a PDF file."""
    from PyQt6.QtPrintSupport import QPrinter, QPrintPreviewDialog

    out = tmp_path / "printer.pdf"
    seen = {}

    def press_print(preview):
        seen["paper"] = preview.printer().pageLayout().pageSize().id()
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        printer.setFullPage(True)
        preview.paintRequested.emit(printer)
        return QPrintPreviewDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintPreviewDialog, "exec", press_print)
    return out, seen


def test_print_sends_the_briefing_with_the_chosen_options_to_the_printer(qtbot, dialog, printer_output, tmp_path):
    from PyQt6.QtGui import QPageSize

    out, seen = printer_output
    dialog.internal_button.setChecked(True)
    dialog.paper_box.setCurrentText("A3")
    with qtbot.waitSignal(dialog.printed, timeout=TIMEOUT_MS) as printed:
        dialog.print_button.click()
        assert not dialog.print_button.isEnabled() and not dialog.export_button.isEnabled()
    assert printed.args == [True]
    assert seen["paper"] == QPageSize.PageSizeId.A3  # the printer starts on the briefing's paper
    info = subprocess.run(["pdfinfo", str(out)], check=True, capture_output=True, text=True).stdout
    assert int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:"))) >= 2
    assert dialog.print_button.isEnabled()
    assert not list(tmp_path.glob("*.partial"))


def test_the_window_offers_print_briefing_in_the_file_menu(qtbot, sample_copy):
    from desktop.window.main_window import MainWindow
    from geodata.stores import GeoPackageStore
    from layers.i18n import _

    store = GeoPackageStore(sample_copy)
    window = MainWindow(store, store.read_all())
    qtbot.addWidget(window)
    action = next(a for a in window.file_menu.actions() if a.text() == _("P&rint briefing…"))
    assert action.shortcut().toString() == "Ctrl+Shift+P"
    action.trigger()
    dialog = window.briefing.dialog
    assert dialog.isVisible() and dialog.print_button.isDefault() and not dialog.export_button.isDefault()
    with qtbot.waitSignal(dialog.preview_ready, timeout=TIMEOUT_MS):
        pass
    dialog.close()
