"""A command-line process runs its start with Python's collector paused; `map` keeps it paused
(a page written in one burst, then the process ends), every other verb and the window have
it back, with what the start made kept out of its passes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]

SCRIPT = """
import gc, sys
from desktop.commands import check_command, map_command
from desktop.cli import main

seen = {}


def spied(name, run):
    def spy(args):
        seen[name] = (gc.isenabled(), gc.get_freeze_count() > 0)
        return run(args)
    return spy


map_command.run_map = spied("map", map_command.run_map)
check_command.run_check = spied("check", check_command.run_check)
sys.argv = ["situation-map", *sys.argv[1:]]
status = main()
print(*seen[sys.argv[1]])
sys.exit(status)
"""


def run(*words: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", SCRIPT, *words], cwd=PROJECT, capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stderr
    return done.stdout.split()[-2:]


def test_map_runs_with_the_collector_paused(tmp_path, sample_copy):
    out = tmp_path / "page" / "index.html"
    assert run("map", "--data", str(sample_copy), "--out", str(out)) == ["False", "False"]
    assert out.exists()


def test_other_verbs_run_with_the_collector_on(sample_copy):
    assert run("check", "--data", str(sample_copy)) == ["True", "True"]


def test_a_command_run_from_python_leaves_the_collector_alone(tmp_path, sample_copy):
    import gc

    from desktop.cli import main

    assert main(["map", "--data", str(sample_copy), "--out", str(tmp_path / "index.html")]) == 0
    assert gc.isenabled()
