"""Static files of the application: the map page's scripts and styles, templates, the sample.

Shipped inside the package so that an installed copy finds them as a working copy does.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent


def resource_path(*parts: str) -> Path:
    """The path of a file under ``resources/``; a clear error when it is missing."""
    path = ROOT.joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"resource missing from the installation: {path}")
    return path
