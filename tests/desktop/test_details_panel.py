"""The details panel: what the selected feature is, how it stands on the as-of day, and the
everyday edits, checked in the store file itself."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal
from PyQt6.QtCore import Qt

from desktop.window.details_panel import DetailsPanel
from desktop.window.statistics_panel import StatisticsPanel
from geodata.editing import update_feature
from geodata.schema import CHOICE_LABELS
from geodata.stores import GeoPackageStore
from layers.history import disinfection_facts, household_facts
from layers.situation import disinfection_situation


@pytest.fixture
def panel(session, qtbot):
    widget = DetailsPanel(session)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def stored(session, layer):
    """The layer as the store file holds it, sorted by id (an undone delete adds back last)."""
    frame = GeoPackageStore(session.store.path).read(layer)
    return frame.sort_values("id").reset_index(drop=True)


def as_of_day(session) -> dt.date:
    return pd.Timestamp(session.dataset.metadata["as_of"]).date()


def observing_household(session) -> pd.Series:
    """A household under observation on the as-of day, found without layers.situation."""
    day = pd.Timestamp(as_of_day(session))
    households = session.dataset.households
    started = households["observation_start"] <= day
    within = day <= households["observation_start"] + pd.Timedelta(days=13)
    observing = households[started & within & (households["status"] == "observing")]
    return observing.iloc[0]


def click(qtbot, button):
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_nothing_selected_shows_a_hint(panel):
    assert panel.value_label("id") is None
    assert not any(button.isVisible() for button in panel._buttons())


def test_household_shows_its_attributes_and_day_of_observation(session, panel, language):
    household = observing_household(session)
    session.select("households", household["id"])

    day_number = (as_of_day(session) - household["observation_start"].date()).days + 1
    assert panel.value_text("observation_day") == f"{day_number} / 14"
    assert panel.value_text("persons") == str(household["persons"])
    zh, en = CHOICE_LABELS[("households", "reason")][household["reason"]]
    assert panel.value_text("reason") == (zh if language == "zh" else en)
    release = household["observation_start"].date() + dt.timedelta(days=13)
    assert panel.value_text("release_date") == release.isoformat()
    assert panel.value_text("abnormal_temperature") in (("是", "否") if language == "zh" else ("yes", "no"))
    assert household["head_name"] in panel.shown_texts()


def test_personal_fields_are_shown_to_the_internal_audience_only(session, panel):
    household = observing_household(session)
    session.select("households", household["id"])
    assert panel.value_text("head_name") == household["head_name"]

    session.update_state(audience="public")
    texts = " ".join(panel.shown_texts())
    assert household["head_name"] not in texts and household["phone"] not in texts
    assert panel.value_label("head_name") is None and panel.value_label("note") is None
    assert panel.value_text("persons") == str(household["persons"])


def test_markup_in_a_note_is_shown_literally(session, panel):
    household = observing_household(session)["id"]
    markup = "<b>x</b><img src=x>"
    assert session.edit(update_feature(session.dataset, "households", household, note=markup))
    session.select("households", household)
    label = panel.value_label("note")
    assert "<img" in label.text() and label.text() == markup
    assert label.textFormat() == Qt.TextFormat.PlainText


def test_release_saves_and_undo_restores_the_store_exactly(session, panel, qtbot):
    household = observing_household(session)["id"]
    before = stored(session, "households")
    session.select("households", household)

    click(qtbot, panel.release_button)
    after = stored(session, "households").set_index("id")
    assert after.loc[household, "status"] == "released"
    assert after.loc[household, "status_date"].date() == as_of_day(session)
    assert session.undo_stack.text(0) == f"Release household {household}"
    assert not panel.release_button.isEnabled()  # the panel shows the saved record

    session.undo_stack.undo()
    assert_geodataframe_equal(stored(session, "households"), before)
    assert panel.release_button.isEnabled()


@pytest.fixture
def statistics(session, qtbot):
    widget = StatisticsPanel(session)
    qtbot.addWidget(widget)
    return widget


def test_release_appends_a_status_change_that_undo_removes(session, panel, statistics, qtbot):
    household = observing_household(session)
    session.select("households", household["id"])
    events_before = stored(session, "status_changes")
    count_before = statistics.figure(household["village"], "households_under_observation")

    click(qtbot, panel.release_button)
    events = stored(session, "status_changes")
    added = events[~events["id"].isin(events_before["id"])]
    assert len(events) == len(events_before) + 1 and len(added) == 1
    event = added.iloc[0]
    assert (event["household"], event["village"], event["status"]) == (
        household["id"],
        household["village"],
        "released",
    )
    assert event["day"].date() == as_of_day(session) and event["reported_by"] == session.who
    assert statistics.figure(household["village"], "households_under_observation") == count_before - 1
    assert len(session.undo_stack) == 1  # the record and its event are one step
    # A later day reads the release from the event, as the past does.
    later = pd.Timestamp(as_of_day(session)) + pd.Timedelta(days=3)
    facts = household_facts(session.dataset.households, session.dataset, later)
    assert facts is not None
    assert facts.loc[session.dataset.households["id"] == household["id"], "status"].iloc[0] == "released"

    session.undo_stack.undo()
    pd.testing.assert_frame_equal(stored(session, "status_changes"), events_before)
    assert statistics.figure(household["village"], "households_under_observation") == count_before
    session.undo_stack.redo()
    assert len(stored(session, "status_changes")) == len(events_before) + 1


def test_disinfected_now_appends_a_round_that_undo_removes(session, panel, statistics, qtbot):
    points = session.dataset.disinfection_points
    situation = disinfection_situation(points, session.as_of, session.dataset)
    point = points[situation["overdue"].to_numpy(bool)].iloc[0]
    session.select("disinfection_points", point["id"])
    rounds_before = stored(session, "disinfection_rounds")
    overdue_before = statistics.figure(point["village"], "disinfection_overdue")

    click(qtbot, panel.disinfect_button)
    rounds = stored(session, "disinfection_rounds")
    added = rounds[~rounds["id"].isin(rounds_before["id"])]
    assert len(rounds) == len(rounds_before) + 1 and len(added) == 1
    assert (added["point"].iloc[0], added["village"].iloc[0]) == (point["id"], point["village"])
    assert added["time"].iloc[0] == session.as_of
    assert statistics.figure(point["village"], "disinfection_overdue") == overdue_before - 1
    later = session.as_of + pd.Timedelta(hours=2)
    facts = disinfection_facts(session.dataset.disinfection_points, session.dataset, later)
    assert facts is not None
    assert facts.loc[session.dataset.disinfection_points["id"] == point["id"], "last_disinfected"].iloc[0] == (
        session.as_of
    )

    session.undo_stack.undo()
    pd.testing.assert_frame_equal(stored(session, "disinfection_rounds"), rounds_before)
    assert statistics.figure(point["village"], "disinfection_overdue") == overdue_before


def test_the_undo_menu_and_the_journal_speak_the_windows_language(session, panel, qtbot, language):
    """An edit's description is one translatable message: an English window's Undo menu and
    journal line are English, a Chinese window's Chinese (no 撤除监测卡点 in an English menu)."""
    checkpoint = session.dataset.checkpoints.query("status != 'closed'")["id"].iloc[0]
    session.select("checkpoints", checkpoint)
    click(qtbot, panel.close_checkpoint_button)
    session.undo_stack.undo()

    expected = {"zh": f"撤除监测卡点 {checkpoint}", "en": f"Close checkpoint {checkpoint}"}[language]
    assert session.undo_stack.text(0) == expected
    # One line per edit: the checkpoint's change and its event, then their undoing.
    journal = session.store.journal()["description"].tolist()[-4:]
    undone = {"zh": f"撤销：{expected}", "en": f"Undo: {expected}"}[language]
    assert journal == [expected, expected, undone, undone]


