"""Reading files with geometries: GeoJSON, Shapefile and GeoPackage, into a Source.

Like the text-table readers, these keep every property as the file holds it; the shapes go
to :attr:`Source.geometries`, one per row, and the declared coordinate system to ``crs``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from geodata.importing.encoding import UTF8, detect_encoding, normalise_encoding
from geodata.importing.source import Progress, Source, failure, short_reason
from geodata.messages import N_, Message


def read_geojson(path: Path, *, encoding: str | None, sheet: str | None, report: Progress) -> Source:
    import shapely.geometry

    raw = path.read_bytes()
    text_encoding = encoding or detect_encoding(raw) or UTF8
    try:
        document = json.loads(raw.decode(text_encoding))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise failure(path, Message(N_("not valid JSON ({reason})"), reason=short_reason(exc))) from None
    features = _features(path, document)
    rows, shapes = [], []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            raise failure(path, Message(N_("feature {number} is not a GeoJSON Feature object"), number=number))
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            properties = {}
        # Nested objects and arrays (DataV's parent, center, acroutes) are kept as JSON text.
        rows.append({key: _flat(value) for key, value in properties.items()})
        geometry = feature.get("geometry")
        try:
            shapes.append(shapely.geometry.shape(geometry) if geometry else None)
        except Exception as exc:  # shapely raises several types on malformed coordinates
            raise failure(
                path,
                Message(
                    N_("feature {number}: the geometry cannot be read ({reason})"),
                    number=number,
                    reason=short_reason(exc),
                ),
            ) from None
    frame = pd.DataFrame(rows, dtype=object) if rows else pd.DataFrame()
    frame = frame.astype(object).where(frame.notna(), None) if rows else frame
    # RFC 7946 GeoJSON has no crs member and is WGS-84; older files may still name one.
    declared = document.get("crs", {}) if isinstance(document, dict) else {}
    crs = None
    if isinstance(declared, dict):
        crs = (declared.get("properties") or {}).get("name")
    return Source(path, "geojson", frame, geometries=np.array(shapes, dtype=object), crs=crs, encoding=text_encoding)


def _features(path: Path, document) -> list:
    if isinstance(document, dict):
        kind = document.get("type")
        if kind == "FeatureCollection" and isinstance(document.get("features"), list):
            return document["features"]
        if kind == "Feature":
            return [document]
        if kind in (
            "Point",
            "MultiPoint",
            "LineString",
            "MultiLineString",
            "Polygon",
            "MultiPolygon",
            "GeometryCollection",
        ):
            return [{"type": "Feature", "properties": {}, "geometry": document}]
    raise failure(path, Message(N_("not a GeoJSON FeatureCollection, Feature or geometry")))


def _flat(value):
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


def read_shapefile(path: Path, *, encoding: str | None, sheet: str | None, report: Progress) -> Source:
    import pyogrio

    if not any(path.with_suffix(suffix).exists() for suffix in (".dbf", ".DBF")):
        # GDAL reads the shapes alone and every attribute seems missing: say what is.
        raise failure(
            path,
            Message(
                N_(
                    "{dbf} is missing beside it: a shapefile's attributes are in its .dbf; "
                    "copy all its files (.shp, .shx, .dbf, .prj, .cpg) together"
                ),
                dbf=path.with_suffix(".dbf").name,
            ),
        )
    cpg = path.with_suffix(".cpg")
    if not cpg.exists():
        cpg = path.with_suffix(".CPG")
    notes = []
    if encoding is None and cpg.exists():
        declared = cpg.read_text(errors="replace").strip()
        try:
            encoding = normalise_encoding(declared)
        except ValueError:
            raise failure(
                cpg,
                Message(
                    N_("names an unknown encoding {encoding}; correct it or give --encoding"), encoding=repr(declared)
                ),
            ) from None
        notes.append(Message(N_("text encoding {encoding} (from {file})"), encoding=encoding, file=cpg.name))
    elif encoding is None:
        encoding = _dbf_encoding(path.with_suffix(".dbf"))
        notes.append(Message(N_("text encoding {encoding} (guessed: the file has no .cpg)"), encoding=encoding))
    frame = pyogrio.read_dataframe(path, encoding=encoding)
    return _vector_source(path, "shapefile", frame, encoding=encoding, notes=notes)


def _dbf_encoding(dbf: Path) -> str:
    """The encoding of a .dbf without .cpg: its language driver byte, else its text."""
    if not dbf.exists():
        return UTF8
    raw = dbf.read_bytes()
    # Byte 29 is the language driver id; 0x4D and 0x7A both mean code page 936 (GBK).
    if len(raw) > 29 and raw[29] in (0x4D, 0x7A):
        return "gbk"
    detected = detect_encoding(raw[32:])
    return "gbk" if detected in ("gbk", "gb18030") else UTF8


def read_gpkg(
    path: Path, *, encoding: str | None, sheet: str | None, report: Progress, fallback: bool = False
) -> Source:
    import pyogrio

    layers = [str(row[0]) for row in pyogrio.list_layers(path)]
    if not layers:
        raise failure(path, Message(N_("the GeoPackage holds no layers")))
    chosen = sheet if sheet is not None else layers[0]
    if fallback and chosen not in layers:
        chosen = layers[0]
    if chosen not in layers:
        raise failure(
            path,
            Message(
                N_("there is no layer {layer}; the layers are: {names}"), layer=repr(chosen), names=", ".join(layers)
            ),
        )
    frame = pyogrio.read_dataframe(path, layer=chosen)
    source = _vector_source(path, "gpkg", frame)
    source.sheet, source.sheets = chosen, tuple(layers)
    return source


def _vector_source(path: Path, kind: str, frame, *, encoding=None, notes=None) -> Source:
    geometries = None
    crs = None
    if hasattr(frame, "geometry") and "geometry" in frame.columns:
        geometries = np.asarray(frame.geometry.array, dtype=object)
        crs = frame.crs
        frame = pd.DataFrame(frame.drop(columns="geometry"))
    table = frame.astype(object).where(frame.notna(), None)
    return Source(path, kind, table, geometries=geometries, crs=crs, encoding=encoding, notes=list(notes or []))
