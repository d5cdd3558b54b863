"""Synthetic datasets of any size, built on the sample's villages.

dataset = with_households(sample, 100_000)              # households as records only
dataset = with_history(with_households(sample, 100_000))  # and 60 days of their events
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.dataset import Dataset
from geodata.schema import FOLLOWUPS, HOUSEHOLD_REASONS, HOUSEHOLD_STATUSES, HOUSEHOLDS, STATUS_CHANGES, conform


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


def with_history(dataset: Dataset, days: int = 60, seed: int = 3) -> Dataset:
    """``dataset`` whose households have the events of ``days`` days up to its ``as_of``, and
    records that say what those events end with (as a real dataset's do).

    Each household starts observation on a random one of those days and is followed up once a
    day; after its 14 days it is released, and 2 % are escalated on a random day before that.
    Its status changes and follow-ups are written as events, and its ``status``,
    ``status_date``, ``last_check`` and ``abnormal_temperature`` are the latest of them. The
    sample's checkpoints and disinfection points keep their own events.
    """
    rng = np.random.default_rng(seed)
    households = dataset["households"].copy()
    count = len(households)
    as_of = pd.Timestamp(dataset.metadata["as_of"])
    today = as_of.normalize().to_datetime64().astype("datetime64[D]")
    start = today - rng.integers(0, days, count).astype("timedelta64[D]")
    escalated = rng.random(count) < 0.02
    last_day = start + np.where(escalated, rng.integers(1, 14, count), 14).astype("timedelta64[D]")
    settled = last_day <= today
    status = np.where(settled, np.where(escalated, "escalated", "released"), "observing").astype(object)

    ids = households["id"].to_numpy(dtype=object)
    villages = households["village"].to_numpy(dtype=object)
    changes = pd.DataFrame(
        {
            "household": np.concatenate([ids, ids[settled]]),
            "village": np.concatenate([villages, villages[settled]]),
            "day": np.concatenate([start, last_day[settled]]).astype("datetime64[ms]"),
            "status": np.concatenate([np.full(count, "observing", dtype=object), status[settled]]),
            "reported_by": "synthetic",
        }
    )
    changes.insert(0, "id", [f"SSC{n:07d}" for n in range(len(changes))])

    # One visit a day, from the first day to the last (released on it, not visited after).
    visited = (np.minimum(last_day, today) - start).astype(np.int64) + 1
    owner = np.repeat(np.arange(count), visited)
    nth = np.arange(len(owner)) - np.repeat(np.cumsum(visited) - visited, visited)
    minutes = rng.integers(7 * 60, 17 * 60, len(owner)).astype("timedelta64[m]")
    times = (start[owner] + nth.astype("timedelta64[D]")).astype("datetime64[m]") + minutes
    times = np.minimum(times, as_of.to_datetime64().astype("datetime64[m]"))  # today's before the as-of time
    temperature = np.round(rng.normal(36.6, 0.35, len(owner)), 1)
    followups = pd.DataFrame(
        {
            "household": ids[owner],
            "village": villages[owner],
            "time": times.astype("datetime64[ms]"),
            "temperature": temperature,
            "symptoms": temperature >= 37.3,
            "result": np.where(temperature >= 37.3, "abnormal", "normal"),
            "reported_by": "synthetic",
        }
    )
    followups.insert(0, "id", [f"SFU{n:08d}" for n in range(len(followups))])

    latest = followups.groupby("household", sort=False).tail(1).set_index("household")
    households["observation_start"] = start.astype("datetime64[ms]")
    households["observation_days"] = 14
    households["status"] = status
    households["status_date"] = pd.Series(last_day.astype("datetime64[ms]")).where(settled).to_numpy()
    households["last_check"] = latest["time"].reindex(ids).to_numpy()
    households["abnormal_temperature"] = latest["temperature"].reindex(ids).to_numpy() >= 37.3
    result = dataset.copy()
    result["households"] = conform(HOUSEHOLDS, households)
    result["status_changes"] = conform(STATUS_CHANGES, changes)
    result["followups"] = conform(FOLLOWUPS, followups)
    return result