def test_escalate_saves_status_and_date(session, panel, qtbot):
    household = observing_household(session)["id"]
    session.select("households", household)
    click(qtbot, panel.escalate_button)
    after = stored(session, "households").set_index("id")
    assert after.loc[household, "status"] == "escalated"
    assert after.loc[household, "status_date"].date() == as_of_day(session)


def test_disinfected_now_records_the_as_of_time(session, panel, qtbot):
    point = session.dataset.disinfection_points["id"].iloc[0]
    session.select("disinfection_points", point)
    click(qtbot, panel.disinfect_button)
    after = stored(session, "disinfection_points").set_index("id")
    assert after.loc[point, "last_disinfected"] == pd.Timestamp(session.dataset.metadata["as_of"])
    assert panel.value_text("freshness") == "Disinfected"
    assert not panel.disinfect_button.isEnabled()  # already recorded at this time


def test_close_checkpoint_sets_status_and_closed_date(session, panel, qtbot):
    checkpoints = session.dataset.checkpoints
    checkpoint = checkpoints.loc[checkpoints["status"] == "active", "id"].iloc[0]
    session.select("checkpoints", checkpoint)
    assert panel.value_text("status_on_day") == "Active"

    click(qtbot, panel.close_checkpoint_button)
    after = stored(session, "checkpoints").set_index("id")
    assert after.loc[checkpoint, "status"] == "closed"
    assert after.loc[checkpoint, "closed"].date() == as_of_day(session)
    assert panel.value_text("status_on_day") == "Closed"


