"""Edits: applied and undone exactly, refused when invalid or stale, saved with a journal."""

import datetime as dt
import hashlib
import json
import shutil

import pandas as pd
import pyogrio
import pytest
from shapely.geometry import MultiPolygon, Point, box

from geodata.editing import (
    Edit,
    EditError,
    add_feature,
    apply_to_dataset,
    close_checkpoint,
    delete_feature,
    escalate_household,
    mark_disinfected,
    record_of,
    release_household,
    update_feature,
)
from geodata.errors import StoreError
from geodata.stores import GeoPackageStore
from layers.messages import message_text
from tests.geodata.factories import EAST, WEST, tiny_dataset

EDITED_LAYERS = ("villages", "checkpoints", "households", "disinfection_points")
ID_FIELDS = {"villages": "code"}
HEAD_NAME, PHONE = "示例户主", "000-0000-0001"  # the tiny dataset's household HH1


@pytest.fixture(scope="module")
def tiny_file(tmp_path_factory):
    """The tiny dataset in a GeoPackage, written once: each test edits a copy."""
    path = tmp_path_factory.mktemp("template") / "township.gpkg"
    GeoPackageStore(path, create=True).write_dataset(tiny_dataset())
    return path


@pytest.fixture(scope="module")
def original(tiny_file):
    """The tiny dataset as read from its file, before any edit (never changed by a test)."""
    return GeoPackageStore(tiny_file).read_all()


@pytest.fixture
def store(tmp_path, tiny_file):
    path = tmp_path / "township.gpkg"
    shutil.copyfile(tiny_file, path)
    return GeoPackageStore(path)


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_same_data(got, expected):
    """Every layer holds the same features with the same values, types and geometries
    (in any row order)."""
    for layer in EDITED_LAYERS:
        id_field = ID_FIELDS.get(layer, "id")
        left = got[layer].sort_values(id_field).reset_index(drop=True)
        right = expected[layer].sort_values(id_field).reset_index(drop=True)
        pd.testing.assert_frame_equal(
            pd.DataFrame(left.drop(columns="geometry")),
            pd.DataFrame(right.drop(columns="geometry")),
            check_dtype=True,
        )
        assert list(left.geometry.to_wkb()) == list(right.geometry.to_wkb()), layer
        assert left.crs == right.crs


def changes_between(old, new) -> set[tuple[str, str, str]]:
    """(layer, feature id, field) for every value that differs; 'added'/'deleted' for whole
    features."""
    found = set()
    for layer in EDITED_LAYERS:
        id_field = ID_FIELDS.get(layer, "id")
        old_ids, new_ids = set(old[layer][id_field]), set(new[layer][id_field])
        found |= {(layer, fid, "deleted") for fid in old_ids - new_ids}
        found |= {(layer, fid, "added") for fid in new_ids - old_ids}
        for fid in old_ids & new_ids:
            before, after = record_of(old, layer, fid), record_of(new, layer, fid)
            found |= {(layer, fid, name) for name in before if before[name] != after[name]}
    return found


def new_household(**overrides) -> dict:
    record = {
        "id": "HH2",
        "village": EAST,
        "villager_group": 1,
        "reason": "hubei_return",
        "persons": 2,
        "observation_start": dt.date(2020, 2, 18),
        "observation_days": 14,
        "status": "observing",
        "status_date": None,
        "last_check": dt.datetime(2020, 2, 19, 9, 15),
        "abnormal_temperature": False,
        "head_name": "新户主",
        "phone": "000-0000-0002",
        "note": "门口有狗",
        "geometry": Point(114.0151, 33.0049),
    }
    return {**record, **overrides}


# --- quick actions, applied and undone ---------------------------------------------------------

QUICK_ACTIONS = [
    pytest.param(
        lambda d: mark_disinfected(d, "DP1", dt.datetime(2020, 2, 20, 7, 45)),
        "disinfection_points",
        "DP1",
        {"last_disinfected": dt.datetime(2020, 2, 20, 7, 45)},
        id="disinfected now",
    ),
    pytest.param(
        lambda d: release_household(d, "HH1", dt.date(2020, 2, 24)),
        "households",
        "HH1",
        {"status": "released", "status_date": dt.date(2020, 2, 24)},
        id="release",
    ),
    pytest.param(
        lambda d: escalate_household(d, "HH1", dt.date(2020, 2, 15)),
        "households",
        "HH1",
        {"status": "escalated", "status_date": dt.date(2020, 2, 15)},
        id="escalate",
    ),
    pytest.param(
        lambda d: close_checkpoint(d, "CP1", dt.date(2020, 3, 1)),
        "checkpoints",
        "CP1",
        {"status": "closed", "closed": dt.date(2020, 3, 1)},
        id="close checkpoint",
    ),
]


