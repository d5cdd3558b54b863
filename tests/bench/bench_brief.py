"""Briefing PDFs of the sample through the command, start-up included: the summary and the
10-village atlas, public and internal.

Each is a fresh ``situation-map brief`` process (Python, Qt WebEngine, the data, the document,
the maps, the PDF), timed as a scheduler would see it.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from geodata.sample.bundled import bundled_sample_path
from tests.bench import qgis
from tests.bench.harness import Result

PROJECT = Path(__file__).resolve().parents[2]
SUMMARY_TARGET_S = 5.0
REPEAT = 3


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _brief_seconds(folder: Path, *options: str) -> tuple[float, int]:
    """Wall time of one ``brief`` command, and the pages of the PDF it wrote."""
    out = folder / "brief.pdf"
    out.unlink(missing_ok=True)
    with open(folder / "log", "w") as log:  # a file: Chromium's helpers may hold a pipe open
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "desktop",
                "brief",
                "--data",
                str(bundled_sample_path()),
                "--out",
                str(out),
                *options,
            ],
            cwd=PROJECT,
            stdout=log,
            stderr=log,
            check=True,
            timeout=300,
        )
        seconds = time.perf_counter() - started
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    return seconds, pages


def run() -> list[Result]:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        _brief_seconds(folder)  # warm the disk cache: the first run reads everything from disk
        cpu_before = _children_cpu()
        summary = statistics.median(_brief_seconds(folder)[0] for _ in range(REPEAT))
        # CPU time of the command and its browser processes: what a busy machine cannot hide.
        summary_cpu = (_children_cpu() - cpu_before) / REPEAT
        internal, _pages = _brief_seconds(folder, "--audience", "internal")
        atlas_runs = [_brief_seconds(folder, "--atlas") for _ in range(REPEAT)]
        atlas, atlas_pages = statistics.median(t for t, _pages in atlas_runs), atlas_runs[0][1]
        internal_atlas, _pages = _brief_seconds(folder, "--atlas", "--audience", "internal")
        a3, _pages = _brief_seconds(folder, "--atlas", "--paper", "A3", "--landscape")
    return [
        Result("brief", f"public summary, command start to PDF (median of {REPEAT})", summary, "s", SUMMARY_TARGET_S),
        Result("brief", "public summary, CPU time of the command and its browser processes", summary_cpu, "s"),
        Result("brief", "internal summary (observation list), command start to PDF", internal, "s"),
        Result("brief", f"public atlas ({atlas_pages} pages), command start to PDF (median of {REPEAT})", atlas, "s"),
        Result("brief", "internal 10-village atlas, command start to PDF", internal_atlas, "s"),
        Result("brief", "public atlas, A3 landscape, command start to PDF", a3, "s"),
        Result("brief", "atlas time per village page beyond the summary", (atlas - summary) / 10, "s"),
        *_beside_qgis(summary, atlas),
    ]


def _beside_qgis(summary: float, atlas: float) -> list[Result]:
    """QGIS's scripted layout and atlas of the same file, cold, and our ratio to each."""
    if not qgis.available():
        return [Result("brief", qgis.MISSING, float("nan"), "")]
    sample = str(bundled_sample_path())
    with tempfile.TemporaryDirectory() as name:
        layout = qgis.seconds("layout.py", sample, str(Path(name) / "layout.pdf"), repeat=REPEAT)
        atlas_qgis = qgis.seconds("layout.py", sample, str(Path(name) / "atlas.pdf"), "--atlas", repeat=REPEAT)
    return [
        Result("brief", f"QGIS one-page map layout to PDF, cold process (median of {REPEAT})", layout, "s"),
        Result("brief", f"QGIS 10-village atlas to PDF, cold process (median of {REPEAT})", atlas_qgis, "s"),
        Result("brief", "summary: ours / QGIS layout", summary / layout, "×", 1.0),
        Result("brief", "atlas: ours / QGIS atlas", atlas / atlas_qgis, "×", 1.0),
    ]
