"""The map page judged by what it draws, in the real QtWebEngine: alerts on top and visible,
layers that come back as they were, popups clear of the title, labels once and clear of
symbols. The alerts are worked out here from the records, not read from the page."""

import os

import numpy as np
import pymupdf  # the printed page's text
import pytest
import shapely

from geodata.stores import GeoPackageStore
from layers.filters import checkpoint_situation, disinfection_situation, household_situation, resolve_as_of
from layers.map_state import MapState
from layers.styles import HOUSEHOLD_STYLE
from tests.desktop.pagetools import (
    PAGE_TIMEOUT_MS,
    differing_pixels,
    evaluate,
    grab,
    open_map,
    open_window,
    print_page_pdf,
    rgb_at,
    symbol_at_pixel,
    wait_applied,
)

INTERNAL = MapState(audience="internal")


@pytest.fixture
def sample(sample_copy):
    return GeoPackageStore(sample_copy).read_all()


@pytest.fixture
def sample_with_checkpoint_alerts(sample):
    """The sample with one checkpoint closed and one with nobody on shift: the sample itself
    has no checkpoint alert, and each sits beside its own disinfection point."""
    checkpoints = sample.checkpoints
    checkpoints.loc[checkpoints["id"] == "CP05", "status"] = "closed"
    checkpoints.loc[checkpoints["id"] == "CP06", "staff_on_shift"] = 0
    checkpoints.loc[checkpoints["id"] == "CP12", "staffed_24h"] = False
    return sample


def alert_ids(dataset, state) -> dict[str, list[str]]:
    """Per layer, the features that are alerts on the state's day, from the records."""
    as_of = resolve_as_of(state, dataset)
    households = household_situation(dataset.households, as_of)
    points = disinfection_situation(dataset.disinfection_points, as_of)
    checkpoints = checkpoint_situation(dataset.checkpoints, as_of)
    records = dataset.checkpoints
    unstaffed = checkpoints["active"].to_numpy(dtype=bool) & (
        (records["staffed_24h"].astype(object) == False).to_numpy()  # noqa: E712 (numpy bools)
        | (records["staff_on_shift"].fillna(-1).to_numpy() == 0)
    )
    closed = (checkpoints["status_on_day"].astype(object) == "closed").to_numpy()
    return {
        "households": dataset.households["id"][households["stage"].isin(["new", "escalated"]).to_numpy()].tolist(),
        "disinfection_points": dataset.disinfection_points["id"][points["overdue"].to_numpy(dtype=bool)].tolist(),
        "checkpoints": records["id"][closed | unstaffed].tolist(),
    }


def _close(colour, hex_colour, tolerance=40):
    target = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return max(abs(a - b) for a, b in zip(colour, target, strict=False)) <= tolerance


def _assert_alerts_on_top(qtbot, view, dataset, state, all_inside=True):
    alerts = alert_ids(dataset, state)
    shown = evaluate(qtbot, view, "SituationMap.state().ids")
    picture = grab(qtbot, view)
    fills = {s.key: s.fill for s in HOUSEHOLD_STYLE.symbols}
    stages = dict(
        zip(
            dataset.households["id"],
            household_situation(dataset.households, resolve_as_of(state, dataset))["stage"].astype(object),
            strict=False,
        )
    )
    checked = 0
    for layer, ids in alerts.items():
        for feature_id in ids:
            assert feature_id in shown[layer], f"alert {layer} {feature_id} is not shown"
            found = symbol_at_pixel(qtbot, view, layer, feature_id)
            if not found["inside"] and not all_inside:
                continue  # zoomed in: out of the view
            assert found["inside"], f"{layer} {feature_id} is outside the map"
            if layer == "households":
                # A canvas dot: no marker may lie over it, the canvas pick finds it, and its
                # pixel has the stage's colour.
                assert found["element"] is None, f"household {feature_id} is under {found['element']}"
                assert found["pick"] == {"layer": "households", "id": feature_id}
                colour = rgb_at(picture, found["x"], found["y"])
                assert _close(colour, fills[stages[feature_id]]), (feature_id, colour)
            else:
                assert found["element"] == [layer, feature_id], (
                    f"{layer} {feature_id}: the element at its pixel is {found['element']} ({found['hitClass']})"
                )
            checked += 1
    return checked


