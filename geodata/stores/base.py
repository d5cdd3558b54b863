"""What every store offers, and what every store does first with a frame it is given."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

import geopandas as gpd
import pandas as pd

from geodata.dataset import Dataset
from geodata.editing import Edit
from geodata.errors import StoreError
from geodata.schema import STORAGE_CRS, conform, schema_for


class Store(Protocol):
    """What every store offers (GeoPackage file, PostGIS database); see
    :class:`geodata.stores.gpkg.GeoPackageStore` for what each method promises."""

    @property
    def path(self) -> object:
        """Where the data is, fit to show: a Path, or a URL without its password."""

    def read(self, name: str) -> pd.DataFrame: ...
    def read_all(self) -> Dataset: ...
    def metadata(self) -> dict[str, str]: ...
    def journal(self) -> pd.DataFrame: ...
    def write(
        self,
        frames: Mapping[str, pd.DataFrame],
        *,
        metadata: Mapping[str, str] | None = None,
        journal: pd.DataFrame | None = None,
    ) -> None: ...
    def write_dataset(self, dataset: Dataset, *, journal: pd.DataFrame | None = None) -> None: ...
    def apply_edits(self, edits: Sequence[Edit], *, who: str, describe: Callable[[str], str] = str) -> Dataset: ...


def storable_frame(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` conformed to layer ``name``'s schema, in the storage CRS; any store's first step."""
    schema = schema_for(name)
    if schema.is_spatial:
        if not isinstance(frame, gpd.GeoDataFrame):
            raise StoreError(f"layer {name!r} needs geometries (a GeoDataFrame)")
        if frame.crs is not None and not frame.crs.equals(STORAGE_CRS):
            frame = frame.to_crs(STORAGE_CRS)
    return conform(schema, frame)
