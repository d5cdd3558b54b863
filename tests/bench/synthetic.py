"""Synthetic datasets of any size, built on the sample's villages."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.dataset import Dataset
from geodata.schema import HOUSEHOLD_REASONS, HOUSEHOLD_STATUSES, HOUSEHOLDS, conform


def with_households(dataset: Dataset, count: int, seed: int = 1) -> Dataset:
    """``dataset`` with ``count`` random households, each inside a random village."""
    rng = np.random.default_rng(seed)
    villages = dataset.villages
    points = villages.geometry.sample_points(size=int(np.ceil(count / len(villages))), rng=rng)
    exploded = points.explode(index_parts=False)
    exploded = exploded.iloc[:count]
    codes = villages["code"].reindex(exploded.index).to_numpy()
    start = pd.Timestamp("2020-01-24") + pd.to_timedelta(rng.integers(0, 27, count), unit="D")
    households = gpd.GeoDataFrame(
        {
            "id": [f"SYN{i:06d}" for i in range(count)],
            "village": codes,
            "villager_group": rng.integers(1, 5, count),
            "reason": rng.choice(HOUSEHOLD_REASONS, count),
            "persons": rng.integers(1, 6, count),
            "observation_start": start,
            "observation_days": 14,
            "status": rng.choice(HOUSEHOLD_STATUSES, count, p=[0.7, 0.28, 0.02]),
        },
        geometry=exploded.to_numpy(),
        crs=villages.crs,
    )
    households.loc[households["status"] != "observing", "status_date"] = start[
        (households["status"] != "observing").to_numpy()
    ] + pd.Timedelta(days=14)
    result = dataset.copy()
    result["households"] = conform(HOUSEHOLDS, households)
    return result
