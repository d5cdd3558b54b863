"""Road entries, coverage and siting, on networks whose answers are known by hand."""

import numpy as np
import pytest
import shapely
from pyproj import Transformer

from geodata.feedback import Cancelled, Feedback
from geodata.sample.bundled import bundled_sample_path
from geodata.stores import open_store
from layers.planning import PlanningContext, PlanningError, PlanningOptions, Site, parse_weights, suggest_sites
from layers.situation import checkpoint_situation
from tests.layers.planning_factories import METRIC, X0, Y0, planning_dataset, two_clusters

TO_METRIC = Transformer.from_crs("EPSG:4326", METRIC, always_xy=True)


def metric(longitude, latitude):
    x, y = TO_METRIC.transform(longitude, latitude)
    return x - X0, y - Y0


def test_entries_are_where_roads_cross_the_boundary_weighted_by_class():
    context = PlanningContext(two_clusters(), PlanningOptions())
    entries = context.entries
    assert len(entries) == 5
    places = sorted((round(x - X0), round(y - Y0)) for x, y in zip(entries["x"], entries["y"], strict=False))
    assert places == [(1000, 0), (1100, 0), (1200, 0), (8000, 0), (8100, 0)]
    assert dict(zip(entries["road_id"], entries["weight"], strict=False)) == {
        "W1": 1,
        "W2": 1,
        "W3": 1,
        "E1": 4,
        "E2": 4,
    }
    assert entries["township_edge"].all() and (entries["villages"] == ("V1",)).all()


@pytest.mark.parametrize("k, expected_weight, clusters", [(1, 8.0, {"east"}), (2, 11.0, {"east", "west"})])
def test_maximal_covering_picks_the_heavier_cluster_first(k, expected_weight, clusters):
    result = suggest_sites(PlanningContext(two_clusters(), PlanningOptions(radius_m=300)), k)
    assert len(result.proposals) == k
    assert result.before.covered_weight == 0
    assert result.after.covered_weight == expected_weight
    sides = {("east" if metric(p.longitude, p.latitude)[0] > 5000 else "west") for p in result.proposals}
    assert sides == clusters
    east = next(p for p in result.proposals if metric(p.longitude, p.latitude)[0] > 5000)
    assert east.gain == 8.0 and len(east.covers) == 2


def test_gains_add_up_to_what_the_plan_adds_even_when_proposals_overlap():
    # At 600 m every candidate reaches an entry, so a third site must overlap another.
    result = suggest_sites(PlanningContext(two_clusters(), PlanningOptions(radius_m=600)), 3)
    gains = [p.gain for p in result.proposals]
    assert sum(gains) == result.after.covered_weight - result.before.covered_weight == 11.0
    assert gains == sorted(gains, reverse=True)


def test_weights_change_the_answer():
    options = PlanningOptions(weights=parse_weights("village=5"))
    (only,) = suggest_sites(PlanningContext(two_clusters(), options), 1).proposals
    x, _ = metric(only.longitude, only.latitude)
    assert 1000 - 300 <= x <= 1200 + 300 and only.gain == 15.0  # three village entries at 5


def test_existing_checkpoints_are_kept_and_their_cover_is_not_bought_again():
    dataset = two_clusters(checkpoints=[("CP1", 8050, -100)])
    context = PlanningContext(dataset, PlanningOptions())
    result = suggest_sites(context, 1)
    assert (
        result.before.by_site["CP1"]
        == result.after.by_site["CP1"]
        == tuple(context.entries.loc[context.entries["road_id"].isin(["E1", "E2"]), "id"].sort_values())
    )
    (proposal,) = result.proposals
    assert metric(proposal.longitude, proposal.latitude)[0] < 5000  # the west cluster: east is covered
    assert result.after.covered_weight == 11.0
    assert list(dataset.checkpoints["id"]) == ["CP1"]  # the data is never changed by planning


def test_fewest_checkpoints_to_cover_everything():
    result = suggest_sites(PlanningContext(two_clusters(), PlanningOptions()), None, lscp=True)
    assert len(result.proposals) == 2 and result.after.share == 1.0


def test_a_siting_reports_its_steps_and_stops_at_the_next_one_when_cancelled():
    steps = []
    suggest_sites(
        PlanningContext(two_clusters(), PlanningOptions()), 1, feedback=Feedback(lambda f, m: steps.append(m))
    )
    assert steps[0] == "coverage before" and steps[-1] == "done" and "solving (CBC)" in steps
    heard = []

    def stop_at_distances(fraction, message):
        heard.append(message)
        if message == "distances":
            feedback.cancel()

    feedback = Feedback(stop_at_distances)
    with pytest.raises(Cancelled):
        suggest_sites(PlanningContext(two_clusters(), PlanningOptions()), 1, feedback=feedback)
    assert heard == ["coverage before", "candidate sites", "distances"]


