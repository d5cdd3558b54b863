"""Export a layer: GeoJSON, CSV (UTF-8 with BOM or GBK), XLSX; public exports hold no personal data."""

import json

import pandas as pd
import pytest
from openpyxl import load_workbook

from geodata.export import ExportError, export_layer
from geodata.importing import plan_import, read_source
from geodata.store import GeoPackageStore

PERSONAL = ("head_name", "phone", "note")


@pytest.fixture
def dataset(sample_copy):
    return GeoPackageStore(sample_copy).read_all()


def test_csv_is_utf8_with_bom_and_has_coordinates(dataset, tmp_path):
    path = tmp_path / "households.csv"
    assert export_layer(dataset, "households", path, audience="internal") == 50
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    assert {"longitude", "latitude", "id", "village"} <= set(frame.columns)
    first = dataset.households.iloc[0]
    assert float(frame.loc[0, "longitude"]) == pytest.approx(first.geometry.x, abs=1e-7)


def test_public_household_export_has_no_home_locations(dataset, tmp_path):
    for suffix in (".csv", ".geojson"):
        path = tmp_path / f"households{suffix}"
        assert export_layer(dataset, "households", path) == 50
        text = path.read_text(encoding="utf-8-sig")
        first = dataset.households.iloc[0].geometry
        assert f"{first.x:.5f}" not in text and "longitude" not in text
        assert "village" in text
    document = json.loads((tmp_path / "households.geojson").read_text(encoding="utf-8"))
    assert all(feature["geometry"] is None for feature in document["features"])
    checkpoints = tmp_path / "checkpoints.csv"
    export_layer(dataset, "checkpoints", checkpoints)
    assert "longitude" in checkpoints.read_text(encoding="utf-8-sig")


def test_gbk_csv_opens_as_gbk(dataset, tmp_path):
    path = tmp_path / "villages.csv"
    export_layer(dataset, "villages", path, encoding="gbk")
    text = path.read_bytes().decode("gbk")
    assert "关王庙村" in text and "wkt" in text.splitlines()[0]


def test_internal_exports_keep_personal_fields_public_ones_never(dataset, tmp_path):
    for audience in ("public", "internal"):
        for suffix in (".csv", ".xlsx", ".geojson"):
            path = tmp_path / f"{audience}{suffix}"
            export_layer(dataset, "households", path, audience=audience)
            if suffix == ".xlsx":
                header = [c.value for c in next(load_workbook(path).active.iter_rows(max_row=1))]
                content = str(header) + str([c.value for c in next(load_workbook(path).active.iter_rows(min_row=2))])
            elif suffix == ".geojson":
                content = path.read_text(encoding="utf-8")
                header = list(json.loads(content)["features"][0]["properties"])
            else:
                content = path.read_text(encoding="utf-8-sig")
                header = content.splitlines()[0].split(",")
            has_personal = bool(set(PERSONAL) & set(header)) or "示例户主" in content
            assert has_personal == (audience == "internal"), (audience, suffix)


def test_geojson_is_wgs84_feature_collection_that_imports_back(dataset, tmp_path):
    path = tmp_path / "checkpoints.geojson"
    export_layer(dataset, "checkpoints", path)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["type"] == "FeatureCollection" and len(document["features"]) == 29
    assert "crs" not in document
    plan = plan_import(read_source(path), dataset, "checkpoints", mode="replace")
    assert not plan.errors, [str(p) for p in plan.problems]
    back = plan.result.set_index("id").sort_index()
    original = dataset.checkpoints.set_index("id").sort_index()
    assert list(back["tier"]) == list(original["tier"])
    assert list(back["opened"]) == list(original["opened"])


def test_xlsx_round_trip_of_a_table(dataset, tmp_path):
    path = tmp_path / "supplies.xlsx"
    count = export_layer(dataset, "supplies", path)
    plan = plan_import(read_source(path), dataset, "supplies", mode="replace")
    assert not plan.errors and len(plan.result) == count


@pytest.mark.parametrize("name, options, message", [
    ("x.shp", {}, "export to .geojson"),
    ("x.csv", {"audience": "everyone"}, "unknown audience"),
    ("x.csv", {"encoding": "latin-1"}, "unknown encoding"),
])
def test_bad_requests_say_what_to_do(dataset, tmp_path, name, options, message):
    with pytest.raises(ExportError, match=message):
        export_layer(dataset, "villages", tmp_path / name, **options)
    assert not (tmp_path / name).exists()
