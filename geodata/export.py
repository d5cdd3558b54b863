"""Export one layer to GeoJSON, CSV or XLSX for people outside the program.

The audience rule holds here as everywhere: a public export never holds a personal field
(household head's name, phone, notes); only an internal one does. CSV is written as UTF-8 with
a byte-order mark, so Excel on a Chinese Windows opens it right, or as GBK on request. Point
layers get longitude and latitude columns in CSV and XLSX, other shapes a WKT column. Values
are the schema's (``hubei_return``), so the file imports back as it was.

In CSV and XLSX a text that a spreadsheet would run as a formula (``=HYPERLINK(…)``) is written
with a protective leading quote (:mod:`geodata.formulas`), and every XLSX text cell is stored as
a string, never as a formula or an error value.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd
import shapely

from geodata.dataset import Dataset
from geodata.errors import GeodataError
from geodata.formulas import to_spreadsheet
from geodata.schema import STORAGE_CRS, conform, schema_for

if TYPE_CHECKING:
    from pyproj import CRS

FORMATS = {".geojson": "geojson", ".json": "geojson", ".csv": "csv", ".xlsx": "xlsx"}
AUDIENCES = ("public", "internal")
ENCODINGS = {"utf-8": "utf-8-sig", "utf8": "utf-8-sig", "gbk": "gbk"}


class ExportError(GeodataError):
    """A layer cannot be written to the file asked for."""


def export_layer(
    dataset: Dataset, layer: str, path: str | os.PathLike, *, audience: str = "public", encoding: str = "utf-8"
) -> int:
    """Write ``layer`` of ``dataset`` to ``path`` (format from its extension); returns the row count.

    Parameters
    ----------
    dataset
        The dataset.
    layer
        Any layer or table name, e.g. ``"checkpoints"`` or ``"supplies"``.
    path
        ``.geojson``/``.json``, ``.csv`` or ``.xlsx``. Written beside and renamed into place, so
        an existing file is replaced whole or not at all.
    audience
        ``public`` (default) leaves out personal fields; ``internal`` keeps them.
    encoding
        For CSV: ``utf-8`` (with BOM, the default) or ``gbk``.

    Raises
    ------
    ExportError
        An unknown format, audience or encoding, or text GBK cannot hold.
    """
    path = Path(path)
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise ExportError(f"{path.name}: export to .geojson, .csv or .xlsx")
    if audience not in AUDIENCES:
        raise ExportError(f"unknown audience {audience!r}; use public or internal")
    if encoding.lower() not in ENCODINGS:
        raise ExportError(f"unknown encoding {encoding!r}; use utf-8 or gbk")
    schema = schema_for(layer)
    frame = conform(schema, dataset[layer])
    located = schema.is_spatial
    if audience == "public":
        frame = frame.drop(columns=list(schema.personal_fields))
        # A home's exact point names the family as surely as the head's name does: public
        # household exports keep the village and group, not the location.
        located = located and not schema.personal_fields
    staging = path.with_name(f".{path.name}.writing")
    try:
        if kind == "geojson":
            _write_geojson(frame, schema, staging, located)
        else:
            if kind == "csv":
                table = _inert(_table(frame, schema, located))
                _write_csv(table, staging, ENCODINGS[encoding.lower()], path.name)
            else:
                _write_xlsx(_inert(_table(frame, schema, located, text_times=False)), staging, schema.name)
        os.replace(staging, path)
    finally:
        staging.unlink(missing_ok=True)
    return len(frame)


def _table(frame: pd.DataFrame, schema, located: bool, *, text_times: bool = True) -> pd.DataFrame:
    """The attributes (and, when ``located``, coordinates or WKT) as a plain table; dates as
    text unless ``text_times`` is false (Excel keeps them as real dates)."""
    table = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
    for f in schema.fields:
        if f.name in table and f.type == "date" and not text_times:
            table[f.name] = table[f.name].dt.date
        elif f.name in table and f.type == "date":
            table[f.name] = table[f.name].dt.strftime("%Y-%m-%d")
        elif f.name in table and f.type == "datetime" and text_times:
            table[f.name] = table[f.name].dt.strftime("%Y-%m-%d %H:%M")
    if located:
        shapes = frame.geometry.to_numpy()
        if schema.geometry_types == ("Point",):
            table["longitude"] = np.round(shapely.get_x(shapes), 7)
            table["latitude"] = np.round(shapely.get_y(shapes), 7)
        else:
            table["wkt"] = shapely.to_wkt(shapes, rounding_precision=7)
    return table.astype(object).where(table.notna(), None)


def _inert(table: pd.DataFrame) -> pd.DataFrame:
    """The table with every text a spreadsheet would run as a formula quoted."""
    return table.map(to_spreadsheet).astype(object)


def _write_xlsx(table: pd.DataFrame, path: Path, sheet: str) -> None:
    with pd.ExcelWriter(
        path, engine="openpyxl", date_format="YYYY-MM-DD", datetime_format="YYYY-MM-DD HH:MM"
    ) as writer:
        table.to_excel(writer, index=False, sheet_name=sheet)
        # openpyxl guesses a type from a text ("=…" a formula, "#N/A" an error); data is text.
        for row in writer.sheets[sheet].iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"


def _write_csv(table: pd.DataFrame, path: Path, encoding: str, name: str) -> None:
    try:
        # Lines end CR LF as Excel writes them; then a cell holding a lone CR is quoted too.
        table.to_csv(path, index=False, encoding=encoding, lineterminator="\r\n")
    except UnicodeEncodeError as exc:
        raise ExportError(
            f"{name}: some text cannot be written in GBK ({exc.object[exc.start : exc.end]!r}); export as utf-8"
        ) from None


def _write_geojson(frame: pd.DataFrame, schema, path: Path, located: bool) -> None:
    table = _table(frame, schema, located=False)
    features = []
    shapes = frame.geometry.to_numpy() if located else [None] * len(frame)
    for record, shape in zip(table.to_dict("records"), shapes, strict=False):
        geometry = None if shape is None else json.loads(shapely.to_geojson(shape))
        properties = {k: _plain(v) for k, v in record.items()}
        features.append({"type": "Feature", "properties": properties, "geometry": geometry})
    document = {"type": "FeatureCollection", "name": schema.name, "features": features}
    # A spatial layer arrives as a GeoDataFrame (conform keeps the class); pandas-stubs reads .crs as a column.
    crs = cast("CRS | None", frame.crs) if schema.is_spatial else None
    if crs is not None and not crs.equals(STORAGE_CRS):
        raise ExportError("GeoJSON is written in WGS-84 only")
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


def _plain(value):
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return None if np.isnan(value) else float(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    return value