def test_along_roads_a_short_cut_across_the_fields_does_not_count():
    # A U-shaped road crossing the south edge at x=1000 and x=1250; the checkpoint stands on the
    # east leg 100 m south of the edge: 269 m from the west entry in a straight line, but
    # 100 + 300 + ... = 950 m along the road.
    roads = [("U", "county", [(1000, -300), (1000, 300), (1250, 300), (1250, -300)])]
    dataset = planning_dataset(roads, checkpoints=[("CP1", 1250, -100)])
    straight = PlanningContext(dataset, PlanningOptions(radius_m=300)).coverage()
    along = PlanningContext(dataset, PlanningOptions(radius_m=300, along_roads=True)).coverage()
    assert straight.covered_count == 2
    assert along.covered_count == 1
    west = along.entries.loc[along.entries["longitude"].idxmin()]
    assert not west["covered"]
    assert PlanningContext(dataset, PlanningOptions(radius_m=960, along_roads=True)).coverage().covered_count == 2


def test_households_far_from_every_disinfection_point_without_personal_data():
    dataset = planning_dataset(
        [("R", "county", [(0, -500), (0, 500)])],
        households=[("H1", "V1", 2000, 2000), ("H2", "V1", 5000, 5000)],
        disinfection=[("D1", "V1", 2000, 2500)],
    )
    far = PlanningContext(dataset, PlanningOptions(household_distance_m=1000)).coverage().households_far
    assert list(far["id"]) == ["H2"]
    assert far["distance_m"].iloc[0] == pytest.approx(np.hypot(3000, 2500), rel=1e-3)
    assert set(far.columns) == {"id", "village", "distance_m"}


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: PlanningOptions(radius_m=0), "radius: must be a distance in metres above 0"),
        (lambda: PlanningContext(planning_dataset([]), PlanningOptions()), "the dataset has no roads"),
        (
            lambda: suggest_sites(PlanningContext(two_clusters(), PlanningOptions(spacing_m=5000)), 500),
            "500 is more than the",
        ),
        (lambda: suggest_sites(PlanningContext(two_clusters(), PlanningOptions()), 0), "a whole number of 1 or more"),
        (lambda: parse_weights("national"), "is not CLASS=WEIGHT"),
        (lambda: parse_weights("lane=2"), "unknown road class 'lane'"),
    ],
)
def test_bad_questions_get_a_clear_message(make, message):
    with pytest.raises(PlanningError, match=message):
        make()


def test_everything_covered_proposes_nothing():
    dataset = two_clusters(checkpoints=[("CP1", 1100, 0), ("CP2", 8050, 0)])
    result = suggest_sites(PlanningContext(dataset, PlanningOptions()), 2)
    assert result.proposals == () and result.after.share == 1.0
    assert result.notes == [("all_covered", {})]


def test_user_candidates_are_considered():
    # Candidates only at entries, junctions and every 5 km: the user's place between the east
    # entries is the only one covering both.
    context = PlanningContext(two_clusters(), PlanningOptions(radius_m=60, spacing_m=5000))
    lon, lat = context.to_lonlat(X0 + 8050, Y0)
    result = suggest_sites(context, 1, user_sites=[Site("U1", float(lon), float(lat))])
    (proposal,) = result.proposals
    assert proposal.kind == "user" and proposal.gain == 8.0


# -- the sample, checked against independent computations ----------------------------------


@pytest.fixture(scope="module")
def sample():
    return open_store(bundled_sample_path()).read_all()


def test_sample_entries_lie_on_roads_and_village_boundaries(sample):
    context = PlanningContext(sample, PlanningOptions())
    assert 10 <= len(context.entries) <= 60
    places = shapely.points(context.entries[["x", "y"]].to_numpy())
    roads = shapely.union_all(context.roads.geometry.to_numpy())
    boundaries = shapely.union_all(context.villages.boundary.to_numpy())
    assert (shapely.distance(places, roads) < 0.01).all()
    assert (shapely.distance(places, boundaries) < 0.01).all()


@pytest.mark.parametrize("radius", [150, 300, 800])
def test_sample_coverage_matches_a_brute_force_count(sample, radius):
    context = PlanningContext(sample, PlanningOptions(radius_m=radius))
    report = context.coverage()
    active = sample.checkpoints[checkpoint_situation(sample.checkpoints, context.as_of)["active"].to_numpy()]
    cx, cy = TO_METRIC.transform(active.geometry.x.to_numpy(), active.geometry.y.to_numpy())
    ex, ey = TO_METRIC.transform(report.entries["longitude"].to_numpy(), report.entries["latitude"].to_numpy())
    distances = np.hypot(ex[:, None] - cx[None, :], ey[:, None] - cy[None, :])
    covered = (distances <= radius).any(axis=1)
    assert list(report.entries["covered"]) == list(covered)
    weights = report.entries["weight"].to_numpy()
    assert report.share == pytest.approx(weights[covered].sum() / weights.sum())
    for village in report.villages.itertuples():
        mine = np.array([village.code in codes for codes in report.entries["villages"]])
        assert village.entries == mine.sum()
        assert village.covered == (mine & covered).sum()
    for column, checkpoint_id in enumerate(active["id"]):
        expected = tuple(report.entries["id"][distances[:, column] <= radius])
        assert report.by_site[checkpoint_id] == expected


