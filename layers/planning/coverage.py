"""Coverage of road entries by checkpoints, per village and for the township.

:class:`PlanningContext` holds one dataset's planning inputs projected to metres (entries,
active checkpoints, households, disinfection points, the road network when distances run
along roads). It is built once; every what-if asks it again with other sites, which costs
milliseconds.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from geodata.coords import metric_crs_for
from geodata.dataset import Dataset
from geodata.messages import N_, Message
from geodata.schema import STORAGE_CRS
from layers.planning.entries import road_entries
from layers.planning.network import RoadNetwork
from layers.planning.options import PlanningError, PlanningOptions
from layers.situation import checkpoint_situation, household_situation, resolve_as_of


@dataclass(frozen=True)
class Site:
    """A place a checkpoint is or could be: an existing checkpoint, a proposal, a what-if."""

    key: str  # a checkpoint id, or a label such as "P1" / "W1"
    longitude: float
    latitude: float


@dataclass
class CoverageReport:
    """What the sites cover.

    Attributes
    ----------
    entries : DataFrame
        Every entry: id, longitude, latitude, road_id, road_class, weight, villages,
        township_edge, covered (bool), covered_by (tuple of site keys).
    villages : DataFrame
        Per village: code, name, entries, covered, weight, covered_weight, share (0..1;
        1 for a village without entries).
    by_site : dict of str to tuple of str
        Each site's key -> the ids of the entries it covers (empty tuple: none).
    households_far : DataFrame
        Households under observation further than the distance from every disinfection
        point: id, village, distance_m. No personal field.
    """

    entries: pd.DataFrame
    villages: pd.DataFrame
    by_site: dict[str, tuple[str, ...]]
    households_far: pd.DataFrame

    @property
    def total_weight(self) -> float:
        return float(self.entries["weight"].sum())

    @property
    def covered_weight(self) -> float:
        return float(self.entries.loc[self.entries["covered"], "weight"].sum())

    @property
    def share(self) -> float:
        """Covered share of the entry weight (0..1); 1 when there is nothing to cover."""
        total = self.total_weight
        return self.covered_weight / total if total > 0 else 1.0

    @property
    def covered_count(self) -> int:
        return int(self.entries["covered"].sum())

    @property
    def uncovered(self) -> pd.DataFrame:
        return self.entries[~self.entries["covered"]]


class PlanningContext:
    """One dataset's planning inputs in metres, at one as-of day, under one set of options."""

    def __init__(self, dataset: Dataset, options: PlanningOptions, as_of=None):
        self.options = options
        self.as_of = resolve_as_of_value(dataset, as_of)
        villages = dataset.villages
        if villages.empty:
            raise PlanningError(
                Message(N_("the dataset has no villages: road entries are where roads cross village boundaries"))
            )
        if dataset.roads.empty:
            raise PlanningError(
                Message(N_("the dataset has no roads: road entries cannot be found without the roads layer"))
            )
        self.crs: CRS = metric_crs_for(villages)
        self._to_metric = _transformer(STORAGE_CRS, self.crs.to_string())
        self._to_lonlat = _transformer(self.crs.to_string(), STORAGE_CRS)
        self.villages = villages.to_crs(self.crs)
        self.village_names = dict(zip(villages["code"], villages["name"], strict=False))
        self.roads = dataset.roads.to_crs(self.crs)
        self.entries = road_entries(self.villages, self.roads, options)
        lon, lat = self.to_lonlat(self.entries["x"].to_numpy(float), self.entries["y"].to_numpy(float))
        self.entries.insert(3, "longitude", lon)
        self.entries.insert(4, "latitude", lat)
        self._entry_tree = shapely.STRtree(shapely.points(self.entries[["x", "y"]].to_numpy(float)))
        self.network = (
            RoadNetwork(self.roads.geometry.to_numpy(), self.entries[["x", "y"]].to_numpy(float))
            if options.along_roads
            else None
        )
        checkpoints = dataset.checkpoints
        active = (
            checkpoint_situation(checkpoints, self.as_of, dataset)["active"].to_numpy()
            if len(checkpoints)
            else np.array([], dtype=bool)
        )
        self.checkpoints = checkpoints[np.asarray(active, dtype=bool)] if len(checkpoints) else checkpoints
        self.checkpoint_sites = tuple(
            Site(str(i), float(p.x), float(p.y))
            for i, p in zip(self.checkpoints["id"], self.checkpoints.geometry, strict=False)
        )
        self._households = _observed_households(dataset, self.as_of).to_crs(self.crs)
        self._disinfection_xy = shapely.get_coordinates(
            dataset.disinfection_points.to_crs(self.crs).geometry.to_numpy()
        )

    # -- coordinates ---------------------------------------------------------------------

    def to_metric(self, longitude, latitude):
        return self._to_metric.transform(np.asarray(longitude, float), np.asarray(latitude, float))

    def to_lonlat(self, x, y):
        return self._to_lonlat.transform(np.asarray(x, float), np.asarray(y, float))

    def site_xy(self, sites) -> np.ndarray:
        if not sites:
            return np.empty((0, 2))
        x, y = self.to_metric([s.longitude for s in sites], [s.latitude for s in sites])
        return np.column_stack([np.atleast_1d(x), np.atleast_1d(y)])

    def village_of(self, longitude: float, latitude: float) -> str:
        """The code of the village a place lies in (the nearest village when outside all)."""
        x, y = self.to_metric(longitude, latitude)
        point = shapely.Point(float(x), float(y))
        distances = shapely.distance(self.villages.geometry.to_numpy(), point)
        return str(self.villages["code"].iloc[int(np.argmin(distances))])

    # -- coverage ------------------------------------------------------------------------

    def covering_pairs(self, site_xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(site row, entry row) for each entry a site covers under the options."""
        if len(site_xy) == 0 or self.entries.empty:
            return np.array([], dtype=np.int64), np.array([], dtype=np.int64)
        if self.network is not None:
            return self.network.covering_pairs(site_xy, self.options.radius_m)
        return self._entry_tree.query(shapely.points(site_xy), predicate="dwithin", distance=self.options.radius_m)

    def reach(self, sites) -> list[list[np.ndarray]]:
        """The road each site reaches within the radius along the roads, per site a list of
        polylines as (n, 2) arrays of longitude, latitude (empty lists in straight-line mode)."""
        if self.network is None:
            return [[] for _ in sites]
        found = []
        for lines in self.network.reach(self.site_xy(tuple(sites)), self.options.radius_m):
            found.append([np.column_stack(self.to_lonlat(line[:, 0], line[:, 1])) for line in lines])
        return found

    def coverage(self, extra_sites=()) -> CoverageReport:
        """Coverage by the active checkpoints plus ``extra_sites`` (proposals, what-ifs)."""
        sites = self.checkpoint_sites + tuple(extra_sites)
        site_rows, entry_rows = self.covering_pairs(self.site_xy(sites))
        keys = np.array([s.key for s in sites], dtype=object)
        entries = self.entries.drop(columns=["x", "y"]).copy()
        covered_by: list[list[str]] = [[] for _ in range(len(entries))]
        for site_row, entry_row in sorted(zip(site_rows.tolist(), entry_rows.tolist(), strict=False)):
            covered_by[entry_row].append(keys[site_row])
        entries["covered_by"] = pd.Series([tuple(c) for c in covered_by], index=entries.index, dtype=object)
        entries["covered"] = entries["covered_by"].map(bool).astype(bool)
        ids = entries["id"].to_numpy(dtype=object)
        by_site: dict[str, tuple[str, ...]] = {key: () for key in keys}
        for key in by_site:
            by_site[key] = tuple(ids[np.sort(entry_rows[keys[site_rows] == key])]) if len(site_rows) else ()
        return CoverageReport(entries, self._village_table(entries), by_site, self._households_far())

    def _village_table(self, entries: pd.DataFrame) -> pd.DataFrame:
        per_village = entries[["villages", "weight", "covered"]].explode("villages")
        per_village["covered_weight"] = per_village["weight"].where(per_village["covered"], 0.0)
        sums = per_village.groupby("villages").agg(
            entries=("weight", "size"),
            covered=("covered", "sum"),
            weight=("weight", "sum"),
            covered_weight=("covered_weight", "sum"),
        )
        table = pd.DataFrame({"code": list(self.village_names), "name": list(self.village_names.values())})
        table = table.join(sums, on="code").fillna({"entries": 0, "covered": 0, "weight": 0.0, "covered_weight": 0.0})
        table["entries"] = table["entries"].astype(int)
        table["covered"] = table["covered"].astype(int)
        weight = table["weight"].to_numpy(float)
        table["share"] = np.divide(
            table["covered_weight"].to_numpy(float), weight, out=np.ones(len(table)), where=weight > 0
        )
        return table

    def _households_far(self) -> pd.DataFrame:
        households = self._households
        if households.empty:
            return pd.DataFrame({"id": [], "village": [], "distance_m": []})
        points = households.geometry.to_numpy()
        if len(self._disinfection_xy) == 0:
            distance = np.full(len(points), np.inf)
        else:
            tree = shapely.STRtree(shapely.points(self._disinfection_xy))
            _, distance = tree.query_nearest(points, all_matches=False, return_distance=True)
        far = distance > self.options.household_distance_m
        return (
            pd.DataFrame(
                {
                    "id": households["id"].to_numpy(dtype=object)[far],
                    "village": households["village"].to_numpy(dtype=object)[far],
                    "distance_m": distance[far],
                }
            )
            .sort_values("distance_m", ascending=False, kind="stable")
            .reset_index(drop=True)
        )


_per_thread = threading.local()


def _transformer(source: str, target: str) -> Transformer:
    """A transformer, made once per thread: making one costs a quarter of a second, and
    pyproj transformers are not to be shared between threads."""
    cache = _per_thread.__dict__.setdefault("transformers", {})
    if (source, target) not in cache:
        cache[(source, target)] = Transformer.from_crs(source, target, always_xy=True)
    return cache[(source, target)]


def resolve_as_of_value(dataset: Dataset, as_of):
    if as_of is not None:
        return pd.Timestamp(as_of)
    from layers.map_state import MapState

    return resolve_as_of(MapState(), dataset)


def _observed_households(dataset: Dataset, as_of) -> gpd.GeoDataFrame:
    """The households under observation on the day: id, village and place only."""
    households = dataset.households
    if households.empty:
        return gpd.GeoDataFrame({"id": [], "village": []}, geometry=gpd.GeoSeries([], crs=STORAGE_CRS))
    observing = household_situation(households, as_of, dataset)["under_observation"].to_numpy(dtype=bool)
    return households.loc[observing, ["id", "village", "geometry"]]