@pytest.mark.parametrize("make_edit, layer, feature_id, expected", QUICK_ACTIONS)
def test_quick_action_changes_exactly_its_fields_and_undo_restores_the_store(
    store, original, make_edit, layer, feature_id, expected
):
    edit = make_edit(original)
    assert edit.kind == "update" and set(edit.changed_fields()) == set(expected)

    store.apply_edits([edit], who="一号台")
    on_file = store.read_all()
    assert changes_between(original, on_file) == {(layer, feature_id, name) for name in expected}
    assert {name: record_of(on_file, layer, feature_id)[name] for name in expected} == expected

    store.apply_edits([edit.inverted()], who="一号台")
    assert_same_data(store.read_all(), original)


def test_add_then_undo_removes_the_feature(store, original):
    edit = add_feature(original, "households", new_household())
    assert edit.kind == "add"

    saved = store.apply_edits([edit], who="一号台")
    on_file = store.read_all()
    assert record_of(on_file, "households", "HH2") == new_household()
    assert changes_between(original, on_file) == {("households", "HH2", "added")}
    assert_same_data(saved, on_file)  # what the window is given is what the file holds

    store.apply_edits([edit.inverted()], who="一号台")
    assert_same_data(store.read_all(), original)


def test_delete_then_undo_restores_the_feature_with_identical_values(store, original):
    edit = delete_feature(original, "households", "HH1")
    assert edit.kind == "delete"

    store.apply_edits([edit], who="一号台")
    assert store.read("households").empty

    store.apply_edits([edit.inverted()], who="一号台")
    on_file = store.read_all()
    assert_same_data(on_file, original)
    assert record_of(on_file, "households", "HH1")["head_name"] == HEAD_NAME


def test_a_move_round_trips(store, original):
    edit = update_feature(original, "checkpoints", "CP1", geometry=Point(114.0063, 33.0071))
    assert edit.changed_fields() == ("geometry",)
    assert edit.description == "Move in Checkpoints: CP1"
    assert message_text(edit.description, lang="zh") == "移动监测卡点 CP1"

    store.apply_edits([edit], who="规划台")
    moved = store.read("checkpoints").geometry[0]
    assert (moved.x, moved.y) == (114.0063, 33.0071)

    store.apply_edits([edit.inverted()], who="规划台")
    assert_same_data(store.read_all(), original)


def test_a_village_can_be_corrected_but_not_deleted(store, original):
    store.apply_edits([update_feature(original, "villages", WEST, population=1250)], who="一号台")
    assert record_of(store.read_all(), "villages", WEST)["population"] == 1250
    with pytest.raises(EditError, match="villages .*not added or deleted"):
        delete_feature(original, "villages", WEST)


def test_a_village_made_multipart_leaves_no_false_conflict_for_the_next_edit(store, original):
    # The store keeps a layer mixing Polygons and MultiPolygons as MultiPolygons; the dataset
    # returned must say so, or the next edit made on it would look stale.
    two_parts = MultiPolygon([box(114.000, 33.00, 114.004, 33.01), box(114.005, 33.00, 114.010, 33.01)])
    data = store.apply_edits([update_feature(original, "villages", WEST, geometry=two_parts)], who="规划台")
    assert_same_data(data, store.read_all())
    store.apply_edits([update_feature(data, "villages", EAST, population=900)], who="一号台")
    assert record_of(store.read_all(), "villages", EAST)["population"] == 900


def test_several_edits_of_one_feature_in_one_save_apply_in_order(store, original):
    moved = update_feature(original, "checkpoints", "CP1", geometry=Point(114.006, 33.006))
    closed = close_checkpoint(apply_to_dataset(original, [moved]), "CP1", dt.date(2020, 3, 1))
    store.apply_edits([moved, closed], who="一号台")
    assert changes_between(original, store.read_all()) == {
        ("checkpoints", "CP1", "geometry"),
        ("checkpoints", "CP1", "status"),
        ("checkpoints", "CP1", "closed"),
    }
    store.apply_edits([closed.inverted(), moved.inverted()], who="一号台")
    assert_same_data(store.read_all(), original)


# --- edits as values -------------------------------------------------------------------------


def test_an_edit_cannot_be_changed_after_it_is_made(original):
    edit = release_household(original, "HH1", dt.date(2020, 2, 24))
    with pytest.raises(TypeError):
        edit.after["status"] = "escalated"
    assert edit.inverted().inverted() == edit
    assert edit.inverted().description == "Undo: Release household HH1"
    assert message_text(edit.inverted().description, lang="zh") == "撤销：解除居家医学观察 HH1"
    assert edit.inverted().inverted().description == edit.description


def test_applying_to_a_dataset_leaves_the_dataset_as_it_was(original):
    kept = original.copy()
    edited = apply_to_dataset(original, [delete_feature(original, "households", "HH1")])
    assert edited.households.empty
    assert_same_data(original, kept)


