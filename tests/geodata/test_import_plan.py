"""From a file's rows to a layer: columns, values, locations, villages, modes, and the write."""

import numpy as np
import pandas as pd
import pytest
import shapely
from openpyxl import Workbook
from pyproj import Geod

from geodata.chinese_crs import wgs84_to_bd09, wgs84_to_gcj02
from geodata.feedback import Cancelled, Feedback
from geodata.importing import ImportCancelled, ImportFailure, apply_plan, import_file, plan_import, read_source
from geodata.stores import GeoPackageStore
from tests.geodata.import_helpers import (
    GUANWANGMIAO,
    HEADER,
    INSIDE,
    assert_same_layers,
    household_row,
    layers_of,
    write_csv,
)


def plan_for(store, path, layer="households", **options):
    return plan_import(read_source(path), store.read_all(), layer, **options)


def messages(plan, severity=None):
    return [str(p) for p in plan.problems if severity is None or p.severity == severity]


@pytest.fixture
def store(sample_copy):
    return GeoPackageStore(sample_copy)


def test_chinese_headers_values_and_dates_become_schema_values(store, tmp_path):
    rows = [
        household_row(1, 观察开始="2020年2月19日", 人数="3人", 状态="观察中"),
        household_row(2, 观察开始="2020/2/18", 观察原因="武汉返乡", 所属村=GUANWANGMIAO),
        household_row(3, 观察开始="43880", 观察原因="close contact", 所属村="关王庙"),
    ]
    plan = plan_for(store, write_csv(tmp_path / "h.csv", rows, encoding="gbk"))
    assert not plan.errors, messages(plan)
    new = plan.result.set_index("id").loc[["IMP0001", "IMP0002", "IMP0003"]]
    assert list(new["observation_start"]) == [
        pd.Timestamp("2020-02-19"),
        pd.Timestamp("2020-02-18"),
        pd.Timestamp("2020-02-19"),
    ]  # 43880 is Excel's 2020-02-19
    assert list(new["reason"]) == ["hubei_return", "wuhan_return", "close_contact"]
    assert list(new["village"]) == [GUANWANGMIAO] * 3
    assert new.loc["IMP0001", "persons"] == 3
    assert plan.counts == {"added": 3, "updated": 0, "skipped": 0, "removed": 0}


def test_xlsx_dates_and_checkpoint_tiers_by_chinese_name(store, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["编号", "名称", "级别", "所属村", "状态", "设立日期", "东经", "北纬"])
    sheet.append(
        [
            "CPX1",
            "新卡点",
            "区级",
            "关王庙村",
            "值守中",
            pd.Timestamp("2020-02-01").to_pydatetime(),
            INSIDE[0],
            INSIDE[1],
        ]
    )
    sheet.append(["CPX2", "新卡点二", "小区", "关王庙村", "拟设", 43862, "113°57'59\"E", "33°0'2\"N"])
    path = tmp_path / "checkpoints.xlsx"
    book.save(path)
    plan = plan_for(store, path, layer="checkpoints")
    assert not plan.errors, messages(plan)
    new = plan.result.set_index("id").loc[["CPX1", "CPX2"]]
    assert list(new["tier"]) == ["district", "compound"]
    assert list(new["opened"]) == [pd.Timestamp("2020-02-01")] * 2
    point = new.loc["CPX2", "geometry"]
    assert point.x == pytest.approx(113 + 57 / 60 + 59 / 3600) and point.y == pytest.approx(33 + 2 / 3600)


def test_one_lat_lng_column(store, tmp_path):
    rows = [
        {
            "编号": "P1",
            "村": "关王庙村",
            "原因": "发热",
            "人数": "1",
            "开始日期": "2020-02-19",
            "状态": "观察中",
            "lat,lng": f"{INSIDE[1]},{INSIDE[0]}",
        }
    ]
    plan = plan_for(store, write_csv(tmp_path / "p.csv", rows))
    assert not plan.errors, messages(plan)
    point = plan.rows.geometry.iloc[0]
    assert (point.x, point.y) == pytest.approx(INSIDE)


