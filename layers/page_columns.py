"""Large point layers as typed columns for the page, instead of GeoJSON.

A county holds 100,000 to 2,000,000 households. As GeoJSON they are 540 bytes each to build,
send and parse; as columns they are 9 bytes each to draw (two Float32 offsets from a centre
and one state byte) plus their ids, and the page reads them straight into typed arrays.
What a popup lists is not carried for every feature: it comes in chunks of
:data:`DETAIL_ROWS` rows, asked for when a popup opens (from the window's Python, or from
files written beside a ``map --out`` page).

The state byte of a feature is its stage (the symbol class, an index into
:func:`stage_codes`) in bits 0-5, whether it is an alert in bit 6 and whether it is shown in
bit 7: a filter or as-of change is one such byte per feature, not lists of ids.
"""

from __future__ import annotations

import base64
import json

import numpy as np
import pandas as pd
import shapely

from geodata.dataset import Dataset
from geodata.schema import SCHEMAS
from layers.page_model import _TIME_COLUMNS, PageModel, packed_state, stage_codes

# A point layer with at least this many features goes to the page as columns. Below it the
# GeoJSON features cost little and carry their popups with them.
COLUMNAR_AT = 20_000
COLUMNAR_LAYERS = ("households",)
DETAIL_ROWS = 16_384  # rows per chunk of popup details


def columnar_layers(model: PageModel, at: int | None = None) -> frozenset[str]:
    """The layers of ``model`` the page gets as columns: large point layers whose ids can be
    written one a line."""
    limit = COLUMNAR_AT if at is None else at
    return frozenset(
        name
        for name in COLUMNAR_LAYERS
        if name in model.layers
        and len(model.ids[name]) >= limit
        # Counted in the ids joined as the page gets them (a Python loop over 100,000 ids took
        # 20 ms); not made text again as a column: a million ids kept 40 MB in Arrow's memory
        # pool after the page was written.
        and _ids_text(model.ids[name]).count("\n") == len(model.ids[name]) - 1
    )


def _ids_text(ids: np.ndarray) -> str:
    """The ids one a line, as the page reads them."""
    values = ids.tolist()
    try:
        return "\n".join(values)  # ids read from a file are text already
    except TypeError:
        return "\n".join(str(i) for i in values)


def layer_columns(dataset: Dataset, name: str, model: PageModel) -> tuple[dict, bytes]:
    """Layer ``name`` as the page's columns: a description (JSON-able) and the bytes it describes.

    The bytes are Float32 longitude and latitude offsets from ``origin`` (a Float32 holds a
    township's offsets to a few centimetres, where whole longitudes would be rounded to a
    metre), then the state bytes, then the ids in UTF-8, one a line. A feature without a place
    has NaN offsets and is never drawn.
    """
    geometries = dataset[name].geometry.to_numpy()
    count = len(geometries)
    x = shapely.get_x(geometries) if count else np.zeros(0)
    y = shapely.get_y(geometries) if count else np.zeros(0)
    finite = np.isfinite(x) & np.isfinite(y)
    origin = [float(np.round(x[finite].mean(), 3)), float(np.round(y[finite].mean(), 3))] if finite.any() else [0, 0]
    dx = (x - origin[0]).astype(np.float32)
    dy = (y - origin[1]).astype(np.float32)
    ids = _ids_text(model.ids[name]).encode("utf-8")
    parts = [dx.tobytes(), dy.tobytes(), packed_state(model, name).tobytes(), ids]
    description = {
        "columns": True,
        "count": count,
        "origin": origin,
        "stages": stage_codes(name),
        "bytes": sum(len(p) for p in parts),
        "idBytes": len(ids),
        "detailRows": DETAIL_ROWS,
    }
    return description, b"".join(parts)


