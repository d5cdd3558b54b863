"""Fuzzing the import: whatever a file holds, it is imported or refused with a message, and a
refused import leaves the dataset byte for byte as it was (issue 14).

``make test`` runs a short run of each; ``make fuzz`` a long one (``SITUATION_MAP_FUZZ=long``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geodata.errors import GeodataError
from geodata.importing import import_file
from geodata.sample.bundled import bundled_sample_path
from geodata.stores import GeoPackageStore
from geodata.validation import validate

# Headers a work group writes, some the importer knows and some it does not.
HEADERS = [
    "编号",
    "id",
    "所属村",
    "village",
    "观察原因",
    "reason",
    "人数",
    "persons",
    "观察开始",
    "observation_start",
    "状态",
    "status",
    "经度",
    "纬度",
    "lng",
    "lat",
    "户主姓名",
    "备注",
    "x",
    "",
]
# Cells that have broken readers before, and everyday ones.
NASTY = [
    "",
    " ",
    '=HYPERLINK("http://x")',
    "+1",
    "-",
    "@",
    "\t",
    "\r",
    "\x00",
    "99999999999999999999999",
    "1e18",
    "NaN",
    "inf",
    "-1",
    "0",
    "3",
    "3人",
    "2020-02-19",
    "2020年2月19日",
    "0001-01-01",
    "9999-12-31",
    "43880",
    "关王庙村",
    "411771360200",
    "湖北返乡",
    "观察中",
    "113.96639",
    "33.00064",
    "33.00064,113.96639",
    "113°57'59\"",
    "<b>x</b>",
    "\ufeff",
    "\u202e",
    "𠀋",
    "a" * 300,
]
CELL = st.one_of(st.sampled_from(NASTY), st.text(max_size=30))

_SAMPLE: dict[str, bytes] = {}


def _dataset_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "sample.gpkg"
    if "bytes" not in _SAMPLE:
        _SAMPLE["bytes"] = bundled_sample_path().read_bytes()
    path.write_bytes(_SAMPLE["bytes"])
    return path


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _errors(dataset) -> set[tuple]:
    return {(p.layer, p.feature, p.field, str(p.message)) for p in validate(dataset) if p.severity == "error"}


def _import_and_judge(tmp_path_factory, write_file) -> None:
    """Import the file into households; judge the outcome, not the data's content."""
    store_path = _dataset_file(tmp_path_factory)
    source = write_file(store_path.parent)
    before = _digest(store_path)
    errors_before = _errors(GeoPackageStore(store_path).read_all())
    try:
        plan = import_file(GeoPackageStore(store_path), source, "households", accept_warnings=True)
    except GeodataError as refused:  # the file cannot be read, or the write was refused
        message = str(refused)
        assert message and "\x00" not in message and "Traceback" not in message
        assert source.name in message or "households" in message, message
        assert _digest(store_path) == before, "a refused import changed the dataset"
        return
    if plan.errors:  # refused with problems: each names the file, where and (mostly) the field
        assert all(p.file == source.name for p in plan.errors)
        assert all("\x00" not in str(p) for p in plan.problems)
        assert _digest(store_path) == before, "an import with errors changed the dataset"
        return
    # Imported: what check says of the result is no worse than before.
    assert _errors(GeoPackageStore(store_path).read_all()) <= errors_before


# SITUATION_MAP_FUZZ: "long" (make fuzz) or a number of examples per test.
_ASKED = os.environ.get("SITUATION_MAP_FUZZ", "")
EXAMPLES = 2000 if _ASKED == "long" else int(_ASKED) if _ASKED.isdigit() else 20
_SETTINGS = dict(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))


@settings(**_SETTINGS)
@given(
    header=st.lists(st.sampled_from(HEADERS), min_size=1, max_size=10),
    rows=st.lists(st.lists(CELL, max_size=10), max_size=6),
    delimiter=st.sampled_from([",", "\t", ";"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gbk", "utf-16"]),
)
def test_any_csv_is_imported_or_refused_cleanly(tmp_path_factory, header, rows, delimiter, encoding):
    def write(folder):
        text = io.StringIO()
        writer = csv.writer(text, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
        path = folder / "fuzz.csv"
        path.write_bytes(text.getvalue().encode(encoding, errors="replace"))
        return path

    _import_and_judge(tmp_path_factory, write)


@settings(**_SETTINGS)
@given(raw=st.binary(max_size=400))
def test_any_bytes_named_csv_are_refused_or_read(tmp_path_factory, raw):
    def write(folder):
        path = folder / "bytes.csv"
        path.write_bytes(raw)
        return path

    _import_and_judge(tmp_path_factory, write)


@settings(**_SETTINGS)
@given(
    header=st.lists(st.sampled_from(HEADERS), min_size=1, max_size=8),
    rows=st.lists(
        st.lists(st.one_of(CELL, st.integers(-(10**20), 10**20), st.floats(allow_nan=True)), max_size=8), max_size=5
    ),
)
def test_any_workbook_is_imported_or_refused_cleanly(tmp_path_factory, header, rows):
    from openpyxl import Workbook

    def write(folder):
        book = Workbook()
        sheet = book.active
        for row in [header, *rows]:
            # Characters XML cannot hold are refused by openpyxl itself: a file Excel cannot write.
            sheet.append([c.replace("\x00", "") if isinstance(c, str) else c for c in row])
        path = folder / "fuzz.xlsx"
        book.save(path)
        return path

    try:
        _import_and_judge(tmp_path_factory, write)
    except Exception as exc:  # openpyxl's own refusal to write the cell: not the importer's
        if type(exc).__name__ != "IllegalCharacterError":
            raise


GEOMETRY = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {
            "type": st.just("Point"),
            "coordinates": st.lists(st.one_of(st.floats(-200, 200), st.just(113.96639), st.just(33.00064)), max_size=4),
        }
    ),
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["LineString", "Polygon", "Banana"]),
            "coordinates": st.just([[113.9, 33.0], [114.0, 33.1]]),
        }
    ),
)
PROPERTY = st.one_of(
    CELL, st.integers(-(10**20), 10**20), st.floats(), st.none(), st.booleans(), st.lists(st.integers(), max_size=2)
)


@settings(**_SETTINGS)
@given(
    features=st.lists(
        st.fixed_dictionaries(
            {
                "geometry": GEOMETRY,
                "properties": st.dictionaries(
                    st.sampled_from(["id", "village", "reason", "persons", "observation_start", "status", "note", "x"]),
                    PROPERTY,
                    max_size=8,
                ),
            }
        ),
        max_size=5,
    )
)
def test_any_geojson_is_imported_or_refused_cleanly(tmp_path_factory, features):
    def write(folder):
        document = {"type": "FeatureCollection", "features": [{"type": "Feature", **feature} for feature in features]}
        path = folder / "fuzz.geojson"
        path.write_text(json.dumps(document), encoding="utf-8")
        return path

    _import_and_judge(tmp_path_factory, write)
