"""Briefing PDFs of the sample through the command, start-up included: the summary and the
10-village atlas, public and internal; then of 1,000,000 households (issue 17).

Each is a fresh ``situation-map brief`` process (Python, Qt WebEngine, the data, the document,
the maps, the PDF), timed as a scheduler would see it.

The 1,000,000-household rows make their GeoPackage first (about a minute). Their internal
briefing lists about 520,000 households on some 18,000 pages: it takes a quarter of an hour or
more. ``BENCH_BRIEF_BIG=0`` leaves out the million-household rows, ``BENCH_BRIEF_BIG=public``
keeps only its public summary.
"""

from __future__ import annotations

import os
import resource
import shutil
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
BIG = 1_000_000
BIG_SUMMARY_TARGET_S = 10.0


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _brief_seconds(folder: Path, *options: str, data: Path | None = None, timeout: float = 300) -> tuple[float, int]:
    """Wall time of one ``brief`` command, and the pages of the PDF it wrote."""
    seconds, pages, _megabytes = _brief(folder, *options, data=data, timeout=timeout)
    return seconds, pages


def _brief(
    folder: Path, *options: str, data: Path | None = None, timeout: float = 300, memory: bool = False
) -> tuple[float, int, float]:
    """Wall time of one ``brief`` command, the pages of the PDF it wrote and, with ``memory``,
    the most its process tree (Python and Chromium's processes) held at once, in MB."""
    out = folder / "brief.pdf"
    out.unlink(missing_ok=True)
    command = [
        sys.executable,
        "-m",
        "desktop",
        "brief",
        "--data",
        str(data or bundled_sample_path()),
        "--out",
        str(out),
    ]
    with open(folder / "log", "w") as log:  # a file: Chromium's helpers may hold a pipe open
        started = time.perf_counter()
        process = subprocess.Popen([*command, *options], cwd=PROJECT, stdout=log, stderr=log)
        peak = 0.0
        while process.poll() is None:
            if time.perf_counter() - started > timeout:
                process.kill()
                raise TimeoutError(f"brief {' '.join(options)} took over {timeout:.0f} s")
            if memory:
                peak = max(peak, _tree_megabytes(process.pid))
            time.sleep(0.5 if memory else 0.05)
        seconds = time.perf_counter() - started
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command)
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    return seconds, pages, peak


def _tree_megabytes(pid: int) -> float:
    """Proportional set size of process ``pid`` and its children: memory they share (Qt's
    libraries) counted once, split among them."""
    import psutil

    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0.0
    total = 0
    for process in processes:
        try:
            total += process.memory_full_info().pss
        except psutil.Error:
            continue
    return total / 1e6


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
        *_million(),
    ]


def _million() -> list[Result]:
    """The public summary (median of REPEAT after a warm run) and the internal briefing (once)
    of 1,000,000 households, unless BENCH_BRIEF_BIG says otherwise."""
    wanted = os.environ.get("BENCH_BRIEF_BIG", "1")
    if wanted == "0":
        return []
    from geodata.stores import GeoPackageStore
    from tests.bench.synthetic import with_households

    label = f"{BIG:,} households"
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        data = folder / "data.gpkg"
        shutil.copyfile(bundled_sample_path(), data)
        store = GeoPackageStore(data)
        store.write({"households": with_households(store.read_all(), BIG).households})
        del store
        _brief_seconds(folder, data=data)  # warm the disk cache
        summary = statistics.median(_brief_seconds(folder, data=data)[0] for _ in range(REPEAT))
        results = [
            Result(
                "brief",
                f"public summary, {label}, command start to PDF (median of {REPEAT})",
                summary,
                "s",
                BIG_SUMMARY_TARGET_S,
            )
        ]
        if wanted == "public":
            return results
        seconds, pages, megabytes = _brief(folder, "--audience", "internal", data=data, timeout=3600, memory=True)
    return [
        *results,
        Result("brief", f"internal briefing (LONG: {pages:,} pages), {label}, command start to PDF", seconds, "s"),
        Result("brief", f"internal briefing, {label}, most memory of the process tree (PSS)", megabytes, "MB"),
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
