"""Live updates on a real server: another desk's change reaches an open window and the wall
through the page's update API, and a save that meets another desk's change is resolved."""

import time

import pytest
from shapely.geometry import Point

from desktop.shared_store import conflict_dialog
from desktop.shared_store.store_watcher import StoreWatcher
from desktop.wall.wall import WallWindow
from geodata.editing import QUICK_ACTIONS, close_checkpoint, delete_feature, record_of, update_feature
from geodata.stores import open_store
from tests.desktop.pagetools import PAGE_TIMEOUT_MS, evaluate, open_window

LIVE_TIMEOUT_MS = 10_000


def _open_window(qtbot, url):
    window = open_window(qtbot, open_store(url))
    _wait_listening(qtbot, window.live_updates.watcher)
    return window


def _wait_listening(qtbot, watcher):
    qtbot.waitUntil(lambda: watcher._listener is not None, timeout=LIVE_TIMEOUT_MS)
    assert watcher._listener.wait_listening(LIVE_TIMEOUT_MS / 1000)


def _page_ids(qtbot, view, layer):
    return evaluate(qtbot, view, "SituationMap.state()")["ids"][layer]


def test_change_on_one_desk_appears_in_another_window_without_reload(qtbot, pushed, second_writer_url):
    window = _open_window(qtbot, pushed)
    loads = []
    window.map_view.loadStarted.connect(lambda: loads.append(1))
    other_desk = open_store(second_writer_url)
    seen = other_desk.read_all()
    gone = seen.checkpoints["id"].iloc[5]
    assert gone in _page_ids(qtbot, window.map_view, "checkpoints")

    started = time.monotonic()
    with qtbot.waitSignal(window.map_view.applied, timeout=LIVE_TIMEOUT_MS):
        other_desk.apply_edits([delete_feature(seen, "checkpoints", gone)], who="规划席")
    assert time.monotonic() - started < LIVE_TIMEOUT_MS / 1000
    qtbot.waitUntil(lambda: gone not in _page_ids(qtbot, window.map_view, "checkpoints"), timeout=LIVE_TIMEOUT_MS)
    assert gone not in set(window.session.dataset.checkpoints["id"])
    assert loads == []  # drawn through the update API, the page was not reloaded


def test_wall_on_the_read_only_role_follows_the_writers(qtbot, pushed, reader_url):
    wall_store = open_store(reader_url, read_only=True)
    wall = WallWindow(reader_url, wall_store.read_all(), refresh_s=30, dwell_s=3600)
    qtbot.addWidget(wall)
    with qtbot.waitSignal(wall.map_view.drawn, timeout=PAGE_TIMEOUT_MS):
        wall.start()
    _wait_listening(qtbot, wall.watcher)
    desk = open_store(pushed)
    seen = desk.read_all()
    checkpoint = seen.checkpoints[seen.checkpoints["status"] == "active"]["id"].iloc[0]
    opened = record_of(seen, "checkpoints", checkpoint)["opened"]
    # Refresh is 30 s: only the notification can bring this in time.
    with qtbot.waitSignal(wall.watcher.loaded, timeout=LIVE_TIMEOUT_MS):
        desk.apply_edits([close_checkpoint(seen, checkpoint, opened)], who="指挥部")
    assert record_of(wall.dataset, "checkpoints", checkpoint)["status"] == "closed"
    assert wall.watcher.is_database and wall.watcher._store.read_only


def test_watcher_reports_an_unreachable_server_and_keeps_the_last_data(qtbot, pg_cluster):
    url = f"postgresql://nobody@127.0.0.1:{pg_cluster.port + 1 if pg_cluster.port < 65535 else 1}/none"
    watcher = StoreWatcher(url, interval_ms=200)
    try:
        with qtbot.waitSignal(watcher.failed, timeout=LIVE_TIMEOUT_MS) as blocker:
            watcher.start()
        assert "cannot" in blocker.args[0] and blocker.args[1] is None
    finally:
        watcher.close()


@pytest.mark.parametrize("choice", [conflict_dialog.RELOAD, conflict_dialog.OVERWRITE])
def test_window_asks_reload_or_overwrite_when_a_save_meets_another_change(
    qtbot, pushed, second_writer_url, monkeypatch, choice
):
    window = _open_window(qtbot, pushed)
    asked = []
    monkeypatch.setattr(conflict_dialog, "ask", lambda conflict, parent=None: asked.append(conflict) or choice)
    window.live_updates.watcher.stop()  # the window must not hear the other change first
    household = window.session.dataset.households["id"].iloc[7]
    other_desk = open_store(second_writer_url)
    theirs = update_feature(other_desk.read_all(), "households", household, persons=7)
    other_desk.apply_edits([theirs], who="二组")

    mine = update_feature(window.session.dataset, "households", household, geometry=Point(113.99, 33.01))
    assert not window.session.edit(mine)
    assert len(asked) == 1
    conflict = asked[0]
    assert conflict.current_version == conflict.base_version + 1 and conflict.changed_by == "二组"
    text = conflict_dialog.conflict_text(conflict)
    assert str(conflict.base_version) in text and str(conflict.current_version) in text
    assert "7" in conflict_dialog.conflict_details(conflict)

    stored = record_of(open_store(pushed).read_all(), "households", household)
    shown = record_of(window.session.dataset, "households", household)
    if choice == conflict_dialog.RELOAD:
        assert stored["persons"] == 7 and not stored["geometry"].equals(Point(113.99, 33.01))
    else:  # the user's record replaces the other desk's
        assert stored["geometry"].equals(Point(113.99, 33.01))
        assert window.session.undo_stack.count() == 1
    assert shown == stored or all(
        (shown[k] == stored[k]) if k != "geometry" else shown[k].equals(stored[k]) for k in stored
    )


def test_overwriting_after_a_quick_action_met_another_change_saves_its_event_too(
    qtbot, pushed, second_writer_url, monkeypatch
):
    window = _open_window(qtbot, pushed)
    monkeypatch.setattr(conflict_dialog, "ask", lambda conflict, parent=None: conflict_dialog.OVERWRITE)
    window.live_updates.watcher.stop()  # the window must not hear the other change first
    session = window.session
    household = session.dataset.households.query("status == 'observing'")["id"].iloc[0]
    other_desk = open_store(second_writer_url)
    other_desk.apply_edits([update_feature(other_desk.read_all(), "households", household, persons=7)], who="二组")
    events_before = len(open_store(pushed).read("status_changes"))

    edits = QUICK_ACTIONS["release_household"].edits(session.dataset, household, session.as_of.to_pydatetime())
    assert not session.edit(edits)  # refused, then overwritten with the event
    stored = open_store(pushed).read_all()
    assert record_of(stored, "households", household)["status"] == "released"
    assert len(stored["status_changes"]) == events_before + 1
    assert edits[1].feature_id in set(stored["status_changes"]["id"])
    assert session.undo_stack.count() == 1
