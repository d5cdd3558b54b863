"""Households as typed columns (layers/page_columns.py, resources/map/point_columns.js): the page
tests run again with every household layer sent as columns, and what only that path does (its
popup details asked for later, its state bytes, its files beside a ``map --out`` page, its
density shading)."""

import base64
import json
import time

import numpy as np
import pytest
from PyQt6.QtCore import QUrl
from PyQt6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEngineSettings,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
)
from PyQt6.QtWebEngineWidgets import QWebEngineView

import layers.page_columns as page_columns
from desktop.map_view import shared_profile
from geodata.stores import GeoPackageStore
from layers.map_state import MapState
from layers.page_columns import columnar_layers, detail_chunks, layer_columns
from layers.page_model import ALERT_BIT, NO_STAGE, SHOWN_BIT, packed_state, page_model, state_message
from layers.webmap import feature_collection, write_page
from tests.desktop.pagetools import PAGE_TIMEOUT_MS, differing_pixels, evaluate, grab, open_map, wait_applied

# The page tests, collected here once more: this module's fixture sends households as columns.
from tests.desktop.test_map_page import (  # noqa: F401
    test_as_of_date_changes_households_shown,
    test_every_layer_is_drawn_with_all_its_features,
    test_filter_changes_apply_without_reloading,
)
from tests.desktop.test_page_output import (  # noqa: F401
    test_a_crowd_stays_in_place_and_small_groups_are_still_spread,
    test_a_layer_ticked_off_and_on_draws_the_same_pixels,
    test_a_popup_opens_clear_of_the_title,
    test_displaced_symbols_follow_the_zoom,
    test_every_alert_is_the_topmost_symbol_at_its_pixel,
    test_households_ticked_off_and_on_in_the_window_are_drawn_again,
    test_overdue_only_filter_shows_the_overdue_points_on_top,
)

INTERNAL = MapState(audience="internal")
INJECTED = "<img src=x onerror=\"window.__pwned='img'\"><script>window.__pwned='script'</script>"


@pytest.fixture(autouse=True)
def households_as_columns(monkeypatch):
    monkeypatch.setattr(page_columns, "COLUMNAR_AT", 0)


@pytest.fixture
def sample(sample_copy):
    return GeoPackageStore(sample_copy).read_all()