def test_delete_after_confirmation_and_undo_restores(session, panel, qtbot):
    point = session.dataset.disinfection_points["id"].iloc[3]
    before = stored(session, "disinfection_points")
    questions = []
    panel.confirm = lambda question: questions.append(question) or True
    session.select("disinfection_points", point)

    click(qtbot, panel.delete_button)
    assert point in questions[0]
    assert point not in set(stored(session, "disinfection_points")["id"])
    assert session.selection == ("", "")

    session.undo_stack.undo()
    assert_geodataframe_equal(stored(session, "disinfection_points"), before)


def test_declined_delete_changes_nothing(session, panel, qtbot):
    point = session.dataset.checkpoints["id"].iloc[0]
    before = session.store.path.read_bytes()
    panel.confirm = lambda question: False
    session.select("checkpoints", point)
    click(qtbot, panel.delete_button)
    assert session.store.path.read_bytes() == before
    assert session.undo_stack.count() == 0


def test_refused_edit_is_told_without_personal_values(session, panel):
    household = observing_household(session)
    messages = []
    panel.show_error = messages.append
    session.select("households", household["id"])
    # The desk looks at a day before the observation began: releasing then cannot be.
    session.update_state(as_of=household["observation_start"] - pd.Timedelta(days=2))
    assert not panel.release_button.isEnabled()
    before = session.store.path.read_bytes()

    assert not panel.release()
    assert "status_date" in messages[0]
    assert household["head_name"] not in messages[0] and household["phone"] not in messages[0]
    assert session.store.path.read_bytes() == before


def test_panel_follows_edits_and_the_as_of_day(session, panel):
    household = observing_household(session)
    session.select("households", household["id"])
    assert session.edit(update_feature(session.dataset, "households", household["id"], persons=9))
    assert panel.value_text("persons") == "9"

    session.update_state(as_of=household["observation_start"] + pd.Timedelta(days=1, hours=8))
    assert panel.value_text("observation_day") == "2 / 14"


def test_village_shows_households_under_observation(session, panel):
    village = session.dataset.households["village"].iloc[-1]
    session.select("villages", village)
    assert int(panel.value_text("households_under_observation")) >= 0
    assert not panel.edit_button.isVisible() and not panel.delete_button.isVisible()


def test_deleted_elsewhere_shows_that_it_is_gone(session, panel):
    from geodata.editing import delete_feature

    checkpoint = session.dataset.checkpoints["id"].iloc[1]
    session.select("checkpoints", checkpoint)
    assert session.edit(delete_feature(session.dataset, "checkpoints", checkpoint))
    assert panel.value_label("id") is None
    assert not panel.delete_button.isVisible()


def test_edit_button_opens_the_form_of_the_feature(session, panel, qtbot):
    checkpoint = session.dataset.checkpoints["id"].iloc[0]
    session.select("checkpoints", checkpoint)
    click(qtbot, panel.edit_button)
    assert panel.dialog.isVisible() and panel.dialog.feature_id == checkpoint
    panel.dialog.reject()


@pytest.mark.parametrize(
    ("value", "english"),
    [
        (np.True_, "yes"),
        (np.False_, "no"),
        (True, "yes"),
        (np.float64("nan"), "—"),
        (pd.NaT, "—"),
        (pd.NA, "—"),
        (np.int64(7), "7"),
        (np.float64(2.5), "2.5"),
    ],
)
def test_values_read_as_numpy_or_pandas_scalars_show_as_a_person_reads_them(session, panel, value, english):
    from desktop.window import details_panel
    from geodata.schema import CHECKPOINTS

    for name in ("staffed_24h", "staff_on_shift", "note"):
        field = CHECKPOINTS.field(name)
        shown = panel._shown_value(CHECKPOINTS, field, value)
        assert shown == english, (name, value, shown)
    assert details_panel.EMPTY == "—"
