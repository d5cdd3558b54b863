"""An import never writes what ``check`` rejects (issue 14, defect 10)."""

import geopandas as gpd
from shapely.affinity import translate

from geodata.importing import plan_import, read_source
from geodata.stores import GeoPackageStore
from geodata.validation import validate


def test_a_village_that_would_overlap_its_neighbour_is_refused(sample_copy, tmp_path):
    store = GeoPackageStore(sample_copy)
    dataset = store.read_all()
    villages = dataset.villages.copy()
    # 何庄村 pushed about 100 m west, into its neighbour: several thousand m² of overlap.
    row = villages.index[villages["name"] == "何庄村"][0]
    villages.loc[row, "geometry"] = translate(villages.loc[row, "geometry"], xoff=-0.001)
    path = tmp_path / "villages.geojson"
    gpd.GeoDataFrame(villages, crs="EPSG:4326").to_file(path, driver="GeoJSON")
    assert any(p.severity == "error" and "overlap" in str(p.message) for p in validate(_with(dataset, villages)))
    plan = plan_import(read_source(path), dataset, "villages", mode="replace")
    assert plan.errors, "the import would write villages that check refuses"
    assert any("411771360203" in str(p) and "check" in str(p) for p in plan.errors), [str(p) for p in plan.errors]


def _with(dataset, villages):
    copy = dataset.copy()
    copy["villages"] = villages
    return copy
