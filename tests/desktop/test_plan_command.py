"""`situation-map plan`: coverage before and after, proposals, files; clear failures."""

import json
import os

import numpy as np
import pytest
import shapely

from desktop.cli import main
from desktop.commands.common import EXIT_FAILED, EXIT_OK
from geodata.stores import GeoPackageStore
from layers import i18n
from layers.map_state import MapState
from tests.desktop.pagetools import evaluate, grab, open_map
from tests.layers.planning_factories import METRIC, AlongRoads, coverage_in_straight_line, to_metric

SHOTS = os.environ.get("PLANNING_SHOTS")  # a folder: save screenshots there to look at


def coverage_by_brute_force(data_path, site_lonlat, radius=300.0):
    return coverage_in_straight_line(GeoPackageStore(data_path).read_all(), site_lonlat, radius)


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    i18n.set_language("en")  # the command sets the language for the whole process


def test_plan_prints_coverage_and_writes_proposals_and_a_planning_preset(tmp_path, sample_copy, capsys):
    out, preset = tmp_path / "proposals.geojson", tmp_path / "plan.json"
    code = main(
        [
            "plan",
            "--data",
            str(sample_copy),
            "--add",
            "2",
            "--out",
            str(out),
            "--save-state",
            str(preset),
            "--lang",
            "en",
        ]
    )
    printed = capsys.readouterr()
    assert code == EXIT_OK
    existing, planned, total = coverage_by_brute_force(
        sample_copy, [f["geometry"]["coordinates"] for f in json.loads(out.read_text(encoding="utf-8"))["features"]]
    )
    assert f"Covered {existing}/{total} by existing checkpoints" in printed.out
    assert f"{planned}/{total} with the 2 proposed sites" in printed.out
    assert "Proposed new checkpoints: 2, maximal covering (MCLP)" in printed.out
    assert "[100 %] Done" in printed.err  # progress on the command line
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    assert [f["properties"]["key"] for f in features] == ["P1", "P2"]
    for feature in features:  # each printed with its coordinates and village
        lon, lat = feature["geometry"]["coordinates"]
        assert f"{lon:.5f} E  {lat:.5f} N  {feature['properties']['village_name']}" in printed.out
    state = MapState.load(preset)
    assert [s.label for s in state.planning.proposed] == ["P1", "P2"]
    assert len(GeoPackageStore(sample_copy).read_all().checkpoints) == 29  # planning changes no data


def test_fewest_checkpoints_cover_everything(sample_copy, capsys):
    assert main(["plan", "--data", str(sample_copy), "--lscp", "--along-roads"]) == EXIT_OK
    assert "新增后全部道路入口均已覆盖。" in capsys.readouterr().out  # Chinese by default


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--radius", "0"], "radius: must be a distance in metres above 0"),
        (["--add", "100000"], "is more than the"),
        (["--add", "0"], "--add 0: give 1 or more"),
        (["--weights", "national=lots"], "weights: national='lots' is not a number"),
        (["--candidate", "113.9"], "give longitude,latitude"),
        (["--out", "plan.txt"], "name the proposals *.geojson"),
    ],
)
def test_bad_input_is_one_line_and_a_failure(sample_copy, capsys, arguments, message):
    assert main(["plan", "--data", str(sample_copy), *arguments, "--lang", "en"]) == EXIT_FAILED
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert message in error and error.startswith("situation-map")


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--radius", "0"], "覆盖半径：必须是大于 0 的距离（米），而不是 0.0"),
        (["--weights", "national=lots"], "权重：national='lots' 不是数字"),
        (["--candidate", "113.9"], "--candidate '113.9'：请给出以度为单位的“经度,纬度”"),
    ],
)
def test_planning_errors_are_said_in_chinese_by_default(sample_copy, capsys, arguments, message):
    assert main(["plan", "--data", str(sample_copy), *arguments]) == EXIT_FAILED
    assert message in capsys.readouterr().err