def test_sparse_model_matches_spopt_dense_mclp_with_pinned_checkpoints(sample):
    """The reduced model (covered entries out, identical rows merged) reaches the optimum of
    spopt's own dense MCLP with the existing checkpoints pinned as predefined facilities."""
    import pulp
    from spopt.locate import MCLP

    from layers.planning.candidates import candidate_sites

    context = PlanningContext(sample, PlanningOptions(radius_m=400, spacing_m=400))
    k = 3
    result = suggest_sites(context, k)
    candidates = candidate_sites(context, context.options.spacing_m)
    sites = np.vstack([context.site_xy(context.checkpoint_sites), candidates[["x", "y"]].to_numpy()])
    entries = context.entries[["x", "y"]].to_numpy()
    cost = np.hypot(entries[:, None, 0] - sites[None, :, 0], entries[:, None, 1] - sites[None, :, 1])
    pinned = np.zeros(len(sites), dtype=int)
    pinned[: len(context.checkpoint_sites)] = 1
    dense = MCLP.from_cost_matrix(
        cost, context.entries["weight"].to_numpy(), 400, pinned.sum() + k, predefined_facilities_arr=pinned
    )
    dense.solve(pulp.PULP_CBC_CMD(msg=False), results=False)
    assert result.after.covered_weight == pytest.approx(pulp.value(dense.problem.objective))
    assert result.after.covered_weight > result.before.covered_weight


# -- the road a site reaches, along the roads ----------------------------------------------


@pytest.mark.parametrize("radius, expected_m", [(300, 200 + 300), (960, 200 + 400 + 250 + 300 + 10)])
def test_reach_is_the_road_within_the_distance_along_the_roads(radius, expected_m):
    # The U road of the short-cut test: from 100 m south of the edge on the east leg, 200 m
    # lead south to the road's end and the rest north, over the top and down the west leg.
    roads = [("U", "county", [(1000, -300), (1000, 300), (1250, 300), (1250, -300)])]
    context = PlanningContext(
        planning_dataset(roads, checkpoints=[("CP1", 1250, -100)]), PlanningOptions(radius_m=radius, along_roads=True)
    )
    (lines,) = context.reach(context.checkpoint_sites)
    drawn = shapely.union_all([shapely.linestrings(np.column_stack(metric(line[:, 0], line[:, 1]))) for line in lines])
    assert drawn.length == pytest.approx(expected_m, abs=0.5)
    south_end = (1250, -300) if radius == 300 else (1000, 300 - (radius - 650))
    assert shapely.distance(drawn, shapely.Point(1250, -300)) < 0.5
    assert shapely.distance(drawn, shapely.Point(south_end)) < 0.5
    assert shapely.distance(drawn, shapely.Point(1000, -300)) > 200  # the west leg's far end is out of reach


def test_reach_matches_an_independent_road_graph_and_holds_every_entry_covered(sample):
    from tests.layers.planning_factories import AlongRoads, to_metric

    radius = 300
    context = PlanningContext(sample, PlanningOptions(radius_m=radius, along_roads=True))
    roads = sample.roads.to_crs(METRIC).geometry.to_numpy()
    report = context.coverage()
    for site, lines in zip(context.checkpoint_sites, context.reach(context.checkpoint_sites), strict=False):
        truth = AlongRoads(roads, np.column_stack(to_metric(site.longitude, site.latitude))[0])
        metric_lines = [np.column_stack(to_metric(line[:, 0], line[:, 1])) for line in lines]
        for xy in metric_lines:  # every vertex, and every 10 m between them
            points = shapely.get_coordinates(shapely.segmentize(shapely.linestrings(xy), 10))
            assert max(truth.to_point(p) for p in points) <= radius + 0.5
        drawn = shapely.union_all([shapely.linestrings(xy) for xy in metric_lines])
        assert drawn.length == pytest.approx(truth.reachable_length(radius), rel=0.01, abs=1.0)
        covered = report.entries[report.entries["id"].isin(report.by_site[site.key])]
        ex, ey = to_metric(covered["longitude"].to_numpy(), covered["latitude"].to_numpy())
        assert (shapely.distance(shapely.points(np.column_stack([ex, ey])), drawn) < 0.5).all()
