"""The GeoPackage store: faithful round trips and all-or-nothing writes."""

import hashlib

import pandas as pd
import pyogrio
import pytest
from shapely.geometry import Point

from geodata.errors import SchemaError, StoreError
from geodata.stores import GeoPackageStore, open_store
from tests.geodata.factories import WEST, tiny_dataset


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def store(tmp_path):
    store = GeoPackageStore(tmp_path / "township.gpkg", create=True)
    store.write_dataset(tiny_dataset())
    return store


def test_round_trip_preserves_values_types_dates_and_geometries(store):
    original = tiny_dataset().conformed()
    back = GeoPackageStore(store.path).read_all()
    for name in ("villages", "checkpoints", "households", "disinfection_points"):
        expected, got = original[name], back[name]
        assert list(got.columns) == list(expected.columns), name
        assert got.dtypes.to_dict() == expected.dtypes.to_dict(), name
        pd.testing.assert_frame_equal(
            pd.DataFrame(got.drop(columns="geometry")),
            pd.DataFrame(expected.drop(columns="geometry")),
        )
        assert got.geometry.geom_equals_exact(expected.geometry, tolerance=1e-12).all(), name
        assert got.crs.to_epsg() == 4326
    assert back.checkpoints.loc[0, "opened"] == pd.Timestamp("2020-01-26")
    assert pd.isna(back.checkpoints.loc[0, "closed"])
    assert back.disinfection_points.loc[0, "last_disinfected"] == pd.Timestamp("2020-02-19 08:30")
    assert back.households.loc[0, "head_name"] == "示例户主"
    assert back.metadata["township_name"] == "测试乡"


def test_dates_are_stored_as_geopackage_dates(store):
    info = pyogrio.read_info(store.path, layer="checkpoints")
    types = dict(zip(info["fields"], info["ogr_types"], strict=False))
    assert types["opened"] == "OFTDate"
    assert types["closed"] == "OFTDate"


def test_absent_layer_reads_as_empty_frame_with_schema_columns(store):
    roads = store.read("roads")
    assert roads.empty
    assert {"id", "name", "road_class", "geometry"} <= set(roads.columns)
    assert "roads" not in store.layer_names()


def test_writing_one_layer_keeps_the_others(store):
    moved = store.read("checkpoints")
    moved.loc[0, "geometry"] = Point(114.006, 33.006)
    store.write({"checkpoints": moved})
    assert store.read("checkpoints").geometry[0].equals(Point(114.006, 33.006))
    assert len(store.read("households")) == 1
    assert store.metadata()["township_code"] == "999999000"


def test_metadata_update_merges_keys(store):
    store.write({}, metadata={"as_of": "2020-02-20T08:00"})
    meta = store.metadata()
    assert meta["as_of"] == "2020-02-20T08:00"
    assert meta["township_name"] == "测试乡"


def test_failed_write_leaves_file_unchanged(store, monkeypatch):
    before = digest(store.path)
    real_write = pyogrio.write_dataframe
    calls = []

    def fail_on_second_layer(*args, **kwargs):
        calls.append(kwargs.get("layer"))
        if len(calls) == 2:
            raise OSError("disk full (simulated)")
        return real_write(*args, **kwargs)

    monkeypatch.setattr(pyogrio, "write_dataframe", fail_on_second_layer)
    data = store.read_all()
    data.checkpoints.loc[0, "staff_on_shift"] = 9
    data.households.loc[0, "persons"] = 7
    with pytest.raises(StoreError, match="the disk is full; nothing was written"):
        store.write({"checkpoints": data.checkpoints, "households": data.households})
    assert digest(store.path) == before
    assert [p.name for p in store.path.parent.iterdir() if "scratch" in p.name or "writing" in p.name] == []


def test_invalid_values_are_refused_before_the_file_is_touched(store):
    before = digest(store.path)
    bad = store.read("checkpoints").astype({"staff_on_shift": object})
    bad.loc[0, "staff_on_shift"] = "three"
    with pytest.raises(SchemaError, match="checkpoints.staff_on_shift"):
        store.write({"checkpoints": bad})
    assert digest(store.path) == before


