"""`situation-map map`: a page folder that works offline, also after it is copied elsewhere."""

import shutil

import pytest
from PyQt6.QtCore import QUrl
from PyQt6.QtWebEngineCore import QWebEnginePage
from PyQt6.QtWebEngineWidgets import QWebEngineView

from desktop.cli import main
from desktop.map_view import OfflineGuard, shared_profile
from layers.map_state import Filters, MapState
from tests.desktop.pagetools import PAGE_TIMEOUT_MS, evaluate


def load_page(qtbot, path):
    view = QWebEngineView()
    qtbot.addWidget(view)
    guard = OfflineGuard(view)
    view.setPage(QWebEnginePage(shared_profile(), view))
    view.page().setUrlRequestInterceptor(guard)
    view.resize(1200, 800)
    view.show()
    with qtbot.waitSignal(view.loadFinished, timeout=PAGE_TIMEOUT_MS):
        view.load(QUrl.fromLocalFile(str(path)))
    return view, guard


def test_map_page_folder_works_after_being_copied(qtbot, tmp_path, sample_copy, capsys):
    out = tmp_path / "made" / "situation.html"
    assert main(["map", "--data", str(sample_copy), "--out", str(out)]) == 0
    assert "situation.html" in capsys.readouterr().out
    moved = tmp_path / "elsewhere"
    shutil.copytree(out.parent, moved)
    shutil.rmtree(out.parent)  # nothing may point back at the original folder

    view, guard = load_page(qtbot, moved / "situation.html")
    qtbot.waitUntil(
        lambda: evaluate(qtbot, view, "!!(window.SituationMap && SituationMap.drawn)"), timeout=PAGE_TIMEOUT_MS
    )
    assert len(evaluate(qtbot, view, "SituationMap.state().labels")) == 10
    assert [u for u in guard.requested if not u.startswith(("file:", "data:"))] == []


def test_map_command_takes_a_state_file_and_a_date(tmp_path, sample_copy):
    state = MapState(title="只看区级卡点", filters=Filters(checkpoint_tiers=("district",)))
    state_file = tmp_path / "district.json"
    state.save(state_file)
    out = tmp_path / "page" / "index.html"
    assert (
        main(["map", "--data", str(sample_copy), "--out", str(out), "--state", str(state_file), "--date", "2020-02-10"])
        == 0
    )
    data = (out.parent / "index.data.js").read_text(encoding="utf-8")
    assert "只看区级卡点" in data and "2020年2月10日" in data
    # The public default leaves household points and personal data out.
    assert '"households":{"type"' not in data and "示例户主" not in data


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--out", "x.txt"], "*.html"),
        (["--out", "x.html", "--date", "19/02/2020"], "YYYY-MM-DD"),
        (["--out", "x.html", "--state", "missing.json"], "missing.json"),
    ],
)
def test_map_command_bad_input_is_one_clear_line(tmp_path, sample_copy, capsys, monkeypatch, arguments, message):
    monkeypatch.chdir(tmp_path)
    assert main(["map", "--data", str(sample_copy), *arguments]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