class ReadsOfFiles(QWebEngineUrlRequestInterceptor):
    """Which files a page reads by fetch() or XMLHttpRequest: a browser refuses those."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.read: list[str] = []

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:  # noqa: N802 (Qt name)
        kind = info.resourceType()
        if info.requestUrl().scheme() == "file" and kind == QWebEngineUrlRequestInfo.ResourceType.ResourceTypeXhr:
            self.read.append(info.requestUrl().toString())


def test_details_are_the_properties_the_geojson_page_carries(sample):
    for state in (INTERNAL, INTERNAL.replace(as_of="2020-02-05T12:00")):
        model = page_model(sample, state, "zh")
        features = feature_collection(sample, "households", model, "internal")["features"]
        chunks = [json.loads(text) for _, text in detail_chunks(sample, "households", model, "internal")]
        assert len(chunks) == 1 and chunks[0]["start"] == 0 and chunks[0]["count"] == len(features)
        assert _decoded_rows(chunks[0]) == [f["properties"] for f in features]


def test_details_are_coded_alike_for_the_whole_layer_and_one_chunk(sample, monkeypatch):
    monkeypatch.setattr(page_columns, "DETAIL_ROWS", 7)
    monkeypatch.setattr(page_columns, "DICTIONARY_AT_MOST", 3)  # both kinds of field
    monkeypatch.setattr(page_columns, "SAMPLE_ROWS", 3)  # text of many values not told apart
    model = page_model(sample, INTERNAL.replace(as_of="2020-02-05T12:00"), "zh")
    features = feature_collection(sample, "households", model, "internal")["features"]
    every = [json.loads(text) for _, text in detail_chunks(sample, "households", model, "internal")]
    alone = [json.loads(next(detail_chunks(sample, "households", model, "internal", n))[1]) for n in range(len(every))]
    kinds = {kind for chunk in every for column in chunk["fields"].values() for kind in column}
    assert {"list", "codes"} <= kinds
    for chunks in (every, alone):
        assert [row for chunk in chunks for row in _decoded_rows(chunk)] == [f["properties"] for f in features]


def _decoded_rows(chunk: dict) -> list[dict]:
    """The rows of a chunk of popup details, read as point_columns.js reads them."""
    columns = {}
    for field, column in chunk["fields"].items():
        if "list" in column:
            columns[field] = column["list"]
        else:
            codes = np.frombuffer(base64.b64decode(column["codes"]), dtype="<u1" if column["width"] == 1 else "<u2")
            columns[field] = [column["values"][c - 1] if c else None for c in codes.tolist()]
    return [{field: values[i] for field, values in columns.items()} for i in range(chunk["count"])]


def test_public_details_hold_no_personal_field(sample):
    model = page_model(sample, INTERNAL, "zh")
    text = next(detail_chunks(sample, "households", model, "public"))[1]
    for value in sample.households["head_name"].dropna().tolist() + sample.households["phone"].dropna().tolist():
        assert value not in text


def test_ids_with_a_line_break_keep_their_layer_as_geojson(sample):
    model = page_model(sample, INTERNAL, "zh")
    ids = model.ids["households"]
    assert columnar_layers(model, at=1) == {"households"}
    model.ids["households"] = np.arange(len(ids)).astype(object)  # ids that are not text
    assert columnar_layers(model, at=1) == {"households"}
    broken = ids.copy()
    broken[3] = "H\n1"
    model.ids["households"] = broken
    assert columnar_layers(model, at=1) == frozenset()


def test_columns_hold_places_ids_and_state(sample):
    model = page_model(sample, INTERNAL, "zh")
    description, content = layer_columns(sample, "households", model)
    n = description["count"]
    assert n == len(sample.households) and description["bytes"] == len(content)
    dx = np.frombuffer(content, dtype=np.float32, count=n)
    lon = description["origin"][0] + dx.astype(np.float64)
    assert np.abs(lon - sample.households.geometry.x.to_numpy()).max() < 1e-6  # about 0.1 m
    state = np.frombuffer(content, dtype=np.uint8, count=n, offset=8 * n)
    assert ((state & SHOWN_BIT) > 0).tolist() == model.shown["households"].tolist()
    assert content[9 * n :].decode("utf-8").split("\n") == sample.households["id"].tolist()


def test_a_filter_change_sends_shown_bits_and_a_day_state_bytes_not_ids(qtbot, tmp_path, sample):
    view = open_map(qtbot, tmp_path, sample, INTERNAL)
    assert view.columnar == {"households"}
    filtered = INTERNAL.with_filters(household_reasons=("wuhan_return",))
    with qtbot.waitSignal(view.applied, timeout=PAGE_TIMEOUT_MS):
        update = view.set_state(filtered)
    change = update["layers"]["households"]
    assert set(change) == {"shown"}  # one bit a household: the classes did not change
    bits = np.unpackbits(np.frombuffer(base64.b64decode(change["shown"]), dtype=np.uint8), bitorder="little")
    assert bits[: len(sample.households)].astype(bool).tolist() == view.model.shown["households"].tolist()
    expected = sorted(view.model.shown_ids("households"))
    assert 0 < len(expected) < len(sample.households)
    assert evaluate(qtbot, view, "SituationMap.state().ids.households") == expected

    earlier = filtered.replace(as_of="2020-02-05T12:00")
    with qtbot.waitSignal(view.applied, timeout=PAGE_TIMEOUT_MS):
        update = view.set_state(earlier)
    change = update["layers"]["households"]
    assert set(change) == {"state"}  # another day: classes too, half a byte a household
    assert set(change["state"]) == {"nibbles", "count", "alerts"}
    assert len(base64.b64decode(change["state"]["nibbles"])) == (len(sample.households) + 1) // 2
    # The page makes of them the state bytes of the day, alert bits included.
    read = evaluate(qtbot, view, f"Array.from(SituationColumns.decodeState({json.dumps(change['state'])}))")
    assert read == packed_state(view.model, "households").tolist()
    assert any(b & ALERT_BIT for b in read) and any(b & SHOWN_BIT for b in read)
    odd = np.array([0, 4 | ALERT_BIT, NO_STAGE, 1 | SHOWN_BIT, 4 | ALERT_BIT | SHOWN_BIT], dtype=np.uint8)
    odd[0] |= ALERT_BIT  # a new household is an alert
    message = json.dumps(state_message("households", odd))
    assert evaluate(qtbot, view, f"Array.from(SituationColumns.decodeState({message}))") == odd.tolist()
    assert evaluate(qtbot, view, "SituationMap.state().ids.households") == sorted(view.model.shown_ids("households"))


def test_the_window_serves_the_columns_and_nothing_leaves_the_machine(qtbot, tmp_path, sample):
    view = open_map(qtbot, tmp_path, sample, INTERNAL)
    data = (tmp_path / "page" / "index.data.js").read_text(encoding="utf-8")
    assert '"columns":true' in data and sample.households["id"].iloc[0] not in data
    for value in sample.households["head_name"].dropna().tolist():
        assert value not in data
    assert any(u.startswith("smdata:columns/") for u in view.guard.requested)
    assert [u for u in view.guard.requested if not u.startswith(("file:", "qrc:", "data:", "smdata:"))] == []


def _popup_text(qtbot, view, household: str) -> str:
    evaluate(qtbot, view, f"(SituationMap.openPopup('households', {household!r}), null)")
    found: list[str] = []

    def has_details():
        # The last popup: a closed one fades out for a moment before it leaves the page.
        text = evaluate(
            qtbot, view, "Array.from(document.querySelectorAll('.leaflet-popup-content')).pop().textContent"
        )
        found[:] = [text]
        return "2020" in text  # a day from the details, not only the title and the stage

    qtbot.waitUntil(has_details, timeout=PAGE_TIMEOUT_MS)
    return found[0]


def test_popup_details_come_from_python_and_markup_stays_text(qtbot, tmp_path, sample):
    hostile = sample.copy()
    households = hostile.households
    households.loc[0, "note"] = INJECTED
    view = open_map(qtbot, tmp_path, hostile, INTERNAL)
    text = _popup_text(qtbot, view, households.loc[0, "id"])
    assert INJECTED in text
    assert hostile.villages.set_index("code").loc[households.loc[0, "village"], "name"] in text
    qtbot.wait(300)
    assert evaluate(qtbot, view, "window.__pwned || null") is None
    assert evaluate(qtbot, view, "document.querySelectorAll('.leaflet-popup-pane img').length") == 0
    assert any(u.startswith("smdata:details/") for u in view.guard.requested)


def test_popup_details_follow_the_as_of_day(qtbot, tmp_path, sample):
    view = open_map(qtbot, tmp_path, sample, INTERNAL)
    first = sample.households.loc[0, "id"]
    _popup_text(qtbot, view, first)
    today = evaluate(qtbot, view, f"SituationMap.properties('households', {first!r})")
    wait_applied(qtbot, view, lambda: view.set_state(INTERNAL.replace(as_of="2020-02-01T12:00")))
    _popup_text(qtbot, view, first)
    earlier = evaluate(qtbot, view, f"SituationMap.properties('households', {first!r})")
    model = view.model
    expected = feature_collection(sample, "households", model, "internal")["features"][0]["properties"]
    assert earlier == {**expected, "alert": bool(expected["alert"])}
    assert earlier != today


def test_a_map_out_page_reads_its_columns_from_files_beside_it(qtbot, tmp_path, sample):
    """What a browser can do from disk: scripts beside the page, no fetch of a file."""
    path, model = write_page(sample, INTERNAL, tmp_path / "out")
    assert (tmp_path / "out" / "index.households.js").exists()
    assert (tmp_path / "out" / "index.households.details.0.js").exists()
    view = QWebEngineView()
    qtbot.addWidget(view)
    view.setPage(QWebEnginePage(shared_profile(), view))
    reads = ReadsOfFiles(view)
    view.page().setUrlRequestInterceptor(reads)
    view.page().settings().setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls, True)
    view.resize(1280, 860)
    view.show()
    view.load(QUrl.fromLocalFile(str(path)))
    qtbot.waitUntil(lambda: evaluate(qtbot, view, "!!(window.SituationMap && SituationMap.drawn)"), timeout=30_000)
    assert evaluate(qtbot, view, "SituationMap.state().ids.households") == sorted(model.shown_ids("households"))
    text = _popup_text(qtbot, view, sample.households.loc[0, "id"])
    assert sample.households.loc[0, "head_name"] in text
    assert reads.read == [], "a browser refuses fetch() and XMLHttpRequest of files"


def test_a_dense_layer_is_shaded_and_its_points_still_picked(qtbot, tmp_path, sample):
    from tests.bench.synthetic import with_households

    dense = with_households(sample, 60_000)
    view = open_map(qtbot, tmp_path, dense, INTERNAL, size=(900, 700))
    before = grab(qtbot, view)
    mode = evaluate(
        qtbot,
        view,
        "(function () { var g = SituationMap.map(); var c = null; g.eachLayer(function (l) {"
        " if (l._densityCanvas !== undefined || l._paintDensity) c = l; }); return c && !!c._densityCanvas; })()",
    )
    assert mode is True, "60,000 households at township scale are shaded, not stamped one by one"
    without = INTERNAL.replace(visible_layers=tuple(n for n in INTERNAL.visible_layers if n != "households"))
    wait_applied(qtbot, view, lambda: view.set_state(without))
    assert differing_pixels(before, grab(qtbot, view)) > 20_000
    wait_applied(qtbot, view, lambda: view.set_state(INTERNAL))
    picked = evaluate(
        qtbot,
        view,
        """(function () { var map = SituationMap.map(), found = 0, tried = 0;
        SituationMap.state().ids.households.slice(0, 400).forEach(function (id) {
          var at = SituationMap.position('households', id);
          var p = map.latLngToContainerPoint([at[1], at[0]]);
          var size = map.getSize();
          if (p.x < 0 || p.y < 0 || p.x >= size.x || p.y >= size.y) return;
          tried += 1;
          if (SituationMap.pick(p.x, p.y)) found += 1;
        }); return [found, tried]; })()""",
    )
    assert picked[1] > 100 and picked[0] == picked[1]
    started = time.perf_counter()
    wait_applied(qtbot, view, lambda: view.set_state(INTERNAL.with_filters(household_reasons=("wuhan_return",))))
    assert time.perf_counter() - started < 5


def test_an_edited_household_moves_and_its_popup_follows(qtbot, tmp_path, sample):
    view = open_map(qtbot, tmp_path, sample, INTERNAL)
    first = sample.households.loc[0, "id"]
    _popup_text(qtbot, view, first)  # its details are in the page now, and must not stay
    edited = sample.copy()
    households = edited.households.copy()
    place = households.geometry.iloc[0]
    households.loc[0, "geometry"] = type(place)(place.x + 0.002, place.y)
    households.loc[0, "note"] = "moved by the desk"
    edited["households"] = households
    wait_applied(qtbot, view, lambda: view.apply_dataset(edited, {"households": [first]}))
    assert evaluate(qtbot, view, f"SituationMap.position('households', {first!r})") == pytest.approx(
        [place.x + 0.002, place.y],
        abs=1e-6,  # the GeoJSON of an edit: six decimals
    )
    assert "moved by the desk" in _popup_text(qtbot, view, first)


def test_a_household_added_to_the_columns_reloads_the_page_with_it(qtbot, tmp_path, sample):
    import pandas as pd

    view = open_map(qtbot, tmp_path, sample, INTERNAL)
    added = sample.copy()
    extra = sample.households.iloc[[0]].copy()
    extra["id"] = "HH-NEW"
    added["households"] = pd.concat([sample.households, extra], ignore_index=True)
    with qtbot.waitSignal(view.drawn, timeout=PAGE_TIMEOUT_MS):
        view.apply_dataset(added, {"households": ["HH-NEW"]})
    assert "HH-NEW" in evaluate(qtbot, view, "SituationMap.state().ids.households")


def test_a_household_without_a_place_is_not_drawn_and_the_others_are(qtbot, tmp_path, sample):
    placeless = sample.copy()
    households = placeless.households.copy()
    households.loc[0, "geometry"] = None
    placeless["households"] = households
    view = open_map(qtbot, tmp_path, placeless, INTERNAL)
    shown = evaluate(qtbot, view, "SituationMap.state().ids.households")
    expected = sorted(view.model.shown_ids("households"))
    assert households.loc[0, "id"] in expected and shown == [i for i in expected if i != households.loc[0, "id"]]
    wait_applied(qtbot, view, lambda: view.set_state(INTERNAL.with_filters(household_reasons=("wuhan_return",))))
    wait_applied(qtbot, view, lambda: view.set_state(INTERNAL.replace(as_of="2020-02-05T12:00")))
    assert households.loc[0, "id"] not in evaluate(qtbot, view, "SituationMap.state().ids.households")