@pytest.mark.parametrize("crs, forward", [("gcj02", wgs84_to_gcj02), ("bd09", wgs84_to_bd09)])
def test_app_coordinates_are_taken_back_to_wgs84(store, tmp_path, crs, forward):
    lon, lat = forward(*INSIDE)
    rows = [household_row(1, 经度=f"{float(lon):.7f}", 纬度=f"{float(lat):.7f}")]
    plan = plan_for(store, write_csv(tmp_path / "app.csv", rows), crs=crs)
    point = plan.rows.geometry.iloc[0]
    assert abs(Geod(ellps="WGS84").inv(point.x, point.y, *INSIDE)[2]) < 1.0


def test_map_app_points_read_as_wgs84_are_caught_with_advice(store, tmp_path):
    # A Baidu point is ~1.2 km off: a point near the township's edge lands outside it.
    township = shapely.union_all(store.read("villages").geometry.to_numpy())
    west, south, east, north = township.bounds
    grid = [(x, y) for x in np.arange(west, east, 0.002) for y in np.arange(south, north, 0.002)]
    moved = [(x, y) + tuple(map(float, wgs84_to_bd09(x, y))) for x, y in grid]
    lon, lat = next(
        (bx, by)
        for x, y, bx, by in moved
        if township.contains(shapely.Point(x, y)) and township.distance(shapely.Point(bx, by)) > 0.002
    )
    rows = [household_row(1, 经度=f"{float(lon):.7f}", 纬度=f"{float(lat):.7f}", 所属村="")]
    plan = plan_for(store, write_csv(tmp_path / "baidu.csv", rows))
    text = "\n".join(messages(plan))
    assert "outside the township" in text and "--crs bd09" in text


def test_swapped_columns_are_read_the_right_way_round_with_a_warning(store, tmp_path):
    rows = [household_row(i, 经度=f"{INSIDE[1]}", 纬度=f"{INSIDE[0]}") for i in range(1, 4)]
    plan = plan_for(store, write_csv(tmp_path / "swapped.csv", rows))
    assert any("swapped in all 3 rows" in m for m in messages(plan, "warning"))
    assert (plan.rows.geometry.x.iloc[0], plan.rows.geometry.y.iloc[0]) == pytest.approx(INSIDE)
    assert not plan.can_write() and plan.can_write(accept_warnings=True)


def test_projected_metres_given_as_degrees_name_the_likely_system(store, tmp_path):
    from pyproj import Transformer

    x, y = Transformer.from_crs("EPSG:4326", "EPSG:4526", always_xy=True).transform(*INSIDE)
    rows = [household_row(i, 经度=f"{x:.2f}", 纬度=f"{y:.2f}") for i in range(1, 3)]
    path = write_csv(tmp_path / "gk.csv", rows)
    plan = plan_for(store, path)
    assert any("EPSG:4526" in m and "projected metres" in m for m in messages(plan, "error"))
    fixed = plan_for(store, path, crs="EPSG:4526")
    assert not fixed.errors, messages(fixed)
    assert (fixed.rows.geometry.x.iloc[0], fixed.rows.geometry.y.iloc[0]) == pytest.approx(INSIDE, abs=1e-6)


def test_village_from_the_polygon_when_the_cell_is_empty_and_unknown_names_listed(store, tmp_path):
    rows = [household_row(1, 所属村=""), household_row(2, 所属村="不存在村")]
    plan = plan_for(store, write_csv(tmp_path / "v.csv", rows))
    assert plan.rows["village"].iloc[0] == GUANWANGMIAO
    [problem] = [p for p in plan.errors if p.field == "village"]
    assert problem.where == "row 3" and "不存在村" in problem.message and "关王庙村 (411771360200)" in problem.message


