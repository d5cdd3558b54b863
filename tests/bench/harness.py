"""Measurements and the table they are reported in."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Callable


@dataclass
class Result:
    benchmark: str
    measure: str
    value: float
    unit: str
    target: float | None = None  # the value must not exceed this

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.value <= self.target


def median_seconds(action: Callable[[], object], repeat: int = 5) -> float:
    """The median wall time of ``action`` over ``repeat`` runs, after one warm-up run."""
    action()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def format_table(results: list[Result]) -> str:
    header = ("benchmark", "measure", "value", "unit", "target", "ok")
    rows = [header] + [
        (
            r.benchmark, r.measure, f"{r.value:,.3f}" if r.value < 100 else f"{r.value:,.0f}",
            r.unit, "" if r.target is None else f"≤ {r.target:g}",
            {True: "yes", False: "NO", None: ""}[r.met],
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
