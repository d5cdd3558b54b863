"""The briefing's trend section (issue 16, item 4): the last 14 days of the daily series under the
summary page's map, printed as vector with real text, and the key figures' changes taken from the
same series, so the strip of figures and the chart cannot disagree."""

from __future__ import annotations

import re

import pandas as pd
import pymupdf
import pytest

from desktop.briefing.briefing_printer import print_and_wait
from geodata.stores import open_store
from layers.briefing.content import FIGURE_SERIES, KEY_FIGURES
from layers.briefing.document import write_briefing_document
from layers.briefing.options import MARGIN_BOTTOM_MM, MARGIN_SIDE_MM, MARGIN_TOP_MM, BriefingOptions
from layers.map_state import MapState
from layers.statistics import figure_label, figures_with_change, township_figures
from layers.trend import daily_series
from tests.desktop import briefing_pdf as pdf

DAY = pd.Timestamp("2020-02-14")
MORNING = DAY.replace(hour=8)  # follow-ups and rounds were reported later that day
BRIEFINGS = {
    "zh-morning": (MapState(as_of=MORNING), BriefingOptions(lang="zh")),
    "en-landscape-evening": (
        MapState(as_of=DAY.replace(hour=23, minute=59)),
        BriefingOptions(lang="en", landscape=True),
    ),
    "zh-A3": (MapState(as_of=MORNING, audience="internal"), BriefingOptions(lang="zh", paper="A3")),
}
DAY_LABEL = re.compile(r"^(\d{2})-(\d{2})$")


@pytest.fixture(scope="module")
def sample(sample_file):
    return open_store(sample_file).read_all()


@pytest.fixture(scope="module")
def printed(sample, tmp_path_factory, qapp):
    """name -> (the PDF, the briefing's content), each printed once."""
    made = {}
    for name, (state, options) in BRIEFINGS.items():
        folder = tmp_path_factory.mktemp(name)
        document = write_briefing_document(sample, state, options, folder / "doc")
        made[name] = (pymupdf.open(print_and_wait(document, folder / f"{name}.pdf", options)), document.briefing)
    yield made
    for document, _content in made.values():
        document.close()


def _day_labels(page: pymupdf.Page) -> list[pdf.Word]:
    return sorted((w for w in pdf.words(page) if DAY_LABEL.match(w.text)), key=lambda w: w.x0)


@pytest.mark.parametrize("name", BRIEFINGS)
def test_the_summary_page_prints_the_last_14_days_as_text_on_one_axis(printed, name):
    document, _content = printed[name]
    labels = _day_labels(document[0])
    expected = [(DAY - pd.Timedelta(days=back)).strftime("%m-%d") for back in range(13, -1, -1)]
    assert [w.text for w in labels] == expected
    assert max(w.y1 for w in labels) - min(w.y1 for w in labels) < 1, "the day labels are not on one axis"
    assert all(a.x1 < b.x0 for a, b in zip(labels, labels[1:], strict=False)), "day labels overlap"


@pytest.mark.parametrize("name", BRIEFINGS)
def test_the_chart_is_vector_inside_the_page_under_the_map(printed, name):
    document, _content = printed[name]
    page = document[0]
    labels = _day_labels(page)
    axis_y = min(w.y0 for w in labels)
    map_frame = max(pdf.frames(page), key=lambda r: r.width * r.height)
    assert map_frame.y1 < axis_y, "the trend is not under the map"
    chart = pymupdf.Rect(labels[0].x0, map_frame.y1, labels[-1].x1, axis_y)
    lines = [d for d in page.get_drawings() if d["rect"].intersects(chart) and any(i[0] == "l" for i in d["items"])]
    assert len(lines) >= 5, "the curves are not drawn as vector lines"
    for image in page.get_image_info():
        assert not pymupdf.Rect(image["bbox"]).intersects(chart), "the chart was printed as a picture"
    content = pdf.content_box(page, MARGIN_SIDE_MM, MARGIN_TOP_MM, MARGIN_BOTTOM_MM)
    assert all(content.contains(w.rect) for w in labels)


@pytest.mark.parametrize("name", BRIEFINGS)
def test_each_key_figure_and_its_change_are_the_series_last_day_and_last_step(printed, name):
    _document, content = printed[name]
    series = content.trend.series
    assert series["date"].iloc[-1] == DAY.date()
    shown = {label: (value, change) for label, value, change in content.figures}
    for key, column in FIGURE_SERIES.items():
        value, change = shown[figure_label(key, content.lang)]
        last, before = int(series[column].iloc[-1]), int(series[column].iloc[-2])
        assert value == str(last), key
        assert change == (f"{last - before:+,}" if last != before else "±0"), key


def test_the_figures_changes_are_since_the_evening_before_as_the_series_steps(sample):
    """The wall and the statistics panel read figures_with_change: they agree with the chart."""
    series = daily_series(sample, end="2020-02-10", start="2020-02-01", until="2020-02-10T12:00")
    changes = figures_with_change(sample, "2020-02-10T12:00")
    steps = {key: int(series[column].iloc[-1]) - int(series[column].iloc[-2]) for key, column in FIGURE_SERIES.items()}
    assert {key: changes[key][1] for key in FIGURE_SERIES} == steps
    assert any(steps.values()), "no figure changed that day: the test would see nothing"


def test_the_last_day_counts_only_what_was_reported_by_the_moment(sample):
    followups = sample["followups"]
    times = pd.to_datetime(followups["time"])
    on_the_day = times.dt.normalize() == DAY
    assert (on_the_day & (times > MORNING)).any(), "no later report that day: the test would see nothing"
    series = daily_series(sample, until=MORNING)
    assert int(series["followups"].iloc[-1]) == int((on_the_day & (times <= MORNING)).sum())
    assert (
        int(series["under_observation"].iloc[-1]) == township_figures(sample, MORNING)["households_under_observation"]
    )


def test_every_key_figure_is_printed(printed):
    _document, content = printed["zh-morning"]
    assert [label for label, _v, _c in content.figures] == [figure_label(key, "zh") for key in KEY_FIGURES]