def test_every_problem_names_file_row_and_field_and_no_personal_value(store, tmp_path):
    rows = [
        household_row(
            1,
            人数="many",
            观察原因="火星",
            观察开始="2020-13-45",
            户主姓名="秘密姓名",
            联系电话="13912345678",
            经度="abc",
        )
    ]
    plan = plan_for(store, write_csv(tmp_path / "bad.csv", rows))
    fields = {(p.where, p.field) for p in plan.errors}
    assert {("row 2", "persons"), ("row 2", "reason"), ("row 2", "observation_start"), ("row 2", "geometry")} <= fields
    assert all(p.file == "bad.csv" for p in plan.problems)
    text = "\n".join(messages(plan))
    assert "秘密姓名" not in text and "13912345678" not in text


def test_missing_required_columns_are_named_in_chinese(store, tmp_path):
    path = write_csv(tmp_path / "few.csv", [{"编号": "A1", "经度": INSIDE[0], "纬度": INSIDE[1]}])
    plan = plan_for(store, path)
    missing = {p.field for p in plan.errors if p.where is None}
    assert {"reason", "persons", "observation_start"} <= missing
    assert "status" not in missing  # a list without statuses is of households under observation
    assert any("观察原因" in p.message for p in plan.errors)


def test_append_skips_existing_ids_and_reports_them(store, tmp_path):
    rows = [household_row(1), household_row(2, 编号="HH001")]
    plan = plan_for(store, write_csv(tmp_path / "a.csv", rows))
    [duplicate] = plan.warnings
    assert duplicate.where == "row 3" and duplicate.field == "id" and "HH001" in duplicate.message
    apply_plan(store, plan, accept_warnings=True)
    households = store.read("households")
    assert "IMP0001" in set(households["id"])
    assert (households["id"] == "HH001").sum() == 1


def test_update_changes_only_the_given_cells(store, tmp_path):
    before = store.read("households").set_index("id").loc["HH001"]
    path = write_csv(tmp_path / "u.csv", [{"编号": "HH001", "状态": "已转诊", "解除/转诊日期": "2020-02-20"}])
    plan = plan_for(store, path, mode="update")
    assert not plan.errors, messages(plan)
    apply_plan(store, plan)
    after = store.read("households").set_index("id").loc["HH001"]
    assert after["status"] == "escalated" and after["status_date"] == pd.Timestamp("2020-02-20")
    assert after["persons"] == before["persons"] and after["head_name"] == before["head_name"]
    assert after["geometry"].equals(before["geometry"])
    missing = plan_for(store, write_csv(tmp_path / "m.csv", [{"编号": "NOPE", "状态": "已解除"}]), mode="update")
    assert any("no feature 'NOPE'" in p.message for p in missing.errors)


def test_replace_makes_the_file_the_whole_layer(store, tmp_path):
    plan = plan_for(store, write_csv(tmp_path / "r.csv", [household_row(1), household_row(2)]), mode="replace")
    assert plan.counts["removed"] == 50 and plan.removes_most
    apply_plan(store, plan, allow_removal=True)
    assert sorted(store.read("households")["id"]) == ["IMP0001", "IMP0002"]


@pytest.mark.parametrize("layer", ["households", "supplies"])
def test_a_replace_removing_most_of_the_layer_is_refused_without_consent(store, sample_copy, tmp_path, layer):
    before = layers_of(sample_copy)
    header = HEADER if layer == "households" else ["scope", "date", "item", "quantity"]
    path = tmp_path / "header-only.csv"
    path.write_text(",".join(header) + "\n", encoding="utf-8")
    plan = plan_for(store, path, layer=layer, mode="replace")
    count = len(before[layer])
    assert plan.can_write() and plan.removed == count > 0 and plan.removes_most
    with pytest.raises(ImportFailure, match=rf"header-only.csv: replacing {layer} .* remove {count} of its {count}"):
        apply_plan(store, plan)
    assert_same_layers(before, layers_of(sample_copy))
    apply_plan(store, plan, allow_removal=True)
    assert len(store.read(layer)) == 0