def detail_chunks(dataset: Dataset, name: str, model: PageModel, audience: str, chunk: int | None = None):
    """The popup details of layer ``name``, DETAIL_ROWS rows a chunk: ``(number, JSON text)``
    for every chunk, or only for chunk ``chunk``.

    Each is ``{"start": row, "count": rows, "fields": {field: column}}``, a column either
    ``{"codes": base64, "width": bytes, "values": [...]}`` (row i's value is ``values[code - 1]``,
    code 0 missing; little-endian unsigned codes) or ``{"list": [value per row]}`` for a field of
    many different values. Values are as the GeoJSON page carries them (days as text, missing
    None): the page decodes only the row a popup shows. Coded, a county's details are written in
    a sixth of the time of a value per row and field (100,000 households: 0.31 s to 0.05 s).
    """
    count = len(dataset[name])
    if chunk is not None:
        start, end = chunk * DETAIL_ROWS, min(count, (chunk + 1) * DETAIL_ROWS)
        if start >= count and count:
            return
        # One chunk (a popup in the window): coded from its own rows, not the whole layer's.
        fields = _coded_fields(dataset, name, model, audience, slice(start, end))
        yield chunk, _chunk_text(fields, start, end, start, {})
        return
    fields = _coded_fields(dataset, name, model, audience, slice(0, count))
    tables: dict[str, np.ndarray] = {}
    for number in range((count + DETAIL_ROWS - 1) // DETAIL_ROWS):
        start, end = number * DETAIL_ROWS, min(count, (number + 1) * DETAIL_ROWS)
        yield number, _chunk_text(fields, start, end, 0, tables)


# At most this many different values a field is sent as codes and its values once a chunk;
# more (ids, names, phones) as the chunk's values themselves.
DICTIONARY_AT_MOST = 4096


def _chunk_text(
    fields: dict[str, tuple[np.ndarray, list]], start: int, end: int, offset: int, tables: dict[str, np.ndarray]
) -> str:
    """Rows ``start`` to ``end`` of ``fields`` (coded from row ``offset``) as a chunk's JSON;
    ``tables`` keeps the many-valued fields' values as arrays from one chunk to the next."""
    columns: dict[str, dict] = {}
    for field, (codes, values) in fields.items():
        rows = codes[start - offset : end - offset]
        if len(values) <= DICTIONARY_AT_MOST:
            width = 1 if len(values) < 0xFF else 2
            coded = (rows + 1).astype("<u1" if width == 1 else "<u2")
            columns[field] = {"codes": base64.b64encode(coded.tobytes()).decode(), "width": width, "values": values}
        else:
            table = tables.get(field)
            if table is None:  # code -1 (missing) takes the last
                table = tables[field] = np.array([*values, None], dtype=object)
            columns[field] = {"list": table[rows].tolist()}
    return json.dumps(
        {"start": start, "count": end - start, "fields": columns}, ensure_ascii=False, separators=(",", ":")
    )


def _coded_fields(
    dataset: Dataset, name: str, model: PageModel, audience: str, rows: slice
) -> dict[str, tuple[np.ndarray, list]]:
    """Each field a popup lists, for ``rows``: codes (-1 missing) into its distinct values.

    Told apart before they are made text: a day or a number is converted once per distinct
    value, not once per row."""
    frame = dataset[name].iloc[rows]
    schema = SCHEMAS[name]
    dynamic = model.props[name].iloc[rows]
    fields: dict[str, tuple[np.ndarray, list]] = {}
    for f in schema.fields:
        if audience != "internal" and f.personal:
            continue
        # A field the model carries as known on its day (a past day's, from the events) is
        # coded from there below, in this place among the fields.
        fields[f.name] = (
            (np.zeros(0, dtype=np.int64), [])
            if f.name in dynamic.columns
            else _coded(frame[f.name], f.type == "datetime")
        )
    if schema.village_field:
        names = dict(zip(dataset.villages["code"], dataset.villages["name"], strict=False))
        codes, villages = _coded(frame[schema.village_field], False)
        named = [names.get(v) for v in villages]
        fields["village_name"] = (codes, [v if isinstance(v, str) else None for v in named])
    for column in dynamic.columns:
        fields[column] = _coded(dynamic[column], column in _TIME_COLUMNS, decimals=1)
    return fields


# Text whose first rows are mostly different (ids, names, phones) is not told apart: hashing
# 100,000 ids to find them all different took 40 ms.
SAMPLE_ROWS = 1000


def _coded(values: pd.Series, with_time: bool, decimals: int | None = None) -> tuple[np.ndarray, list]:
    if (
        len(values) > 2 * SAMPLE_ROWS
        and not pd.api.types.is_numeric_dtype(values)
        and not pd.api.types.is_datetime64_any_dtype(values)
        and values.iloc[:SAMPLE_ROWS].nunique() > SAMPLE_ROWS // 2
    ):
        return np.arange(len(values)), _json_values(values, with_time, decimals)
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    codes = np.asarray(codes, dtype=np.int64)
    if not len(distinct):  # every value missing
        return codes, []
    return codes, _json_values(pd.Series(distinct, dtype=values.dtype), with_time, decimals)


def _json_values(values: pd.Series, with_time: bool, decimals: int | None = None) -> list:
    """A column's values as JSON-ready Python values, as the GeoJSON page writes them."""
    missing = values.isna().to_numpy()
    if pd.api.types.is_datetime64_any_dtype(values):
        if with_time:
            text = np.char.replace(np.datetime_as_string(values.to_numpy(dtype="datetime64[m]"), unit="m"), "T", " ")
        else:
            text = np.datetime_as_string(values.to_numpy(dtype="datetime64[D]"), unit="D")
        out = text.astype(object)
    elif pd.api.types.is_float_dtype(values):
        numbers = values.to_numpy(dtype="float64", na_value=np.nan)
        out = (np.round(numbers, decimals) if decimals is not None else numbers).astype(object)
    elif pd.api.types.is_integer_dtype(values) or pd.api.types.is_bool_dtype(values):
        kind = bool if pd.api.types.is_bool_dtype(values) else int
        filled = values.to_numpy(dtype="float64", na_value=0)
        out = np.array([kind(v) for v in filled], dtype=object) if missing.any() else filled.astype(kind).astype(object)
    else:
        out = values.astype(object).to_numpy().copy()
        if not (pd.api.types.is_string_dtype(values) or isinstance(values.dtype, pd.CategoricalDtype)):
            # Text and categories are Python strings already; other objects may hold numpy scalars.
            boxed = [i for i, v in enumerate(out) if isinstance(v, np.generic)]
            for i in boxed:
                out[i] = out[i].item()
    out[missing] = None
    return out.tolist()
