"""Names people write where the data holds a code: a division's name for its code in a scope
(``关王庙乡`` for ``411771360``, ``关王庙村`` for ``411771360200``), as a ``people`` export
writes them (:mod:`geodata.export.people`). The village of a feature is found by
:class:`~geodata.importing.villages.VillageLookup`; enumerated values by
:mod:`geodata.importing.values`.
"""

from __future__ import annotations

import pandas as pd

from geodata.dataset import Dataset
from geodata.importing.villages import VillageLookup

SCOPE_FIELDS = ("scope",)


def division_codes(dataset: Dataset) -> dict[str, str]:
    """Name (and code) -> division code: the township by its Chinese and English names, each
    village as :class:`VillageLookup` finds it."""
    lookup = VillageLookup(dataset.villages)
    table = {}
    code = (dataset.metadata.get("township_code") or "").strip()
    if code:
        for key in ("township_name", "township_name_en"):
            name = (dataset.metadata.get(key) or "").strip()
            if name:
                table[_norm(name)] = code
    for village_code, name in zip(lookup.codes, lookup.names, strict=False):
        if lookup.code_for(name) == village_code:
            table.setdefault(_norm(name), village_code)
    return table


def codes_for_names(values: dict, dataset: Dataset) -> None:
    """Replace, in ``values`` (field -> converted cells), each scope cell that names a division
    with the division's code; codes and unknown text stay as they are (validation judges them)."""
    present = [name for name in SCOPE_FIELDS if name in values]
    if not present:
        return
    table = division_codes(dataset)
    for name in present:
        cells: pd.Series = values[name]
        values[name] = cells.map(lambda v: table.get(_norm(v), v) if isinstance(v, str) else v)


def _norm(text: str) -> str:
    return "".join(str(text).split()).lower()