def test_a_planning_preset_draws_the_plan_in_any_render(qtbot, tmp_path, sample_copy, capsys):
    preset = tmp_path / "plan.json"
    assert (
        main(["plan", "--data", str(sample_copy), "--add", "3", "--save-state", str(preset), "--lang", "en"]) == EXIT_OK
    )
    state = MapState.load(preset)
    # A proposal's label is text from a file: it must show as text, never run.
    hostile = state.planning.proposed[0].__class__(113.97, 33.0, "<img src=x onerror=window.hacked=1>")
    state = state.replace(planning=state.planning.__class__(proposed=state.planning.proposed + (hostile,)))
    view = open_map(qtbot, tmp_path, GeoPackageStore(sample_copy).read_all(), state)
    drawn = evaluate(qtbot, view, "SituationMap.planningState()")
    assert drawn["proposed"][:3] == [
        f"P{n} +{g:g}" for n, g in zip((1, 2, 3), [s.gain for s in state.planning.proposed[:3]], strict=False)
    ]
    # The gaps left once the proposals stand: as many as the command counted uncovered after.
    printed = capsys.readouterr().out
    assert f"Uncovered entries after the proposals: {len(drawn['gaps'])}" in printed
    assert drawn["circles"] == 29 + 4
    assert "Proposed checkpoint" in drawn["legend"] or "建议新增卡点" in drawn["legend"]
    assert evaluate(qtbot, view, "window.hacked === undefined")
    assert evaluate(qtbot, view, "document.querySelectorAll('.sm-planning-label img').length") == 0
    assert evaluate(
        qtbot,
        view,
        "Array.from(document.querySelectorAll('.sm-planning-label')).some(e => e.textContent.startsWith('<img'))",
    )


def test_the_map_legend_says_existing_and_proposed_coverage_apart(qtbot, tmp_path, sample_copy):
    preset = tmp_path / "plan.json"
    assert main(["plan", "--data", str(sample_copy), "--add", "2", "--save-state", str(preset)]) == EXIT_OK
    state = MapState.load(preset)
    existing, planned, total = coverage_by_brute_force(
        sample_copy, [(s.longitude, s.latitude) for s in state.planning.proposed]
    )
    view = open_map(qtbot, tmp_path, GeoPackageStore(sample_copy).read_all(), state, lang="zh")
    summary = evaluate(qtbot, view, "document.querySelector('.sm-planning-legend .sm-planning-summary').textContent")
    now, with_plan = summary.split(" · ")[:2]
    assert f"已覆盖 {existing}/{total}" in now and "现有卡点" in now
    assert f"加上拟设 2 处 {planned}/{total}" in with_plan


def test_an_along_roads_preset_draws_the_reachable_roads_not_circles(qtbot, tmp_path, sample_copy):
    radius = 300.0
    preset = tmp_path / "plan.json"
    assert (
        main(
            [
                "plan",
                "--data",
                str(sample_copy),
                "--add",
                "2",
                "--along-roads",
                "--save-state",
                str(preset),
                "--lang",
                "en",
            ]
        )
        == EXIT_OK
    )
    state = MapState.load(preset)
    dataset = GeoPackageStore(sample_copy).read_all()
    view = open_map(qtbot, tmp_path, dataset, state, lang="en")
    drawn = evaluate(qtbot, view, "SituationMap.planningState()")
    assert drawn["circles"] == 0
    roads = dataset.roads.to_crs(METRIC).geometry.to_numpy()
    road_union = shapely.union_all(roads)
    sites = {p.label: (p.longitude, p.latitude) for p in state.planning.proposed}
    from layers.planning.coverage import resolve_as_of_value
    from layers.situation import checkpoint_situation

    as_of = resolve_as_of_value(dataset, state.as_of)
    active = dataset.checkpoints[checkpoint_situation(dataset.checkpoints, as_of)["active"].to_numpy()]
    sites.update(zip(active["id"], zip(active.geometry.x, active.geometry.y, strict=False), strict=False))
    near_a_road = {
        key
        for key, (lon, lat) in sites.items()
        if shapely.distance(shapely.Point(*to_metric(lon, lat)), road_union) < radius
    }
    reached = {r["site"]: r["lines"] for r in drawn["reach"]}
    assert set(reached) == near_a_road and {"P1", "P2"} <= set(reached)
    for key, lines in reached.items():
        truth = AlongRoads(roads, np.array(to_metric(*sites[key]), dtype=float))
        metric_lines = [np.column_stack(to_metric(*np.array(line).T)) for line in lines]
        for xy in metric_lines:  # every vertex lies on a road, within the distance along the roads
            assert max(truth.to_point(p) for p in xy) <= radius + 1.0, key
        length = shapely.union_all([shapely.linestrings(xy) for xy in metric_lines]).length
        assert length == pytest.approx(truth.reachable_length(radius), rel=0.02, abs=2.0), key
    legend = evaluate(qtbot, view, "document.querySelector('.sm-planning-legend').textContent")
    assert "Road within 300 m of a checkpoint, along the roads" in legend and "along the roads" in drawn["summary"]
    if SHOTS:
        grab(qtbot, view).save(os.path.join(SHOTS, "plan_roads.png"))
