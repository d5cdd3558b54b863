"""Tests of layers.dataset_diff: which features changed between two readings."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from geodata.stores import GeoPackageStore
from layers.dataset_diff import changed_features


@pytest.fixture(scope="module")
def sample():
    from geodata.sample.bundled import bundled_sample_path

    return GeoPackageStore(bundled_sample_path()).read_all()


def test_no_change_gives_nothing(sample):
    assert changed_features(sample, sample.copy()) == {}


def test_reread_file_gives_nothing(sample):
    from geodata.sample.bundled import bundled_sample_path

    again = GeoPackageStore(bundled_sample_path()).read_all()
    assert changed_features(sample, again) == {}


def test_moved_household(sample):
    new = sample.copy()
    first = new.households.index[0]
    point = new.households.geometry.loc[first]
    new.households.loc[first, "geometry"] = Point(point.x + 0.001, point.y)
    assert changed_features(sample, new) == {"households": [str(new.households.loc[first, "id"])]}


def test_a_household_losing_its_place_is_the_only_change(sample):
    # Frames of points hash coordinates; one without a place must not change how the others hash.
    new = sample.copy()
    first = new.households.index[0]
    new.households.loc[first, "geometry"] = None
    assert changed_features(sample, new) == {"households": [str(new.households.loc[first, "id"])]}


def test_changed_attribute(sample):
    new = sample.copy()
    row = new.checkpoints.index[3]
    new.checkpoints.loc[row, "name"] = "新名字"
    assert changed_features(sample, new) == {"checkpoints": [str(new.checkpoints.loc[row, "id"])]}


def test_added_feature(sample):
    new = sample.copy()
    extra = new.checkpoints.iloc[[0]].copy()
    extra["id"] = "NEW-1"
    new["checkpoints"] = pd.concat([new.checkpoints, extra], ignore_index=True)
    assert changed_features(sample, new) == {"checkpoints": ["NEW-1"]}


def test_removed_feature(sample):
    new = sample.copy()
    gone = str(new.roads["id"].iloc[-1])
    new["roads"] = new.roads.iloc[:-1]
    assert changed_features(sample, new) == {"roads": [gone]}


def test_renamed_village(sample):
    new = sample.copy()
    new.villages.loc[new.villages.index[2], "name"] = "改名村"
    assert changed_features(sample, new) == {"villages": [str(new.villages["code"].iloc[2])]}


def test_layer_emptied_and_missing(sample):
    new = sample.copy()
    del new.frames["roads"]  # absent from the file: reads as an empty layer
    assert changed_features(sample, new) == {"roads": sorted(sample.roads["id"].astype(str))}
    assert changed_features(new, sample) == {"roads": sorted(sample.roads["id"].astype(str))}


def test_one_change_among_ten_thousand_households_is_found(sample):
    base = sample.households
    big = pd.concat([base] * 200, ignore_index=True)
    big["id"] = [f"H{i:05d}" for i in range(len(big))]
    rng = np.random.default_rng(1)
    big = gpd.GeoDataFrame(big, geometry=gpd.points_from_xy(rng.random(len(big)), rng.random(len(big))), crs=base.crs)
    old = sample.copy()
    old["households"] = big
    new = old.copy()
    new.households.loc[5000, "persons"] = 99
    assert changed_features(old, new) == {"households": ["H05000"]}
    # Its speed is measured in tests/bench/bench_store.py, not asserted here.


def test_duplicated_ids_are_compared_copy_by_copy(sample):
    old = sample.copy()
    doubled = pd.concat([old.roads, old.roads.iloc[[0]]], ignore_index=True)
    old["roads"] = doubled
    new = old.copy()
    new.roads.loc[len(doubled) - 1, "name"] = "另一条路"
    assert changed_features(old, new) == {"roads": [str(doubled["id"].iloc[0])]}
    assert changed_features(old, old.copy()) == {}
