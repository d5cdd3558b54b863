"""The printed briefing judged from the PDF itself (PyMuPDF), not from the data behind it.

Every word and border lies inside the page's printable area and its frame; every column
header is printed whole; each village's polygon lies inside its atlas map frame; every
printed checkpoint and village value equals the value counted from the GeoPackage with
geopandas here, not by the code under test. Each PDF is printed once per module.
"""

from __future__ import annotations

from html.parser import HTMLParser

import geopandas as gpd
import numpy as np
import pandas as pd
import pymupdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyproj import Transformer

from desktop.briefing.briefing_printer import print_and_wait
from geodata.sample.bundled import bundled_sample_path
from geodata.schema import CHOICE_LABELS
from geodata.stores import open_store
from layers.briefing.cells import display_width
from layers.briefing.document import write_briefing_document
from layers.briefing.options import MARGIN_BOTTOM_MM, MARGIN_SIDE_MM, MARGIN_TOP_MM, BriefingOptions
from layers.map_state import MapState, PlannedSite, Planning
from tests.desktop import briefing_pdf as pdf
from tests.desktop.briefing_layout import TableLayout, column_edges, text_outside_its_cell

DAY = pd.Timestamp("2020-02-19")
AS_OF = DAY.replace(hour=23, minute=59)
PRINTER_MARGIN_MM = 5.0  # what an office printer cannot reach at the paper's edge
TALL_VILLAGES = ("何庄村", "余庄村")  # the first cut off by the old portrait atlas pages
YES_NO = {"zh": ("是", "否"), "en": ("yes", "no")}
VILLAGE_FIGURE_ORDER = (  # the per-village table's columns after the name, as the header says
    "district",
    "village",
    "natural_village",
    "compound",
    "active",
    "households",
    "persons",
    "new",
    "releasing",
    "disinfection",
    "overdue",
    "party_branches",
    "volunteers",
)

BRIEFINGS = {
    "public-zh": (MapState(audience="public", as_of=AS_OF), BriefingOptions(lang="zh")),
    "public-en": (MapState(audience="public", as_of=AS_OF), BriefingOptions(lang="en")),
    "internal-zh": (MapState(audience="internal", as_of=AS_OF), BriefingOptions(lang="zh")),
    "internal-en": (MapState(audience="internal", as_of=AS_OF), BriefingOptions(lang="en")),
    "atlas-zh": (MapState(audience="internal", as_of=AS_OF), BriefingOptions(lang="zh", atlas=True)),
    "atlas-en-landscape": (
        MapState(audience="internal", as_of=AS_OF),
        BriefingOptions(lang="en", atlas=True, landscape=True, villages=TALL_VILLAGES),
    ),
    "plan-zh": (
        MapState(
            as_of=AS_OF,
            planning=Planning(
                proposed=(PlannedSite(113.966126, 33.019178, "P1"), PlannedSite(113.985368, 33.013482, "P2"))
            ),
        ),
        BriefingOptions(lang="zh", gcj02=True),
    ),
}


class _Headers(HTMLParser):
    """The text of every <th> of the printed document."""

    def __init__(self):
        super().__init__()
        self.headers: list[str] = []
        self._open = False

    def handle_starttag(self, tag, attrs):
        if tag == "th":
            self._open = True
            self.headers.append("")

    def handle_endtag(self, tag):
        if tag == "th":
            self._open = False

    def handle_data(self, data):
        if self._open:
            self.headers[-1] += data


@pytest.fixture(scope="module")
def records(sample_file):
    """The GeoPackage's layers as geopandas reads them, without the project's code."""
    return {
        layer: gpd.read_file(sample_file, layer=layer)
        for layer in ("villages", "checkpoints", "households", "disinfection_points")
    }