def test_an_edit_that_changes_nothing_is_refused(original):
    with pytest.raises(EditError, match="changes nothing"):
        update_feature(original, "checkpoints", "CP1", tier="village")


# --- refused edits -----------------------------------------------------------------------------

INVALID_EDITS = [
    pytest.param(
        lambda d: update_feature(d, "checkpoints", "CP1", tier="county"), "checkpoints CP1", "tier", id="tier county"
    ),
    pytest.param(
        lambda d: update_feature(d, "households", "HH1", persons=0), "households HH1", "persons", id="no persons"
    ),
    pytest.param(lambda d: release_household(d, "HH1", "2020-02-30"), "households HH1", "status_date", id="not a date"),
    pytest.param(
        lambda d: release_household(d, "HH1", dt.date(2020, 2, 1)),
        "households HH1",
        "status_date",
        id="released before observation began",
    ),
    pytest.param(
        lambda d: update_feature(d, "households", "HH1", observation_start="next week"),
        "households HH1",
        "observation_start",
        id="not a date either",
    ),
    pytest.param(
        lambda d: add_feature(d, "households", new_household(reason="bored")),
        "households HH2",
        "reason",
        id="new feature, bad choice",
    ),
    pytest.param(
        lambda d: add_feature(d, "households", new_household(geometry=None)),
        "households HH2",
        "geometry",
        id="new feature, no place",
    ),
    pytest.param(
        lambda d: update_feature(d, "checkpoints", "CP1", colour="red"), "checkpoints CP1", "colour", id="unknown field"
    ),
    pytest.param(
        lambda d: add_feature(d, "checkpoints", {**record_of(d, "checkpoints", "CP1")}),
        "checkpoints CP1",
        "already exists",
        id="id taken",
    ),
]


@pytest.mark.parametrize("make_edit, feature, field", INVALID_EDITS)
def test_invalid_edit_is_refused_naming_layer_feature_and_field(store, original, make_edit, feature, field):
    before = digest(store.path)
    with pytest.raises(EditError) as refused:
        store.apply_edits([make_edit(original)], who="一号台")
    message = str(refused.value)
    assert feature in message and field in message
    assert HEAD_NAME not in message and PHONE not in message
    assert digest(store.path) == before


def test_refusal_of_a_household_never_quotes_personal_values(original):
    data = original
    with pytest.raises(EditError) as refused:
        update_feature(data, "households", "HH1", persons=0, phone="138-0000-0000")
    assert "138-0000-0000" not in str(refused.value) and HEAD_NAME not in str(refused.value)
    assert [problem.field for problem in refused.value.problems] == ["persons"]


# --- conflicts with other desks ----------------------------------------------------------------


def test_edit_of_a_feature_changed_elsewhere_is_refused_and_nothing_is_written(store, original):
    read_earlier = original
    other_desk = GeoPackageStore(store.path)
    other_desk.apply_edits([update_feature(original, "households", "HH1", persons=4)], who="二号台")
    before, journal_before = digest(store.path), store.journal()

    with pytest.raises(EditError, match=r"households HH1 was changed elsewhere .*persons"):
        store.apply_edits([release_household(read_earlier, "HH1", dt.date(2020, 2, 24))], who="一号台")
    assert digest(store.path) == before
    pd.testing.assert_frame_equal(store.journal(), journal_before)
    assert record_of(store.read_all(), "households", "HH1")["persons"] == 4


def test_edit_of_a_feature_deleted_elsewhere_is_refused(store, original):
    read_earlier = original
    GeoPackageStore(store.path).apply_edits([delete_feature(read_earlier, "checkpoints", "CP1")], who="二号台")
    before = digest(store.path)
    with pytest.raises(EditError, match="checkpoints CP1 no longer exists"):
        store.apply_edits([close_checkpoint(read_earlier, "CP1", dt.date(2020, 3, 1))], who="一号台")
    assert digest(store.path) == before


def test_edit_of_another_feature_keeps_the_change_made_elsewhere(store, original):
    read_earlier = original
    GeoPackageStore(store.path).apply_edits(
        [update_feature(read_earlier, "households", "HH1", persons=4)], who="二号台"
    )
    saved = store.apply_edits([close_checkpoint(read_earlier, "CP1", dt.date(2020, 3, 1))], who="一号台")
    assert record_of(saved, "households", "HH1")["persons"] == 4
    assert record_of(store.read_all(), "checkpoints", "CP1")["status"] == "closed"


# --- failures while writing --------------------------------------------------------------------


