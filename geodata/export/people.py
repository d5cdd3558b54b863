"""A layer as a person reads it: headers from the schema's labels, village names for codes,
enumerated values as words, yes/no as 是/否.

Every word written here is one the import reads back to the same value: the labels are column
aliases (:mod:`geodata.importing.columns`), the value words are the schema's
:data:`~geodata.schema.CHOICE_LABELS` (:mod:`geodata.importing.values`), village names are found
by :class:`~geodata.importing.villages.VillageLookup` and division names of a scope by
:mod:`geodata.importing.words`. A village whose name another village shares keeps its code, so
no name stands for two villages.
"""

from __future__ import annotations

import pandas as pd

from geodata.dataset import Dataset
from geodata.messages import bilingual
from geodata.schema import CHOICE_LABELS, LayerSchema

# Coordinates and shapes, which no field holds: (zh, en).
COORDINATE_HEADERS = {"longitude": ("经度", "Longitude"), "latitude": ("纬度", "Latitude"), "wkt": ("WKT", "WKT")}
YES_NO = {"zh": ("是", "否"), "en": ("yes", "no")}
SCOPE_FIELDS = ("scope",)


def headers(schema: LayerSchema, columns, lang: str) -> dict[str, str]:
    """Column -> its header in ``lang``: the field's label, or the coordinate's name."""
    result = {}
    for column in columns:
        if column in schema.field_names:
            result[column] = schema.field(column).label(lang)
        elif column in COORDINATE_HEADERS:
            result[column] = bilingual(*COORDINATE_HEADERS[column], lang)
    return result


def division_names(dataset: Dataset, lang: str) -> dict[str, str]:
    """Division code -> the name people know it by: each village's (unless two share it) and the
    township's (its English name in English, when the data has one)."""
    villages = dataset.villages
    names: dict[str, str] = {}
    if len(villages):
        counts = villages["name"].value_counts()
        for code, name in zip(villages["code"].astype(str), villages["name"], strict=False):
            if isinstance(name, str) and name.strip() and counts[name] == 1:
                names[code] = name
    code = (dataset.metadata.get("township_code") or "").strip()
    township = (dataset.metadata.get("township_name") or "").strip()
    if lang == "en":
        township = (dataset.metadata.get("township_name_en") or "").strip() or township
    if code and township and township not in names.values():
        names[code] = township
    return names


def in_words(frame: pd.DataFrame, schema: LayerSchema, dataset: Dataset, lang: str, *, yes_no: bool) -> pd.DataFrame:
    """``frame`` with codes as names and values as words; ``yes_no`` also writes booleans as
    是/否 (for text tables; typed formats keep their booleans)."""
    out = frame.copy()
    names = division_names(dataset, lang)
    for f in schema.fields:
        if f.name not in out.columns:
            continue
        column = out[f.name]
        if f.name == schema.village_field or f.name in SCOPE_FIELDS:
            out[f.name] = column.astype(object).map(lambda v: names.get(v, v) if isinstance(v, str) else v)
        elif f.choices:
            labels = CHOICE_LABELS.get((schema.name, f.name), {})
            words = {value: bilingual(*labels[value], lang) for value in labels}
            out[f.name] = column.astype(object).map(lambda v, w=words: w.get(v, v) if isinstance(v, str) else v)
        elif f.type == "bool" and yes_no:
            yes, no = YES_NO[lang]
            out[f.name] = column.map(lambda v, y=yes, n=no: y if bool(v) else n).astype(object)
    return out