@pytest.fixture(scope="module")
def printed(sample_file, tmp_path_factory, qapp):
    """name -> (PDF, the document's <th> texts), each briefing printed once."""
    dataset = open_store(sample_file).read_all()
    made = {}
    for name, (state, options) in BRIEFINGS.items():
        folder = tmp_path_factory.mktemp(name)
        document = write_briefing_document(dataset, state, options, folder / "doc")
        path = print_and_wait(document, folder / f"{name}.pdf", options)
        parser = _Headers()
        parser.feed(document.path.read_text(encoding="utf-8"))
        made[name] = (pymupdf.open(path), [" ".join(h.split()) for h in parser.headers], options)
    yield made
    for document, _headers, _options in made.values():
        document.close()


def content_clip(page: pymupdf.Page) -> pymupdf.Rect:
    """The clip the printer sets round the page's content (inside the margins)."""
    return next(d["scissor"] for d in page.get_drawings(extended=True) if d["type"] == "clip")


# -- every word and border inside the page and inside its frame ---------------------------------


@pytest.mark.parametrize("name", BRIEFINGS)
def test_every_word_lies_in_the_printable_area_and_inside_its_frame(printed, name):
    document, _headers, _options = printed[name]
    for number, page in enumerate(document, start=1):
        edge = pdf.MM * PRINTER_MARGIN_MM
        printable = pymupdf.Rect(page.rect.x0 + edge, page.rect.y0 + edge, page.rect.x1 - edge, page.rect.y1 - edge)
        content = pdf.content_box(page, MARGIN_SIDE_MM, MARGIN_TOP_MM, MARGIN_BOTTOM_MM)
        clip = content_clip(page)
        words = pdf.words(page)
        assert words, f"page {number} is empty"
        for word in words:
            assert pdf.inside(word.rect, printable), (number, word)
            running = word.y1 <= content.y0 + pdf.TOLERANCE or word.y0 >= content.y1 - pdf.TOLERANCE
            # A word box reaches a little above its glyphs (the font ascent): a point of slack.
            assert running or pdf.inside(word.rect, clip, tolerance=1.0), (number, word, clip)
        assert pdf.crossings(words, pdf.rules(page)) == [], f"page {number}: text runs through a border"


@pytest.mark.parametrize("name", BRIEFINGS)
def test_table_borders_and_frames_are_printed_inside_the_content_area(printed, name):
    document, _headers, _options = printed[name]
    for number, page in enumerate(document, start=1):
        clip = content_clip(page)
        for rule in pdf.rules(page):
            low, high = (clip.x0, clip.x1) if rule.vertical else (clip.y0, clip.y1)
            assert low <= rule.at <= high, f"page {number}: border {rule.rect} cut by the margin {clip}"


# -- headers -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", BRIEFINGS)
def test_every_column_header_is_printed_whole(printed, name):
    document, headers, _options = printed[name]
    assert headers
    cells = [cell for page in document for cell in pdf.cells(page)]
    texts = {cell.text for cell in cells}
    for header in set(headers):
        assert header in texts, f"header {header!r} is not printed whole in a cell"
        broken = [cell.lines for cell in cells if cell.text == header and not pdf.header_whole(cell, header)]
        assert not broken, f"header {header!r} broken inside a word: {broken}"


# -- values equal the records --------------------------------------------------------------------


def checkpoint_expectations(records, lang: str) -> dict[str, dict[str, str]]:
    checkpoints = records["checkpoints"]
    opened = pd.to_datetime(checkpoints["opened"]).dt.normalize() <= DAY
    closed_on = pd.to_datetime(checkpoints["closed"]).dt.normalize()
    yes, no = YES_NO[lang]
    index = 0 if lang == "zh" else 1
    expected = {}
    for row, record in checkpoints[opened].iterrows():
        if record["status"] == "proposed":
            status = "proposed"
        elif (pd.notna(closed_on[row]) and closed_on[row] <= DAY) or record["status"] == "closed":
            status = "closed"
        else:
            status = "active"
        expected[record["id"]] = {
            "tier": CHOICE_LABELS[("checkpoints", "tier")][record["tier"]][index],
            "status": CHOICE_LABELS[("checkpoints", "status")][status][index],
            "24h": yes if bool(record["staffed_24h"]) else no,
            "staff": "" if pd.isna(record["staff_on_shift"]) else str(int(record["staff_on_shift"])),
        }
    return expected


