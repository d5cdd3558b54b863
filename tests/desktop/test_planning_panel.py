"""The planning panel in the real window: gaps on the map, what-if, suggest, accept, undo."""

import os
from types import SimpleNamespace

import pytest
from PyQt6.QtCore import Qt

from geodata.stores import GeoPackageStore
from tests.desktop.pagetools import PAGE_TIMEOUT_MS, evaluate, open_window, wait_applied

SHOTS = os.environ.get("PLANNING_SHOTS")  # a folder: save screenshots there to look at


@pytest.fixture
def window(qtbot, sample_copy):
    window = open_window(qtbot, GeoPackageStore(sample_copy))
    window.docks["planning"].raise_()
    qtbot.waitUntil(lambda: window.planning_panel.report is not None, timeout=PAGE_TIMEOUT_MS)
    yield window
    window.planning_panel.wait_for_runs()


def planning_on_page(qtbot, window):
    return evaluate(qtbot, window.map_view, "SituationMap.planningState()")


def test_show_gaps_draws_the_uncovered_entries_the_figures_count(qtbot, window):
    panel = window.planning_panel
    wait_applied(qtbot, window.map_view, lambda: panel.show_gaps_box.setChecked(True))
    drawn = planning_on_page(qtbot, window)
    assert sorted(drawn["gaps"]) == sorted(panel.report.uncovered["id"])
    assert drawn["circles"] == 29  # one coverage circle per active checkpoint
    assert window.session.state.planning.show_gaps


def test_a_what_if_click_changes_the_figures_then_accept_and_undo(qtbot, window):
    panel = window.planning_panel
    store = window.session.store
    before = panel.report.covered_count
    gap = panel.report.uncovered.iloc[0]
    panel.place_button.setChecked(True)
    # A click on the map, as the page reports it, right on an uncovered entry.
    wait_applied(qtbot, window.map_view, lambda: window.map_view.map_clicked.emit(gap.longitude, gap.latitude))
    assert panel.report.covered_count > before
    assert gap.id in panel.report.by_site["#0"]
    assert planning_on_page(qtbot, window)["whatIf"][0].startswith("W1 +")
    assert panel.sites_table.item(0, 0).text() == "W1"

    panel.sites_table.selectRow(0)
    assert panel.accept_selected()
    new_ids = set(store.read_all().checkpoints["id"]) - set(
        GeoPackageStore(store.path).read_all().checkpoints["id"][:29]
    )
    assert new_ids == {"CP30"}
    saved = store.read_all().checkpoints.set_index("id").loc["CP30"]
    assert (round(saved.geometry.x, 6), round(saved.geometry.y, 6)) == (round(gap.longitude, 6), round(gap.latitude, 6))
    assert saved["status"] == "active"
    assert window.session.state.planning.what_if == ()  # it is a checkpoint now, not a what-if
    assert gap.id not in set(panel.report.uncovered["id"])  # covered by the real checkpoint

    window.session.undo_stack.undo()
    assert "CP30" not in set(store.read_all().checkpoints["id"])
    assert gap.id in set(panel.report.uncovered["id"])
    assert panel.report.covered_count == before


def test_suggest_runs_on_a_worker_and_draws_the_proposals(qtbot, window):
    panel = window.planning_panel
    panel.k_box.setValue(2)
    panel.suggest()
    assert not panel.suggest_button.isEnabled() and panel.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: panel.suggest_button.isEnabled(), timeout=120_000)
    planning = window.session.state.planning
    assert [s.label for s in planning.proposed] == ["P1", "P2"]
    assert panel.report.covered_weight > panel.base_report.covered_weight
    qtbot.waitUntil(
        lambda: len((planning_on_page(qtbot, window) or {}).get("proposed", [])) == 2, timeout=PAGE_TIMEOUT_MS
    )
    if SHOTS:
        panel.place_button.setChecked(True)
        gap = panel.report.uncovered.iloc[-1]
        wait_applied(
            qtbot, window.map_view, lambda: window.map_view.map_clicked.emit(gap.longitude + 0.001, gap.latitude)
        )
        qtbot.wait(500)
        window.grab().save(os.path.join(SHOTS, "window.png"))


