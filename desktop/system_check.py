"""Check (and on Debian/Ubuntu as root, install) what Qt WebEngine needs from the system.

Run by ``make run`` and ``make test`` with the system Python before the virtual environment
exists, so it uses the standard library only. On a machine that lacks something:

* Debian/Ubuntu as root: installs the packages with apt-get;
* otherwise: prints the exact command to run and exits with status 1.

Usage: python3 desktop/system_check.py [--screen] [--tests] [--anchors] [--quiet]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys

MIN_PYTHON = (3, 11)

# Measured on a bare Debian bookworm root: an offscreen WebEngine page loads and renders
# Chinese with exactly these (docs/architecture.md, System libraries). Alternatives are newer distributions' names.
OFFSCREEN_PACKAGES = [
    "libgl1",
    "libegl1",
    "libglib2.0-0|libglib2.0-0t64",
    "libfontconfig1",
    "libdbus-1-3",
    "libnss3",
    "libxkbcommon0",
    "libxcomposite1",
    "libxdamage1",
    "libxrandr2",
    "libxtst6",
    "libxkbfile1",
    "libgbm1",
    "libasound2|libasound2t64",
    "libx11-xcb1",
]
CJK_FONT_PACKAGES = ["fonts-wqy-zenhei|fonts-noto-cjk|fonts-wqy-microhei"]
SCREEN_PACKAGES = [
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-image0",
    "libxcb-keysyms1",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-xkb1",
    "libxkbcommon-x11-0",
]
# Tools the tests use to look at output: PDF pages to images and text.
TEST_TOOL_PACKAGES = ["poppler-utils"]
# The shared-store tests start a throw-away PostgreSQL server with PostGIS. The PostGIS
# package of a release depends on its matching server, so one group brings both:
# bookworm has 15, trixie 17, Ubuntu 24.04 16.
TEST_SERVER_PACKAGES = ["postgresql-15-postgis-3|postgresql-17-postgis-3|postgresql-16-postgis-3"]
# QGIS, the anchor the benchmarks are measured beside (make bench-anchors): PyQGIS runs under
# the system Python, never in the project's environment.
ANCHOR_PACKAGES = ["qgis", "python3-qgis"]


def installed(package: str) -> bool:
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", package],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode == 0 and "install ok installed" in result.stdout


def available(package: str) -> bool:
    result = subprocess.run(
        ["apt-cache", "show", "--no-all-versions", package],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode == 0 and bool(result.stdout.strip())


def missing_packages(wanted: list[str]) -> list[str]:
    """The Debian packages to install: for each alternative group, the first one available."""
    missing = []
    for group in wanted:
        options = group.split("|")
        if any(installed(p) for p in options):
            continue
        missing.append(next((p for p in options if available(p)), options[0]))
    return missing


def venv_package() -> str | None:
    """Debian splits venv/ensurepip out of python3: the package that brings it, if missing."""
    try:
        import ensurepip  # noqa: F401
        import venv  # noqa: F401
    except ImportError:
        return f"python3.{sys.version_info.minor}-venv"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screen", action="store_true", help="also what a real X11 screen needs")
    parser.add_argument(
        "--tests", action="store_true", help="also the tools the tests use (PDF tools, PostgreSQL with PostGIS)"
    )
    parser.add_argument("--anchors", action="store_true", help="also QGIS, to measure the benchmarks beside")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)

    if sys.version_info < MIN_PYTHON:
        print(
            f"Python {'.'.join(map(str, MIN_PYTHON))} or newer is needed; this is "
            f"{sys.version.split()[0]}. Install python3.11 and run: make PYTHON=python3.11 ..."
        )
        return 1
    if not shutil.which("dpkg-query"):
        if not args.quiet:
            print(
                "Not Debian/Ubuntu: make sure Qt 6 WebEngine's libraries (OpenGL, EGL, NSS, "
                "xkbcommon, fontconfig) and a Chinese font are installed."
            )
        return 0

    wanted = OFFSCREEN_PACKAGES + CJK_FONT_PACKAGES
    if args.screen:
        wanted += SCREEN_PACKAGES
    if args.tests:
        wanted += TEST_TOOL_PACKAGES + TEST_SERVER_PACKAGES
    if args.anchors:
        wanted += ANCHOR_PACKAGES
    missing = missing_packages(wanted)
    if (extra := venv_package()) and not installed(extra):
        missing.append(extra)
    if not missing:
        return 0

    command = ["apt-get", "install", "-y", "--no-install-recommends", *missing]
    if os.geteuid() != 0:
        print("Some system libraries the map needs are missing. Run this, then try again:")
        print("  sudo apt-get update && sudo " + " ".join(command))
        return 1
    print("Installing system libraries the map needs: " + " ".join(missing), flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for step in (["apt-get", "update", "-q"], command):
        if subprocess.run(step, env=env, check=False).returncode != 0:
            print("Could not install them. Run this by hand, then try again:")
            print("  apt-get update && " + " ".join(command))
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