def caption_above(page: pymupdf.Page, cell: pdf.Cell) -> str:
    """The nearest line of text above the cell's table that overlaps it across: the caption."""
    best, text = -1e9, ""
    for block in page.get_text("dict")["blocks"]:
        for line in block.get("lines", []):
            box = pymupdf.Rect(line["bbox"])
            if box.y1 <= cell.rect.y0 and box.x0 < cell.rect.x1 and box.x1 > cell.rect.x0 and box.y1 > best:
                caption = "".join(span["text"] for span in line["spans"])
                if "(" in caption or "（" in caption:
                    best, text = box.y1, caption
    return text


@pytest.mark.parametrize("name, lang", [("internal-zh", "zh"), ("public-en", "en")])
def test_checkpoint_rows_equal_the_records(printed, records, name, lang):
    document, _headers, _options = printed[name]
    expected = checkpoint_expectations(records, lang)
    assert all(values["24h"] == YES_NO[lang][0] for values in expected.values())  # the sample: all 24 h
    found = {}
    for page in document:
        cells = pdf.cells(page)
        for row in pdf.rows_by_first_cell(cells, r"CP\d+"):
            if len(row) != 6:
                continue  # an atlas page's list, by name
            found[row[0].text] = {
                "tier": caption_above(page, row[0]),
                "status": row[3].text,
                "24h": row[4].text,
                "staff": row[5].text,
            }
    assert set(found) == set(expected)
    for checkpoint, values in expected.items():
        printed_row = found[checkpoint]
        assert printed_row["tier"].startswith(values["tier"]), (checkpoint, printed_row)
        assert {k: printed_row[k] for k in ("status", "24h", "staff")} == {
            k: values[k] for k in ("status", "24h", "staff")
        }, checkpoint


def village_expectations(records) -> dict[str, list[int]]:
    villages, checkpoints = records["villages"], records["checkpoints"]
    households, points = records["households"], records["disinfection_points"]
    opened = pd.to_datetime(checkpoints["opened"]).dt.normalize() <= DAY
    closed_on = pd.to_datetime(checkpoints["closed"]).dt.normalize()
    active = checkpoints[opened & (checkpoints["status"] == "active") & ~(closed_on <= DAY)]

    start = pd.to_datetime(households["observation_start"]).dt.normalize()
    last = start + pd.to_timedelta(households["observation_days"].fillna(14).astype(int) - 1, unit="D")
    settled = pd.to_datetime(households["status_date"]).dt.normalize() <= DAY
    ended = (households["status"].isin(["released", "escalated"]) & settled) | (last < DAY)
    observing = households[(start <= DAY) & ~ended]
    observing_start, observing_last = start[observing.index], last[observing.index]

    moment = AS_OF
    last_done = pd.to_datetime(points["last_disinfected"])
    due = last_done + pd.to_timedelta(points["interval_hours"], unit="h")
    overdue = points[(last_done <= moment) & (due.isna() | (due < moment))]

    expected = {}
    for _, village in villages.iterrows():
        code = village["code"]
        here = active[active["village"] == code]
        mine = observing["village"] == code
        expected[village["name"]] = [
            *(int((here["tier"] == tier).sum()) for tier in ("district", "village", "natural_village", "compound")),
            len(here),
            int(mine.sum()),
            int(observing.loc[mine, "persons"].sum()),
            int((observing_start[mine] == DAY).sum()),
            int((observing_last[mine] == DAY).sum()),
            int((points["village"] == code).sum()),
            int((overdue["village"] == code).sum()),
            int(village["party_branches"]),
            int(village["volunteers"]),
        ]
    return expected