@pytest.mark.parametrize("failing_layer", ["journal", "households"])
def test_a_failure_while_writing_leaves_file_and_journal_as_they_were(store, original, monkeypatch, failing_layer):
    data = store.apply_edits([update_feature(original, "households", "HH1", persons=4)], who="一号台")
    before, journal_before = digest(store.path), store.journal()
    real_write = pyogrio.write_dataframe

    def fail_on(*args, **kwargs):
        if kwargs.get("layer") == failing_layer:
            raise OSError("disk full (simulated)")
        return real_write(*args, **kwargs)

    monkeypatch.setattr(pyogrio, "write_dataframe", fail_on)
    with pytest.raises(StoreError, match="the disk is full; nothing was written"):
        store.apply_edits([release_household(data, "HH1", dt.date(2020, 2, 24))], who="一号台")
    assert digest(store.path) == before
    pd.testing.assert_frame_equal(store.journal(), journal_before)
    leftovers = [p.name for p in store.path.parent.iterdir() if "scratch" in p.name or p.name.endswith(".writing.gpkg")]
    assert not leftovers


# --- the journal -------------------------------------------------------------------------------


def test_journal_records_who_when_what_and_the_records_in_order(store, original):
    data = original
    assert store.journal().empty
    moved = update_feature(data, "checkpoints", "CP1", geometry=Point(114.0063, 33.0071))
    start = pd.Timestamp.now().floor("ms")
    in_chinese = lambda description: message_text(description, lang="zh")  # noqa: E731  (as a Chinese desk writes it)
    data = store.apply_edits([moved], who="规划台", describe=in_chinese)
    data = store.apply_edits(
        [release_household(data, "HH1", dt.date(2020, 2, 24)), delete_feature(data, "disinfection_points", "DP1")],
        who="一号台",
        describe=in_chinese,
    )
    end = pd.Timestamp.now()

    journal = store.journal()
    assert list(journal.columns) == ["time", "who", "layer", "feature_id", "action", "description", "before", "after"]
    assert journal["time"].dtype == "datetime64[ms]"
    assert journal["time"].between(start, end).all() and journal["time"].is_monotonic_increasing
    assert list(journal["who"]) == ["规划台", "一号台", "一号台"]
    assert list(zip(journal["layer"], journal["feature_id"], journal["action"], strict=False)) == [
        ("checkpoints", "CP1", "update"),
        ("households", "HH1", "update"),
        ("disinfection_points", "DP1", "delete"),
    ]
    assert list(journal["description"]) == [
        "移动监测卡点 CP1",
        "解除居家医学观察 HH1",
        "删除消毒点 DP1",
    ]
    cp_before, cp_after = json.loads(journal["before"][0]), json.loads(journal["after"][0])
    assert cp_before["geometry"] == "POINT (114.005 33.005)"
    assert cp_after["geometry"] == "POINT (114.0063 33.0071)"
    assert cp_after["opened"] == "2020-01-26" and cp_after["closed"] is None
    household_after = json.loads(journal["after"][1])
    assert (household_after["status"], household_after["status_date"]) == ("released", "2020-02-24")
    assert json.loads(journal["before"][2])["last_disinfected"] == "2020-02-19T08:30:00"
    assert pd.isna(journal["after"][2])


def test_household_descriptions_hold_no_personal_values(store, original):
    data = original
    edits = [
        update_feature(data, "households", "HH1", head_name="改名户主", phone="000-0000-0009"),
        release_household(data, "HH1", dt.date(2020, 2, 24)),
        escalate_household(data, "HH1", dt.date(2020, 2, 15)),
        delete_feature(data, "households", "HH1"),
        add_feature(data, "households", new_household()),
    ]
    personal = {HEAD_NAME, PHONE, "改名户主", "000-0000-0009", "新户主", "000-0000-0002", "门口有狗"}
    for edit in edits:
        descriptions = (edit.description, edit.inverted().description)
        assert not any(value in text for value in personal for text in descriptions), edit
    assert edits[0].description == "Change in Households under observation: HH1: Head of household, Phone"
    assert message_text(edits[0].description, lang="zh") == "修改居家医学观察户 HH1：户主姓名、联系电话"
    for edit in edits:
        for lang in ("zh", "en"):
            text = message_text(edit.inverted().description, lang=lang)
            assert not any(value in text for value in personal), (edit, lang)

    store.apply_edits([edits[0], edits[4]], who="一号台")
    journal_text = " ".join(store.journal()["description"])
    assert not any(value in journal_text for value in personal)


def test_a_description_quoting_a_personal_value_is_refused(original):
    before = record_of(original, "households", "HH1")
    after = {**before, "persons": 4}
    with pytest.raises(EditError, match="head_name") as refused:
        Edit("households", "HH1", before, after, description=f"{HEAD_NAME}家人数改为4")
    assert HEAD_NAME not in str(refused.value)


def test_saving_needs_to_know_who(store, original):
    edit = release_household(original, "HH1", dt.date(2020, 2, 24))
    before = digest(store.path)
    with pytest.raises(StoreError, match="who"):
        store.apply_edits([edit], who=" ")
    assert digest(store.path) == before
