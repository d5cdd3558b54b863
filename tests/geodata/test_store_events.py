"""The GeoPackage store keeps event tables as it keeps any table: every field, type and row,
in the order written, alongside the layers they name."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pandas as pd
import pytest

from geodata.dataset import Dataset
from geodata.editing import FEATURE_LAYERS, EditError, update_feature
from geodata.schema import EVENTS, schema_for
from geodata.stores import GeoPackageStore
from geodata.validation import validate
from tests.geodata.factories import EAST, WEST, tiny_dataset


def events() -> dict[str, pd.DataFrame]:
    """A few events of the tiny township, as a report would give them (text where it may)."""
    return {
        "disinfection_rounds": pd.DataFrame(
            {
                "id": ["DR1", "DR2"],
                "point": ["DP1", "DP1"],
                "village": [WEST, WEST],
                "time": [dt.datetime(2020, 2, 18, 20, 30), "2020-02-19 08:30"],
                "agent": ["84消毒液", None],
                "reported_by": ["第一工作组", "第一工作组"],
            }
        ),
        "followups": pd.DataFrame(
            {
                "id": ["FU1", "FU2"],
                "household": ["HH1", "HH1"],
                "village": [EAST, EAST],
                "time": ["2020-02-10 09:00", "2020-02-11 09:05"],
                "temperature": [36.6, None],
                "symptoms": [False, True],
                "result": ["normal", "abnormal"],
                "note": ["咳嗽", None],
            }
        ),
        "status_changes": pd.DataFrame(
            {"id": ["SC1"], "household": ["HH1"], "village": [EAST], "day": ["2020-02-10"], "status": ["observing"]}
        ),
        "checkpoint_changes": pd.DataFrame(
            {
                "id": ["CC1", "CC2"],
                "checkpoint": ["CP1", "CP1"],
                "village": [WEST, WEST],
                "time": ["2020-01-26 08:00", "2020-02-01 20:00"],
                "change": ["opened", "staffing"],
                "staff_on_shift": [3, None],
            }
        ),
    }


def township_with_events() -> Dataset:
    dataset = tiny_dataset()
    dataset.frames.update(events())
    return dataset


@pytest.fixture
def store(tmp_path):
    store = GeoPackageStore(tmp_path / "township.gpkg", create=True)
    store.write_dataset(township_with_events())
    return store


def test_the_events_of_the_factory_are_valid():
    assert validate(township_with_events()) == []


def test_event_tables_round_trip_with_their_types(store):
    expected = township_with_events().conformed()
    back = GeoPackageStore(store.path).read_all()
    for name in EVENTS:
        assert name in store.layer_names()
        got = back[name]
        assert list(got.columns) == list(schema_for(name).field_names), name
        assert got.dtypes.to_dict() == expected[name].dtypes.to_dict(), name
        pd.testing.assert_frame_equal(pd.DataFrame(got), pd.DataFrame(expected[name]), check_index_type=False)
    assert back["disinfection_rounds"].loc[1, "time"] == pd.Timestamp("2020-02-19 08:30")
    assert back["status_changes"].loc[0, "day"] == pd.Timestamp("2020-02-10")
    assert back["followups"]["symptoms"].tolist() == [False, True]
    assert pd.isna(back["checkpoint_changes"].loc[1, "staff_on_shift"])


def test_appending_events_keeps_the_earlier_ones_and_the_layers(store):
    followups = store.read("followups")
    added = pd.DataFrame(
        {
            "id": ["FU3"],
            "household": ["HH1"],
            "village": [EAST],
            "time": [pd.Timestamp("2020-02-12 09:00")],
            "temperature": [37.9],
            "symptoms": [True],
            "result": ["referred"],
        }
    )
    store.write({"followups": pd.concat([followups, added], ignore_index=True)})
    again = GeoPackageStore(store.path)
    assert again.read("followups")["id"].tolist() == ["FU1", "FU2", "FU3"]
    assert again.read("followups").loc[2, "result"] == "referred"
    assert again.read("disinfection_rounds")["id"].tolist() == ["DR1", "DR2"]
    assert again.read("households")["id"].tolist() == ["HH1"]


def test_a_store_without_event_tables_reads_them_empty(tmp_path):
    store = GeoPackageStore(tmp_path / "before_events.gpkg", create=True)
    store.write_dataset(tiny_dataset())
    for name in EVENTS:
        frame = store.read(name)
        assert frame.empty and list(frame.columns) == list(schema_for(name).field_names)


def test_event_tables_are_attribute_tables_of_the_geopackage(store):
    # Tables without geometry, as GIS programs (QGIS) list them beside the layers.
    with sqlite3.connect(store.path) as db:
        kinds = dict(db.execute("SELECT table_name, data_type FROM gpkg_contents").fetchall())
    assert {name: kinds[name] for name in EVENTS} == dict.fromkeys(EVENTS, "attributes")
    assert kinds["households"] == "features"


def test_events_are_not_edited_feature_by_feature(store):
    # Events are appended (by import and by quick actions) and removed only by undoing the
    # action that added them: an event is never changed behind the record.
    assert not set(EVENTS) & set(FEATURE_LAYERS)
    with pytest.raises(EditError):
        update_feature(store.read_all(), "followups", "FU1", result="abnormal")
