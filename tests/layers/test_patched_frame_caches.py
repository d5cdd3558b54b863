"""What the map keeps per households frame (each one's steps over the days, village numbers,
ids as text), carried over to a frame the store patched from it (another desk's edit read row
by row) and worked out for the rows read alone, is what working it out from scratch gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import layers.page_model as page_model_module
from geodata.stores import GeoPackageStore
from geodata.stores import gpkg_write as gw
from geodata.stores.gpkg_changes import patch_of
from layers.day_stages import _BASE, _base_steps, _build_base_steps, household_day
from layers.history import id_objects
from layers.page_model import _VILLAGE_NUMBERS, _village_numbers, layer_ids
from layers.situation import household_situation
from layers.statistics import _basis_of, _household_basis, _VillageSlots, village_table

# Every column but fid: a row copied under a new id.
COPIED = (
    "geom, village, villager_group, reason, persons, observation_start, observation_days, status, "
    "status_date, last_check, abnormal_temperature, head_name, phone, note"
)
EDITS = {
    "status changed": ["UPDATE households SET status = 'escalated', status_date = '2020-02-12' WHERE fid = 3"],
    "moved": ["UPDATE households SET geom = (SELECT geom FROM households WHERE fid = 5) WHERE fid = 4"],
    "village changed": ["UPDATE households SET village = NULL WHERE fid = 6"],
    "added in a new village": [
        f"INSERT INTO households (id, {COPIED}) SELECT 'H-NEW', {COPIED.replace('village,', '''('V-NEW'),''', 1)} "
        "FROM households WHERE fid = 2"
    ],
    "deleted": ["DELETE FROM households WHERE fid = 2"],
    "deleted and added": [
        "DELETE FROM households WHERE fid = 7",
        f"INSERT INTO households (id, {COPIED}) SELECT 'H-NEW', {COPIED} FROM households WHERE fid = 8",
    ],
}


@pytest.fixture(autouse=True)
def ids_carried_at_a_townships_size(monkeypatch):
    monkeypatch.setattr(page_model_module, "_CARRIED_IDS_FROM", 0)


def refreshed(path, statements):
    """The dataset before, and after one edit by another program read row by row."""
    store = GeoPackageStore(path)
    assert store.keep_change_log()
    before = store.read_all()
    _base_steps(before.households)
    _village_numbers(before.households)
    layer_ids(before.households, "id")
    _household_basis(before.villages, _VillageSlots(before.villages["code"]), before.households)
    with gw.transaction(path) as db:
        for statement in statements:
            db.execute(statement)
    after = store.refresh(before)
    assert patch_of(before.households, after.households) is not None, "not read row by row"
    return before, after


@pytest.mark.parametrize("edit", EDITS)
def test_carried_over_caches_equal_those_worked_out_anew(sample_copy, edit):
    before, after = refreshed(sample_copy, EDITS[edit])
    households = after.households

    carried = _base_steps(households)
    anew = _build_base_steps(households)
    np.testing.assert_array_equal(carried.steps.days, anew.steps.days)
    np.testing.assert_array_equal(carried.steps.changes, anew.steps.changes)
    np.testing.assert_array_equal(carried.start, anew.start)

    numbers, codes = _village_numbers(households)
    assert len(numbers) == len(households)
    villages = np.append(codes.to_numpy(dtype=object), None)[numbers]
    expected = households["village"].astype(object).where(households["village"].notna(), None).to_numpy()
    np.testing.assert_array_equal(villages, expected)

    ids = layer_ids(households, "id")
    np.testing.assert_array_equal(ids, id_objects(households, "id"))
    assert not ids.flags.writeable

    slots = _VillageSlots(after.villages["code"])
    for carried_part, anew_part in zip(
        _household_basis(after.villages, slots, households), _basis_of(slots, households), strict=True
    ):
        np.testing.assert_array_equal(carried_part, anew_part)


def test_a_day_read_from_carried_steps_is_the_days_situation(sample_copy):
    before, after = refreshed(sample_copy, EDITS["status changed"])
    as_of = pd.Timestamp("2020-02-14")
    columns = ["status_on_day", "under_observation", "observation_day", "stage"]
    old_day = household_day(before.households, as_of, before)
    got = household_day(after.households, as_of, after)
    pd.testing.assert_frame_equal(got, household_situation(after.households, as_of, after)[columns])
    assert got["stage"].iloc[2] == "escalated" != old_day["stage"].iloc[2]  # the edit shows


def test_ids_unchanged_by_the_patch_are_the_same_array(sample_copy):
    before, after = refreshed(sample_copy, EDITS["status changed"])
    kept = layer_ids(before.households, "id")
    for name in ("roads", "checkpoints"):  # other large layers asked about in between
        layer_ids(before[name], "id")
    assert layer_ids(after.households, "id") is kept


def test_a_frame_not_patched_from_the_kept_one_is_worked_out_whole(sample_copy):
    before, _after = refreshed(sample_copy, EDITS["status changed"])
    whole = GeoPackageStore(sample_copy).read_all().households
    _BASE.clear()
    _VILLAGE_NUMBERS.clear()
    steps = _base_steps(whole)
    np.testing.assert_array_equal(steps.steps.changes, _build_base_steps(whole).steps.changes)
    assert layer_ids(whole, "id") is not layer_ids(before.households, "id")


def test_the_village_figures_after_a_patch_are_those_of_the_whole_file(sample_copy):
    before, after = refreshed(sample_copy, EDITS["added in a new village"])
    as_of = pd.Timestamp("2020-02-14")
    village_table(before, as_of)
    whole = GeoPackageStore(sample_copy).read_all()
    pd.testing.assert_frame_equal(village_table(after, as_of), village_table(whole, as_of))
