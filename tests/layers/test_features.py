"""layers.features: the plain answers the window's forms and panels share."""

import geopandas as gpd
import pytest
from shapely.geometry import box

from geodata.schema import HOUSEHOLDS
from layers import i18n
from layers.features import edit_text, layer_label, next_free_id, village_at, without_personal_values


@pytest.mark.parametrize(
    "ids, prefix, width, expected",
    [
        ([f"CP{n:02d}" for n in range(1, 30)], "CP", 2, "CP30"),
        (["HH001", "HH050", "imported-7"], "HH", 3, "HH051"),
        ([], "DP", 2, "DP01"),
        (["DP99"], "DP", 2, "DP100"),
    ],
)
def test_next_free_id_follows_the_layers_pattern(ids, prefix, width, expected):
    assert next_free_id(ids, prefix, width) == expected


def test_next_free_id_skips_an_id_already_taken_in_another_pattern():
    assert next_free_id(["CP01", "CP02", "X1", "X2", "CP03"], "CP", 2) == "CP04"


def test_personal_values_are_blanked_and_others_kept():
    record = {"id": "HH007", "head_name": " 王秀英 ", "phone": "13800000000", "village": "关王庙村"}
    message = "HH007 王秀英 (13800000000) in 关王庙村: end before start"
    assert without_personal_values(message, record, HOUSEHOLDS) == "HH007 … (…) in 关王庙村: end before start"


def test_empty_personal_values_blank_nothing():
    record = {"head_name": "  ", "phone": None}
    assert without_personal_values("a message", record, HOUSEHOLDS) == "a message"


def test_layer_label_follows_the_language():
    try:
        i18n.set_language("zh")
        assert layer_label("checkpoints") == "监测卡点"
        i18n.set_language("en")
        assert layer_label("households") == HOUSEHOLDS.label_en
    finally:
        i18n.set_language("en")


def test_village_at_names_the_village_under_a_point_and_nothing_outside():
    villages = gpd.GeoDataFrame(
        {"code": ["1", "2"], "name": ["西村", "东村"]},
        geometry=[box(114.00, 33.00, 114.01, 33.01), box(114.01, 33.00, 114.02, 33.01)],
        crs="EPSG:4326",
    )
    assert village_at(villages, 114.005, 33.005) == "西村"
    assert village_at(villages, 114.015, 33.005) == "东村"
    assert village_at(villages, 114.5, 33.5) == ""


def test_edit_text_names_the_edit_in_the_language_in_use():
    assert edit_text("add", "checkpoints", "CP30") == "Add checkpoint CP30"
    assert edit_text("new", "households") == "New household"
    try:
        i18n.set_language("zh")
        chinese = edit_text("delete", "disinfection_points", "DP07")
        assert "DP07" in chinese and chinese != "Delete disinfection point DP07"
    finally:
        i18n.set_language("en")