def test_every_alert_is_the_topmost_symbol_at_its_pixel(qtbot, tmp_path, sample):
    view = open_map(qtbot, tmp_path, sample, INTERNAL)
    assert _assert_alerts_on_top(qtbot, view, sample, INTERNAL) >= 5


def test_closed_and_unstaffed_checkpoints_are_on_top(qtbot, tmp_path, sample_with_checkpoint_alerts):
    view = open_map(qtbot, tmp_path, sample_with_checkpoint_alerts, INTERNAL)
    alerts = alert_ids(sample_with_checkpoint_alerts, INTERNAL)
    assert sorted(alerts["checkpoints"]) == ["CP05", "CP06", "CP12"]
    _assert_alerts_on_top(qtbot, view, sample_with_checkpoint_alerts, INTERNAL)


def test_overdue_only_filter_shows_the_overdue_points_on_top(qtbot, tmp_path, sample):
    state = INTERNAL.with_filters(overdue_only=True)
    view = open_map(qtbot, tmp_path, sample, state)
    assert _assert_alerts_on_top(qtbot, view, sample, state) >= 5


def test_symbols_at_one_place_are_all_visible(qtbot, tmp_path, sample):
    """Every point marker has some pixel of its own at its drawn centre: none is covered."""
    view = open_map(qtbot, tmp_path, sample, INTERNAL)
    shown = evaluate(qtbot, view, "SituationMap.state().ids")
    for layer in ("checkpoints", "disinfection_points"):
        for feature_id in shown[layer]:
            found = symbol_at_pixel(qtbot, view, layer, feature_id)
            assert found["element"] == [layer, feature_id], (layer, feature_id, found["element"])


def test_displaced_symbols_follow_the_zoom(qtbot, tmp_path, sample):
    view = open_map(qtbot, tmp_path, sample, INTERNAL)
    evaluate(qtbot, view, "(SituationMap.map().setZoom(SituationMap.map().getZoom() + 2, {animate: false}), null)")
    qtbot.wait(300)
    assert _assert_alerts_on_top(qtbot, view, sample, INTERNAL, all_inside=False) >= 3
    evaluate(qtbot, view, "(SituationMap.map().setZoom(SituationMap.map().getZoom() - 3, {animate: false}), null)")
    qtbot.wait(300)
    _assert_alerts_on_top(qtbot, view, sample, INTERNAL)


@pytest.mark.parametrize("layer", ["households", "checkpoints", "disinfection_points", "roads", "villages"])
def test_a_layer_ticked_off_and_on_draws_the_same_pixels(qtbot, tmp_path, sample, layer):
    view = open_map(qtbot, tmp_path, sample, INTERNAL)
    assert layer in INTERNAL.visible_layers
    before = grab(qtbot, view)
    without = INTERNAL.replace(visible_layers=tuple(n for n in INTERNAL.visible_layers if n != layer))
    wait_applied(qtbot, view, lambda: view.set_state(without))
    hidden = grab(qtbot, view)
    assert differing_pixels(before, hidden) > 0, "hiding the layer changed nothing"
    wait_applied(qtbot, view, lambda: view.set_state(INTERNAL))
    after = grab(qtbot, view)
    assert differing_pixels(before, after) == 0


def _rect(qtbot, view, selector):
    return evaluate(
        qtbot,
        view,
        f"(function () {{ var e = document.querySelector({selector!r}); "
        "if (!e) return null; var r = e.getBoundingClientRect(); "
        "return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; })()",
    )


def _topmost(qtbot, view, layer):
    return evaluate(
        qtbot,
        view,
        f"""(function () {{
      var map = SituationMap.map(), best = null;
      SituationMap.state().ids[{layer!r}].forEach(function (id) {{
        var at = SituationMap.position({layer!r}, id);
        var y = map.latLngToContainerPoint([at[1], at[0]]).y;
        if (y > 0 && (best === null || y < best.y)) best = {{id: id, y: y}};
      }});
      return best; }})()""",
    )


