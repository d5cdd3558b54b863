"""The wall as the room sees it: screenshots at 1920×1080 and 3840×2160.

The wall first draws in a small window and is then made big, as a window manager granting
full screen after the page has drawn does. Measured on the grabbed image and in the page:
the map takes the space the header leaves and the page painted all of it, the township fills
that space, and the village labels read across the room (≥ 32 px at 1080 lines, in
proportion above). Nothing the wall runs in its page may fail (its console stays clean).
"""

from collections import Counter

import pytest
from PyQt6.QtGui import QImage

from desktop.wall.wall import WallWindow
from geodata.stores import GeoPackageStore
from tests.desktop.pagetools import PAGE_TIMEOUT_MS, evaluate, grab

FIRST_SIZE = (960, 540)  # the window before the window manager makes it full screen
LABEL_PX_AT_1080 = 32

_MEASURE = """
(function (west, south, east, north) {
  var map = SituationMap.map(), container = map.getContainer();
  var box = container.getBoundingClientRect();
  var topLeft = map.latLngToContainerPoint([north, west]), bottomRight = map.latLngToContainerPoint([south, east]);
  var legend = document.querySelector(".sm-legend");
  return {
    container: [box.left, box.top, box.width, box.height],
    township: [topLeft.x, topLeft.y, bottomRight.x, bottomRight.y],
    legendWidth: legend ? legend.getBoundingClientRect().width : 0,
    background: getComputedStyle(container).backgroundColor,
    labels: Array.from(document.querySelectorAll(".sm-village-label")).map(function (label) {
      return { text: label.textContent, height: label.getBoundingClientRect().height,
               fontSize: parseFloat(getComputedStyle(label).fontSize) };
    }),
  };
})(%s, %s, %s, %s)
"""


def open_wall(qtbot, path, size):
    """A wall drawn at FIRST_SIZE, its page's console messages in ``wall.console``, then
    resized to ``size`` and waited on until its page is laid out at that size."""
    wall = WallWindow(path, GeoPackageStore(path).read_all(), refresh_s=3600, dwell_s=3600)
    qtbot.addWidget(wall)
    wall.console = []
    # Only this page's messages: an instance attribute reimplements the virtual for it alone.
    wall.map_view.page().javaScriptConsoleMessage = lambda level, message, line, source: wall.console.append(
        f"{level.name}: {message} ({source}:{line})"
    )
    wall.resize(*FIRST_SIZE)
    with qtbot.waitSignal(wall.map_view.drawn, timeout=PAGE_TIMEOUT_MS):
        wall.show()
    grab(qtbot, wall.map_view)  # the small picture is on screen before the wall grows
    wall.resize(*size)
    view = wall.map_view
    qtbot.waitUntil(lambda: view.size().width() == size[0], timeout=PAGE_TIMEOUT_MS)

    def laid_out_at_view_size():
        width, height = (css * view.zoomFactor() for css in evaluate(qtbot, view, "[innerWidth, innerHeight]"))
        return abs(width - view.width()) <= 2 and abs(height - view.height()) <= 2

    qtbot.waitUntil(laid_out_at_view_size, timeout=PAGE_TIMEOUT_MS)
    return wall


def measure(qtbot, wall) -> dict:
    west, south, east, north = (float(b) for b in wall.dataset.villages.total_bounds)
    return evaluate(qtbot, wall.map_view, _MEASURE % (west, south, east, north))


def css_rgb(text: str) -> tuple[int, int, int]:
    return tuple(int(part) for part in text[text.index("(") + 1 : text.index(")")].split(",")[:3])


def pixels(image: QImage, left: int, top: int, right: int, bottom: int, step: int = 3):
    """The colours of every ``step``-th pixel of a rectangle of the image."""
    for y in range(top, bottom, step):
        for x in range(left, right, step):
            colour = image.pixelColor(x, y)
            yield colour.red(), colour.green(), colour.blue()


def near(colour, other, tolerance=3) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, other, strict=False))


@pytest.mark.slow
@pytest.mark.parametrize("size", [(1920, 1080), (3840, 2160)], ids=["1080", "2160"])
def test_the_map_fills_the_space_under_the_header_and_labels_read_across_the_room(qtbot, sample_copy, size, tmp_path):
    wall = open_wall(qtbot, sample_copy, size)
    width, height = size
    grab(qtbot, wall.map_view)  # waits until the page has painted
    image = wall.grab().toImage()
    image.save(str(tmp_path / f"wall-{height}.png"))
    assert (image.width(), image.height()) == size
    page = measure(qtbot, wall)
    zoom = wall.map_view.zoomFactor()
    # The map's space starts under the header and the trend strip under it.
    header_bottom = wall.trend_strip.geometry().bottom() + 1
    free_height = height - header_bottom

    # The map view takes all the space the header leaves, and its page is laid out over all of it.
    map_geometry = wall.map_view.geometry()
    assert (map_geometry.x(), map_geometry.y(), map_geometry.width(), map_geometry.height()) == (
        0,
        header_bottom,
        width,
        free_height,
    )
    container_w, container_h = page["container"][2] * zoom, page["container"][3] * zoom
    assert container_w * container_h >= 0.6 * width * free_height
    assert container_w == pytest.approx(width, abs=2) and container_h == pytest.approx(free_height, abs=2)

    # The page painted there: its own background along the map's edges (a blank or unpainted
    # view would be white or black), and drawn features over most of the township.
    background = css_rgb(page["background"])
    top = header_bottom
    edges = [*pixels(image, 3, top + 3, width - 3, top + 4), *pixels(image, 3, top + 3, 4, height - 3)]
    assert sum(near(colour, background) for colour in edges) >= 0.5 * len(edges), Counter(edges).most_common(3)
    x0, y0, x1, y1 = (round(v * zoom) for v in page["township"])
    township = list(pixels(image, x0, top + y0, x1, top + y1))
    assert sum(not near(colour, background) for colour in township) >= 0.5 * len(township)

    # The township fills the space: it meets the limiting side of the space left beside the
    # legend (its shape decides which side that is), not a third of the screen.
    box_w, box_h = (x1 - x0), (y1 - y0)
    room_w = width - page["legendWidth"] * zoom
    assert max(box_w / room_w, box_h / free_height) >= 0.8, (box_w, box_h, room_w, free_height)
    assert x0 >= 0 and y0 >= 0 and x1 <= width and y1 <= free_height  # and none of it is cut off

    # Village labels, as tall on screen as the page says times the page's zoom.
    names = set(wall.dataset.villages["name"])
    labels = [label for label in page["labels"] if label["text"] in names]
    assert {label["text"] for label in labels} == names
    least = LABEL_PX_AT_1080 * height / 1080
    for label in labels:
        assert label["fontSize"] * zoom >= least, label
        assert label["height"] * zoom >= least, label

    assert not [message for message in wall.console if "Error" in message], wall.console
