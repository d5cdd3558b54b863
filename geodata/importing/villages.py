"""Which village a row belongs to: by division code, by name, or by the polygon its point is in."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import shapely

_SUFFIX = re.compile(r"(村委会|村民委员会|村委|村)$")


class VillageLookup:
    """The villages of a dataset, found by what a file may say about them."""

    def __init__(self, villages: pd.DataFrame):
        self.codes = [str(c) for c in villages["code"].tolist()] if len(villages) else []
        self.names = [str(n) for n in villages["name"].tolist()] if len(villages) else []
        self._by_word: dict[str, str] = {}
        for code, name in zip(self.codes, self.names, strict=False):
            for word in (code, name, _bare(name), code[-3:]):
                self._by_word.setdefault(_norm(word), code)
        has_shapes = len(villages) and hasattr(villages, "geometry")
        self._shapes = np.asarray(villages.geometry.to_numpy() if has_shapes else [], dtype=object)
        self._tree = shapely.STRtree(self._shapes) if len(self._shapes) else None

    def __bool__(self) -> bool:
        return bool(self.codes)

    def code_for(self, text: str) -> str | None:
        """The code of the village ``text`` names (code, last three digits, name with or
        without 村), or None."""
        return self._by_word.get(_norm(text))

    def known(self) -> str:
        return ", ".join(f"{name} ({code})" for code, name in zip(self.codes, self.names, strict=False))

    def containing(self, lon: np.ndarray, lat: np.ndarray) -> list[str | None]:
        """The code of the village each point lies in (None outside all, or unknown point)."""
        result: list[str | None] = [None] * len(lon)
        if self._tree is None:
            return result
        known = np.flatnonzero(np.isfinite(lon) & np.isfinite(lat))
        points = shapely.points(lon[known], lat[known])
        point_index, village_index = self._tree.query(points, predicate="intersects")
        for p, v in zip(point_index, village_index, strict=False):
            row = int(known[p])
            if result[row] is None:
                result[row] = self.codes[int(v)]
        return result

    def name_of(self, code: str) -> str:
        return self.names[self.codes.index(code)] if code in self.codes else code

    def township(self):
        """The township's area: the union of the village polygons (None without villages)."""
        shapes = [s for s in self._shapes if s is not None and not s.is_empty]
        return shapely.union_all(shapely.make_valid(np.array(shapes, dtype=object))) if shapes else None


def _bare(name: str) -> str:
    return _SUFFIX.sub("", name.strip())


def _norm(text) -> str:
    return re.sub(r"\s+", "", str(text)).lower()
