"""The map page in the real QtWebEngine: offline, drawn, labelled, escaped, updatable."""

import pytest

from geodata.stores import GeoPackageStore
from layers.map_state import MapState
from tests.desktop.pagetools import apply_state, evaluate, grab, open_map, share_unlike_commonest

INTERNAL = MapState(audience="internal")


@pytest.fixture
def sample(sample_copy):
    return GeoPackageStore(sample_copy).read_all()


def test_page_makes_no_request_off_the_machine_and_is_not_blank(qtbot, tmp_path, sample):
    view = open_map(qtbot, tmp_path, sample, INTERNAL)
    assert view.guard.requested, "the interceptor saw the page's own files"
    off_machine = [u for u in view.guard.requested if not u.startswith(("file:", "qrc:", "data:"))]
    assert off_machine == []
    # On a loaded machine the compositor may hand the widget its frame a little late.
    qtbot.waitUntil(lambda: share_unlike_commonest(grab(qtbot, view)) > 0.15, timeout=10_000)


def test_page_shows_the_ten_village_labels(qtbot, tmp_path, sample):
    view = open_map(qtbot, tmp_path, sample, INTERNAL)
    state = evaluate(qtbot, view, "SituationMap.state()")
    assert sorted(state["labels"]) == sorted(sample.villages["name"])
    rendered = evaluate(
        qtbot, view, "Array.from(document.querySelectorAll('.sm-village-label')).map(e => e.textContent)"
    )
    assert sorted(rendered) == sorted(sample.villages["name"])


def test_every_layer_is_drawn_with_all_its_features(qtbot, tmp_path, sample):
    view = open_map(qtbot, tmp_path, sample, INTERNAL)
    shown = evaluate(qtbot, view, "SituationMap.state().shown")
    assert shown["villages"] == 10
    assert shown["checkpoints"] == 29
    assert shown["roads"] == len(sample.roads)
    assert shown["disinfection_points"] == len(sample.disinfection_points)
    started = (sample.households["observation_start"] <= "2020-02-19").sum()
    assert shown["households"] == started


def test_public_page_holds_no_household_points_or_personal_data(qtbot, tmp_path, sample):
    view = open_map(qtbot, tmp_path, sample, MapState(audience="public"))
    shown = evaluate(qtbot, view, "SituationMap.state().shown")
    assert "households" not in shown
    page_data = (tmp_path / "page" / "index.data.js").read_text(encoding="utf-8")
    for value in sample.households["head_name"].dropna().tolist() + sample.households["phone"].dropna().tolist():
        assert value not in page_data


def test_filter_changes_apply_without_reloading(qtbot, tmp_path, sample):
    view = open_map(qtbot, tmp_path, sample, INTERNAL)
    evaluate(qtbot, view, "(window.__sameDocument = 'yes')")
    tiers = ("district", "compound")
    state = apply_state(qtbot, view, INTERNAL.with_filters(checkpoint_tiers=tiers))
    expected = sample.checkpoints[sample.checkpoints["tier"].isin(tiers)]
    assert state["ids"]["checkpoints"] == sorted(expected["id"])

    hidden = apply_state(qtbot, view, INTERNAL.replace(visible_layers=("villages", "roads")))
    assert hidden["shown"]["checkpoints"] == 0 and hidden["shown"]["households"] == 0
    assert evaluate(qtbot, view, "window.__sameDocument") == "yes"


def test_as_of_date_changes_households_shown(qtbot, tmp_path, sample):
    import datetime as dt

    view = open_map(qtbot, tmp_path, sample, INTERNAL)
    day = dt.datetime(2020, 2, 5, 12, 0)
    state = apply_state(qtbot, view, INTERNAL.replace(as_of=day))
    started = sample.households[sample.households["observation_start"] <= "2020-02-05"]
    assert state["ids"]["households"] == sorted(started["id"])
    assert "2020年2月5日" in state["subtitle"]


INJECTED = "<img src=x onerror=\"window.__pwned='img'\"><script>window.__pwned='script'</script>"


def test_markup_in_data_is_shown_as_text_and_never_runs(qtbot, tmp_path, sample):
    hostile = sample.copy()
    checkpoints = hostile.checkpoints
    checkpoints.loc[0, "name"] = INJECTED
    checkpoints.loc[0, "note"] = INJECTED
    villages = hostile.villages
    villages.loc[0, "work_group"] = INJECTED
    view = open_map(qtbot, tmp_path, hostile, INTERNAL)
    first = checkpoints.loc[0, "id"]
    shown = evaluate(qtbot, view, f"SituationMap.openPopup('checkpoints', {first!r})")
    assert INJECTED in shown["popup"] and INJECTED in shown["tooltip"]
    village = evaluate(qtbot, view, f"SituationMap.openPopup('villages', {villages.loc[0, 'code']!r})")
    assert INJECTED in village["popup"]
    qtbot.wait(300)
    assert evaluate(qtbot, view, "window.__pwned || null") is None
    assert (
        evaluate(qtbot, view, "document.querySelectorAll('.leaflet-popup-pane img, .leaflet-tooltip-pane img').length")
        == 0
    )
    assert not [u for u in view.guard.requested if u.endswith("/x")]