@pytest.mark.parametrize("layer", ["checkpoints", "households", "disinfection_points"])
def test_a_popup_opens_clear_of_the_title(qtbot, tmp_path, sample, layer):
    view = open_map(qtbot, tmp_path, sample, INTERNAL)
    top = _topmost(qtbot, view, layer)
    assert top is not None
    # Bring the feature to the top edge, where its popup opens under the title.
    evaluate(qtbot, view, f"(SituationMap.map().panBy([0, {top['y']} - 20], {{animate: false}}), null)")
    opened = evaluate(qtbot, view, f"SituationMap.openPopup({layer!r}, {top['id']!r})")
    assert opened and opened["popup"]
    qtbot.wait(800)  # the pan that brings the popup into view is animated
    title = _rect(qtbot, view, ".sm-title")
    popup = _rect(qtbot, view, ".leaflet-popup-content-wrapper")
    assert popup["top"] >= title["bottom"], (popup, title)
    heading = _rect(qtbot, view, ".sm-popup-title")
    assert heading["top"] >= title["bottom"]


def test_each_village_label_is_one_text_on_the_page_and_in_print(qtbot, tmp_path, sample):
    view = open_map(qtbot, tmp_path, sample, INTERNAL)
    names = sample.villages["name"].tolist()
    page_text = evaluate(qtbot, view, "document.body.innerText")
    for name in names:
        assert page_text.count(name) == 1, name
    pdf = tmp_path / "map.pdf"
    print_page_pdf(qtbot, view, pdf)
    with pymupdf.open(pdf) as document:
        printed = "".join(page.get_text() for page in document)
    for name in names:
        assert printed.count(name) == 1, (name, printed.count(name))


_LABEL_AND_SYMBOL_BOXES = """(function () {
  function box(e) { var r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }
  var labels = Array.from(document.querySelectorAll('.sm-village-label')).map(function (e) {
    var text = e.querySelector('.sm-label-text') || e.firstElementChild || e;
    return {name: e.textContent, box: box(text)};
  });
  var symbols = Array.from(document.querySelectorAll('.leaflet-marker-icon:not(.sm-village-label)')).map(function (e) {
    return {id: e.getAttribute('data-feature-id'), box: box(e)};
  });
  return {labels: labels, symbols: symbols};
})()"""


def _overlapping(qtbot, view):
    boxes = evaluate(qtbot, view, _LABEL_AND_SYMBOL_BOXES)
    assert len(boxes["labels"]) == 10 and boxes["symbols"]
    clashes = []
    for label in boxes["labels"]:
        a = label["box"]
        for symbol in boxes["symbols"]:
            b = symbol["box"]
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                clashes.append((label["name"], symbol["id"]))
    return clashes


def test_village_labels_cover_no_symbol(qtbot, tmp_path, sample):
    view = open_map(qtbot, tmp_path, sample, INTERNAL)
    assert _overlapping(qtbot, view) == []
    evaluate(qtbot, view, "(SituationMap.map().setZoom(SituationMap.map().getZoom() + 1, {animate: false}), null)")
    qtbot.wait(300)
    assert _overlapping(qtbot, view) == []


def test_labels_have_a_halo_that_is_drawn(qtbot, tmp_path, sample):
    """The label's halo is painted: light pixels around the dark text, on any ground."""
    view = open_map(qtbot, tmp_path, sample, INTERNAL)
    picture = grab(qtbot, view)
    box = evaluate(
        qtbot,
        view,
        "(function () { var e = document.querySelector('.sm-village-label'); "
        "var r = (e.querySelector('.sm-label-text') || e).getBoundingClientRect(); "
        "return [r.left, r.top, r.right, r.bottom]; })()",
    )
    pixels = np.array(
        [rgb_at(picture, x, y) for x in range(int(box[0]), int(box[2])) for y in range(int(box[1]), int(box[3]))]
    )
    assert (pixels.max(axis=1) < 80).any(), "dark text"
    assert (pixels.min(axis=1) > 235).any(), "a white halo"


_LABEL_CENTRES = """(function () {
  var map = SituationMap.map();
  var origin = map.getContainer().getBoundingClientRect();
  return Array.from(document.querySelectorAll('.sm-village-label')).map(function (e) {
    var r = (e.querySelector('.sm-label-text') || e).getBoundingClientRect();
    var at = map.containerPointToLatLng([(r.left + r.right) / 2 - origin.left, (r.top + r.bottom) / 2 - origin.top]);
    return {name: e.textContent, lng: at.lng, lat: at.lat};
  });
})()"""


