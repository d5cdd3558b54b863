"""The briefing's maps draw a large household layer from the page's columns (issue 17): the
columns are written once beside the document, each map says what it shows of them, and the
printed maps are the pixels the GeoJSON briefing printed. The sample's 50 households are made
"large" here by lowering the thresholds: the columnar one, and the one under which a printed map
draws its households as vector markers rather than on the 300 dpi canvas."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import numpy as np
import pymupdf
import pytest

import layers.briefing.document as document_module
import layers.page_columns as page_columns
from desktop.briefing.briefing_printer import print_and_wait
from geodata.stores import open_store
from layers.briefing.document import write_briefing_document
from layers.briefing.options import BriefingOptions
from layers.map_state import MapState

STATE = MapState(as_of="2020-02-10T23:59", audience="internal")
OPTIONS = BriefingOptions(lang="zh", atlas=True, villages=("411771360200", "411771360201"))
GENERATED = datetime(2020, 2, 11, 8, 0)
# (households as columns from this many, households printed as vector markers up to this many)
WAYS = {
    "geojson canvas": (10**9, 0),
    "columns canvas": (0, 0),
    "geojson vector": (10**9, 2_000),
    "columns vector": (0, 2_000),
}
DPI = 50


@pytest.fixture(scope="module")
def printed(sample_file, tmp_path_factory, qapp):
    """way -> (the document's folder, per page of the PDF the pixels of its map frames)."""
    dataset = open_store(sample_file).read_all()
    made = {}
    for way, (columnar_at, vector_points) in WAYS.items():
        folder = tmp_path_factory.mktemp(way.replace(" ", "-"))
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(page_columns, "COLUMNAR_AT", columnar_at)
            patch.setattr(document_module, "PRINT_VECTOR_POINTS", vector_points)
            document = write_briefing_document(dataset, STATE, OPTIONS, folder / "doc", GENERATED)
        path = print_and_wait(document, folder / "b.pdf", OPTIONS)
        with pymupdf.open(path) as pdf:
            pages = [_map_frames(page) for page in pdf]
        made[way] = (folder / "doc", pages)
    return made


def _map_frames(page: pymupdf.Page) -> list[np.ndarray]:
    """The pixels inside each map frame of ``page`` (the frames' borders are its largest
    rectangles short of the whole sheet)."""
    sheet = page.rect.height * 0.8
    frames = {
        tuple(round(v) for v in d["rect"])
        for d in page.get_drawings()
        if d["rect"].width > 150 and 150 < d["rect"].height < sheet
    }
    pictures = []
    for frame in sorted(frames):
        pix = page.get_pixmap(dpi=DPI, clip=pymupdf.Rect(frame))
        pictures.append(np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.h, pix.w, pix.n).astype(int))
    return pictures


def _maps(folder: Path) -> list[dict]:
    maps = []
    for path in sorted(folder.glob("briefing-map-*.data.js"), key=lambda p: int(p.name.split("-")[2].split(".")[0])):
        text = path.read_text(encoding="utf-8")
        maps.append(json.loads(text[text.index("] = ") + 4 : text.rstrip().rindex(";")]))
    return maps


@pytest.mark.parametrize("drawn", ["canvas", "vector"])
def test_the_printed_maps_from_columns_are_the_geojson_briefings_pixels(printed, drawn):
    _folder, geojson = printed[f"geojson {drawn}"]
    _folder, columns = printed[f"columns {drawn}"]
    assert len(columns) == len(geojson)
    framed = [number for number, frames in enumerate(geojson) if frames]
    assert framed[0] == 0 and len(framed) == 1 + len(OPTIONS.villages or ())  # the summary, each village
    for number in framed:
        assert len(columns[number]) == len(geojson[number])
        for reference, ours in zip(geojson[number], columns[number], strict=True):
            assert reference.shape == ours.shape
            differing = int((np.abs(reference - ours).max(axis=2) > 24).sum())
            # A household placed from Float32 offsets may land a pixel from its 6-decimal place.
            assert differing <= reference.shape[0] * reference.shape[1] // 1000, f"page {number + 1}: {differing}"
    # The households are in those pixels: drawn otherwise (markers, canvas), the frames differ.
    other = "vector" if drawn == "canvas" else "canvas"
    _folder, elsewise = printed[f"geojson {other}"]
    for number in framed:
        changed = (np.abs(elsewise[number][0] - geojson[number][0]).max(axis=2) > 24).sum()
        assert changed > 20, f"page {number + 1}: the households are not drawn in the frame"


def test_the_data_files_hold_no_geojson_households(printed, sample_file):
    folder, _pages = printed["columns canvas"]
    ids = open_store(sample_file).read_all()["households"]["id"].astype(str).tolist()
    maps = _maps(folder)
    assert len(maps) == 3
    for data in maps:
        layer = data["layers"]["households"]
        assert layer["columns"] is True and "features" not in layer
        text = json.dumps(data, ensure_ascii=False)
        assert not [i for i in ids if f'"{i}"' in text], "a household's id in a map's data"
    # One script of columns for every map; each village map sends only which households show.
    assert [p.name for p in folder.glob("briefing-columns.*.js")] == ["briefing-columns.households.js"]
    assert "state" not in maps[0]["initial"]["layers"]["households"]
    for data in maps[1:]:
        change = data["initial"]["layers"]["households"]
        assert "shown" in change and "state" not in change


def test_a_map_of_few_households_carries_them_as_geojson_markers(printed):
    folder, _pages = printed["columns vector"]
    for data in _maps(folder):
        layer = data["layers"]["households"]
        assert layer["type"] == "FeatureCollection"
        assert sorted(f["id"] for f in layer["features"]) == sorted(data["initial"]["layers"]["households"]["show"])
