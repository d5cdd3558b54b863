"""Writing a layer as a table for spreadsheets (CSV, XLSX) or as GeoJSON.

CSV is written as UTF-8 with a byte-order mark, so Excel on a Chinese Windows opens it right, or
as GBK on request. Point layers get longitude and latitude columns in CSV and XLSX, other shapes
a WKT column. In CSV and XLSX a text that a spreadsheet would run as a formula
(``=HYPERLINK(…)``) is written with a protective leading quote (:mod:`geodata.formulas`), and
every XLSX text cell is stored as a string, never as a formula or an error value. XLSX days and
times are date cells; CSV writes them as ISO text (``2020-02-19``, ``2020-02-19 16:40``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd
import shapely

from geodata.export.errors import ExportError
from geodata.formulas import to_spreadsheet
from geodata.schema import STORAGE_CRS

if TYPE_CHECKING:
    from pyproj import CRS


def table(frame: pd.DataFrame, schema, located: bool, *, text_times: bool = True) -> pd.DataFrame:
    """The attributes (and, when ``located``, coordinates or WKT) as a plain table; dates as
    text unless ``text_times`` is false (Excel keeps them as real dates)."""
    out = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
    for f in schema.fields:
        if f.name in out and f.type == "date" and not text_times:
            out[f.name] = out[f.name].dt.date
        elif f.name in out and f.type == "date":
            out[f.name] = out[f.name].dt.strftime("%Y-%m-%d")
        elif f.name in out and f.type == "datetime" and text_times:
            out[f.name] = out[f.name].dt.strftime("%Y-%m-%d %H:%M")
    if located:
        shapes = frame.geometry.to_numpy()
        if schema.geometry_types == ("Point",):
            out["longitude"] = np.round(shapely.get_x(shapes), 7)
            out["latitude"] = np.round(shapely.get_y(shapes), 7)
        else:
            out["wkt"] = shapely.to_wkt(shapes, rounding_precision=7)
    return out.astype(object).where(out.notna(), None)


def inert(frame: pd.DataFrame) -> pd.DataFrame:
    """The table with every text a spreadsheet would run as a formula quoted."""
    return frame.map(to_spreadsheet).astype(object)


def write_xlsx(frame: pd.DataFrame, path: Path, sheet: str, *, for_people: bool = False) -> None:
    with pd.ExcelWriter(
        path, engine="openpyxl", date_format="YYYY-MM-DD", datetime_format="YYYY-MM-DD HH:MM"
    ) as writer:
        frame.to_excel(writer, index=False, sheet_name=sheet)
        worksheet = writer.sheets[sheet]
        # openpyxl guesses a type from a text ("=…" a formula, "#N/A" an error); data is text.
        for row in worksheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
        if for_people:
            _readable(worksheet, frame)


def _readable(worksheet, frame: pd.DataFrame) -> None:
    """The header stays in sight and each column is as wide as its longest entry (a Chinese
    character is two columns wide), up to a point."""
    from openpyxl.utils import get_column_letter

    worksheet.freeze_panes = "A2"
    for position, column in enumerate(frame.columns, start=1):
        if not any(isinstance(v, pd.Timestamp) for v in frame[column].dropna().head(50)):
            continue
        for (cell,) in worksheet.iter_rows(min_row=2, min_col=position, max_col=position):
            if cell.is_date and cell.number_format.endswith(":SS"):
                cell.number_format = "YYYY-MM-DD HH:MM"  # the data's times are to the minute
    for position, column in enumerate(frame.columns, start=1):
        texts = [str(column), *(str(v) for v in frame[column].head(500) if v is not None)]
        width = max(sum(2 if ord(c) > 0x2E7F else 1 for c in text) for text in texts)
        worksheet.column_dimensions[get_column_letter(position)].width = min(max(width + 2, 8), 60)


def write_csv(frame: pd.DataFrame, path: Path, encoding: str, name: str) -> None:
    try:
        # Lines end CR LF as Excel writes them; then a cell holding a lone CR is quoted too.
        frame.to_csv(path, index=False, encoding=encoding, lineterminator="\r\n")
    except UnicodeEncodeError as exc:
        raise ExportError(
            f"{name}: some text cannot be written in GBK ({exc.object[exc.start : exc.end]!r}); export as utf-8"
        ) from None


def write_geojson(frame: pd.DataFrame, schema, path: Path, located: bool, headers: dict[str, str]) -> None:
    properties_table = table(frame, schema, located=False).rename(columns=headers)
    features = []
    shapes = frame.geometry.to_numpy() if located else [None] * len(frame)
    for record, shape in zip(properties_table.to_dict("records"), shapes, strict=False):
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
