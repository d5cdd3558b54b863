"""The search box: finds features as the user types, and never by personal data it must not."""

import pytest
from PyQt6.QtCore import Qt

from desktop.window.search_box import MAX_MATCHES, SearchBox
from geodata.editing import update_feature


@pytest.fixture
def box(session, qtbot):
    widget = SearchBox(session)
    qtbot.addWidget(widget)
    return widget


def found(box, text, layer=None):
    return [
        (found_layer, feature_id)
        for found_layer, feature_id, _line in box.matches(text)
        if layer is None or found_layer == layer
    ]


def test_a_checkpoint_id_fragment_finds_the_checkpoints(box, session):
    ids = session.dataset.checkpoints["id"]
    expected = sorted(ids[ids.str.lower().str.contains("cp0")])
    assert len(expected) == 9
    assert sorted(feature_id for _layer, feature_id in found(box, "cp0")) == expected
    assert {layer for layer, _id in found(box, "CP0")} == {"checkpoints"}


def test_a_village_name_fragment_finds_the_village_first(box, session):
    villages = session.dataset.villages
    name, code = villages.loc[1, ["name", "code"]]
    matches = box.matches(name[:2])
    assert matches[0][:2] == ("villages", code)
    assert name in matches[0][2] and code in matches[0][2]
    assert ("villages", code) in found(box, code)


def test_a_disinfection_point_is_found_by_name(box, session):
    point = session.dataset.disinfection_points.iloc[0]
    assert ("disinfection_points", point["id"]) in found(box, point["name"])


def test_a_household_id_finds_it(box, session):
    household = session.dataset.households["id"].iloc[11]
    assert found(box, household.lower()) == [("households", household)]


def test_a_household_head_is_found_only_by_the_internal_audience(box, session):
    household = session.dataset.households.iloc[4]
    assert found(box, household["head_name"]) == [("households", household["id"])]

    session.update_state(audience="public")
    heads = set(session.dataset.households["head_name"])
    listed = box.suggestions.model()  # what the popup may be showing right now
    lines = [listed.index(row, 0).data() for row in range(listed.rowCount())]
    assert lines and not any(head in line for line in lines for head in heads)
    assert found(box, household["head_name"]) == []
    assert found(box, household["id"]) == [("households", household["id"])]
    assert not any(head in line for *_ids, line in box.matches("HH") for head in heads)

    session.update_state(audience="internal")
    assert found(box, household["head_name"]) == [("households", household["id"])]


@pytest.mark.parametrize("audience", ["internal", "public"])
def test_a_phone_number_is_never_found_or_shown(box, session, audience):
    session.update_state(audience=audience)
    phone = session.dataset.households["phone"].iloc[0]
    assert phone
    assert box.matches(phone) == []
    assert box.matches(phone[-4:]) == []
    assert not any(phone in line for *_ids, line in box.matches("HH"))


def test_matches_are_capped(box, session):
    ids = [
        *session.dataset.checkpoints["id"],
        *session.dataset.disinfection_points["id"],
        *session.dataset.households["id"],
    ]
    assert sum("0" in feature_id for feature_id in ids) > MAX_MATCHES
    assert len(box.matches("0")) == MAX_MATCHES


def test_choosing_an_entry_in_the_list_selects_flies_and_clears(box, session, qtbot):
    box.show()
    qtbot.keyClicks(box, "CP07")
    popup = box.suggestions.popup()
    qtbot.waitUntil(popup.isVisible)
    popup.setCurrentIndex(popup.model().index(0, 0))
    with qtbot.waitSignals([session.selection_changed, session.fly_requested]) as signals:
        qtbot.keyClick(popup, Qt.Key.Key_Return)
    selected, flown = signals.all_signals_and_args
    assert selected.args == ("checkpoints", "CP07") == flown.args
    assert box.text() == ""
    assert not popup.isVisible()


def test_enter_without_picking_takes_the_first_match(box, session, qtbot):
    household = session.dataset.households["id"].iloc[7]
    box.setFocus()
    qtbot.keyClicks(box, household)
    with qtbot.waitSignal(session.fly_requested) as flown:
        qtbot.keyClick(box, Qt.Key.Key_Return)
    assert flown.args == ["households", household]
    assert session.selection == ("households", household)
    assert box.text() == ""


def test_an_edit_reindexes(box, session):
    assert found(box, "Renamed gate") == []
    assert session.edit(update_feature(session.dataset, "checkpoints", "CP07", name="Renamed gate"))
    assert found(box, "renamed gate") == [("checkpoints", "CP07")]
    session.undo_stack.undo()
    assert found(box, "Renamed gate") == []


def test_placeholder_is_translated(session, qtbot, language):
    box = SearchBox(session)
    qtbot.addWidget(box)
    english = "Search villages, checkpoints, households…"
    assert box.placeholderText() == ("搜索村、卡点、观察户…" if language == "zh" else english)
    kind = "监测卡点" if language == "zh" else "Checkpoint"
    assert box.matches("CP07")[0][2].endswith(f" · {kind}")