@pytest.mark.parametrize("size", [(1280, 860), (700, 620)], ids=["desk", "print-sized"])
def test_each_village_label_sits_inside_its_own_village(qtbot, tmp_path, sample, size):
    """A label moved clear of symbols must still name the village it is drawn in."""
    view = open_map(qtbot, tmp_path, sample, INTERNAL, size=size)
    outlines = dict(zip(sample.villages["name"], sample.villages.geometry, strict=False))
    for zoom_step in (0, 1):
        if zoom_step:
            evaluate(
                qtbot, view, "(SituationMap.map().setZoom(SituationMap.map().getZoom() + 1, {animate: false}), null)"
            )
            qtbot.wait(300)
        centres = evaluate(qtbot, view, _LABEL_CENTRES)
        assert sorted(c["name"] for c in centres) == sorted(outlines)
        strays = [c["name"] for c in centres if not outlines[c["name"]].contains(shapely.Point(c["lng"], c["lat"]))]
        assert strays == [], f"labels drawn outside their village at zoom step {zoom_step}"


_HALO_AND_TEXT = """(function () {
  return Array.from(document.querySelectorAll('.sm-village-label')).map(function (label) {
    var text = label.querySelector('.sm-label-text'), canvas = label.querySelector('.sm-label-halo');
    var t = text.getBoundingClientRect(), c = canvas.getBoundingClientRect();
    var pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    var ink = [Infinity, Infinity, -Infinity, -Infinity];
    for (var y = 0; y < canvas.height; y++) for (var x = 0; x < canvas.width; x++) {
      if (pixels[(y * canvas.width + x) * 4 + 3] > 128) {
        ink = [Math.min(ink[0], x), Math.min(ink[1], y), Math.max(ink[2], x), Math.max(ink[3], y)];
      }
    }
    var sx = c.width / canvas.width, sy = c.height / canvas.height;
    return {name: text.textContent, text: [t.left, t.top, t.right, t.bottom],
            ink: [c.left + ink[0] * sx, c.top + ink[1] * sy, c.left + (ink[2] + 1) * sx, c.top + (ink[3] + 1) * sy]};
  });
})()"""


@pytest.mark.parametrize("zoom_factor", [1.0, 2.5], ids=["desk", "4k-wall"])
def test_the_halo_surrounds_its_text_evenly(qtbot, tmp_path, sample, zoom_factor):
    """The halo is painted where the text is: its ink reaches as far beyond the text's glyphs
    on the left as on the right, and above as below (it slid up by 3.6 px at the wall's zoom)."""
    view = open_map(qtbot, tmp_path, sample, INTERNAL, size=(1280, 860))
    if zoom_factor != 1.0:
        view.setZoomFactor(zoom_factor)
        evaluate(qtbot, view, "SituationMap.setWall(true)")  # wall labels, placed and haloed anew
        qtbot.wait(400)
    glyphs = evaluate(qtbot, view, _HALO_AND_TEXT)
    assert len(glyphs) == 10
    for label in glyphs:
        text, ink = label["text"], label["ink"]
        left, right = text[0] - ink[0], ink[2] - text[2]
        centre_y_text, centre_y_ink = (text[1] + text[3]) / 2, (ink[1] + ink[3]) / 2
        assert left > 0 and right > 0, label  # the halo is there on both sides
        assert abs(left - right) <= 2.0, label
        assert abs(centre_y_text - centre_y_ink) <= 1.5, label


