"""The window speaks one language: its menus, docks, tooltips and dialogs, and what its import
dialog, planning panel and trend dock say when something fails (issue 18, item 6)."""

from __future__ import annotations

import pytest
from PyQt6.QtWidgets import QFileDialog

from desktop.transfer.transfer_dialog import ImportDialog
from geodata.importing import read_source
from geodata.importing.problems import ImportFailure
from geodata.stores import GeoPackageStore
from layers import i18n
from tests.desktop.pagetools import open_window
from tests.desktop.test_one_language import CJK, english_sentences
from tests.desktop.text_walk import widget_texts
from tests.geodata.import_helpers import household_row, write_csv

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


def test_the_import_summary_says_which_defaults_it_applied(language, dialog, qtbot, tmp_path):
    rows = [household_row(i) for i in (1, 2, 3)]
    for row in rows:
        del row["状态"]
    dialog.set_path(write_csv(tmp_path / "no-status.csv", rows))
    wait_checked(qtbot, dialog)
    assert dialog.plan.defaults == {"status": ("observing", 3), "observation_days": (14, 3)}
    summary = dialog.summary_label.text()
    if language == "zh":
        assert "默认值：观察天数“14”（3 行）和状态“观察中”（3 行）" in summary, summary
        assert english_sentences(summary) == [], summary
    else:
        assert "defaults: Observation days 14 (3 rows) and Status" in summary, summary
        assert not CJK.search(summary)


def test_a_layer_saved_elsewhere_during_an_import_is_said_in_chinese(dialog, session, qtbot, tmp_path, monkeypatch):
    i18n.set_language("zh")
    dialog.set_path(write_csv(tmp_path / "观察户.csv", [household_row(1)]))
    wait_checked(qtbot, dialog)
    other = GeoPackageStore(session.store.path)
    other.write({"households": other.read("households").iloc[:-1]})  # another desk saves meanwhile
    monkeypatch.setattr(dialog, "check", lambda *args, **kwargs: None)  # keep what the failure said
    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.job is None and dialog.summary_label.text() == "未导入任何数据。", timeout=WAIT_MS)
    said = dialog.info_label.text()
    assert said.startswith("检查文件之后居家医学观察户已被修改"), said
    assert english_sentences(said) == [], said


def test_a_failure_the_dialog_did_not_foresee_is_said_in_one_language(dialog):
    i18n.set_language("zh")
    dialog._import_failed(OSError(28, "No space left on device", "/media/usb/situation.gpkg"))
    assert dialog.info_label.text() == "导入失败：/media/usb/situation.gpkg：磁盘已满，请腾出空间后重试"


def test_the_import_dialog_offers_zipped_shapefiles(dialog, monkeypatch, tmp_path):
    offered = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (offered.append(args[3]), ("", ""))[1])
    dialog.browse()
    assert "*.zip" in offered[0]
    (tmp_path / "households.kml").write_text("<kml/>", encoding="utf-8")
    with pytest.raises(ImportFailure) as refused:
        read_source(tmp_path / "households.kml")
    assert ".shp, .zip (a zipped shapefile) or .gpkg" in str(refused.value)


def _data_values(window) -> list[str]:
    """Texts that come from the data, kept as written in either language: the township's and
    villages' names and the dataset's disclaimer; and the name of the language 中文."""
    dataset = window.session.dataset
    return sorted(
        {
            dataset.metadata.get("disclaimer", ""),
            dataset.metadata.get("township_name", ""),
            *dataset.villages["name"].astype(str),
            "中文",
        }
        - {""},
        key=len,
        reverse=True,
    )


def _dialogs(window, tmp_path):
    """The dialogs the window opens without a file dialog, one with a refused import in it."""
    from desktop.briefing.briefing_dialog import BriefingDialog
    from desktop.shared_store.connect_dialog import ConnectDialog
    from desktop.transfer.transfer_export import ExportDialog
    from desktop.window.feature_dialog import FeatureDialog

    session = window.session
    refused = ImportDialog(session, window)
    refused.crs_box.setEditText("mars")
    refused.set_path(write_csv(tmp_path / "观察户.csv", [household_row(1)]))
    household = str(session.dataset.households["id"].iloc[0])
    window.show_about()
    return [
        refused,
        ExportDialog(session, window),
        BriefingDialog(session, window),
        ConnectDialog(window),
        FeatureDialog(session, "checkpoints", position=(114.9, 33.3), parent=window),
        FeatureDialog(session, "households", household, parent=window),
        window.about_box,
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_text_of_the_window_and_its_dialogs_is_in_one_language(qtbot, sample_copy, tmp_path, lang):
    i18n.set_language(lang)
    window = open_window(qtbot, GeoPackageStore(sample_copy))
    dialogs = _dialogs(window, tmp_path)
    qtbot.waitUntil(lambda: dialogs[0].job is None and bool(dialogs[0].summary_label.text()), timeout=WAIT_MS)
    data = _data_values(window)
    mixed = []
    texts = [text for widget in [window, *dialogs] for _where, text in widget_texts(widget)]
    assert len(texts) > 300 and any("--crs" in text for text in texts)
    for text in texts:
        for value in data:
            text = text.replace(value, " ")
        if english_sentences(text) if lang == "zh" else CJK.search(text):
            mixed.append(text)
    assert mixed == []


def test_a_file_that_cannot_be_read_is_named_in_chinese_punctuation(dialog, qtbot, tmp_path):
    i18n.set_language("zh")
    (tmp_path / "broken.xlsx").write_bytes(b"not a workbook")
    dialog.set_path(tmp_path / "broken.xlsx")
    qtbot.waitUntil(lambda: dialog.job is None and dialog.problems.rowCount() == 1, timeout=WAIT_MS)
    said = dialog.info_label.text()
    assert said.startswith("broken.xlsx：无法按 XLSX 读取"), said


def test_the_trend_dock_and_the_planning_panel_say_a_failure_in_chinese(session, qtbot, monkeypatch):
    import errno

    import desktop.window.trend_dock as trend_dock
    from desktop.planning.planning_panel import PlanningPanel

    i18n.set_language("zh")

    def unreadable(*args, **kwargs):
        raise OSError(errno.EIO, "Input/output error", "/media/usb/situation.gpkg")

    monkeypatch.setattr(trend_dock, "daily_series", unreadable)
    trend = trend_dock.TrendPanel(session)
    qtbot.addWidget(trend)
    trend.show()
    qtbot.waitUntil(lambda: not trend.busy, timeout=WAIT_MS)
    assert trend.caption.text() == "无法计算趋势：/media/usb/situation.gpkg：磁盘无法读写，请检查它是否仍然连接"
    planning = PlanningPanel(session)
    qtbot.addWidget(planning)
    planning._job = job = object()
    planning._on_failed(job, OSError(errno.ENOSPC, "No space left on device", "/tmp/p.geojson"))
    assert planning.status_label.text() == "/tmp/p.geojson：磁盘已满，请腾出空间后重试"
