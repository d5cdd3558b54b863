"""A disk that fills up during an import: one line saying so, exit 2, the file as it was.

The filling happens for real, on a small tmpfs (mounting one needs root, as the test machines
run). At each amount of free space the write stops at a different step: GDAL writing the
scratch rows, or SQLite copying them into the live file inside its transaction.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from desktop.cli import main
from geodata.sample.bundled import bundled_sample_path
from tests.geodata.test_store_concurrency import _import_file

SIZE_KB = 2048


@pytest.fixture(scope="module")
def small_disk(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small_disk")
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SIZE_KB}k", "tmpfs", str(folder)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.strip()}")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=False)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("free_kb", [1900, 1000, 900, 700, 500])
def test_an_import_onto_a_full_disk_says_so_in_one_line_and_changes_nothing(small_disk, tmp_path, capsys, free_kb):
    for leftover in small_disk.iterdir():
        leftover.unlink()
    data = small_disk / "township.gpkg"
    shutil.copyfile(bundled_sample_path(), data)
    filler = small_disk / "filler"
    used = data.stat().st_size // 1024
    filler.write_bytes(b"\0" * max(0, (SIZE_KB - used - free_kb)) * 1024)
    before = _digest(data)
    rows = _import_file(tmp_path, "FULL", 6000)

    code = main(["import", "--layer", "households", "--data", str(data), "--from", str(rows), "--accept-warnings"])

    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert "Traceback" not in err
    assert err.splitlines()[-1] == f"situation-map: {data}: the disk is full; nothing was written"
    assert _digest(data) == before
    with contextlib.closing(sqlite3.connect(data)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler", "township.gpkg"]
