"""Shapefiles both ways (issue 18, item 3): a layer written as a zipped shapefile with the
documented 10-character field names, and shapefiles (ours, or GDAL's own cut names from QGIS's
"Save as") imported back with every field."""

import warnings
import zipfile

import pandas as pd
import pyogrio
import pytest

from geodata.export import ExportError, export_layer
from geodata.importing import plan_import, read_source
from geodata.schema import SCHEMAS, SHAPEFILE_NAMES, shapefile_name
from geodata.stores import GeoPackageStore
from tests.geodata.round_trip import assert_same_records


@pytest.fixture
def dataset(sample_copy):
    return GeoPackageStore(sample_copy).read_all()


def _saved_by_gdal(frame, path):
    """The layer as QGIS's "Save as… ESRI Shapefile" writes it: GDAL cuts names to 10 bytes."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # GDAL's notes on the names it cut
        pyogrio.write_dataframe(frame, path, encoding="UTF-8")
    return path


def _imported(dataset, path, layer):
    plan = plan_import(read_source(path), dataset, layer, mode="replace")
    assert not plan.errors, [str(p) for p in plan.errors]
    return plan


def test_a_checkpoint_shapefile_keeps_staffing(dataset, tmp_path):
    """GDAL writes staffed_24h as staffed_24 and staff_on_shift as staff_on_s: the import used
    to read every checkpoint as not staffed around the clock, with nobody on shift."""
    original = dataset.checkpoints
    assert original["staffed_24h"].any() and original["staff_on_shift"].notna().any()
    plan = _imported(dataset, _saved_by_gdal(original, tmp_path / "checkpoints.shp"), "checkpoints")
    back = plan.result.set_index("id").loc[original["id"]]
    assert back["staffed_24h"].tolist() == original["staffed_24h"].tolist()
    assert back["staff_on_shift"].tolist() == original["staff_on_shift"].tolist()


def test_a_household_shapefile_is_not_refused_for_its_cut_names(dataset, tmp_path):
    """observation_start and observation_days both begin with the same ten letters: GDAL names
    them observatio and observat_1, and the import said observation_start was missing."""
    original = dataset.households
    plan = _imported(dataset, _saved_by_gdal(original, tmp_path / "households.shp"), "households")
    assert_same_records("households", original, plan.result, tolerance=1e-9)


@pytest.mark.parametrize("layer", ["villages", "checkpoints", "households", "disinfection_points", "roads"])
def test_every_layer_saved_by_qgis_imports_back_unchanged(dataset, tmp_path, layer):
    original = dataset[layer]
    plan = _imported(dataset, _saved_by_gdal(original, tmp_path / f"{layer}.shp"), layer)
    assert not plan.columns.unused, plan.columns.unused
    assert_same_records(layer, original, plan.result, tolerance=1e-9)


def test_every_field_has_one_short_name_within_its_layer():
    for name, schema in SCHEMAS.items():
        shorts = [shapefile_name(f.name) for f in schema.fields]
        assert all(len(s.encode("ascii")) <= 10 for s in shorts), name
        assert len(set(shorts)) == len(shorts), name
    assert all(len(short) <= 10 and len(long) > 10 for long, short in SHAPEFILE_NAMES.items())


def test_the_field_name_map_is_documented():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "data-model.md").read_text(encoding="utf-8")
    for long, short in SHAPEFILE_NAMES.items():
        assert f"| `{long}` | `{short}` |" in text, long


@pytest.mark.parametrize("layer", ["checkpoints", "households", "villages", "roads", "disinfection_points"])
def test_an_exported_shapefile_zip_holds_its_parts_in_utf8(dataset, tmp_path, layer):
    path = tmp_path / f"{layer}.zip"
    export_layer(dataset, layer, path, audience="internal", form="import")
    with zipfile.ZipFile(path) as archive:
        names = sorted(archive.namelist())
        assert names == sorted(f"{layer}{suffix}" for suffix in (".shp", ".shx", ".dbf", ".prj", ".cpg"))
        assert archive.read(f"{layer}.cpg").decode().strip() == "UTF-8"
    fields = pyogrio.read_info(f"/vsizip/{path}/{layer}.shp")["fields"].tolist()
    schema = SCHEMAS[layer]
    assert fields == [shapefile_name(f.name) for f in schema.fields]


def test_booleans_dates_and_times_survive_the_dbf(dataset, tmp_path):
    path = tmp_path / "checkpoints.shp.zip"
    export_layer(dataset, "checkpoints", path, audience="internal", form="import")
    info = pyogrio.read_info(f"/vsizip/{path}/checkpoints.shp")
    types = dict(zip(info["fields"], info["dtypes"], strict=True))
    assert types["staffed24h"] == "bool" and types["opened"].startswith("datetime64")
    plan = _imported(dataset, path, "checkpoints")
    assert_same_records("checkpoints", dataset.checkpoints, plan.result)
    rounds = tmp_path / "points.zip"
    export_layer(dataset, "disinfection_points", rounds, audience="internal", form="import")
    plan = _imported(dataset, rounds, "disinfection_points")
    assert_same_records("disinfection_points", dataset.disinfection_points, plan.result)
    assert plan.result["last_disinfected"].dt.minute.any()


def test_an_unzipped_shapefile_of_ours_imports_too(dataset, tmp_path):
    path = tmp_path / "households.zip"
    export_layer(dataset, "households", path, audience="internal", form="import")
    with zipfile.ZipFile(path) as archive:
        archive.extractall(tmp_path / "out")
    plan = _imported(dataset, tmp_path / "out" / "households.shp", "households")
    assert_same_records("households", dataset.households, plan.result)


def test_text_longer_than_a_dbf_cell_is_refused_not_cut(dataset, tmp_path):
    dataset["checkpoints"] = dataset.checkpoints.assign(note=["卡" * 100] + [None] * (len(dataset.checkpoints) - 1))
    path = tmp_path / "checkpoints.zip"
    with pytest.raises(ExportError, match="254"):
        export_layer(dataset, "checkpoints", path, form="import")
    assert not path.exists()


def test_a_table_without_shapes_is_a_dbf_in_the_zip(dataset, tmp_path):
    path = tmp_path / "followups.zip"
    export_layer(dataset, "followups", path, audience="internal", form="import")
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["followups.cpg", "followups.dbf"]
    plan = _imported(dataset, path, "followups")
    assert_same_records("followups", dataset["followups"], plan.result)
    assert pd.api.types.is_bool_dtype(plan.result["symptoms"])


def test_a_zip_of_two_shapefiles_or_none_says_what_it_holds(dataset, tmp_path):
    from geodata.importing import ImportFailure

    one, two = tmp_path / "a.zip", tmp_path / "b.zip"
    export_layer(dataset, "roads", one, form="import")
    export_layer(dataset, "villages", two, form="import")
    both = tmp_path / "both.zip"
    with zipfile.ZipFile(both, "w") as archive:
        for path in (one, two):
            with zipfile.ZipFile(path) as part:
                for name in part.namelist():
                    archive.writestr(name, part.read(name))
    with pytest.raises(ImportFailure, match="one shapefile.*roads, villages"):
        read_source(both)
    (tmp_path / "readme.txt").write_text("说明")
    with zipfile.ZipFile(tmp_path / "none.zip", "w") as archive:
        archive.write(tmp_path / "readme.txt", "readme.txt")
    with pytest.raises(ImportFailure, match="it holds: readme.txt"):
        read_source(tmp_path / "none.zip")
    (tmp_path / "broken.zip").write_bytes(b"not a zip")
    with pytest.raises(ImportFailure, match="cannot be read as ZIP"):
        read_source(tmp_path / "broken.zip")
