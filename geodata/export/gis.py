"""Writing a layer for GIS programs: a GeoPackage, or a shapefile zipped with its parts.

Both keep the values' types: days as dates (a GeoPackage DATE, a .dbf ``D`` field), yes/no as
booleans (a .dbf logical ``L``), counts as whole numbers. A .dbf has no time of day, so times go
into it as ISO text (``2020-02-19 16:40``), which the import reads back. A .dbf field name has at
most ten bytes: fields are named there by :func:`geodata.schema.shapefile_name`. A .dbf text
holds at most 254 bytes; a longer one is refused with its field named, never cut.

A shapefile goes out as one zip (``.shp .shx .dbf .prj .cpg``, the ``.cpg`` saying UTF-8), so
the parts travel together; a table without shapes is its ``.dbf`` and ``.cpg``. QGIS opens the
zip as it is (GDAL's ``/vsizip/``), and ``situation-map import`` takes it too.
"""

from __future__ import annotations

import tempfile
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]  # no stubs; pyproject lists the others

from geodata.export.errors import ExportError
from geodata.schema import STORAGE_CRS, LayerSchema, shapefile_name

# The longest text a .dbf character field holds, in bytes of its encoding.
DBF_TEXT_BYTES = 254
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


def _typed(frame: pd.DataFrame, schema: LayerSchema, *, times_as_text: bool) -> pd.DataFrame:
    """Days as Arrow dates (so GDAL writes a date field), times as datetimes or ISO text."""
    out = frame.copy()
    for f in schema.fields:
        if f.name not in out.columns:
            continue
        if f.type == "date":
            days = out[f.name].dt.date.astype(object).where(out[f.name].notna(), None)
            out[f.name] = pd.Series(pa.array(days.tolist(), type=pa.date32()), index=out.index).astype(
                pd.ArrowDtype(pa.date32())
            )
        elif f.type == "datetime" and times_as_text:
            times = out[f.name]
            pattern = "%Y-%m-%d %H:%M:%S" if (times.dt.second.fillna(0) != 0).any() else "%Y-%m-%d %H:%M"
            out[f.name] = times.dt.strftime(pattern).astype(object).where(times.notna(), None)
    return out


def _frame(frame: pd.DataFrame, schema: LayerSchema, located: bool) -> pd.DataFrame:
    if located:
        return gpd.GeoDataFrame(frame, geometry="geometry", crs=getattr(frame, "crs", None) or STORAGE_CRS)
    return pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))


def _write(frame: pd.DataFrame, path: Path, **options) -> None:
    import pyogrio

    with warnings.catch_warnings():
        # GDAL's notes on what it would cut or convert are checked before writing.
        warnings.simplefilter("ignore", RuntimeWarning)
        pyogrio.write_dataframe(frame, path, use_arrow=True, **options)


def write_gpkg(frame: pd.DataFrame, schema: LayerSchema, path: Path, located: bool, headers: dict[str, str]) -> None:
    """One layer (or attribute table) named like the layer, so the import picks it by name."""
    table = _frame(_typed(frame, schema, times_as_text=False), schema, located).rename(columns=headers)
    _write(table, path, layer=schema.name, driver="GPKG")


def write_shapefile_zip(frame: pd.DataFrame, schema: LayerSchema, path: Path, located: bool) -> None:
    """The layer as a zipped shapefile (a table as a zipped .dbf), fields by their short names."""
    table = _typed(frame, schema, times_as_text=True)
    _check_text_lengths(table, schema)
    short = {f.name: shapefile_name(f.name) for f in schema.fields}
    table = _frame(table, schema, located).rename(columns=short)
    with tempfile.TemporaryDirectory(prefix="shapefile-") as folder:
        target = Path(folder) / f"{schema.name}{'.shp' if located else '.dbf'}"
        _write(table, target, driver="ESRI Shapefile", encoding="UTF-8")
        cpg = target.with_suffix(".cpg")
        if not cpg.exists():
            cpg.write_text("UTF-8", encoding="ascii")
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for suffix in SHAPEFILE_PARTS:
                part = target.with_suffix(suffix)
                if part.exists():
                    archive.write(part, part.name)


def _check_text_lengths(frame: pd.DataFrame, schema: LayerSchema) -> None:
    for f in schema.fields:
        if f.name not in frame.columns or f.type not in ("str",):
            continue
        sizes = frame[f.name].map(lambda v: len(v.encode("utf-8")) if isinstance(v, str) else 0)
        too_long = int((sizes > DBF_TEXT_BYTES).sum())
        if too_long:
            raise ExportError(
                f"{schema.name}.{f.name}: {too_long} text(s) longer than a shapefile holds "
                f"({DBF_TEXT_BYTES} bytes); export as .gpkg, .xlsx or .csv to keep them whole"
            )
