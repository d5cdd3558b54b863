"""`situation-map map --date D` writes a page that says nothing known only later (issue 16,
item 2): neither its data file nor what its popups and tooltips show holds a date after D,
except the planned days (a household's release date, a point's next round). The page carries
no generation stamp; its subtitle names the day."""

from __future__ import annotations

import json

import pytest
from PyQt6.QtCore import QUrl
from PyQt6.QtWebEngineCore import QWebEnginePage
from PyQt6.QtWebEngineWidgets import QWebEngineView

from desktop.cli import main
from desktop.map_view import OfflineGuard, shared_profile
from tests.desktop.pagetools import PAGE_TIMEOUT_MS, evaluate
from tests.later_dates import PAGE_TEXTS, PLANNED, later_dates

_PREFIX = "window.SITUATION_DATA = "


def written_data(page) -> dict:
    text = (page.parent / f"{page.stem}.data.js").read_text(encoding="utf-8")
    assert text.startswith(_PREFIX)
    return json.loads(text[len(_PREFIX) :].rstrip().rstrip(";"))


def without_planned(data: dict) -> dict:
    for collection in data["layers"].values():
        for feature in collection.get("features", ()):  # a layer sent as columns has none here
            for key in PLANNED:
                feature["properties"].pop(key, None)
    return data


def open_page(qtbot, page) -> QWebEngineView:
    view = QWebEngineView()
    qtbot.addWidget(view)
    view.setPage(QWebEnginePage(shared_profile(), view))
    view.page().setUrlRequestInterceptor(OfflineGuard(view))
    view.resize(1200, 800)
    view.show()
    with qtbot.waitSignal(view.loadFinished, timeout=PAGE_TIMEOUT_MS):
        view.load(QUrl.fromLocalFile(str(page)))
    qtbot.waitUntil(
        lambda: evaluate(qtbot, view, "!!(window.SituationMap && SituationMap.drawn)"), timeout=PAGE_TIMEOUT_MS
    )
    return view


@pytest.mark.slow
@pytest.mark.parametrize("audience", ["internal", "public"])
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("day", ["2020-02-10", "2020-02-14"])
def test_the_page_of_a_past_day_holds_no_later_date(qtbot, tmp_path, sample_file, day, lang, audience):
    page = tmp_path / "page" / "past.html"
    arguments = ["--out", str(page), "--date", day, "--lang", lang, "--audience", audience]
    assert main(["map", "--data", str(sample_file), *arguments]) == 0

    data = written_data(page)
    households = data["layers"].get("households", {"features": []})["features"]
    assert bool(households) == (audience == "internal")
    # The planned days are there, and may lie after the day; nothing else may.
    planned = [f["properties"].get("release_date") for f in households if f["properties"].get("release_date")]
    assert planned or audience == "public"
    text = json.dumps(without_planned(data), ensure_ascii=False)
    assert later_dates(text, "2020-02-01"), "no dates in the page's data at all"
    assert later_dates(text, day) == []
    assert later_dates(page.read_text(encoding="utf-8"), day) == []

    view = open_page(qtbot, page)
    found = evaluate(qtbot, view, PAGE_TEXTS % PLANNED)
    assert found["features"] == sum(len(c["features"]) for c in data["layers"].values())
    shown = "\n".join(found["texts"])
    assert later_dates(shown, day) == []
    assert ("Last disinfected" if lang == "en" else "最近消毒") in shown  # the popups were read


def test_the_columnar_page_of_a_past_day_holds_no_later_date_in_its_popup_details(tmp_path):
    """Over 20,000 households the page carries them as columns and their popups' details in
    chunks beside it: those too say nothing known only later."""
    from geodata.sample.bundled import bundled_sample_path
    from geodata.stores import GeoPackageStore
    from layers.map_state import MapState
    from layers.page_columns import COLUMNAR_AT
    from layers.webmap import write_page
    from tests.bench.synthetic import with_history, with_households

    dataset = with_history(with_households(GeoPackageStore(bundled_sample_path()).read_all(), COLUMNAR_AT))
    day = "2020-02-10"
    write_page(dataset, MapState(audience="internal", as_of=f"{day}T23:59"), tmp_path, page_name="past.html")
    chunks = sorted(tmp_path.glob("past.households.details.*.js"))
    assert chunks, "no popup details beside the page: the households did not go as columns"
    for chunk in chunks:
        text = chunk.read_text(encoding="utf-8")
        details = json.loads(text[text.index("{") : text.rindex("}") + 1])
        # A field's values: the rows' own, or the distinct values its codes point into.
        columns = {
            name: column["list"] if "list" in column else column["values"]
            for name, column in details["fields"].items()
            if name not in PLANNED
        }
        shown = json.dumps(columns, ensure_ascii=False)
        assert later_dates(shown, "2020-01-01"), "no dates in the details at all"
        assert later_dates(shown, day) == [], chunk.name
    assert later_dates(json.dumps(without_planned(written_data(tmp_path / "past.html"))), day) == []
