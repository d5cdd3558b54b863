"""A shapefile sent as one zip (``.shp .shx .dbf .prj .cpg``; a table's ``.dbf`` alone), as
``situation-map export`` writes it and as shapefiles travel by mail and chat.

The zip's parts are copied out by their base names only (never a path the zip names), after a
check of their count and unpacked size, and read like a shapefile beside its parts; problems
name the zip.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from geodata.importing.source import Progress, Source, failure
from geodata.importing.vector_readers import read_shapefile
from geodata.messages import N_, Message

# Parts of a shapefile the reader uses; other members (a readme, __MACOSX) are left in the zip.
_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
# A household list of a city is tens of megabytes: more, unpacked, is no shapefile of ours.
MAX_UNPACKED_BYTES = 2_000_000_000


def read_shapefile_zip(path: Path, *, encoding: str | None, sheet: str | None, report: Progress) -> Source:
    with zipfile.ZipFile(path) as archive:
        members = [m for m in archive.infolist() if not m.is_dir() and not m.filename.startswith("__MACOSX")]
        stems = _shapefiles(members)
        if len(stems) != 1:
            shown = sorted(stems) or sorted(m.filename for m in members)
            names = ", ".join(shown[:10]) + (", …" if len(shown) > 10 else "") if shown else "-"
            raise failure(
                path,
                Message(
                    N_("the zip must hold one shapefile (.shp or .dbf with its parts); it holds: {names}"), names=names
                ),
            )
        stem = next(iter(stems))
        parts = [m for m in members if _stem(m) == stem and PurePosixPath(m.filename).suffix.lower() in _PARTS]
        if sum(m.file_size for m in parts) > MAX_UNPACKED_BYTES:
            raise failure(path, Message(N_("the shapefile in the zip is larger unpacked than any table of features")))
        with tempfile.TemporaryDirectory(prefix="shapefile-zip-") as folder:
            for member in parts:
                suffix = PurePosixPath(member.filename).suffix.lower()
                (Path(folder) / f"layer{suffix}").write_bytes(archive.read(member))
            main = Path(folder) / ("layer.shp" if (Path(folder) / "layer.shp").exists() else "layer.dbf")
            source = read_shapefile(main, encoding=encoding, sheet=sheet, report=report)
    source.path = path
    source.notes = [_named_in_the_zip(note, stem) for note in source.notes]
    return source


def _named_in_the_zip(note, stem: str):
    """A note about the unpacked ``layer.cpg`` as about the zip's own ``.cpg``."""
    params = getattr(note, "params", None)
    if params is not None and params.get("file") == "layer.cpg":
        return Message(note.template, **{**params, "file": f"{stem}.cpg"})
    return note.replace("layer.cpg", f"{stem}.cpg")


def _stem(member: zipfile.ZipInfo) -> str:
    name = PurePosixPath(member.filename)
    return str(name.with_suffix(""))


def _shapefiles(members: list[zipfile.ZipInfo]) -> set[str]:
    """The shapefiles in the zip: each .shp, and each .dbf without a .shp (a table)."""
    shp = {_stem(m) for m in members if PurePosixPath(m.filename).suffix.lower() == ".shp"}
    dbf = {_stem(m) for m in members if PurePosixPath(m.filename).suffix.lower() == ".dbf"}
    return shp | (dbf - shp)