def test_unknown_metadata_key_is_refused(store):
    with pytest.raises(StoreError, match="colour"):
        store.write({}, metadata={"colour": "red"})


def test_write_reprojects_to_wgs84(store):
    checkpoints = store.read("checkpoints")
    store.write({"checkpoints": checkpoints.to_crs("EPSG:4547")})
    back = store.read("checkpoints")
    assert back.crs.to_epsg() == 4326
    assert back.geometry[0].distance(checkpoints.geometry[0]) < 1e-9


def test_file_permissions_survive_a_write(store):
    store.path.chmod(0o640)
    store.write({}, metadata={"as_of": "2020-02-21T08:00"})
    assert store.path.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("content", [b"", b"not a database at all", b"SQLite format 3\x00garbage"])
def test_a_file_that_is_not_a_geopackage_gives_a_clear_error(tmp_path, content):
    path = tmp_path / "broken.gpkg"
    path.write_bytes(content)
    with pytest.raises(StoreError, match="broken.gpkg"):
        open_store(path).read_all()


def test_missing_file_names_the_path(tmp_path):
    with pytest.raises(StoreError, match="nowhere.gpkg: no such file"):
        open_store(tmp_path / "nowhere.gpkg")


def test_spatial_layer_needs_geometries(store):
    with pytest.raises(StoreError, match="needs geometries"):
        store.write({"villages": pd.DataFrame({"code": [WEST], "name": ["西村"]})})


def test_write_dataset_can_carry_a_journal_and_replaces_it_whole(sample_copy, tmp_path):
    from geodata.editing import update_feature

    source = GeoPackageStore(sample_copy)
    dataset = source.read_all()
    first = dataset.checkpoints["id"].iloc[0]
    source.apply_edits([update_feature(dataset, "checkpoints", first, staff_on_shift=9)], who="一组")
    copy = GeoPackageStore(tmp_path / "copy.gpkg", create=True)
    copy.write_dataset(source.read_all(), journal=source.journal())
    assert copy.journal()[["who", "feature_id", "after"]].equals(source.journal()[["who", "feature_id", "after"]])
    copy.write_dataset(source.read_all(), journal=source.journal().iloc[0:0])
    assert copy.journal().empty
    assert copy.read("checkpoints").set_index("id").loc[first, "staff_on_shift"] == 9


def test_the_spatial_index_stays_true_after_writes_and_edits(store):
    import sqlite3

    from geodata.editing import add_feature, record_of

    dataset = store.read_all()
    record = record_of(dataset, "checkpoints", dataset.checkpoints["id"].iloc[0])
    record.update(id="CP-NEW", geometry=Point(114.2, 33.2), name="新卡点")
    store.apply_edits([add_feature(dataset, "checkpoints", record)], who="测试")
    with sqlite3.connect(store.path) as db:
        for table in ("villages", "checkpoints", "households"):
            assert db.execute(f"SELECT rtreecheck('rtree_{table}_geom')").fetchone()[0] == "ok"
    found = pyogrio.read_dataframe(store.path, layer="checkpoints", bbox=(114.19, 33.19, 114.21, 33.21))
    assert list(found["id"]) == ["CP-NEW"]


def test_a_locked_or_damaged_file_is_called_what_it_is(sample_copy, tmp_path):
    """Both were reported as "not a GeoPackage file" (issue 14, defect 11)."""
    import sqlite3

    holder = sqlite3.connect(sample_copy)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match="another program is writing to the file"):
            GeoPackageStore(sample_copy).read_all()
    finally:
        holder.rollback()
        holder.close()
    damaged = tmp_path / "damaged.gpkg"
    damaged.write_bytes(sample_copy.read_bytes()[:5000])
    with pytest.raises(StoreError, match="the file is damaged"):
        GeoPackageStore(damaged).read_all()
    text = tmp_path / "text.gpkg"
    text.write_text("id,name\n", encoding="utf-8")
    with pytest.raises(StoreError, match="not a GeoPackage file"):
        GeoPackageStore(text).read_all()
