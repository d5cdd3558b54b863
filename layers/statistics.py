"""Figures about a dataset: how many features each layer holds, by tier, by village."""

from __future__ import annotations

import pandas as pd

from geodata.dataset import Dataset
from geodata.schema import CHECKPOINT_TIERS, SCHEMAS


def layer_counts(dataset: Dataset) -> pd.DataFrame:
    """One row per layer and table: ``layer``, ``label_zh``, ``label_en``, ``count``.

    Checkpoints are followed by one row per tier (``layer`` like ``checkpoints.district``).
    """
    rows = []
    for name, schema in SCHEMAS.items():
        frame = dataset[name]
        rows.append((name, schema.label_zh, schema.label_en, len(frame)))
        if name == "checkpoints":
            by_tier = frame["tier"].value_counts()
            rows += [(f"{name}.{tier}", "", tier, int(by_tier.get(tier, 0))) for tier in CHECKPOINT_TIERS]
    return pd.DataFrame(rows, columns=["layer", "label_zh", "label_en", "count"])
