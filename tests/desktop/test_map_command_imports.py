"""A cold `situation-map map` process imports what the page needs, not the import pipeline,
Folium's HTTP client or GDAL (pyogrio, for writers): each was tens of milliseconds of every
page written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]

SCRIPT = """
import sys
from desktop.cli import main
status = main(["map", "--data", sys.argv[1], "--out", sys.argv[2], "--audience", "internal"])
print(" ".join(sorted(sys.modules)))
sys.exit(status)
"""


def test_map_command_leaves_the_import_pipeline_requests_and_gdal_unloaded(tmp_path, sample_copy):
    out = tmp_path / "page" / "index.html"
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(sample_copy), str(out)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = set(done.stdout.split()[-1:] and done.stdout.splitlines()[-1].split())
    assert out.exists() and "folium" in loaded
    assert "geodata.importing.plan" not in loaded
    assert "urllib3" not in loaded  # requests is loaded on first use only
    assert "pyogrio" not in loaded  # the file is read through sqlite3
