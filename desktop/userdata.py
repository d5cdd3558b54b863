"""Where the user's own data lives, and the working copy of the bundled sample.

The shipped sample is never written to: on first use it is copied into the user data
directory (``~/.local/share/situation-map`` on Linux, or ``$SITUATION_MAP_HOME``) and the
application edits that copy.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import platformdirs

from geodata.sample.bundled import bundled_sample_path

APP_NAME = "situation-map"
WORKING_COPY_NAME = "guanwangmiao.gpkg"


def user_data_dir() -> Path:
    """The folder holding the user's datasets (created on demand)."""
    override = os.environ.get("SITUATION_MAP_HOME")
    folder = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def working_copy() -> Path:
    """The user's working copy of the sample, copied from the bundled file on first use."""
    target = user_data_dir() / WORKING_COPY_NAME
    if not target.exists():
        staging = target.with_name(target.name + ".copying")
        shutil.copyfile(bundled_sample_path(), staging)
        os.replace(staging, target)  # never leave a half-copied dataset behind
    return target
