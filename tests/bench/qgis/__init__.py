"""QGIS as the anchor of the benchmarks: the same file drawn, laid out and printed by QGIS in a
cold process, beside ours.

The scripts here run under the system Python that carries PyQGIS (Debian's ``python3-qgis``,
installed by ``make bench-anchors``), never under the project's virtual environment. Each is
timed as a whole process, start-up included, as ours are.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent
SYSTEM_PYTHON = "/usr/bin/python3"
MISSING = "QGIS anchor missing: run `make bench-anchors` to install QGIS and measure beside it"


def available() -> bool:
    """Whether a system Python with PyQGIS is here."""
    if not shutil.which(SYSTEM_PYTHON):
        return False
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import qgis.core"], capture_output=True, check=False)
    return probe.returncode == 0


def seconds(script: str, *arguments: str, repeat: int = 3) -> float:
    """The median wall time of ``script`` (a file of this folder) run cold ``repeat`` times,
    after one run that warms the disk cache (ours are timed the same way)."""
    times = []
    with tempfile.TemporaryDirectory() as home:
        environment = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=home, XDG_RUNTIME_DIR=home)
        for run in range(repeat + 1):
            started = time.perf_counter()
            subprocess.run(
                [SYSTEM_PYTHON, str(SCRIPTS / script), *arguments],
                env=environment,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=True,
                timeout=600,
            )
            if run:
                times.append(time.perf_counter() - started)
    return statistics.median(times)
