"""A Dataset: every layer and table of one township, plus its metadata, in memory."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from geodata.schema import LAYERS, STORAGE_CRS, conform, schema_for


@dataclass
class Dataset:
    """The layers (GeoDataFrames), tables (DataFrames) and metadata of one township.

    Missing layers read as empty frames with the schema's columns, so code downstream never
    has to ask whether a layer exists.
    """

    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self.frames:
            return empty_frame(name)  # not stored: reading never changes the dataset
        return self.frames[name]

    def __setitem__(self, name: str, frame: pd.DataFrame) -> None:
        schema_for(name)
        self.frames[name] = frame

    def __contains__(self, name: str) -> bool:
        return name in self.frames

    @property
    def villages(self) -> gpd.GeoDataFrame:
        return self["villages"]

    @property
    def checkpoints(self) -> gpd.GeoDataFrame:
        return self["checkpoints"]

    @property
    def households(self) -> gpd.GeoDataFrame:
        return self["households"]

    @property
    def disinfection_points(self) -> gpd.GeoDataFrame:
        return self["disinfection_points"]

    @property
    def roads(self) -> gpd.GeoDataFrame:
        return self["roads"]

    def conformed(self) -> Dataset:
        """A copy with every known frame in its schema's columns and types."""
        frames = {name: conform(schema_for(name), frame) for name, frame in self.frames.items()}
        return Dataset(frames, dict(self.metadata))

    def copy(self) -> Dataset:
        return Dataset({k: v.copy() for k, v in self.frames.items()}, dict(self.metadata))


def empty_frame(name: str) -> pd.DataFrame:
    """An empty frame of layer or table ``name`` with the schema's columns and types."""
    schema = schema_for(name)
    frame = schema.empty()
    if schema.name in LAYERS:
        return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs=STORAGE_CRS))
    return frame
