"""Kill a writing process at random moments: the dataset must survive every time."""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from geodata.store import GeoPackageStore
from geodata.validation import has_errors, validate
from tests.geodata.crash_writer import generation_of

KILLS = 24
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def start_writer(path: Path) -> subprocess.Popen:
    writer = subprocess.Popen(
        [sys.executable, "-m", "tests.geodata.crash_writer", str(path)],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    line = writer.stdout.readline()
    assert line.strip() == "ready", writer.stderr.read()
    return writer


def whole_generation(dataset) -> int:
    """The generation the file holds; fails if layers and metadata disagree."""
    generation = generation_of(dataset)
    staff = set(dataset.checkpoints["staff_on_shift"].dropna().astype(int))
    persons = set(dataset.households["persons"].dropna().astype(int))
    if generation:
        assert staff == {generation} and persons == {generation}, (generation, staff, persons)
        assert pd.Timestamp(dataset.metadata["as_of"]) == (
            pd.Timestamp("2020-01-01") + pd.Timedelta(days=generation)
        )
    return generation


@pytest.mark.slow
def test_sigkill_while_writing_never_breaks_the_dataset(sample_copy):
    rng = random.Random(20200219)
    previous = whole_generation(GeoPackageStore(sample_copy).read_all())
    advanced = interrupted = 0
    for _ in range(KILLS):
        writer = start_writer(sample_copy)
        time.sleep(rng.uniform(0.0, 0.4))
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
        writer.stdout.close()
        writer.stderr.close()
        interrupted += any(sample_copy.parent.glob(f".{sample_copy.name}.*.writing.gpkg"))

        dataset = GeoPackageStore(sample_copy).read_all()
        generation = whole_generation(dataset)
        assert generation >= previous
        advanced += generation > previous
        previous = generation
        assert not has_errors(validate(dataset))
    # The kills must have landed among writes, some in the middle of one (leaving its
    # unfinished copy behind, which the next writer removed), not only before the first.
    assert advanced >= KILLS // 4
    assert interrupted >= 1
    assert len(list(sample_copy.parent.glob("*.writing.gpkg"))) <= 1
