"""Export one layer for people or for another program: CSV, XLSX, GeoJSON, GeoPackage or a
zipped shapefile.

Two forms, both of which import back to the same records:

- ``people``: what a person opens in Excel. Headers are the schema's labels in the chosen
  language, villages and the township by name, enumerated values as words (湖北返乡, 值守中),
  yes/no as 是/否 in CSV and XLSX, days as dates (XLSX date cells, ISO days in CSV),
  longitude and latitude columns named 经度/纬度 (:mod:`geodata.export.people`).
- ``import``: the schema's field names and codes (``hubei_return``), for programs and scripts.

The audience rule holds here as everywhere: a public export never holds a personal field
(household head's name, phone, notes) nor a home's location; only an internal one does.
Writers: :mod:`geodata.export.tables` (CSV, XLSX, GeoJSON) and :mod:`geodata.export.gis`
(GeoPackage, shapefile with the 10-character field names of
:data:`geodata.schema.SHAPEFILE_NAMES`).
"""

from __future__ import annotations

import os
from pathlib import Path

from geodata.dataset import Dataset
from geodata.export.errors import ExportError
from geodata.export.gis import write_gpkg, write_shapefile_zip
from geodata.export.people import headers, in_words
from geodata.export.tables import inert, table, write_csv, write_geojson, write_xlsx
from geodata.messages import N_, Message
from geodata.schema import conform, schema_for

__all__ = ["AUDIENCES", "ENCODINGS", "FORMATS", "FORMS", "ExportError", "export_layer", "written_path"]

FORMATS = {
    ".geojson": "geojson",
    ".json": "geojson",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".gpkg": "gpkg",
    ".zip": "shapefile",
    ".shp": "shapefile",
}
AUDIENCES = ("public", "internal")
FORMS = ("people", "import")
ENCODINGS = {"utf-8": "utf-8-sig", "utf8": "utf-8-sig", "gbk": "gbk"}


def written_path(path: str | os.PathLike) -> Path:
    """The file an export to ``path`` writes: a shapefile asked for as ``X.shp`` goes out as the
    zip ``X.shp.zip``, which QGIS opens as it is."""
    path = Path(path)
    return path.with_name(path.name + ".zip") if path.suffix.lower() == ".shp" else path


def export_layer(
    dataset: Dataset,
    layer: str,
    path: str | os.PathLike,
    *,
    audience: str = "public",
    encoding: str = "utf-8",
    form: str = "import",
    lang: str = "zh",
) -> int:
    """Write ``layer`` of ``dataset`` to ``path`` (format from its extension); returns the row count.

    Parameters
    ----------
    dataset
        The dataset.
    layer
        Any layer or table name, e.g. ``"checkpoints"`` or ``"supplies"``.
    path
        ``.csv``, ``.xlsx``, ``.geojson``/``.json``, ``.gpkg``, or ``.zip``/``.shp`` for a
        shapefile (written as a zip, see :func:`written_path`). Written beside and renamed into
        place, so an existing file is replaced whole or not at all.
    audience
        ``public`` (default) leaves out personal fields and household locations; ``internal``
        keeps them.
    encoding
        For CSV: ``utf-8`` (with BOM, the default) or ``gbk``.
    form
        ``import`` (default): field names and codes; ``people``: labels, names and words.
    lang
        ``zh`` or ``en``: the language of a ``people`` export's headers and words.

    Raises
    ------
    ExportError
        An unknown format, audience, form or encoding, text GBK cannot hold, or text longer than
        a shapefile holds.
    """
    path = written_path(path)
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise ExportError(
            Message(N_("{file}: export to .csv, .xlsx, .geojson, .gpkg or .shp (a zipped shapefile)"), file=path.name)
        )
    if audience not in AUDIENCES:
        raise ExportError(f"unknown audience {audience!r}; use public or internal")
    if form not in FORMS:
        raise ExportError(f"unknown form {form!r}; use people or import")
    if encoding.lower() not in ENCODINGS:
        raise ExportError(f"unknown encoding {encoding!r}; use utf-8 or gbk")
    lang = "zh" if lang.lower().startswith("zh") else "en"
    schema = schema_for(layer)
    frame = conform(schema, dataset[layer])
    located = schema.is_spatial
    if audience == "public":
        frame = frame.drop(columns=list(schema.personal_fields))
        # A home's exact point names the family as surely as the head's name does: public
        # household exports keep the village and group, not the location.
        located = located and not schema.personal_fields
    for_people = form == "people"
    if for_people:
        frame = in_words(frame, schema, dataset, lang, yes_no=kind in ("csv", "xlsx"))
    staging = path.with_name(f".{path.name}.writing")
    try:
        _write(kind, frame, schema, staging, located, for_people, lang, encoding, path.name)
        os.replace(staging, path)
    finally:
        staging.unlink(missing_ok=True)
    return len(frame)


def _write(kind, frame, schema, staging: Path, located: bool, for_people: bool, lang: str, encoding: str, name: str):
    def named(columns) -> dict[str, str]:
        return headers(schema, columns, lang) if for_people else {}

    if kind == "geojson":
        write_geojson(frame, schema, staging, located, named(frame.columns))
    elif kind == "gpkg":
        write_gpkg(frame, schema, staging, located, named(frame.columns))
    elif kind == "shapefile":
        write_shapefile_zip(frame, schema, staging, located)
    elif kind == "csv":
        rows = inert(table(frame, schema, located))
        write_csv(rows.rename(columns=named(rows.columns)), staging, ENCODINGS[encoding.lower()], name)
    else:
        rows = inert(table(frame, schema, located, text_times=False))
        write_xlsx(rows.rename(columns=named(rows.columns)), staging, schema.name, for_people=for_people)
