"""Importing 100,000 household rows from a GBK CSV as a village work group writes it:
Chinese headers, Chinese reasons and statuses, dates as 2020年2月19日, villages by name.

Measured end to end through the command (``situation-map import``) in a child process, so the
time includes reading, checking and the one-transaction write, and the child's peak resident
memory is the import's alone. The target (under 20 s) is issue 8's.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from geodata.sample.bundled import bundled_sample_path
from geodata.schema import CHOICE_LABELS
from geodata.stores import GeoPackageStore
from tests.bench.harness import Result
from tests.bench.synthetic import with_households

ROWS = 100_000

_CHILD = """
import resource, sys
from desktop.cli import main
status = main(sys.argv[1:])
print("PEAK_KB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
sys.exit(status)
"""


def household_csv(path: Path, dataset, count: int) -> Path:
    """``count`` households in the sample's villages, written as a GBK CSV with Chinese words."""
    households = with_households(dataset, count).households
    names = dict(zip(dataset.villages["code"], dataset.villages["name"], strict=False))
    reasons = {k: v[0] for k, v in CHOICE_LABELS[("households", "reason")].items()}
    statuses = {k: v[0] for k, v in CHOICE_LABELS[("households", "status")].items()}
    start = households["observation_start"]
    table = pd.DataFrame(
        {
            "编号": "IMP" + households["id"].str[3:],
            "所属村": households["village"].map(names),
            "村民组": households["villager_group"],
            "观察原因": households["reason"].map(reasons),
            "人数": households["persons"],
            "观察开始": start.dt.year.astype(str)
            + "年"
            + start.dt.month.astype(str)
            + "月"
            + start.dt.day.astype(str)
            + "日",
            "状态": households["status"].map(statuses),
            "解除/转诊日期": households["status_date"].dt.strftime("%Y/%m/%d"),
            "经度": np.round(households.geometry.x, 6),
            "纬度": np.round(households.geometry.y, 6),
        }
    )
    table.to_csv(path, index=False, encoding="gbk")
    return path


def run() -> list[Result]:
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "sample.gpkg"
        shutil.copyfile(bundled_sample_path(), data)
        dataset = GeoPackageStore(data).read_all()
        source = household_csv(Path(folder) / "观察户.csv", dataset, ROWS)
        log = Path(folder) / "import.log"
        started = time.perf_counter()
        with open(log, "w") as out:
            status = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    _CHILD,
                    "import",
                    "--data",
                    str(data),
                    "--layer",
                    "households",
                    "--from",
                    str(source),
                    "--accept-warnings",
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                check=False,
            ).returncode
        seconds = time.perf_counter() - started
        text = log.read_text(errors="replace")
        if status != 0:
            raise RuntimeError(f"the import failed ({status}):\n{text[-2000:]}")
        peak_mb = int(text.rsplit("PEAK_KB", 1)[1].split()[0]) / 1024
        imported = len(GeoPackageStore(data).read("households"))
        if imported != len(dataset.households) + ROWS:
            raise RuntimeError(f"expected {ROWS:,} more households, found {imported:,}")
    return [
        Result("import", f"{ROWS:,} households from a GBK CSV (read, check, write)", seconds, "s", 20.0),
        Result("import", f"peak memory importing {ROWS:,} households", peak_mb, "MB"),
    ]