def test_households_ticked_off_and_on_in_the_window_are_drawn_again(qtbot, sample_copy):
    """The defect as a user met it: in the window, the households layer unticked and ticked in
    the layers panel came back with its legend but no points."""
    from PyQt6.QtCore import Qt

    window = open_window(qtbot, GeoPackageStore(sample_copy))
    view = window.map_view
    if window.session.state.audience != "internal":  # a page of another audience is a new page
        with qtbot.waitSignal(view.drawn, timeout=PAGE_TIMEOUT_MS):
            window.session.update_state(audience="internal")
    before = grab(qtbot, view)
    item = window.layers_panel.layer_item("households")
    wait_applied(qtbot, view, lambda: item.setCheckState(0, Qt.CheckState.Unchecked))
    assert differing_pixels(before, grab(qtbot, view)) > 0, "unticking changed nothing"
    wait_applied(qtbot, view, lambda: item.setCheckState(0, Qt.CheckState.Checked))
    after = grab(qtbot, view)
    if os.environ.get("SITUATION_MAP_SHOTS"):
        window.grab().save(os.path.join(os.environ["SITUATION_MAP_SHOTS"], "window_after_retick.png"))
    assert differing_pixels(before, after) == 0


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", [(1100, 700), (900, 640), (930, 690), (1280, 860)])
def test_the_legend_never_runs_under_the_title_or_the_north_arrow(qtbot, tmp_path, sample, size, lang):
    """A two-line English title on a narrow map reached down over the legend's top; in the
    window's usual size the legend covered the north arrow's 北."""
    view = open_map(qtbot, tmp_path, sample, INTERNAL, lang=lang, size=size)
    legend = _rect(qtbot, view, ".sm-legend")
    for above in (".sm-title", ".sm-north"):
        box = _rect(qtbot, view, above)
        shares_columns = legend["left"] < box["right"] and box["left"] < legend["right"]
        assert not shares_columns or legend["top"] >= box["bottom"], (above, box, legend)


def test_a_crowd_stays_in_place_and_small_groups_are_still_spread(qtbot, tmp_path, sample):
    """Two hundred households on one checkpoint are a crowd, not a few symbols at one place:
    spreading them on one ring cost seconds (an n² grouping, a Leaflet line each) and showed
    nothing better. The crowd stays where it is; pairs elsewhere are still drawn apart."""
    import pandas as pd

    households = sample.households
    crowd_at = sample.checkpoints.loc[sample.checkpoints["id"] == "CP01"].geometry.iloc[0]
    model = households.iloc[[0] * 200].copy()
    model["id"] = [f"CROWD{i:03d}" for i in range(200)]
    model["geometry"] = [crowd_at] * 200
    model["status"] = "observing"
    model["observation_start"] = pd.Timestamp("2020-02-08")  # day 12 of 14: an ordinary dot
    model.loc[model.index[::2], "observation_start"] = pd.Timestamp("2020-02-18")  # new: alerts
    sample["households"] = pd.concat([households, model], ignore_index=True)
    view = open_map(qtbot, tmp_path, sample, INTERNAL)
    shifts = evaluate(
        qtbot,
        view,
        "[SituationMap.displacement('checkpoints', 'CP01')].concat("
        "['CROWD000', 'CROWD001', 'CROWD150'].map(function (id) {"
        " return SituationMap.displacement('households', id); }))",
    )
    assert all(shift in (None, [0, 0]) for shift in shifts), shifts
    # Each checkpoint's own disinfection point beside it is still drawn apart from it.
    spread = evaluate(
        qtbot,
        view,
        "SituationMap.state().ids.disinfection_points.filter(function (id) {"
        " var s = SituationMap.displacement('disinfection_points', id);"
        " return s && (s[0] || s[1]); }).length",
    )
    assert spread >= 10
    paths = evaluate(qtbot, view, "document.querySelectorAll('.leaflet-sm-leaders-pane path').length")
    assert paths <= 2, "leader lines are drawn as one path, anchors as another"


def test_a_checkpoint_that_becomes_an_alert_rises_on_top_in_its_own_element(qtbot, tmp_path, sample):
    """A wall refreshes all day and staffing flips: the marker is raised in place, not built
    again or moved between panes (that made the page's memory grow by 600 MB in 1,000
    refreshes, tests/bench wall), and it is then the topmost symbol at its pixel."""
    view = open_map(qtbot, tmp_path, sample, INTERNAL)
    evaluate(qtbot, view, "(document.querySelector('[data-feature-id=\"CP06\"]').__kept = true, 1)")
    checkpoints = sample.checkpoints
    checkpoints.loc[checkpoints["id"] == "CP06", "staff_on_shift"] = 0
    sample["checkpoints"] = checkpoints
    wait_applied(qtbot, view, lambda: view.apply_dataset(sample, {"checkpoints": ["CP06"]}))
    assert evaluate(qtbot, view, "document.querySelector('[data-feature-id=\"CP06\"]').__kept === true")
    at = symbol_at_pixel(qtbot, view, "checkpoints", "CP06")
    assert at["element"] == ["checkpoints", "CP06"], at
