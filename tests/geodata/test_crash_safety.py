"""Kill a writing process at each observed point of a write: the dataset must survive every time.

The writer (tests/geodata/crash_writer.py) reports each phase of a write and waits there, so
every kill lands exactly where the test says, on a fast or a loaded machine alike. The second
round repeats the kills while another connection holds the file open in WAL mode, as QGIS does.
"""

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from geodata.stores import GeoPackageStore
from geodata.validation import has_errors, validate
from tests.geodata.crash_writer import generation_of

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# The phases a write passes, in order; "committed" is the first at which the new data counts.
PHASES = ("prepared", "begun", "checked", "copied", "committing", "committed")


def start_writer(path: Path) -> subprocess.Popen:
    writer = subprocess.Popen(
        [sys.executable, "-m", "tests.geodata.crash_writer", str(path)],
        cwd=PROJECT_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = writer.stdout.readline()
    assert line.strip() == "ready", writer.stderr.read()
    return writer


def kill_at(writer: subprocess.Popen, target: str, writes_before: int) -> list[str]:
    """Let the writer finish ``writes_before`` writes, then kill it when it reports ``target``."""
    seen = []
    while True:
        line = writer.stdout.readline()
        assert line.startswith("phase "), (line, writer.stderr.read())
        phase = line.split()[1]
        finished = seen.count("committed")
        seen.append(phase)
        if phase == target and finished >= writes_before:
            os.kill(writer.pid, signal.SIGKILL)
            writer.wait()
            for stream in (writer.stdin, writer.stdout, writer.stderr):
                with contextlib.suppress(OSError):
                    stream.close()
            return seen
        writer.stdin.write("go\n")
        writer.stdin.flush()


def whole_generation(dataset) -> int:
    """The generation the file holds; fails if layers and metadata disagree."""
    generation = generation_of(dataset)
    staff = set(dataset.checkpoints["staff_on_shift"].dropna().astype(int))
    persons = set(dataset.households["persons"].dropna().astype(int))
    if generation:
        assert staff == {generation} and persons == {generation}, (generation, staff, persons)
        assert pd.Timestamp(dataset.metadata["as_of"]) == (pd.Timestamp("2020-01-01") + pd.Timedelta(days=generation))
    return generation


def integrity(path: Path) -> str:
    with contextlib.closing(sqlite3.connect(path)) as db:
        result = db.execute("PRAGMA integrity_check").fetchone()[0]
        return result if result != "ok" else db.execute("SELECT rtreecheck('rtree_households_geom')").fetchone()[0]


def leftovers(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(f".{path.name}."))


@pytest.mark.slow
@pytest.mark.parametrize("held_open_in_wal", [False, True], ids=["alone", "held open in WAL mode"])
def test_sigkill_at_every_phase_of_a_write_never_breaks_the_dataset(sample_copy, held_open_in_wal):
    holder = None
    if held_open_in_wal:
        holder = sqlite3.connect(sample_copy)
        assert holder.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal"
        holder.execute("SELECT count(*) FROM households").fetchone()
    try:
        previous = whole_generation(GeoPackageStore(sample_copy).read_all())
        for writes_before, target in [(0, phase) for phase in PHASES] + [(1, "checked"), (2, "committed")]:
            writer = start_writer(sample_copy)
            kill_at(writer, target, writes_before)
            assert integrity(sample_copy) == "ok"
            dataset = GeoPackageStore(sample_copy).read_all()
            generation = whole_generation(dataset)
            # Old or new, decided by where the kill landed: committed writes count, others do not.
            assert generation == previous + writes_before + (target == "committed"), target
            previous = generation
            assert not has_errors(validate(dataset))
            # A killed writer leaves at most its own scratch file; the next writer removes it.
            assert len([n for n in leftovers(sample_copy) if n.endswith(".scratch.gpkg")]) <= 1
        if holder is not None:
            assert holder.execute("SELECT count(*) FROM households").fetchone()[0] == len(dataset.households)
    finally:
        if holder is not None:
            holder.close()
    GeoPackageStore(sample_copy).write({}, metadata={"as_of": "2020-03-01T00:00"})
    assert [n for n in leftovers(sample_copy) if "scratch" in n] == []