def test_errors_write_nothing(store, sample_copy, tmp_path):
    before = layers_of(sample_copy)
    path = write_csv(tmp_path / "bad.csv", [household_row(1), household_row(2, 人数="0")])
    with pytest.raises(ImportFailure, match="1 error"):
        import_file(store, path, "households")
    assert_same_layers(before, layers_of(sample_copy))


def test_dry_run_writes_nothing(store, sample_copy, tmp_path):
    before = layers_of(sample_copy)
    plan = import_file(store, write_csv(tmp_path / "ok.csv", [household_row(1)]), "households", dry_run=True)
    assert plan.can_write() and plan.counts["added"] == 1
    assert_same_layers(before, layers_of(sample_copy))


def test_an_import_reports_one_rising_progress_and_a_cancel_writes_nothing(store, sample_copy, tmp_path):
    path = write_csv(tmp_path / "ok.csv", [household_row(i) for i in range(1, 30)])
    heard = []
    import_file(store, path, "households", dry_run=True, feedback=Feedback(lambda f, m: heard.append(f)))
    assert heard == sorted(heard) and heard[0] == 0.0 and heard[-1] == 1.0  # reading, then checking
    before = layers_of(sample_copy)
    feedback = Feedback(lambda f, m: feedback.cancel() if m == "checking rows" else None)
    with pytest.raises(Cancelled):
        import_file(store, path, "households", feedback=feedback)
    assert_same_layers(before, layers_of(sample_copy))
    assert ImportCancelled is Cancelled  # the name callers caught before keeps catching


def test_a_layer_changed_since_the_check_is_not_overwritten(store, tmp_path):
    plan = plan_for(store, write_csv(tmp_path / "ok.csv", [household_row(1)]))
    other = store.read("households")
    store.write({"households": other.iloc[1:]})  # another desk removes a household meanwhile
    with pytest.raises(ImportFailure, match="changed since"):
        apply_plan(store, plan)
    assert len(store.read("households")) == len(other) - 1


def test_geojson_boundaries_in_gcj02_replace_the_villages(store, tmp_path):
    import json

    square = np.array([[113.95, 32.99], [113.97, 32.99], [113.97, 33.01], [113.95, 33.01], [113.95, 32.99]])
    lon, lat = wgs84_to_gcj02(square[:, 0], square[:, 1])
    document = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"adcode": 411771360200, "name": "关王庙村", "center": [1, 2]},
                "geometry": {"type": "Polygon", "coordinates": [np.column_stack([lon, lat]).tolist()]},
            }
        ],
    }
    path = tmp_path / "villages.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    plan = plan_for(store, path, layer="villages", crs="gcj02", mode="replace")
    assert not plan.errors, messages(plan)
    assert any(p.severity == "note" and p.field == "center" for p in plan.problems)
    assert any("name a village code that is not in this file" in p.message for p in plan.warnings)
    shape = plan.result.geometry.iloc[0]
    assert shapely.equals_exact(shape.exterior, shapely.LinearRing(square), tolerance=1e-7)
    assert plan.result["code"].iloc[0] == "411771360200"


def test_projected_shapefile_with_prj_is_brought_to_wgs84(store, tmp_path):
    import geopandas as gpd
    from shapely.geometry import LineString

    roads = gpd.GeoDataFrame(
        {"编号": ["R9"], "名称": ["关王庙路"], "等级": ["县道"]},
        geometry=[LineString([(113.95, 33.0), (113.99, 33.01)])],
        crs=4326,
    ).to_crs(4547)
    roads.to_file(tmp_path / "roads.shp", encoding="GBK")
    plan = plan_for(store, tmp_path / "roads.shp", layer="roads")
    assert plan.crs == "EPSG:4547" and not plan.problems
    new = plan.result.set_index("id").loc["R9"]
    assert new["road_class"] == "county" and new["name"] == "关王庙路"
    assert shapely.equals_exact(new.geometry, LineString([(113.95, 33.0), (113.99, 33.01)]), tolerance=1e-7)
