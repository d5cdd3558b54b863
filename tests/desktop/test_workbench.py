"""The workbench against the real page: filters, as-of day, selection, editing, failures."""

import datetime as dt

import pytest
from PyQt6.QtCore import Qt

from geodata.schema import CHECKPOINT_TIERS
from geodata.stores import GeoPackageStore
from tests.desktop.pagetools import PAGE_TIMEOUT_MS, evaluate, open_window, wait_applied


@pytest.fixture
def window(qtbot, sample_copy):
    window = open_window(qtbot, GeoPackageStore(sample_copy))
    return window


def page_state(qtbot, window):
    return evaluate(qtbot, window.map_view, "SituationMap.state()")


def test_unticking_a_layer_hides_its_features_in_the_page(qtbot, window):
    panel = window.layers_panel
    assert page_state(qtbot, window)["shown"]["checkpoints"] == 29
    wait_applied(qtbot, window.map_view, lambda: panel.set_layer_checked("checkpoints", False))
    state = page_state(qtbot, window)
    assert state["shown"]["checkpoints"] == 0
    assert evaluate(qtbot, window.map_view, "document.querySelectorAll('.sm-checkpoints').length") == 0
    wait_applied(qtbot, window.map_view, lambda: panel.set_layer_checked("checkpoints", True))
    assert page_state(qtbot, window)["shown"]["checkpoints"] == 29


def test_as_of_day_changes_the_households_shown(qtbot, window):
    households = window.session.dataset.households
    wait_applied(qtbot, window.map_view, lambda: window.date_bar.step(-10))
    day = window.session.as_of.normalize()
    assert day == dt.datetime(2020, 2, 9)
    expected = sorted(households.loc[households["observation_start"] <= day, "id"])
    assert page_state(qtbot, window)["ids"]["households"] == expected


def test_clicking_a_feature_in_the_page_fills_the_details_panel(qtbot, window):
    checkpoint = window.session.dataset.checkpoints.iloc[4]
    with qtbot.waitSignal(window.session.selection_changed, timeout=PAGE_TIMEOUT_MS):
        evaluate(qtbot, window.map_view, f"SituationMap.select('checkpoints', {checkpoint['id']!r})")
    assert window.session.selection == ("checkpoints", checkpoint["id"])
    assert checkpoint["name"] in window.details_panel.text()


def test_a_move_saves_undo_restores_exactly_redo_reapplies(qtbot, window):
    store = GeoPackageStore(window.session.store.path)
    before = store.read("checkpoints")
    target = before.iloc[3]
    moved_to = (target.geometry.x + 0.001, target.geometry.y + 0.0005)
    wait_applied(
        qtbot, window.map_view, lambda: window.map_view.feature_moved.emit("checkpoints", target["id"], *moved_to)
    )
    after = store.read("checkpoints").set_index("id")
    assert after.loc[target["id"], "geometry"].coords[0] == pytest.approx(moved_to)
    page = evaluate(qtbot, window.map_view, f"SituationMap.position('checkpoints', {target['id']!r})")
    assert page == pytest.approx(moved_to, abs=1e-6)

    wait_applied(qtbot, window.map_view, window.undo_action.trigger)
    restored = store.read("checkpoints")
    assert restored.drop(columns="geometry").equals(before.drop(columns="geometry"))
    assert restored.geometry.geom_equals_exact(before.geometry, tolerance=0).all()

    wait_applied(qtbot, window.map_view, window.redo_action.trigger)
    again = store.read("checkpoints").set_index("id")
    assert again.loc[target["id"], "geometry"].coords[0] == pytest.approx(moved_to)


def test_a_failed_save_leaves_store_and_window_consistent(qtbot, window, monkeypatch):
    store = GeoPackageStore(window.session.store.path)
    before_bytes = window.session.store.path.read_bytes()
    target = window.session.dataset.checkpoints.iloc[2]

    def disk_full(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(window.session.store, "apply_edits", disk_full)
    # Drag the marker in the page; the save fails; the page must put it back.
    wait_applied(
        qtbot,
        window.map_view,
        lambda: evaluate(
            qtbot,
            window.map_view,
            f"""(function () {{
        var done = false;
        SituationMap.map().eachLayer(function (l) {{
            if (done || !l.getLatLng || !l._icon || l._icon.className.indexOf('sm-checkpoints') < 0) return;
            var p = l.getLatLng();
            if (Math.abs(p.lng - {target.geometry.x}) < 1e-5 && Math.abs(p.lat - {target.geometry.y}) < 1e-5) {{
                l.setLatLng([p.lat, p.lng + 0.01]); l.fire('dragend'); done = true; }}
        }});
        return done; }})()""",
        ),
    )
    assert window.errors and "No space left" in window.errors[0]
    assert window.session.store.path.read_bytes() == before_bytes
    assert not window.undo_action.isEnabled()
    # The page shows the checkpoint where the store has it, not where it was dropped.
    lnglat = evaluate(qtbot, window.map_view, f"SituationMap.position('checkpoints', {target['id']!r})")
    assert lnglat == pytest.approx([target.geometry.x, target.geometry.y], abs=1e-6)
    assert store.read("checkpoints").set_index("id").loc[target["id"], "geometry"].equals(target.geometry)


def test_status_bar_names_the_village_under_the_cursor(qtbot, window):
    village = window.session.dataset.villages.iloc[0]
    point = village.geometry.representative_point()
    window.map_view.cursor_moved.emit(point.x, point.y)
    assert village["name"] in window.cursor_label.text()


def test_window_opens_on_the_sample_with_its_map_and_panels(qtbot, window):
    assert "关王庙乡" in window.windowTitle()
    shown = page_state(qtbot, window)["shown"]
    assert shown["checkpoints"] == 29 and shown["villages"] == 10
    assert window.statistics_panel.isVisible() and window.layers_panel.isVisible()


def test_a_second_start_restores_layout_and_view_and_still_draws(qtbot, sample_copy):
    store = GeoPackageStore(sample_copy)
    first = open_window(qtbot, store)
    for tier in CHECKPOINT_TIERS:  # the user leaves only the district checkpoints ticked
        if tier != "district":
            first.layers_panel.filter_item("checkpoint_tiers", tier).setCheckState(0, Qt.CheckState.Unchecked)
    first.close()  # saves layout, last dataset and view

    second = open_window(qtbot, store)
    assert second.session.state.filters.checkpoint_tiers == ("district",)
    assert page_state(qtbot, second)["shown"]["checkpoints"] == 2
    assert str(sample_copy) in second.recent_files()
