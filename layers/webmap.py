"""The map page: a Folium/Leaflet page that works offline, written into a folder.

The folder holds ``index.html``, the page's data (``index.data.js``) and every asset it loads
(Leaflet from the xstatic-leaflet package, the page's own script and style from
``resources/map``), so it works from disk on a machine with no network, and still works when
the folder is copied elsewhere. Nothing is fetched from a CDN; with the default basemap
("none") the page makes no request outside its folder.
"""

from __future__ import annotations

import base64
import json
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
import xstatic.pkg.leaflet as xstatic_leaflet

from geodata.dataset import Dataset
from geodata.schema import SCHEMAS
from layers.basemap_tiles import TileSource, mbtiles_path, open_mbtiles, plain_attribution, tiles_beside
from layers.deferred_imports import defer
from layers.map_state import MapState, View
from layers.page_columns import columnar_layers, detail_chunks, layer_columns
from layers.page_model import PageModel, page_model, page_update, property_records
from layers.page_text import popup_fields, value_labels
from layers.styles import style_table_for_page
from resources import resource_path

ASSETS = "assets"
MAX_PAGE_ZOOM = 20  # the page's deepest zoom (layers/page_skeleton.py); a basemap enlarges its tiles to it
COORDINATE_DECIMALS = 6  # about 0.1 m: finer than any position in the data

# Online basemaps are never used unless the user chooses one; each names its attribution.
ONLINE_BASEMAPS = {
    "osm": (
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "© OpenStreetMap contributors",
    ),
}


class BasemapError(ValueError):
    """A basemap the page cannot use."""


@dataclass
class ServedColumns:
    """Columnar layers the window serves to its page from memory (desktop/page_scheme.py)
    instead of writing them beside the page: the page reads ``columns_url + layer`` and asks
    for popup details at ``details_url + layer/chunk``. :func:`write_page` fills ``data`` with
    each layer's bytes and ``layers`` with the layers sent as columns."""

    columns_url: str
    details_url: str
    data: dict[str, bytes] = field(default_factory=dict)
    layers: frozenset[str] = frozenset()