@pytest.mark.parametrize("name", ["public-zh", "public-en", "internal-en"])
def test_every_column_of_the_village_rows_equals_the_records(printed, records, name):
    document, _headers, _options = printed[name]
    expected = village_expectations(records)
    names = "|".join(expected)
    # Under the summary's map, or opening page 2 where English words leave the map too small.
    rows = [row for page in (document[0], document[1]) for row in pdf.rows_by_first_cell(pdf.cells(page), names)]
    width = 1 + len(VILLAGE_FIGURE_ORDER)  # not a checkpoint table's row naming a village
    found = {row[0].text: [int(cell.text.replace(",", "")) for cell in row[1:]] for row in rows if len(row) == width}
    assert found == expected
    assert len(VILLAGE_FIGURE_ORDER) == len(next(iter(expected.values())))


# -- atlas: each village whole inside its map frame ----------------------------------------------


def projected_outline(polygon) -> np.ndarray:
    """The village's outline in Web Mercator (the printed map's projection), y downwards."""
    exterior = max(getattr(polygon, "geoms", [polygon]), key=lambda p: p.area).exterior
    lon, lat = np.asarray(exterior.coords).T
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True).transform(lon, lat)
    return np.column_stack([x, -y])


def normalised(points: np.ndarray) -> np.ndarray:
    low, high = points.min(axis=0), points.max(axis=0)
    return (points - low) / (high - low).max()