def test_cancel_frees_the_panel_at_once_and_drops_the_answer(qtbot, window):
    panel = window.planning_panel
    panel.suggest()
    panel.cancel()
    assert panel.suggest_button.isEnabled() and not panel.progress_bar.isVisible()
    panel.wait_for_runs()
    qtbot.wait(50)
    assert window.session.state.planning is None or window.session.state.planning.proposed == ()


def test_a_click_while_adding_a_feature_is_left_to_the_form(qtbot, window, monkeypatch):
    panel = window.planning_panel
    panel.place_button.setChecked(True)
    forms = []
    monkeypatch.setattr(
        "desktop.window.main_window.FeatureDialog",
        lambda *args, **kwargs: forms.append(kwargs) or SimpleNamespace(open=lambda: None),
    )
    window.start_adding("households")
    window.map_view.map_clicked.emit(113.97, 33.0)
    assert forms and forms[0]["position"] == (113.97, 33.0)
    assert window.session.state.planning is None  # no what-if was dropped
    window.map_view.map_clicked.emit(113.97, 33.0)  # the form is done: clicks are what-ifs again
    assert [s.label for s in window.session.state.planning.what_if] == ["W1"]


def test_escape_leaves_what_if_mode_even_with_the_focus_in_the_map(qtbot, window):
    panel = window.planning_panel
    panel.place_button.setChecked(True)
    window.activateWindow()
    window.map_view.setFocus()
    qtbot.keyClick(window.map_view, Qt.Key.Key_Escape)
    assert not panel.place_button.isChecked() and not panel.placing
    window.map_view.map_clicked.emit(113.97, 33.0)
    assert window.session.state.planning is None  # a click is no longer a what-if


def test_the_panel_and_the_map_say_existing_and_planned_coverage_apart(qtbot, window):
    from layers.map_state import PlannedSite, Planning
    from tests.layers.planning_factories import coverage_in_straight_line

    panel = window.planning_panel
    gaps = panel.report.uncovered.iloc[:3]
    # Two proposals and a what-if, each 30 m east of an uncovered entry: each covers one more.
    proposed = tuple(
        PlannedSite(g.longitude + 0.0003, g.latitude, f"P{n}", 1.0) for n, g in enumerate(gaps.iloc[:2].itertuples(), 1)
    )
    what_if = (PlannedSite(gaps.iloc[2].longitude + 0.0003, gaps.iloc[2].latitude, "W1"),)
    wait_applied(
        qtbot,
        window.map_view,
        lambda: window.session.update_state(planning=Planning(proposed=proposed, what_if=what_if, show_gaps=True)),
    )
    existing, planned, total = coverage_in_straight_line(
        window.session.dataset, [(s.longitude, s.latitude) for s in proposed + what_if]
    )

    now, with_plan = panel.figures_label.text().splitlines()[:2]
    assert f"{existing}/{total}" in now and f"{planned}/{total}" not in now
    assert f"{planned}/{total}" in with_plan
    summary = evaluate(qtbot, window.map_view, "document.querySelector('.sm-planning-summary').textContent")
    on_map_now, on_map_with_plan = summary.split(" · ")[:2]
    assert f"{existing}/{total}" in on_map_now and f"{planned}/{total}" in on_map_with_plan
    # The entries only the plan covers are marked apart from those a checkpoint covers.
    drawn = planning_on_page(qtbot, window)
    assert len(drawn["planned"]) == planned - existing
    assert len(drawn["gaps"]) == total - planned


def test_the_panel_behind_its_tab_counts_nothing_until_its_tab_is_chosen(qtbot, sample_copy):
    # Coverage of a million households took 2 s before the map could draw: a panel nobody
    # sees must not count it, and the figures must be there as soon as it is seen.
    window = open_window(qtbot, GeoPackageStore(sample_copy))
    panel = window.planning_panel
    qtbot.wait(200)
    assert panel.report is None
    window.docks["planning"].raise_()
    qtbot.waitUntil(lambda: panel.report is not None, timeout=PAGE_TIMEOUT_MS)
    assert panel.figures_label.text()