def write_page(
    dataset: Dataset,
    state: MapState,
    folder: Path,
    *,
    lang: str = "zh",
    bridge: bool = False,
    page_name: str = "index.html",
    served: ServedColumns | None = None,
    tiles: TileSource | None = None,
) -> tuple[Path, PageModel]:
    """Write the page for ``state`` into ``folder``; return its path and what it shows.

    Parameters
    ----------
    dataset
        The data; the page holds every feature the audience may see, so later filter changes
        need no reload.
    state
        What the page shows first.
    folder
        Created if needed; the page (``page_name``), its data (``<name>.data.js``) and
        ``assets/`` are (over)written there.
    bridge
        Load Qt's web channel so the desktop window can talk to the page.
    served
        Where the window serves large point layers from; without it they are written beside
        the page as scripts (``<name>.<layer>.js``, base64, and their popup details in
        chunks), which a browser reads from disk where it refuses ``fetch`` of a file.
    tiles
        Where an MBTiles basemap's tiles are read (the window's scheme); without it they are
        copied beside the page (:func:`layers.basemap_tiles.tiles_beside`).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if tiles is None:
        tiles = tiles_beside(state.basemap, folder, page_bounds(dataset, state))
    model = page_model(dataset, state, lang)
    _copy_assets(folder)
    columnar = columnar_layers(model)
    stem = Path(page_name).stem  # one set of data files per page in the folder
    column_scripts = []
    descriptions = {}
    for name in sorted(columnar):
        description, content = layer_columns(dataset, name, model)
        if served is not None:
            served.data[name] = content
            description["url"] = served.columns_url + name
            description["detailsUrl"] = f"{served.details_url}{name}/"
        else:
            script = f"{stem}.{name}.js"
            (folder / script).write_text(
                f"SituationColumns.deliver({json.dumps(name)}, {json.dumps(base64.b64encode(content).decode())});\n",
                encoding="ascii",
            )
            column_scripts.append(script)
            description["detailsScript"] = f"{stem}.{name}.details."
            for number, text in detail_chunks(dataset, name, model, state.audience):
                (folder / f"{stem}.{name}.details.{number}.js").write_text(
                    f"SituationColumns.deliverDetails({json.dumps(name)}, {number}, {text});\n", encoding="utf-8"
                )
        descriptions[name] = description
    if served is not None:
        served.layers = frozenset(columnar)
    data = page_data(dataset, state, model, lang, descriptions, tiles=tiles)
    data_file = f"{stem}.data.js"
    (folder / data_file).write_text(
        "window.SITUATION_DATA = " + json.dumps(data, ensure_ascii=False, separators=(",", ":")) + ";\n",
        encoding="utf-8",
    )
    defer("requests")  # Folium's, for GeoJSON from a URL: never here
    from layers.page_skeleton import build_folium_map

    page = build_folium_map(data_file, ASSETS, bridge=bridge, column_scripts=column_scripts)
    path = folder / page_name
    page.save(str(path))
    return path, model


def page_data(
    dataset: Dataset,
    state: MapState,
    model: PageModel,
    lang: str,
    columns: dict[str, dict] | None = None,
    *,
    tiles: TileSource | None = None,
) -> dict:
    """Everything the page script needs, as plain JSON-able data. A layer in ``columns`` is
    given by its columns' description (:func:`layers.page_columns.layer_columns`), not as
    GeoJSON; its first state is in its columns."""
    columns = columns or {}
    names = dict(zip(dataset.villages["code"], dataset.villages["name"], strict=False))
    layers = {
        name: columns[name] if name in columns else _feature_collection(dataset, name, model, names, state.audience)
        for name in model.layers
    }
    initial = page_update(None, model, columnar=columns.keys())
    for name in columns:
        initial["layers"].get(name, {}).pop("state", None)
    texts = {k: initial.pop(k) for k in list(initial) if k != "layers"}
    return {
        "layers": layers,
        "styles": style_table_for_page(),
        "page": {
            **texts,
            "lang": lang,
            "popupFields": popup_fields(model.layers, state.audience, lang),
            "valueLabels": value_labels(lang),
            "basemap": basemap(state.basemap, state.basemap_datum, tiles),
        },
        "view": page_view(dataset, state),
        "initial": {"layers": {n: {k: v for k, v in c.items() if k != "props"} for n, c in initial["layers"].items()}},
    }


def basemap(choice: str, datum: str = "auto", tiles: TileSource | None = None) -> dict | None:
    """The tile layer for a MapState basemap: none, a local tile folder, an MBTiles file (its
    tiles read where ``tiles`` says, else from ``tiles/`` beside the page), or a named provider.

    ``datum`` is the datum of the tiles, "auto" for what an MBTiles file's metadata says (else
    WGS-84); a page on a "gcj02" basemap draws its overlays shifted onto it (gcj02.js)."""
    if choice == "none":
        return None
    fixed = None if datum == "auto" else datum
    path = mbtiles_path(choice)
    if path is not None:
        info = open_mbtiles(path).info
        deepest = info.max_zoom if tiles is None or tiles.max_zoom is None else min(tiles.max_zoom, info.max_zoom)
        layer: dict = {
            "url": (tiles.url if tiles is not None else "tiles/") + "{z}/{x}/{y}." + info.tile_format,
            "attribution": plain_attribution(info.attribution),
            "name": info.name,
            "minZoom": info.min_zoom,
            "maxNativeZoom": deepest,
            "maxZoom": MAX_PAGE_ZOOM,
            "datum": fixed or info.datum,
        }
        if info.bounds is not None:
            # The bounds are in the tiles' datum: a margin keeps the edge tiles of a GCJ-02 file.
            west, south, east, north = info.bounds
            layer["bounds"] = [
                max(-180.0, west - 0.01),
                max(-90.0, south - 0.01),
                min(180.0, east + 0.01),
                min(90.0, north + 0.01),
            ]
        return layer
    if choice.startswith("local:"):
        folder = Path(choice[len("local:") :]).expanduser()
        if not folder.is_dir():
            raise BasemapError(f"basemap folder {folder} does not exist")
        return {"url": folder.resolve().as_uri() + "/{z}/{x}/{y}.png", "attribution": "", "datum": fixed or "wgs84"}
    if choice in ONLINE_BASEMAPS:
        url, attribution = ONLINE_BASEMAPS[choice]
        return {"url": url, "attribution": attribution, "datum": fixed or "wgs84"}
    raise BasemapError(f"unknown basemap {choice!r}: use none, local:<folder> or one of {', '.join(ONLINE_BASEMAPS)}")


def page_bounds(dataset: Dataset, state: MapState) -> tuple[float, float, float, float]:
    """The part of the map the page first shows (west, south, east, north), the township for a
    view given by its centre: the area whose basemap tiles a page opened from disk gets."""
    view = page_view(dataset, state)
    if "bounds" not in view:  # a preset's centre and zoom: the township around it
        view = page_view(dataset, state.replace(view=View()))
    west, south, east, north = view["bounds"]
    return west, south, east, north


# Where the page looks without villages or other public features: the sample township.
TOWNSHIP_BOUNDS = (113.9, 32.95, 114.05, 33.05)


def page_view(dataset: Dataset, state: MapState) -> dict:
    """Where the page looks: the state's view, else the villages shown, else the public
    features, else the township. Households frame only an internal page: the bounds of a
    public page would otherwise point at them (one household: its very door)."""
    view = state.view
    if view.center is not None and view.zoom is not None:
        return {"center": list(view.center), "zoom": view.zoom}
    if view.bounds is not None:
        return {"bounds": list(view.bounds)}
    frame = dataset.villages
    if state.filters.villages:
        frame = frame[frame["code"].isin(state.filters.villages)]
    fallbacks: tuple[str, ...] = ("checkpoints", "disinfection_points", "roads")
    if state.audience == "internal":
        fallbacks += ("households",)
    if frame.empty:
        frame = next((dataset[n] for n in fallbacks if not dataset[n].empty), frame)
    bounds = frame.total_bounds if not frame.empty else np.array(TOWNSHIP_BOUNDS)
    if not np.isfinite(bounds).all():  # features all without a shape
        bounds = np.array(TOWNSHIP_BOUNDS)
    return {"bounds": [float(b) for b in bounds]}


def _copy_assets(folder: Path) -> None:
    target = folder / ASSETS
    leaflet = Path(xstatic_leaflet.BASE_DIR)
    (target / "leaflet" / "images").mkdir(parents=True, exist_ok=True)
    for name in ("leaflet.js", "leaflet.css"):
        shutil.copyfile(leaflet / name, target / "leaflet" / name)
    for image in (leaflet / "images").iterdir():
        shutil.copyfile(image, target / "leaflet" / "images" / image.name)
    for source in resource_path("map").iterdir():
        if source.suffix in (".js", ".css"):
            shutil.copyfile(source, target / source.name)


def feature_collection(dataset: Dataset, name: str, model: PageModel, audience: str, ids=None) -> dict:
    """Layer ``name`` as the page's GeoJSON: every feature, or those with the given ids."""
    names = dict(zip(dataset.villages["code"], dataset.villages["name"], strict=False))
    if ids is None:
        return _feature_collection(dataset, name, model, names, audience)
    rows = np.isin(model.ids[name], list(ids))
    return _feature_collection(dataset, name, model, names, audience, rows)