def outline_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Mean distance of each outline's points to the other's nearest point (both normalised)."""
    a, b = normalised(a), normalised(b)
    distances = np.linalg.norm(a[:, None, :] - b[None, :, :], axis=2)
    return float((distances.min(axis=1).mean() + distances.min(axis=0).mean()) / 2)


def drawn_outlines(page: pymupdf.Page) -> list[tuple[pymupdf.Rect, np.ndarray]]:
    """Filled paths of many straight segments: village polygons as printed."""
    found = []
    for drawing in page.get_drawings():
        lines = [item for item in drawing["items"] if item[0] == "l"]
        if "f" in drawing["type"] and len(lines) >= 8 and len(lines) == len(drawing["items"]):
            points = np.array([(item[1].x, item[1].y) for item in lines] + [(lines[-1][2].x, lines[-1][2].y)])
            found.append((drawing["rect"], points))
    return found


@pytest.mark.parametrize("name", ["atlas-zh", "atlas-en-landscape"])
def test_each_village_polygon_lies_inside_its_atlas_map_frame(printed, records, name):
    document, _headers, options = printed[name]
    villages = records["villages"]
    chosen = villages if options.villages is None else villages[villages["name"].isin(options.villages)]
    pages = {}
    for page in document:
        text = page.get_text()
        for _, village in chosen.iterrows():
            if village["code"] in text:
                pages[village["name"]] = (page, village)
    assert set(pages) == set(chosen["name"]) and set(TALL_VILLAGES) <= set(pages)
    for village_name, (page, village) in pages.items():
        frame = max(pdf.frames(page), key=lambda r: r.width * r.height)  # the map frame
        outline = projected_outline(village.geometry)
        drawn = [(outline_distance(points, outline), rect) for rect, points in drawn_outlines(page)]
        assert drawn, f"{village_name}: no polygon printed"
        distance, rect = min(drawn, key=lambda pair: pair[0])
        assert distance < 0.02, f"{village_name}: the printed polygon is not the village's whole outline"
        assert pdf.inside(rect, frame, tolerance=0.0), f"{village_name}: polygon {rect} leaves its frame {frame}"


# -- a plan briefing -----------------------------------------------------------------------------


def test_plan_briefing_lists_the_proposed_sites_in_wgs84_and_gcj02(printed):
    document, headers, _options = printed["plan-zh"]
    assert {"WGS-84", "GCJ-02", "点位", "入口数"} <= set(headers)
    rows = {}
    for page in document:
        for row in pdf.rows_by_first_cell(pdf.cells(page), r"P\d"):
            rows[row[0].text] = [cell.text for cell in row]
    assert set(rows) == {"P1", "P2"}
    p1 = rows["P1"]
    assert p1[2:4] == ["113.966126", "33.019178"]
    # GCJ-02 is offset from WGS-84 by a few hundred metres in China, east and south here.
    lon, lat = float(p1[4]), float(p1[5])
    assert 0.002 < lon - 113.966126 < 0.008 and -0.004 < lat - 33.019178 < 0
    villages = records_villages_containing(113.966126, 33.019178)
    assert p1[1] in villages


def records_villages_containing(lon: float, lat: float) -> list[str]:
    from shapely.geometry import Point

    villages = gpd.read_file(bundled_sample_path(), layer="villages")
    return list(villages[villages.geometry.contains(Point(lon, lat))]["name"])


def test_plan_briefing_legend_covers_no_village(printed):
    document, _headers, _options = printed["plan-zh"]
    page = document[0]
    frame = max(pdf.frames(page), key=lambda r: r.width * r.height)
    legend_words = [w for w in pdf.words(page) if w.text in ("图例", "建议新增卡点（+覆盖权重）")]
    assert legend_words
    for word in legend_words:
        assert not word.rect.intersects(frame), word


def test_counts_that_differ_say_what_they_count(printed, records):
    households = records["households"]
    observing = sum(village[5] for village in village_expectations(records).values())
    started = pd.to_datetime(households["observation_start"]).dt.normalize() <= DAY
    settled = pd.to_datetime(households["status_date"]).dt.normalize() <= DAY
    escalated = int((started & settled & (households["status"] == "escalated")).sum())
    assert escalated > 0  # the sample's list is longer than the key figure
    document, _headers, _options = printed["internal-zh"]
    text = "".join(page.get_text() for page in document).replace("\n", "")
    assert f"{observing}居家观察户" in text.replace(" ", "")
    assert "居家观察户：当日处于居家医学观察的户数，不含已转诊、已解除" in text
    assert f"居家医学观察及已转诊户名单（{observing + escalated} 户）" in text
    assert (
        f"共 {observing + escalated} 户：居家观察中 {observing} 户（即首页“居家观察户”），已转诊 {escalated} 户" in text
    )
    assert "口径说明" in text


# -- property: no text moves another cell out of its column ---------------------------------------

MARKUP = (
    "<b>粗体</b>",
    "</td><td>x</td>",
    "<script>alert(1)</script>",
    "&amp;&lt;",
    '"; } body { display: none',
    "<table><tr><td>嵌套</td></tr></table>",
)
# Every text field that reaches a table: which record of the layer gets the text.
TEXT_FIELDS = (
    ("villages", "name"),
    ("checkpoints", "id"),
    ("checkpoints", "name"),
    ("households", "id"),
    ("households", "head_name"),
    ("households", "phone"),
    ("households", "note"),
    ("disinfection_points", "name"),
)
LISTED_HOUSEHOLD = "HH044"  # under observation on the day: in the internal list
texts = st.one_of(
    st.none(),
    st.just(""),
    st.sampled_from(MARKUP),
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=200, max_size=1200),
    st.builds(lambda word, n: (word + "\n") * n, st.text(min_size=1, max_size=40), st.integers(2, 40)),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_/:.", min_size=80, max_size=400),  # one long word
)


def with_texts(dataset, values: dict):
    """``dataset`` with each (layer, field) of one record set to the given text."""
    changed = dataset.copy()
    households = dataset.households
    record = {layer: dataset[layer].index[0] for layer, _field in values}
    record["households"] = households.index[households["id"] == LISTED_HOUSEHOLD][0]
    for (layer, column), value in values.items():
        frame = changed[layer].copy()
        frame[column] = frame[column].astype(object)
        frame.loc[record[layer], column] = value
        changed[layer] = frame
    return changed


@pytest.fixture(scope="module")
def layout(qapp):
    measure = TableLayout(BriefingOptions().content_width_px)
    yield measure
    measure.close()


@pytest.fixture(scope="module")
def sample_dataset(sample_file):
    return open_store(sample_file).read_all()


@pytest.fixture(scope="module")
def baseline(sample_dataset, layout, tmp_path_factory):
    document = write_briefing_document(
        sample_dataset,
        MapState(audience="internal", as_of=AS_OF),
        BriefingOptions(),
        tmp_path_factory.mktemp("baseline"),
    )
    return layout.measure(document.path)


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(values=st.fixed_dictionaries({field: texts for field in TEXT_FIELDS}))
def test_no_text_moves_another_cell_out_of_its_column(sample_dataset, layout, baseline, tmp_path_factory, values):
    folder = tmp_path_factory.mktemp("property")
    document = write_briefing_document(
        with_texts(sample_dataset, values), MapState(audience="internal", as_of=AS_OF), BriefingOptions(), folder
    )
    tables = layout.measure(document.path)
    # The same tables in the same order (an appendix of texts in full may follow).
    assert [t["cls"] for t in tables[: len(baseline)]] == [t["cls"] for t in baseline]
    ids_changed = display_width(str(values[("households", "id")] or "")) > display_width(LISTED_HOUSEHOLD)
    for table, before in zip(tables, baseline, strict=False):
        # The list's id column is made as wide as its longest id (a table-wide choice, not a
        # text pushing its neighbours): with other ids, its edges may differ from the baseline.
        if not (ids_changed and table["cls"] == "bt observation"):
            assert column_edges(table) == column_edges(before), table["cls"]
        assert all(len(row) in (table["columns"], 1) for row in table["rows"]), "markup made a cell"
        assert text_outside_its_cell(table) == [], table["cls"]
    for table in tables[len(baseline) :]:
        assert text_outside_its_cell(table) == [], table["cls"]


NASTY = {
    "chat": {
        ("households", "note"): "【村民群】王某：" + "明天上午八点卫生院门口统一测温，请带好口罩\n" * 30,
        ("households", "head_name"): "<b>示例户主</b>" * 8,
        ("checkpoints", "name"): "x" * 300,
    },
    "empty": {field: None for field in TEXT_FIELDS} | {("villages", "name"): ""},
}


@pytest.fixture(scope="module")
def nasty_printed(sample_dataset, tmp_path_factory, qapp):
    made = {}
    for name, values in NASTY.items():
        folder = tmp_path_factory.mktemp(f"nasty-{name}")
        options = BriefingOptions()
        document = write_briefing_document(
            with_texts(sample_dataset, values), MapState(audience="internal", as_of=AS_OF), options, folder / "doc"
        )
        made[name] = pymupdf.open(print_and_wait(document, folder / "b.pdf", options))
    yield made
    for document in made.values():
        document.close()


def observation_columns(document) -> list[tuple[float, float]]:
    """The x extent of each column of the internal household list, from its rows."""
    for page in document:
        rows = pdf.rows_by_first_cell(pdf.cells(page), r"HH\d+")
        full = [row for row in rows if len(row) >= 10]
        if full:
            return [(round(c.rect.x0, 1), round(c.rect.x1, 1)) for c in full[0][:10]]
    return []


@pytest.mark.parametrize("name", NASTY)
def test_long_and_empty_texts_keep_the_printed_columns(printed, nasty_printed, name):
    document = nasty_printed[name]
    assert observation_columns(document) == observation_columns(printed["internal-zh"][0])
    for number, page in enumerate(document, start=1):
        assert pdf.crossings(pdf.words(page), pdf.rules(page)) == [], f"page {number}"
    if name == "chat":
        text = "".join(page.get_text() for page in document).replace("\n", "")
        assert "明天上午八点卫生院门口统一测温，请带好口罩" * 30 in text  # the whole note, in the appendix
