"""Distances along the road network, for coverage measured the way people drive.

The roads are cut where they meet each other and where entries lie, giving a graph whose
nodes include every entry. A site (checkpoint or candidate) is snapped to the nearest road:
its distance to an entry is the straight step onto the road plus the shortest way along it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra

_NODE_GRID_M = 0.01  # road ends closer than a centimetre are the same junction
_SOURCES_PER_BATCH = 256  # a batch's distance table is sources x nodes: keep it small


class RoadNetwork:
    """The road graph with the entries as nodes (metric coordinates)."""

    def __init__(self, road_lines: np.ndarray, entry_xy: np.ndarray):
        noded = shapely.union_all(road_lines)
        self.segments = shapely.get_parts(shapely.line_merge(noded)) if not noded.is_empty else np.array([])
        self.segments = self.segments[shapely.get_type_id(self.segments) == 1] if len(self.segments) else self.segments
        self._tree = shapely.STRtree(self.segments)
        self._nodes: dict[tuple[int, int], int] = {}
        lengths = shapely.length(self.segments)
        # Each segment's cut positions (from its start) and the node at each cut, in order.
        cuts: list[list[tuple[float, int]]] = []
        for segment, length in zip(self.segments, lengths):
            start, end = shapely.get_point(segment, 0), shapely.get_point(segment, -1)
            cuts.append([(0.0, self._node(start.x, start.y)), (float(length), self._node(end.x, end.y))])
        self.entry_nodes = np.empty(len(entry_xy), dtype=np.int64)
        if len(entry_xy) and len(self.segments):
            points = shapely.points(entry_xy)
            nearest = self._tree.query_nearest(points, all_matches=False)[1]
            offsets = shapely.line_locate_point(self.segments[nearest], points)
            for row, (segment, offset) in enumerate(zip(nearest, offsets)):
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
            for (a_at, a), (b_at, b) in zip(cuts, cuts[1:]):
                if a != b:
                    rows.append(min(a, b))
                    cols.append(max(a, b))
                    lengths.append(max(b_at - a_at, 1e-6))  # an explicit 0 would read as no road
        n = len(self._nodes)
        edges = pd.DataFrame({"a": rows, "b": cols, "length": lengths}).groupby(["a", "b"], as_index=False).min()
        return coo_matrix((edges["length"], (edges["a"], edges["b"])), shape=(n, n)).tocsr()

    def covering_pairs(self, site_xy: np.ndarray, radius: float) -> tuple[np.ndarray, np.ndarray]:
        """(site index, entry index) for every entry within ``radius`` of a site along the roads."""
        if len(site_xy) == 0 or len(self.segments) == 0 or len(self.entry_nodes) == 0:
            return np.array([], dtype=np.int64), np.array([], dtype=np.int64)
        points = shapely.points(site_xy)
        nearest = self._tree.query_nearest(points, all_matches=False)[1]
        step_on = shapely.distance(points, self.segments[nearest])
        offsets = shapely.line_locate_point(self.segments[nearest], points)
        # The two nodes either side of where each site meets the road, and how far each is.
        ends = np.empty((len(site_xy), 2), dtype=np.int64)
        along = np.empty((len(site_xy), 2))
        for row, (segment, offset) in enumerate(zip(nearest, offsets)):
            cut_offsets = self._cut_offsets[segment]
            after = int(np.clip(np.searchsorted(cut_offsets, offset), 1, len(cut_offsets) - 1))
            ends[row] = (self._cuts[segment][after - 1][1], self._cuts[segment][after][1])
            along[row] = (offset - cut_offsets[after - 1], cut_offsets[after] - offset)
        sources = np.unique(ends)
        source_row = {node: i for i, node in enumerate(sources)}
        site_rows, entry_rows = [], []
        for first in range(0, len(sources), _SOURCES_PER_BATCH):
            batch = sources[first:first + _SOURCES_PER_BATCH]
            table = dijkstra(self._graph, directed=False, indices=batch, limit=radius)[:, self.entry_nodes]
            for side in (0, 1):
                in_batch = np.isin(ends[:, side], batch)
                rows_here = np.flatnonzero(in_batch)
                batch_rows = np.array([source_row[n] - first for n in ends[rows_here, side]], dtype=np.int64)
                total = table[batch_rows] + (step_on[rows_here] + along[rows_here, side])[:, None]
                hit_site, hit_entry = np.nonzero(total <= radius)
                site_rows.append(rows_here[hit_site])
                entry_rows.append(hit_entry)
        pairs = pd.DataFrame({"site": np.concatenate(site_rows), "entry": np.concatenate(entry_rows)})
        pairs = pairs.drop_duplicates()
        return pairs["site"].to_numpy(np.int64), pairs["entry"].to_numpy(np.int64)
