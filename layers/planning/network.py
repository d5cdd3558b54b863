"""Distances along the road network, for coverage measured the way people drive.

The roads are cut where they meet each other and where entries lie, giving a graph whose
nodes include every entry. A site (checkpoint or candidate) is snapped to the nearest road:
its distance to an entry is the straight step onto the road plus the shortest way along it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from shapely.ops import substring

_NODE_GRID_M = 0.01  # road ends closer than a centimetre are the same junction
_SOURCES_PER_BATCH = 256  # a batch's distance table is sources x nodes: keep it small


class RoadNetwork:
    """The road graph with the entries as nodes (metric coordinates)."""

    def __init__(self, road_lines: np.ndarray, entry_xy: np.ndarray):
        noded = shapely.union_all(road_lines)
        self.segments = shapely.get_parts(shapely.line_merge(noded)) if not noded.is_empty else np.array([])
        self.segments = self.segments[shapely.get_type_id(self.segments) == 1] if len(self.segments) else self.segments
        self._tree = shapely.STRtree(self.segments)
        # Road ends are keyed by their grid cell; entry points by ("entry", row) so they never merge with one.
        self._nodes: dict[tuple[int, int] | tuple[str, int], int] = {}
        lengths = shapely.length(self.segments)
        # Each segment's cut positions (from its start) and the node at each cut, in order.
        cuts: list[list[tuple[float, int]]] = []
        for segment, length in zip(self.segments, lengths, strict=False):
            start, end = shapely.get_point(segment, 0), shapely.get_point(segment, -1)
            cuts.append([(0.0, self._node(start.x, start.y)), (float(length), self._node(end.x, end.y))])
        self.entry_nodes = np.empty(len(entry_xy), dtype=np.int64)
        if len(entry_xy) and len(self.segments):
            points = shapely.points(entry_xy)
            nearest = self._tree.query_nearest(points, all_matches=False)[1]
            offsets = shapely.line_locate_point(self.segments[nearest], points)
            for row, (segment, offset) in enumerate(zip(nearest, offsets, strict=False)):
                node = self._entry_node(cuts[segment], float(offset), len(self._nodes))
                if node == len(self._nodes):
                    self._nodes[("entry", row)] = node
                    cuts[segment].append((float(offset), node))
                self.entry_nodes[row] = node
        self._cuts = [sorted(c) for c in cuts]
        self._cut_offsets = [np.array([o for o, _ in c]) for c in self._cuts]
        self._graph = self._build_graph()

    def _node(self, x: float, y: float) -> int:
        key = (round(x / _NODE_GRID_M), round(y / _NODE_GRID_M))
        return self._nodes.setdefault(key, len(self._nodes))

    @staticmethod
    def _entry_node(cuts, offset: float, new: int) -> int:
        for at, node in cuts:
            if abs(at - offset) < _NODE_GRID_M * 10:
                return node  # the entry is at a junction or another entry
        return new

    def _build_graph(self):
        rows, cols, lengths = [], [], []
        for cuts in self._cuts:
            for (a_at, a), (b_at, b) in zip(cuts, cuts[1:], strict=False):
                if a != b:
                    rows.append(min(a, b))
                    cols.append(max(a, b))
                    lengths.append(max(b_at - a_at, 1e-6))  # an explicit 0 would read as no road
        n = len(self._nodes)
        edges = pd.DataFrame({"a": rows, "b": cols, "length": lengths}).groupby(["a", "b"], as_index=False).min()
        from scipy.sparse import coo_matrix  # here: SciPy costs the window's start a quarter second

        return coo_matrix((edges["length"], (edges["a"], edges["b"])), shape=(n, n)).tocsr()

    def covering_pairs(self, site_xy: np.ndarray, radius: float) -> tuple[np.ndarray, np.ndarray]:
        """(site index, entry index) for every entry within ``radius`` of a site along the roads."""
        if len(site_xy) == 0 or len(self.segments) == 0 or len(self.entry_nodes) == 0:
            return np.array([], dtype=np.int64), np.array([], dtype=np.int64)
        from scipy.sparse.csgraph import dijkstra

        snap = self._snap(site_xy)
        ends, along = snap.ends, snap.step_on[:, None] + snap.along
        sources = np.unique(ends)
        source_row = {node: i for i, node in enumerate(sources)}
        site_rows, entry_rows = [], []
        for first in range(0, len(sources), _SOURCES_PER_BATCH):
            batch = sources[first : first + _SOURCES_PER_BATCH]
            table = dijkstra(self._graph, directed=False, indices=batch, limit=radius)[:, self.entry_nodes]
            for side in (0, 1):
                in_batch = np.isin(ends[:, side], batch)
                rows_here = np.flatnonzero(in_batch)
                batch_rows = np.array([source_row[n] - first for n in ends[rows_here, side]], dtype=np.int64)
                total = table[batch_rows] + along[rows_here, side][:, None]
                hit_site, hit_entry = np.nonzero(total <= radius)
                site_rows.append(rows_here[hit_site])
                entry_rows.append(hit_entry)
        pairs = pd.DataFrame({"site": np.concatenate(site_rows), "entry": np.concatenate(entry_rows)})
        pairs = pairs.drop_duplicates()
        return pairs["site"].to_numpy(np.int64), pairs["entry"].to_numpy(np.int64)

    def reach(self, site_xy: np.ndarray, radius: float) -> list[list[np.ndarray]]:
        """The stretches of road each site reaches within ``radius`` along the roads.

        Returns, per site, a list of polylines as (n, 2) arrays of metric coordinates: the
        same distance :meth:`covering_pairs` measures (the step onto the road counts), so an
        entry a site covers lies on that site's stretches.
        """
        if len(site_xy) == 0 or len(self.segments) == 0:
            return [[] for _ in range(len(site_xy))]
        from scipy.sparse.csgraph import dijkstra

        snap = self._snap(site_xy)
        edges = self._edges
        found: list[list[np.ndarray]] = []
        for row in range(len(site_xy)):
            left = radius - float(snap.step_on[row])  # what remains once on the road
            if left < 0:
                found.append([])
                continue
            from_ends = dijkstra(self._graph, directed=False, indices=snap.ends[row], limit=left)
            # Distance from where the site meets the road to every node, via either side.
            to_node = np.min(from_ends + snap.along[row][:, None], axis=0)
            from_a = left - to_node[edges["a"]]
            from_b = left - to_node[edges["b"]]
            hit = (from_a >= 0) | (from_b >= 0)
            pieces = [
                (int(s), a_at, min(b_at, a_at + max(ra, 0.0)), max(a_at, b_at - max(rb, 0.0)), b_at)
                for s, a_at, b_at, ra, rb in zip(
                    edges["segment"][hit],
                    edges["a_at"][hit],
                    edges["b_at"][hit],
                    from_a[hit],
                    from_b[hit],
                    strict=False,
                )
            ]
            intervals = []
            for segment, a_at, a_to, b_from, b_at in pieces:
                if a_to >= b_from:  # the two reaches meet: the whole stretch
                    intervals.append((segment, a_at, b_at))
                else:
                    intervals += [(segment, a_at, a_to), (segment, b_from, b_at)]
            own = int(snap.segment[row])
            intervals.append(
                (own, max(snap.offset[row] - left, snap.before[row]), min(snap.offset[row] + left, snap.after[row]))
            )
            found.append(self._stretches(intervals))
        return found

    def _stretches(self, intervals) -> list[np.ndarray]:
        """Road pieces (segment, from, to) as merged polylines, pieces of no length left out."""
        # Overlapping pieces of one segment are joined before cutting: cut apart, their ends
        # would differ by rounding and the union would keep both.
        merged: list[tuple[int, float, float]] = []
        for segment, start, end in sorted(intervals):
            if merged and merged[-1][0] == segment and start <= merged[-1][2]:
                merged[-1] = (segment, merged[-1][1], max(end, merged[-1][2]))
            else:
                merged.append((segment, start, end))
        lines = [
            substring(self.segments[segment], start, end)
            for segment, start, end in merged
            if end - start > _NODE_GRID_M
        ]
        lines = [line for line in lines if line.geom_type == "LineString" and not line.is_empty]
        if not lines:
            return []
        merged = shapely.line_merge(shapely.union_all(lines))
        return [shapely.get_coordinates(part) for part in shapely.get_parts(merged) if part.length > 0]

    @functools.cached_property
    def _edges(self) -> dict[str, np.ndarray]:
        """Every stretch of road between two neighbouring nodes: segment, ends, positions."""
        rows = [
            (s, a_at, b_at, a, b)
            for s, cuts in enumerate(self._cuts)
            for (a_at, a), (b_at, b) in zip(cuts, cuts[1:], strict=False)
            if b_at > a_at
        ]
        columns: list[tuple] = list(zip(*rows, strict=False)) if rows else [(), (), (), (), ()]
        return {
            "segment": np.array(columns[0], dtype=np.int64),
            "a_at": np.array(columns[1], dtype=float),
            "b_at": np.array(columns[2], dtype=float),
            "a": np.array(columns[3], dtype=np.int64),
            "b": np.array(columns[4], dtype=np.int64),
        }

    def _snap(self, site_xy: np.ndarray) -> _Snap:
        """Where each site meets the road: the nearest segment, the position along it, the
        straight step onto it, and the two nodes either side with the distance to each."""
        points = shapely.points(site_xy)
        nearest = self._tree.query_nearest(points, all_matches=False)[1]
        step_on = shapely.distance(points, self.segments[nearest])
        offsets = shapely.line_locate_point(self.segments[nearest], points)
        ends = np.empty((len(site_xy), 2), dtype=np.int64)
        along = np.empty((len(site_xy), 2))
        before = np.empty(len(site_xy))
        after = np.empty(len(site_xy))
        for row, (segment, offset) in enumerate(zip(nearest, offsets, strict=False)):
            cut_offsets = self._cut_offsets[segment]
            next_cut = int(np.clip(np.searchsorted(cut_offsets, offset), 1, len(cut_offsets) - 1))
            ends[row] = (self._cuts[segment][next_cut - 1][1], self._cuts[segment][next_cut][1])
            before[row], after[row] = cut_offsets[next_cut - 1], cut_offsets[next_cut]
            along[row] = (offset - before[row], after[row] - offset)
        return _Snap(nearest, offsets, step_on, ends, along, before, after)


@dataclass(frozen=True)
class _Snap:
    segment: np.ndarray
    offset: np.ndarray
    step_on: np.ndarray
    ends: np.ndarray  # (sites, 2) node ids
    along: np.ndarray  # (sites, 2) metres from the meeting point to each end, along the road
    before: np.ndarray  # position of the first end along the segment
    after: np.ndarray
