"""MapState: defaults, checks on every value, JSON round trip, versions, preset files."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geodata.schema import (
    CHECKPOINT_STATUSES,
    CHECKPOINT_TIERS,
    HOUSEHOLD_REASONS,
    HOUSEHOLD_STATUSES,
    LAYERS,
)
from layers.map_state import (
    AUDIENCES,
    BASEMAP_DATUMS,
    VILLAGE_FILLS,
    Filters,
    MapState,
    MapStateError,
    View,
    migrations,
)

WEST_VILLAGE = "411771360201"


def test_defaults_show_everything_to_the_public():
    state = MapState()
    assert state.title == "" and state.as_of is None
    assert state.visible_layers == ("villages", "roads", "checkpoints", "households", "disinfection_points")
    assert state.filters == Filters(
        villages=None,
        checkpoint_tiers=None,
        checkpoint_statuses=None,
        household_reasons=None,
        household_statuses=None,
        observation_days=None,
        overdue_only=False,
    )
    assert state.view == View(bounds=None, center=None, zoom=None)
    assert (state.basemap, state.labels, state.audience) == ("none", True, "public")
    assert state.village_fill == "households_under_observation"


def test_state_is_immutable_and_hashable():
    state = MapState()
    with pytest.raises(dataclasses.FrozenInstanceError):
        state.title = "changed"
    assert hash(state) == hash(MapState())


def test_lists_are_stored_as_tuples():
    state = MapState(visible_layers=["roads", "villages"], filters=Filters(villages=[WEST_VILLAGE]))
    assert state.visible_layers == ("roads", "villages")
    assert state.filters.villages == (WEST_VILLAGE,)
    assert state == MapState(visible_layers=("roads", "villages"), filters=Filters(villages=(WEST_VILLAGE,)))


def test_as_of_is_held_to_the_second():
    state = MapState(as_of=dt.datetime(2020, 2, 19, 18, 0, 5, 123456))
    assert state.as_of == dt.datetime(2020, 2, 19, 18, 0, 5)
    assert MapState(as_of=dt.date(2020, 2, 19)).as_of == dt.datetime(2020, 2, 19)


def test_replace_and_with_filters_return_changed_copies():
    state = MapState(title="全乡")
    internal = state.replace(audience="internal")
    overdue = state.with_filters(overdue_only=True, checkpoint_tiers=["district"])
    assert internal.audience == "internal" and internal.title == "全乡"
    assert overdue.filters.overdue_only and overdue.filters.checkpoint_tiers == ("district",)
    assert state == MapState(title="全乡")  # the original is untouched


def test_replace_checks_like_the_constructor():
    with pytest.raises(MapStateError, match=r"^audience: 'everyone' is not one of public, internal$"):
        MapState().replace(audience="everyone")
    with pytest.raises(MapStateError, match=r"^colour: unknown key"):
        MapState().replace(colour="red")
    with pytest.raises(MapStateError, match=r"^filters\.tier: unknown key"):
        MapState().with_filters(tier=("district",))


def test_to_dict_is_plain_json_with_version_first():
    state = MapState(as_of=dt.datetime(2020, 2, 19, 18, 0), filters=Filters(observation_days=(1, 3)))
    data = state.to_dict()
    assert list(data)[0] == "version" and data["version"] == 1
    assert data["as_of"] == "2020-02-19T18:00:00"
    assert data["filters"]["observation_days"] == [1, 3]
    assert data["visible_layers"] == list(state.visible_layers)
    assert json.loads(state.to_json()) == data
    assert MapState().to_dict()["as_of"] is None


def test_json_keeps_chinese_readable():
    text = MapState(title="关王庙乡疫情防控态势图").to_json()
    assert "关王庙乡疫情防控态势图" in text and "\\u" not in text


def test_missing_keys_take_defaults_and_missing_version_is_one():
    assert MapState.from_dict({}) == MapState()
    assert MapState.from_dict({"title": "晨报", "filters": {"overdue_only": True}}) == MapState(
        title="晨报", filters=Filters(overdue_only=True)
    )


def test_as_of_reads_iso_text_with_or_without_seconds():
    assert MapState.from_dict({"as_of": "2020-02-19T18:00"}).as_of == dt.datetime(2020, 2, 19, 18)
    assert MapState.from_dict({"as_of": "2020-02-19"}).as_of == dt.datetime(2020, 2, 19)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"colour": "red"}, "colour: unknown key"),
        ({"filters": {"tier": ["district"]}}, "filters.tier: unknown key"),
        ({"view": {"zoom_level": 12}}, "view.zoom_level: unknown key"),
        (
            {"filters": {"checkpoint_tiers": ["county"]}},
            "filters.checkpoint_tiers: 'county' is not one of district, village, natural_village, compound",
        ),
        ({"filters": {"checkpoint_statuses": ["open"]}}, "filters.checkpoint_statuses: 'open' is not one of"),
        ({"filters": {"household_reasons": ["travel"]}}, "filters.household_reasons: 'travel' is not one of"),
        ({"filters": {"household_statuses": ["sick"]}}, "filters.household_statuses: 'sick' is not one of"),
        (
            {"filters": {"villages": WEST_VILLAGE}},
            f"filters.villages: expected a list or null, got str '{WEST_VILLAGE}'",
        ),
        ({"filters": {"observation_days": [0, 3]}}, "filters.observation_days: days must be within 1..14, got [0, 3]"),
        ({"filters": {"observation_days": [5, 2]}}, "filters.observation_days: first day 5 is after last day 2"),
        ({"filters": {"observation_days": [1, 15]}}, "filters.observation_days: days must be within 1..14"),
        (
            {"filters": {"observation_days": [1.5, 3]}},
            "filters.observation_days: expected a whole number, got float 1.5",
        ),
        ({"filters": {"overdue_only": "yes"}}, "filters.overdue_only: expected true or false, got str 'yes'"),
        ({"filters": []}, "filters: expected a JSON object, got list []"),
        ({"audience": "everyone"}, "audience: 'everyone' is not one of public, internal"),
        ({"village_fill": "population"}, "village_fill: 'population' is not one of households_under_observation, none"),
        ({"view": {"bounds": [114.1, 33.0, 114.0, 33.1]}}, "view.bounds: west 114.1 must be less than east 114.0"),
        ({"view": {"bounds": [114.0, 33.1, 114.1, 33.0]}}, "view.bounds: south 33.1 must be less than north 33.0"),
        ({"view": {"bounds": [114.0, 33.0, 114.1]}}, "view.bounds: expected [west, south, east, north]"),
        ({"view": {"bounds": [114.0, -95.0, 114.1, 33.0]}}, "view.bounds: -95.0 is outside -90..90"),
        ({"view": {"center": [33.0, 190.0]}}, "view.center: 190.0 is outside -180..180"),
        ({"view": {"zoom": "near"}}, "view.zoom: expected a number, got str 'near'"),
        ({"as_of": "yesterday"}, "as_of: 'yesterday' is not a date and time"),
        ({"as_of": 20200219}, "as_of: expected a date and time (YYYY-MM-DDTHH:MM:SS) or null, got int 20200219"),
        ({"as_of": "2020-02-19T18:00:00+08:00"}, "as_of: expected local time without a time zone"),
        ({"version": 99}, "version: this view preset has format version 99, written by a newer application"),
        ({"version": "1"}, "version: expected a whole number from 1, got str '1'"),
        ({"visible_layers": ["rivers"]}, "visible_layers: 'rivers' is not one of villages, checkpoints"),
        ({"visible_layers": ["roads", "roads"]}, "visible_layers: 'roads' listed more than once"),
        ({"labels": 1}, "labels: expected true or false, got int 1"),
        ({"title": None}, "title: expected text, got NoneType None"),
        ({"basemap": "local:"}, "basemap: 'local:' must be followed by a tile folder"),
        (
            {"basemap": "http://tiles/{z}"},
            "basemap: 'http://tiles/{z}' is not 'none', 'local:<folder>', 'mbtiles:<file>' or a provider key",
        ),
    ],
)
def test_bad_values_are_refused_naming_the_key(data, message):
    with pytest.raises(MapStateError) as caught:
        MapState.from_dict(data)
    assert str(caught.value).startswith(message)


def test_constructor_checks_values_too():
    with pytest.raises(MapStateError, match=r"^filters\.checkpoint_tiers: 'county'"):
        Filters(checkpoint_tiers=("county",))
    with pytest.raises(MapStateError, match=r"^view\.zoom: 31\.0 is outside 0\.\.30$"):
        View(zoom=31.0)
    with pytest.raises(MapStateError, match=r"^filters: expected a Filters, got dict"):
        MapState(filters={"overdue_only": True})


def test_not_json_is_a_clear_error():
    with pytest.raises(MapStateError, match="^not valid JSON: "):
        MapState.from_json("{version: 1")
    with pytest.raises(MapStateError, match="^a map state must be a JSON object, got list"):
        MapState.from_json("[]")


def test_older_version_is_upgraded_through_the_migrations(monkeypatch):
    # Pretend the format is at version 2, which renamed "caption" to "title".
    def caption_to_title(data):
        data = dict(data)
        data["title"] = data.pop("caption")
        return data

    monkeypatch.setattr(migrations, "MAPSTATE_VERSION", 2)
    monkeypatch.setattr(migrations, "MIGRATIONS", {1: caption_to_title})
    assert MapState.from_dict({"version": 1, "caption": "早报"}) == MapState(title="早报")
    assert MapState.from_dict({"caption": "早报"}) == MapState(title="早报")
    assert MapState.from_dict({"version": 2, "title": "早报"}).to_dict()["version"] == 2


def test_save_and_load_through_a_file(tmp_path):
    state = MapState(
        title="关王庙乡 2月19日",
        as_of=dt.datetime(2020, 2, 19, 18),
        audience="internal",
        filters=Filters(villages=(WEST_VILLAGE,), household_statuses=("observing",), observation_days=(12, 14)),
        view=View(bounds=(113.9, 32.95, 114.05, 33.05)),
    )
    path = tmp_path / "早报.json"
    state.save(path)
    assert MapState.load(path) == state
    assert "关王庙乡 2月19日" in path.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["早报.json"]  # no staging file left behind


def test_load_errors_name_the_file(tmp_path):
    bad_value = tmp_path / "bad.json"
    bad_value.write_text('{"audience": "everyone"}', encoding="utf-8")
    with pytest.raises(MapStateError, match=rf"^{tmp_path}/bad\.json: audience: 'everyone'"):
        MapState.load(bad_value)
    broken = tmp_path / "broken.json"
    broken.write_text('{"title": ', encoding="utf-8")
    with pytest.raises(MapStateError, match=rf"^{tmp_path}/broken\.json: not valid JSON"):
        MapState.load(broken)
    with pytest.raises(MapStateError, match=rf"^{tmp_path}/missing\.json: cannot read"):
        MapState.load(tmp_path / "missing.json")


# -- round trip of any valid state ---------------------------------------------------------


def optional_subset(choices):
    return st.none() | st.lists(st.sampled_from(choices), unique=True).map(tuple)


longitudes = st.floats(min_value=-180, max_value=180, allow_nan=False)
latitudes = st.floats(min_value=-90, max_value=90, allow_nan=False)


@st.composite
def bounds(draw):
    west, east = sorted(draw(st.lists(longitudes, min_size=2, max_size=2, unique=True)))
    south, north = sorted(draw(st.lists(latitudes, min_size=2, max_size=2, unique=True)))
    return (west, south, east, north)


@st.composite
def day_ranges(draw):
    first, last = sorted(draw(st.lists(st.integers(1, 14), min_size=2, max_size=2)))
    return (first, last)


filters = st.builds(
    Filters,
    villages=st.none() | st.lists(st.text(min_size=1, max_size=12)).map(tuple),
    checkpoint_tiers=optional_subset(CHECKPOINT_TIERS),
    checkpoint_statuses=optional_subset(CHECKPOINT_STATUSES),
    household_reasons=optional_subset(HOUSEHOLD_REASONS),
    household_statuses=optional_subset(HOUSEHOLD_STATUSES),
    observation_days=st.none() | day_ranges(),
    overdue_only=st.booleans(),
)
views = st.builds(
    View,
    bounds=st.none() | bounds(),
    center=st.none() | st.tuples(latitudes, longitudes),
    zoom=st.none() | st.floats(min_value=0, max_value=30),
)
map_states = st.builds(
    MapState,
    title=st.text(max_size=40) | st.sampled_from(["关王庙乡疫情防控态势图", "杨楼村 · 晨报"]),
    as_of=st.none() | st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1)),
    visible_layers=st.lists(st.sampled_from(tuple(LAYERS)), unique=True).map(tuple),
    filters=filters,
    view=views,
    basemap=st.sampled_from(["none", "osm", "Gaode.Normal", "local:/srv/tiles/关王庙", "mbtiles:/媒体/U盘/乡.mbtiles"]),
    labels=st.booleans(),
    audience=st.sampled_from(AUDIENCES),
    village_fill=st.sampled_from(VILLAGE_FILLS),
    basemap_datum=st.sampled_from(BASEMAP_DATUMS),
)


@given(map_states)
@settings(max_examples=60, deadline=None)
def test_any_state_survives_json(state):
    assert MapState.from_json(state.to_json()) == state