def _feature_collection(
    dataset: Dataset, name: str, model: PageModel, village_names: dict, audience: str, rows: np.ndarray | None = None
) -> dict:
    if rows is not None:
        model = _model_rows(model, name, rows)
    frame = dataset[name] if rows is None else dataset[name][rows]
    schema = SCHEMAS[name]
    columns = [f.name for f in schema.fields if audience == "internal" or not f.personal]
    properties = _json_ready(pd.DataFrame(frame[columns]), schema)
    if schema.village_field:
        properties["village_name"] = (
            frame[schema.village_field]
            .map(village_names)
            .astype(object)
            .where(frame[schema.village_field].isin(village_names.keys()), None)
        )
    records = _records(properties)
    ids = model.ids[name].tolist()
    dynamic = model.props[name]
    if not dynamic.columns.empty:
        for record, values in zip(records, property_records(dynamic, ids).values(), strict=False):
            record.update(values)
    geometries = _geometries(frame, name)
    if name == "villages":
        points = shapely.point_on_surface(frame.geometry.to_numpy())
        label_points = [
            _label_point(polygon, fallback) for polygon, fallback in zip(frame.geometry, points, strict=False)
        ]
        for record, point in zip(records, label_points, strict=False):
            record["label_point"] = point
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": fid, "properties": record, "geometry": geometry}
            for fid, record, geometry in zip(ids, records, geometries, strict=False)
            if geometry is not None  # no place: nowhere to draw it, as the columnar page never shows it
        ],
    }


