"""A command-line process runs its start with Python's collector paused. `map`, short-lived,
keeps it paused and ends its process without Python's teardown, its lines all printed and its
status kept; every other verb and the window have the collector back, with what the start
made kept out of its passes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]

SCRIPT = """
import atexit, gc, sys
from desktop.commands import check_command, map_command
from desktop.cli import main


def spied(run):
    def spy(args):
        print("collector", gc.isenabled(), gc.get_freeze_count() > 0)
        return run(args)
    return spy


map_command.run_map = spied(map_command.run_map)
check_command.run_check = spied(check_command.run_check)
atexit.register(lambda: print("torn down"))
sys.argv = ["situation-map", *sys.argv[1:]]
sys.exit(main())
"""


def run(*words: str) -> subprocess.CompletedProcess:
    # Output through a pipe is held in Python's buffers until flushed: unbuffered, a line
    # lost at the end would not show.
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, *words], cwd=PROJECT, env=environment, capture_output=True, text=True
    )


def test_map_runs_with_the_collector_paused_and_ends_its_process_at_once(tmp_path, sample_copy):
    out = tmp_path / "page" / "index.html"
    done = run("map", "--data", str(sample_copy), "--out", str(out), "--lang", "en")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "collector False False"
    assert lines[1].startswith(f"Wrote {out}")  # printed through a pipe, before the end
    assert "torn down" not in done.stdout
    assert out.exists()


def test_a_map_that_fails_keeps_its_status_and_its_message(tmp_path, sample_copy):
    done = run("map", "--data", str(sample_copy), "--out", str(tmp_path / "page.txt"), "--lang", "en")
    assert done.returncode == 2
    assert "page.txt" in done.stderr and "*.html" in done.stderr


def test_other_verbs_run_with_the_collector_on(sample_copy):
    done = run("check", "--data", str(sample_copy))
    assert done.returncode in (0, 1), done.stderr
    assert done.stdout.splitlines()[0] == "collector True True"
    assert done.stdout.splitlines()[-1] == "torn down"


def test_a_command_run_from_python_leaves_the_collector_alone(tmp_path, sample_copy):
    import gc

    from desktop.cli import main

    assert main(["map", "--data", str(sample_copy), "--out", str(tmp_path / "index.html")]) == 0
    assert gc.isenabled()
