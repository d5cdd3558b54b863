"""Values no record can hold are said, row and field named, never raised (issue 14, 9 and 11)."""

import json

import pytest
import shapely

from geodata.importing import plan_import, read_source
from geodata.stores import GeoPackageStore
from tests.geodata.import_helpers import GUANWANGMIAO, INSIDE, household_row, write_csv


@pytest.fixture
def dataset(sample_copy):
    return GeoPackageStore(sample_copy).read_all()


def plan_of(dataset, path, layer="households"):
    return plan_import(read_source(path), dataset, layer)


def said(plan, severity="error"):
    return [(p.where, p.field, str(p)) for p in plan.problems if p.severity == severity]


def test_a_count_too_large_for_any_integer_is_an_error_not_an_overflow(dataset, tmp_path):
    rows = [household_row(1), household_row(2, 人数="99999999999999999999999")]
    plan = plan_of(dataset, write_csv(tmp_path / "h.csv", rows))
    assert [(where, field) for where, field, _ in said(plan)] == [("row 3", "persons")]
    assert "not a usable number" in said(plan)[0][2]


def test_numbers_above_a_fields_maximum_are_refused(dataset, tmp_path):
    rows = [household_row(1, 人数="5000")]
    path = write_csv(tmp_path / "h.csv", rows)
    plan = plan_of(dataset, path)
    assert any(field == "persons" and "above the maximum of 100" in text for _, field, text in said(plan))


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_days_outside_any_plausible_year_are_refused(dataset, tmp_path, day):
    plan = plan_of(dataset, write_csv(tmp_path / "h.csv", [household_row(1, 观察开始=day)]))
    assert [(where, field) for where, field, _ in said(plan)] == [("row 2", "observation_start")]


def test_a_nul_character_is_named_and_never_printed(dataset, tmp_path):
    rows = [household_row(1, 所属村="关王庙\x00村")]
    plan = plan_of(dataset, write_csv(tmp_path / "h.csv", rows))
    texts = [text for _, field, text in said(plan) if field == "village"]
    assert any("NUL" in text for text in texts), texts
    assert all("\x00" not in str(p) for p in plan.problems)


def test_a_nul_in_a_personal_field_is_said_without_the_value(dataset, tmp_path):
    rows = [household_row(1, 户主姓名="张\x00三")]
    plan = plan_of(dataset, write_csv(tmp_path / "h.csv", rows))
    texts = [text for _, field, text in said(plan) if field == "head_name"]
    assert texts and all("张" not in text for text in texts), texts


def _geojson(path, geometry):
    feature = {
        "type": "Feature",
        "geometry": geometry,
        "properties": {
            "id": "G1",
            "village": GUANWANGMIAO,
            "reason": "hubei_return",
            "persons": 2,
            "observation_start": "2020-02-19",
            "status": "observing",
        },
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8")
    return path


def test_a_point_without_coordinates_is_an_error_not_a_crash(dataset, tmp_path):
    plan = plan_of(dataset, _geojson(tmp_path / "empty.geojson", {"type": "Point", "coordinates": []}))
    assert ("feature 1", "geometry") in [(where, field) for where, field, _ in said(plan)]


def test_heights_are_dropped_so_the_layer_stays_flat(dataset, tmp_path):
    point = {"type": "Point", "coordinates": [INSIDE[0], INSIDE[1], 57.5]}
    plan = plan_of(dataset, _geojson(tmp_path / "z.geojson", point))
    assert not said(plan), said(plan)
    assert not shapely.has_z(plan.result.geometry.to_numpy()).any()
    assert any("heights" in text for _, _, text in said(plan, "note"))