def _records(frame: pd.DataFrame) -> list[dict]:
    """The rows as dicts of plain Python values, as ``to_dict(orient="records")`` gives them
    (numpy scalars as Python's, NA as None), made column by column in a third of the time:
    pandas boxes each value through its checks (1,000 households: 9 ms, now 3 ms)."""
    columns = frame.columns.tolist()
    if not columns:
        return [{} for _ in range(len(frame))]
    values = [[_plain(v) for v in frame[c].to_numpy(dtype=object).tolist()] for c in columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def _plain(value):
    if isinstance(value, np.generic):
        return value.item()
    return None if value is pd.NA else value


def _model_rows(model: PageModel, name: str, rows: np.ndarray) -> PageModel:
    """``model`` cut down to some rows of layer ``name`` (for sending a few features)."""
    return replace(
        model,
        ids={**model.ids, name: model.ids[name][rows]},
        shown={**model.shown, name: model.shown[name][rows]},
        props={**model.props, name: model.props[name][rows].reset_index(drop=True)},
    )


def _label_point(polygon, fallback) -> list[float]:
    """Where a village's name goes: the point deepest inside it, so the label sits clear of
    the boundary even in a crescent-shaped village."""
    try:
        largest = max(getattr(polygon, "geoms", [polygon]), key=lambda part: part.area)
        point = shapely.polylabel(largest, tolerance=1e-5)
    except Exception:  # a degenerate polygon: any interior point will do
        point = fallback
    return [round(point.x, COORDINATE_DECIMALS), round(point.y, COORDINATE_DECIMALS)]


def _geometries(frame, name: str) -> list[dict | None]:
    """Each row's GeoJSON geometry, None where the row has no place (no geometry or an empty
    one): aligned with the rows, so no feature takes its neighbour's place."""
    if frame.empty:
        return []
    geometries = frame.geometry.to_numpy()
    placed = ~(shapely.is_missing(geometries) | shapely.is_empty(geometries))
    out: list[dict | None] = [None] * len(geometries)
    rows = np.flatnonzero(placed).tolist()
    if (shapely.get_type_id(geometries[placed]) == shapely.GeometryType.POINT).all():
        coordinates = np.round(shapely.get_coordinates(geometries[placed]), COORDINATE_DECIMALS)
        for row, (x, y) in zip(rows, coordinates.tolist(), strict=True):
            out[row] = {"type": "Point", "coordinates": [x, y]}
        return out
    rounded = shapely.set_precision(geometries[placed], 10**-COORDINATE_DECIMALS)
    for row, text in zip(rows, shapely.to_geojson(rounded).tolist(), strict=True):
        out[row] = json.loads(text)
    return out


def _json_ready(frame: pd.DataFrame, schema) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    for f in schema.fields:
        if f.name not in frame.columns:
            continue
        values = frame[f.name]
        if f.type == "date":
            text = values.dt.strftime("%Y-%m-%d")
        elif f.type == "datetime":
            text = values.dt.strftime("%Y-%m-%d %H:%M")
        else:
            text = values
        out[f.name] = text.astype(object).where(values.notna(), None)
    return out
