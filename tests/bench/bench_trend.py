"""The daily series of 100,000 households over 60 days, with their events.

Each synthetic household gets the status changes and daily follow-ups a real one would (an
observing change on its first day, a release or escalation at its end), so the series reads
the events as the sample's does; the sample's checkpoints and points keep their own events.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geodata.sample.bundled import bundled_sample_path
from geodata.schema import FOLLOWUPS, STATUS_CHANGES, conform
from geodata.stores import GeoPackageStore
from layers.trend import daily_series
from tests.bench.harness import Result, median_seconds
from tests.bench.synthetic import with_households

HOUSEHOLDS = 100_000
DAYS = 60
FOLLOWUPS_PER_HOUSEHOLD = 3
TARGET_S = 1.0


def with_events(dataset, seed: int = 2):
    """``dataset`` with status changes and follow-ups for each of its households."""
    rng = np.random.default_rng(seed)
    households = dataset["households"]
    ids = households["id"].to_numpy(dtype=object)
    villages = households["village"].to_numpy(dtype=object)
    start = households["observation_start"].to_numpy().astype("datetime64[ms]")
    settled = households["status"].to_numpy(dtype=object) != "observing"
    end = households["status_date"].to_numpy().astype("datetime64[ms]")
    changes = pd.DataFrame(
        {
            "household": np.concatenate([ids, ids[settled]]),
            "village": np.concatenate([villages, villages[settled]]),
            "day": np.concatenate([start, end[settled]]),
            "status": np.concatenate([np.full(len(ids), "observing", dtype=object), households["status"][settled]]),
        }
    )
    changes.insert(0, "id", [f"SC{n:07d}" for n in range(len(changes))])
    picked = np.repeat(np.arange(len(ids)), FOLLOWUPS_PER_HOUSEHOLD)
    offsets = rng.integers(0, 14 * 24 * 60, len(picked)).astype("timedelta64[m]")
    temperature = np.round(rng.normal(36.6, 0.4, len(picked)), 1)
    followups = pd.DataFrame(
        {
            "household": ids[picked],
            "village": villages[picked],
            "time": start[picked] + offsets,
            "temperature": temperature,
            "result": np.where(temperature >= 37.3, "abnormal", "normal"),
        }
    )
    followups.insert(0, "id", [f"FU{n:07d}" for n in range(len(followups))])
    result = dataset.copy()
    result["status_changes"] = conform(STATUS_CHANGES, changes)
    result["followups"] = conform(FOLLOWUPS, followups)
    return result


def run() -> list[Result]:
    sample = GeoPackageStore(bundled_sample_path()).read_all()
    dataset = with_events(with_households(sample, HOUSEHOLDS))
    end = pd.Timestamp(dataset.metadata["as_of"]).normalize()
    start = end - pd.Timedelta(days=DAYS - 1)
    township = median_seconds(lambda: daily_series(dataset, start, end), repeat=3)
    village = str(dataset.villages["code"].iloc[0])
    one_village = median_seconds(lambda: daily_series(dataset, start, end, village=village), repeat=3)
    return [
        Result(
            "trend",
            f"daily series, {HOUSEHOLDS:,} households and their events, {DAYS} days, township",
            township,
            "s",
            TARGET_S,
        ),
        Result("trend", f"the same, one village ({village})", one_village, "s"),
    ]
