"""Quick actions append their event with the record's change, in one save; undo removes it."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyogrio
import pytest

from geodata.editing import QUICK_ACTIONS, ConflictError, Edit, EditError, apply_to_dataset, overwrite_edits, record_of
from geodata.errors import StoreError
from geodata.stores import GeoPackageStore
from layers.history import checkpoint_facts, disinfection_facts, household_facts
from tests.geodata.test_store_events import township_with_events

DESK = "一号台"
MOMENT = dt.datetime(2020, 2, 24, 9, 30)

# action, feature, the event table, the event's own fields (besides id, feature and village)
ACTIONS = [
    pytest.param(
        "release_household",
        "HH1",
        "status_changes",
        {"day": dt.date(2020, 2, 24), "status": "released"},
        id="release",
    ),
    pytest.param(
        "escalate_household",
        "HH1",
        "status_changes",
        {"day": dt.date(2020, 2, 24), "status": "escalated"},
        id="escalate",
    ),
    pytest.param("mark_disinfected", "DP1", "disinfection_rounds", {"time": MOMENT}, id="disinfected now"),
    pytest.param(
        "close_checkpoint", "CP1", "checkpoint_changes", {"time": MOMENT, "change": "closed"}, id="close checkpoint"
    ),
]


FEATURE_FIELD = {"status_changes": "household", "disinfection_rounds": "point", "checkpoint_changes": "checkpoint"}


@pytest.fixture
def store(tmp_path):
    store = GeoPackageStore(tmp_path / "township.gpkg", create=True)
    store.write_dataset(township_with_events())
    return store


def _frames(dataset, names) -> dict[str, pd.DataFrame]:
    return {name: pd.DataFrame(dataset[name]).drop(columns="geometry", errors="ignore") for name in names}


def _assert_same(got, expected, names):
    for name, frame in _frames(got, names).items():
        pd.testing.assert_frame_equal(frame.reset_index(drop=True), expected[name].reset_index(drop=True), obj=name)


@pytest.mark.parametrize("action, feature_id, table, fields", ACTIONS)
def test_a_quick_action_stores_its_event_with_the_record_and_undo_removes_both(
    store, action, feature_id, table, fields
):
    quick = QUICK_ACTIONS[action]
    original = store.read_all()
    names = (quick.layer, table)
    before = _frames(original, names)
    edits = quick.edits(original, feature_id, MOMENT, reported_by=DESK)
    assert [edit.kind for edit in edits] == ["update", "add"]
    assert [edit.layer for edit in edits] == [quick.layer, table]

    store.apply_edits(edits, who=DESK)
    on_file = store.read_all()
    assert len(on_file[table]) == len(original[table]) + 1
    event = record_of(on_file, table, edits[1].feature_id)
    feature_field = {"status_changes": "household", "disinfection_rounds": "point", "checkpoint_changes": "checkpoint"}
    assert event[feature_field[table]] == feature_id
    assert event["village"] == record_of(original, quick.layer, feature_id)["village"]
    assert event["reported_by"] == DESK
    assert {name: event[name] for name in fields} == fields
    assert event["id"].startswith(edits[1].feature_id[:2] + "-" + feature_id + "-")
    journal = store.journal()
    assert list(journal["layer"]) == [quick.layer, table]  # one line per edit

    store.apply_edits([edit.inverted() for edit in reversed(edits)], who=DESK)
    _assert_same(store.read_all(), before, names)
    assert len(store.journal()) == 4

    store.apply_edits(edits, who=DESK)  # redo
    assert len(store.read(table)) == len(original[table]) + 1


def test_events_are_added_and_removed_but_never_changed(store):
    dataset = store.read_all()
    first = record_of(dataset, "status_changes", "SC1")
    with pytest.raises(EditError, match="never changed"):
        Edit("status_changes", "SC1", first, {**first, "status": "escalated"})
    removal = Edit("status_changes", "SC1", first, None)
    assert "SC1" not in set(apply_to_dataset(dataset, [removal])["status_changes"]["id"])


def test_a_failure_while_writing_the_event_leaves_record_event_and_journal_as_they_were(store, monkeypatch):
    original = store.read_all()
    journal_before = store.journal()
    real_write = pyogrio.write_dataframe

    def fail_on(*args, **kwargs):
        if kwargs.get("layer") == "status_changes":
            raise OSError("disk full (simulated)")
        return real_write(*args, **kwargs)

    monkeypatch.setattr(pyogrio, "write_dataframe", fail_on)
    edits = QUICK_ACTIONS["release_household"].edits(original, "HH1", MOMENT, reported_by=DESK)
    with pytest.raises(StoreError):
        store.apply_edits(edits, who=DESK)
    monkeypatch.undo()
    _assert_same(
        store.read_all(), _frames(original, ("households", "status_changes")), ("households", "status_changes")
    )
    pd.testing.assert_frame_equal(store.journal(), journal_before)


def test_an_event_id_already_taken_gets_a_number(store):
    dataset = store.read_all()
    release = QUICK_ACTIONS["release_household"]
    taken = release.edits(dataset, "HH1", MOMENT)[1].feature_id
    dataset = apply_to_dataset(dataset, [Edit("status_changes", taken, None, {**_event(dataset), "id": taken})])
    assert release.edits(dataset, "HH1", MOMENT)[1].feature_id == f"{taken}-2"


def _event(dataset) -> dict:
    record = record_of(dataset, "status_changes", "SC1")
    return {name: value for name, value in record.items() if name != "id"}


def test_history_reads_the_quick_actions_from_their_events_on_that_day_and_later(store):
    dataset = store.read_all()
    for action, feature_id in (("release_household", "HH1"), ("mark_disinfected", "DP1"), ("close_checkpoint", "CP1")):
        dataset = store.apply_edits(
            QUICK_ACTIONS[action].edits(dataset, feature_id, MOMENT, reported_by=DESK), who=DESK
        )
    for as_of in (pd.Timestamp(MOMENT), pd.Timestamp(MOMENT) + pd.Timedelta(days=5)):
        households = household_facts(dataset.households, dataset, as_of)
        assert households is not None and households["status"].iloc[0] == "released"
        assert households["status_date"].iloc[0] == pd.Timestamp(MOMENT.date())
        points = disinfection_facts(dataset.disinfection_points, dataset, as_of)
        assert points is not None and points["last_disinfected"].iloc[0] == pd.Timestamp(MOMENT)
        checkpoints = checkpoint_facts(dataset.checkpoints, dataset, as_of)
        assert checkpoints is not None and checkpoints["status"].iloc[0] == "closed"
    # Before the day, the event is not known yet.
    the_day_before = pd.Timestamp(MOMENT) - pd.Timedelta(days=1)
    households = household_facts(dataset.households, dataset, the_day_before)
    assert households is not None and households["status"].iloc[0] == "observing"


@pytest.mark.parametrize("action, feature_id, table, fields", ACTIONS)
def test_two_desks_doing_one_quick_action_in_one_second_keep_both_events_after_an_overwrite(
    store, action, feature_id, table, fields
):
    """Both desks' events get the same id (feature and moment); the second desk's save is
    refused, and overwriting adds its event under a free id: not an update of the first
    desk's event, nor nothing where the two records agree already."""
    first, second = store, GeoPackageStore(store.path)
    quick = QUICK_ACTIONS[action]
    seen_by_first, seen_by_second = first.read_all(), second.read_all()
    events_before = len(seen_by_first[table])
    mine = quick.edits(seen_by_first, feature_id, MOMENT, reported_by="一号台")
    theirs = quick.edits(seen_by_second, feature_id, MOMENT + dt.timedelta(milliseconds=400), reported_by="二号台")
    assert mine[1].feature_id == theirs[1].feature_id  # the collision this is about
    first.apply_edits(mine, who="一号台")

    with pytest.raises(ConflictError) as refused:
        second.apply_edits(theirs, who="二号台")
    refused.value.batch = tuple(theirs)  # as the window's session gives it
    overwrite = overwrite_edits(refused.value, second.read_all())
    second.apply_edits(overwrite, who="二号台")

    stored = first.read_all()
    assert len(stored[table]) == events_before + 2
    both = {
        desk: record_of(stored, table, event_id)
        for desk, event_id in (("一号台", mine[1].feature_id), ("二号台", f"{mine[1].feature_id}-2"))
    }
    for desk, event in both.items():
        assert event["reported_by"] == desk and event[FEATURE_FIELD[table]] == feature_id
        assert {name: event[name] for name in fields if name != "time"} == {
            name: value for name, value in fields.items() if name != "time"
        }
    moment_field = quick.moment_field
    stored = record_of(first.read_all(), quick.layer, feature_id)
    assert (
        stored[moment_field]
        == record_of(apply_to_dataset(seen_by_second, theirs[:1]), quick.layer, feature_id)[moment_field]
    )

    # The second desk's undo takes back its own event and leaves the first desk's.
    second.apply_edits([edit.inverted() for edit in reversed(overwrite)], who="二号台")
    events = first.read(table)
    assert len(events) == events_before + 1
    assert mine[1].feature_id in set(events["id"]) and f"{mine[1].feature_id}-2" not in set(events["id"])


def test_an_overwrite_without_a_taken_event_id_saves_the_batch_as_made(store):
    """Another desk changed the household (not the same action): the event keeps its id."""
    dataset = store.read_all()
    other = GeoPackageStore(store.path)
    other.apply_edits(
        [
            Edit(
                "households",
                "HH1",
                record_of(dataset, "households", "HH1"),
                {**record_of(dataset, "households", "HH1"), "persons": 7},
            )
        ],
        who="二号台",
    )
    edits = QUICK_ACTIONS["release_household"].edits(dataset, "HH1", MOMENT, reported_by=DESK)
    with pytest.raises(ConflictError) as refused:
        store.apply_edits(edits, who=DESK)
    refused.value.batch = tuple(edits)
    overwrite = overwrite_edits(refused.value, store.read_all())
    assert overwrite[1] is edits[1] and overwrite[0].before["persons"] == 7
    stored = store.apply_edits(overwrite, who=DESK)
    assert record_of(stored, "households", "HH1")["status"] == "released"
    assert edits[1].feature_id in set(stored["status_changes"]["id"])
