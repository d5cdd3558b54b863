"""Exports for people, which import back (issue 18, item 2): labels for headers, names for
codes, words for values, dates as dates; every layer in every format, in both forms, imports
back to the same records."""

import csv
import datetime as dt
import json
import zipfile

import pyogrio
import pytest
from openpyxl import load_workbook

from geodata.export import export_layer, written_path
from geodata.importing import apply_plan, plan_import, read_source
from geodata.schema import SCHEMAS
from geodata.stores import GeoPackageStore
from tests.geodata.round_trip import assert_same_records

SUFFIXES = (".csv", ".xlsx", ".geojson", ".gpkg", ".shp")
FORMS = (("import", "zh"), ("people", "zh"), ("people", "en"))


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    import shutil

    from geodata.sample.bundled import bundled_sample_path

    path = tmp_path_factory.mktemp("sample") / "sample.gpkg"
    shutil.copyfile(bundled_sample_path(), path)
    return path


@pytest.mark.parametrize("form, lang", FORMS, ids=lambda v: v)
@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize("layer", list(SCHEMAS))
def test_every_layer_in_every_format_imports_back_unchanged(sample, tmp_path, layer, suffix, form, lang):
    import shutil

    fresh = tmp_path / "fresh.gpkg"
    shutil.copyfile(sample, fresh)
    store = GeoPackageStore(fresh)
    dataset = store.read_all()
    original = dataset[layer].copy()
    assert len(original), layer
    path = tmp_path / f"{layer}{suffix}"
    assert export_layer(dataset, layer, path, audience="internal", form=form, lang=lang) == len(original)
    plan = plan_import(read_source(written_path(path)), dataset, layer, mode="replace")
    assert not plan.errors, [str(p) for p in plan.errors[:5]]
    assert not plan.columns.unused, plan.columns.unused
    apply_plan(store, plan, accept_warnings=True)
    assert_same_records(layer, original, GeoPackageStore(fresh).read(layer))


@pytest.fixture
def dataset(sample_copy):
    return GeoPackageStore(sample_copy).read_all()


def test_a_households_sheet_for_people_reads_as_people_write_it(dataset, tmp_path):
    path = tmp_path / "观察户.xlsx"
    export_layer(dataset, "households", path, audience="internal", form="people", lang="zh")
    sheet = load_workbook(path).active
    header = [c.value for c in sheet[1]]
    assert header[:8] == ["编号", "所属村", "村民组", "观察原因", "人数", "观察开始", "观察天数", "状态"]
    assert header[-2:] == ["经度", "纬度"]
    first = {name: cell.value for name, cell in zip(header, sheet[2], strict=True)}
    record = dataset.households.iloc[0]
    assert first["所属村"] == "关王庙村" and first["观察原因"] == "武汉返乡" and first["状态"] == "已解除"
    assert first["观察开始"] == dt.datetime(2020, 1, 24) and sheet["F2"].number_format == "YYYY-MM-DD"
    assert first["最近随访"] == record["last_check"] and sheet["J2"].number_format == "YYYY-MM-DD HH:MM"
    assert first["体温异常"] == "否" and first["户主姓名"] == record["head_name"]
    assert first["经度"] == pytest.approx(record.geometry.x, abs=1e-7)
    assert sheet.freeze_panes == "A2"
    assert not any("4117713602" in str(c.value) for row in sheet.iter_rows() for c in row)


def test_english_headers_and_words(dataset, tmp_path):
    path = tmp_path / "checkpoints.csv"
    export_layer(dataset, "checkpoints", path, form="people", lang="en")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0])[:5] == ["ID", "Name", "Tier", "Village", "Status"]
    assert {row["Status"] for row in rows} <= {"Active", "Closed", "Proposed"}
    assert rows[0]["Staffed 24 h"] in ("yes", "no") and rows[0]["Opened"].startswith("2020-01-")
    assert "Longitude" in rows[0] and rows[0]["Village"] == "熊楼村"  # CP01 stands in 熊楼村


def test_villages_sharing_a_name_keep_their_codes(dataset, tmp_path):
    villages = dataset.villages.copy()
    villages.loc[1, "name"] = villages.loc[0, "name"]
    dataset["villages"] = villages
    shared = set(villages.loc[:1, "code"])
    path = tmp_path / "households.csv"
    export_layer(dataset, "households", path, audience="internal", form="people")
    text = path.read_text(encoding="utf-8-sig")
    assert all(code in text for code in shared & set(dataset.households["village"]))
    plan = plan_import(read_source(path), dataset, "households", mode="replace")
    assert not plan.errors, [str(p) for p in plan.errors[:3]]
    assert_same_records("households", dataset.households, plan.result)


def test_a_supplies_table_names_the_township(dataset, tmp_path):
    path = tmp_path / "物资.csv"
    export_layer(dataset, "supplies", path, form="people", lang="zh")
    text = path.read_text(encoding="utf-8-sig")
    assert "关王庙乡" in text and "411771360" not in text and "口罩" in text
    plan = plan_import(read_source(path), dataset, "supplies", mode="replace")
    assert set(plan.result["scope"]) == {"411771360"}


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_a_public_export_for_people_holds_no_personal_data_nor_homes(dataset, tmp_path, suffix):
    path = tmp_path / f"households{suffix}"
    export_layer(dataset, "households", path, form="people", lang="zh")
    path = written_path(path)
    if suffix == ".xlsx":
        content = str([[c.value for c in row] for row in load_workbook(path).active.iter_rows()])
    elif suffix in (".gpkg", ".shp"):
        target = f"/vsizip/{path}/households.dbf" if suffix == ".shp" else path
        frame = pyogrio.read_dataframe(target)
        assert "geometry" not in frame or frame.geometry.isna().all()
        content = frame.to_csv()
        if suffix == ".shp":
            assert "households.shp" not in zipfile.ZipFile(path).namelist()
    else:
        content = path.read_text(encoding="utf-8-sig")
    first = dataset.households.iloc[0]
    for personal in ("示例户主", "户主姓名", "联系电话", "000-0000-0001", "经度", f"{first.geometry.x:.5f}"):
        assert personal not in content, (suffix, personal)
    assert "所属村" in content or suffix == ".shp"
    if suffix == ".geojson":
        assert all(f["geometry"] is None for f in json.loads(content)["features"])


def test_the_import_form_is_the_old_export(dataset, tmp_path):
    """--for import: field names and codes, exactly as before the people form existed."""
    path = tmp_path / "households.csv"
    export_layer(dataset, "households", path, audience="internal", form="import")
    header = path.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header == [*SCHEMAS["households"].field_names, "longitude", "latitude"]
    assert "wuhan_return" in path.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_gbk_csv_for_people_holds_every_label_and_word_and_imports_back(dataset, tmp_path, lang):
    for layer in SCHEMAS:
        path = tmp_path / f"{layer}-{lang}.csv"
        export_layer(dataset, layer, path, audience="internal", form="people", lang=lang, encoding="gbk")
        path.read_bytes().decode("gbk")  # an English table of codes may be plain ASCII, read as UTF-8 too
        source = read_source(path)
        plan = plan_import(source, dataset, layer, mode="replace")
        assert not plan.errors and not plan.columns.unused, (layer, [str(p) for p in plan.errors[:3]])
        assert_same_records(layer, dataset[layer], plan.result)
