"""The briefing as one HTML document, ready to print: the same Leaflet map as the screen.

Every map of the briefing (the township, then one per atlas village) is drawn by the map
page's own scripts (``resources/map/situation.js`` and its parts) from the data the screen page is made of
(:func:`layers.webmap.page_data`: the page model and the style table), so print looks like
screen. The document is laid out at the printed width, sheet heights in millimetres, so the
layout the page draws on screen is the layout it prints. It tells the printer it has drawn
by setting its title to :data:`READY_TITLE`.
"""

from __future__ import annotations

import base64
import functools
import json
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, select_autoescape

from geodata.dataset import Dataset
from geodata.feedback import Feedback, as_feedback
from geodata.messages import N_
from layers.basemap_tiles import TileSource, tiles_beside
from layers.briefing.content import Briefing, briefing_content
from layers.briefing.options import (
    MARGIN_BOTTOM_MM,
    MARGIN_SIDE_MM,
    MARGIN_TOP_MM,
    PROGRESS_TITLE_PREFIX,
    READY_TITLE,
    BriefingOptions,
)
from layers.briefing.table import cut_long_texts
from layers.derived_cache import DerivedCache
from layers.i18n import translations
from layers.map_state import MapState, View
from layers.page_columns import columnar_layers, layer_columns
from layers.page_model import SHOWN_BIT, PageModel, packed_state, page_model, page_update
from layers.webmap import _copy_assets, _feature_collection, page_bounds, page_data, page_view
from resources import resource_path

PRINT_DPI = 300  # a household canvas is drawn at this resolution; everything else is vector
# Up to this many households are printed as vector markers; more are drawn on a 300 dpi canvas
# (thousands of markers would make a slow page and a heavy PDF).
PRINT_VECTOR_POINTS = 2_000
DOCUMENT_NAME = "briefing.html"
NUMBERED_PAGES_PER_DOCUMENT = 1_000  # 1,000 numbered pages print in about 3 s
FOOTER_FONT = 'font-family: "WenQuanYi Zen Hei", "Noto Sans CJK SC", sans-serif;'
NUMBER_LOOK = f"{FOOTER_FONT} font-size: 8pt; color: #444;"  # as the footer's own page numbers
# The map page's scripts in this order (those that are installed): the layout geometry
# (placement.js), the parts of a SituationMap (situation_*.js: symbols, layers, layout,
# controls), the page that makes one from them (situation.js) and what extends it (planning.js:
# the planning overlay). The parts are factories, made for each map by situation.js, and load
# once; the last two make the page's one SituationMap, so they load once per map (loading all
# of them per map was about a third of an atlas's drawing).
MAP_SCRIPTS = (
    "gcj02.js",
    "basemap.js",
    "point_columns.js",
    "placement.js",
    "situation_symbols.js",
    "situation_layers.js",
    "situation_layout.js",
    "situation_controls.js",
    "situation.js",
    "planning.js",
)
PER_MAP_SCRIPTS = ("situation.js", "planning.js")


@dataclass
class BriefingDocument:
    """A written briefing document and what it holds.

    ``parts``: the documents of a long internal household list, printed after ``path`` in
    this order; their pages are numbered together afterwards (:meth:`page_numbers`), so
    ``path`` and the parts carry no page numbers of their own.
    """

    path: Path
    briefing: Briefing
    map_count: int
    options: BriefingOptions | None = None
    parts: list[Path] = field(default_factory=list)

    def page_numbers(self, pages: int) -> list[Path]:
        """Documents of ``pages`` blank pages in all, page n saying "page n of ``pages``" where
        the briefing's footer numbers its own, to lay over the pages of the parts printed
        together. At most :data:`NUMBERED_PAGES_PER_DOCUMENT` pages each: Chromium prints one
        long document in a time that grows faster than its pages (18,232 in 7 minutes), and a
        page's number is its own named page's text, so a document may start at any number."""
        assert self.options is not None
        tr = translations(self.options.lang).gettext
        template = _environment().get_template("briefing_numbers.html")
        paths: list[Path] = []
        for first in range(1, pages + 1, NUMBERED_PAGES_PER_DOCUMENT):
            numbers = range(first, min(first + NUMBERED_PAGES_PER_DOCUMENT, pages + 1))
            texts = [tr(N_("Page {page} of {pages}")).format(page=n, pages=pages) for n in numbers]
            path = self.path.with_name(f"briefing-page-numbers-{len(paths) + 1}.html")
            html = template.render(
                options=self.options,
                numbers=list(zip(numbers, (css_string(t) for t in texts), strict=True)),
                page_css=page_css(self.briefing, self.options, only_numbers=True),
                number_look=NUMBER_LOOK,
                ready_title=READY_TITLE,
            )
            path.write_text(html, encoding="utf-8")
            paths.append(path)
        return paths


def write_briefing_document(
    dataset: Dataset,
    state: MapState,
    options: BriefingOptions,
    folder: Path,
    generated: datetime | None = None,
    feedback: Feedback | None = None,
) -> BriefingDocument:
    """Write the briefing of ``state`` into ``folder`` (created if needed).

    The folder gets ``briefing.html``, one data file per map, the columns of a large household
    layer (one script, read by every map) and the map page's assets.
    ``feedback`` is told each map's data as it is made (an atlas has one per village);
    cancelling it stops the writing at the next map with :class:`~geodata.feedback.Cancelled`.
    """
    feedback = as_feedback(feedback)
    feedback.report(0.0, "briefing content")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    briefing = briefing_content(dataset, state, options, generated)
    _copy_assets(folder)
    for source in resource_path("briefing").iterdir():
        if source.suffix in (".js", ".css"):
            shutil.copyfile(source, folder / "assets" / source.name)

    map_states = [state] + [
        state.replace(view=View()).with_filters(villages=(page.code,)) for page in briefing.villages
    ]
    # An MBTiles basemap's tiles beside the document, which the printer opens from disk.
    tiles = tiles_beside(state.basemap, folder, page_bounds(dataset, state))
    data_files = []
    maps, column_files = _print_data(dataset, map_states, options.lang, feedback.part(0.05, 0.95), tiles, folder)
    for number, data in enumerate(maps):
        name = f"briefing-map-{number}.data.js"
        (folder / name).write_text(
            f"window.BRIEFING_MAPS = window.BRIEFING_MAPS || [];\nwindow.BRIEFING_MAPS[{number}] = "
            + json.dumps(data, ensure_ascii=False, separators=(",", ":"))
            + ";\n",
            encoding="utf-8",
        )
        data_files.append(name)

    installed = [name for name in MAP_SCRIPTS if (folder / "assets" / name).exists()]
    html = (
        _environment()
        .get_template("briefing.html")
        .render(
            b=briefing,
            options=options,
            data_files=data_files,
            column_files=column_files,
            shared_scripts=[name for name in installed if name not in PER_MAP_SCRIPTS],
            map_scripts=[name for name in installed if name in PER_MAP_SCRIPTS],
            page_css=page_css(briefing, options, numbered=not briefing.list_parts),
            print_ratio=PRINT_DPI / 96,
            sheet_height_mm=options.content_size_mm[1] - 3,  # a rounding slack: never spill a page
            ready_title=READY_TITLE,
            progress_prefix=PROGRESS_TITLE_PREFIX,
        )
    )
    path = folder / DOCUMENT_NAME
    path.write_text(html, encoding="utf-8")
    parts = _write_list_parts(briefing, options, folder, feedback.part(0.95, 1.0))
    feedback.report(1.0, "briefing written")
    return BriefingDocument(path, briefing, len(map_states), options, parts)


def _write_list_parts(briefing: Briefing, options: BriefingOptions, folder: Path, feedback: Feedback) -> list[Path]:
    """One document per part of a long household list; the appendix marks go on from the
    briefing's own."""
    if not briefing.list_parts or briefing.household_list is None:
        return []
    tr = translations(options.lang).gettext
    template = _environment().get_template("briefing_list.html")
    css = page_css(briefing, options, numbered=False)
    marks = 1 + (len(briefing.appendix.rows) if briefing.appendix else 0)
    paths = []
    for number, (start, stop) in enumerate(briefing.list_parts, start=1):
        feedback.report(number / len(briefing.list_parts), "household list")
        part = briefing.household_list.table(start, stop)
        appendix = cut_long_texts([part], tr, first_mark=marks)
        marks += len(appendix.rows) if appendix else 0
        path = folder / f"briefing-list-{number}.html"
        html = template.render(
            b=briefing, options=options, part=part, appendix=appendix, page_css=css, ready_title=READY_TITLE
        )
        path.write_text(html, encoding="utf-8")
        paths.append(path)
    return paths


def _print_data(
    dataset: Dataset,
    states: list[MapState],
    lang: str,
    feedback: Feedback,
    tiles: TileSource | None = None,
    folder: Path | None = None,
) -> tuple[list[dict], list[str]]:
    """The screen page's data for each map, cut down to the features it shows, and the
    scripts of the layers every map reads as columns (written into ``folder``).

    The maps differ only in which features they show, their legend and their view (the day
    and the audience are the same), so the features are made into GeoJSON once and the
    situation on the day is computed once (kept in one :class:`DerivedCache`). A large
    household layer (:func:`layers.page_columns.columnar_layers`) is written once as the
    page's columns, as ``map --out`` writes them; each map that draws more of it than
    :data:`PRINT_VECTOR_POINTS` gets its own state bytes (or only its shown bits: an atlas
    village), and a map that draws fewer gets those few as GeoJSON, printed as vector markers.
    """
    cache = DerivedCache()
    first = page_model(dataset, states[0], lang, cache)
    columnar = columnar_layers(first)
    descriptions = {}
    scripts = []
    for name in sorted(columnar):
        description, content = layer_columns(dataset, name, first)
        descriptions[name] = description
        if folder is not None:
            script = f"briefing-columns.{name}.js"
            (folder / script).write_text(
                f"BriefingMaps.columns({json.dumps(name)}, {json.dumps(base64.b64encode(content).decode())});\n",
                encoding="ascii",
            )
            scripts.append(script)
    base = page_data(dataset, states[0], first, lang, descriptions, tiles=tiles)
    base["page"]["printVectorPoints"] = PRINT_VECTOR_POINTS
    features = {name: {f["id"]: f for f in c["features"]} for name, c in base["layers"].items() if name not in columnar}
    village_names = dict(zip(dataset.villages["code"], dataset.villages["name"], strict=False))
    audience = states[0].audience
    result = []
    for number, state in enumerate(states):
        feedback.report(number / len(states), "map data")
        model = first if state is states[0] else page_model(dataset, state, lang, cache)
        # As layers.webmap.page_data splits the first update: texts to the page, the rest
        # (which features show, and the layers' visibility) to "initial".
        initial = page_update(None, model, columnar)
        texts = {k: initial.pop(k) for k in list(initial) if k != "layers"}
        layers = {}
        for name, change in initial["layers"].items():
            if name in columnar:
                layers[name] = _printed_columns(
                    dataset, name, descriptions[name], first, model, change, village_names, audience
                )
                continue
            shown = change.get("show", [])
            # A feature without a place has no GeoJSON feature: nowhere to draw it.
            drawn = [features[name][i] for i in shown if i in features[name]]
            layers[name] = {"type": "FeatureCollection", "features": drawn}
        result.append(
            {
                **base,
                "layers": layers,
                "page": {**base["page"], **texts},
                "view": page_view(dataset, state),
                "initial": {
                    "layers": {n: {k: v for k, v in c.items() if k != "props"} for n, c in initial["layers"].items()}
                },
            }
        )
    return result, scripts


def _printed_columns(
    dataset: Dataset,
    name: str,
    description: dict,
    first: PageModel,
    model: PageModel,
    change: dict,
    village_names: dict,
    audience: str,
) -> dict:
    """Columnar layer ``name`` for one map, and ``change`` made the update that draws it.

    The columns carry the first map's state bytes; another map's update says what differs:
    only its shown bits when the symbols are the same (an atlas village), else its state bytes.
    A map that shows no more than :data:`PRINT_VECTOR_POINTS` gets them as GeoJSON instead,
    as the GeoJSON briefing had them, so they print as vector markers there too."""
    shown = model.shown[name]
    change.pop("state", None)
    if int(shown.sum()) <= PRINT_VECTOR_POINTS:
        change["show"] = model.ids[name][shown].tolist()
        return _feature_collection(dataset, name, model, village_names, audience, shown)
    before, after = packed_state(first, name), packed_state(model, name)
    if np.any((before ^ after) & np.uint8(SHOWN_BIT - 1)):
        change["state"] = base64.b64encode(after.tobytes()).decode("ascii")
    elif not np.array_equal(before, after):
        change["shown"] = base64.b64encode(np.packbits(after >= SHOWN_BIT, bitorder="little").tobytes()).decode()
    return description


def page_css(briefing: Briefing, options: BriefingOptions, *, numbered: bool = True, only_numbers: bool = False) -> str:
    """The ``@page`` rule: paper, margins and the running header and footer of every page.

    ``numbered``: with the page numbers (a briefing printed in parts is numbered afterwards,
    by documents with ``only_numbers``: paper and margins, each page's number its own rule)."""
    tr = translations(options.lang).gettext
    width, height = options.page_size_mm
    before, _, after = tr(N_("Page {page} of {pages}")).partition("{page}")
    between, _, tail = after.partition("{pages}")
    numbers = f"{css_string(before)} counter(page) {css_string(between)} counter(pages) {css_string(tail)}"
    boxes = {
        "top-left": css_string(f"{briefing.title} · {briefing.as_of_text}"),
        "bottom-left": css_string(briefing.issuing_body),
        "bottom-center": numbers,
        "bottom-right": css_string(briefing.generated_text),
    }
    if briefing.confidential_mark:
        boxes["top-right"] = css_string(briefing.confidential_mark)
    if only_numbers:
        boxes = {}  # the numbering documents give each page its own number
    elif not numbered:
        del boxes["bottom-center"]
    looks = {box: NUMBER_LOOK for box in boxes}
    looks["top-right"] = f"{FOOTER_FONT} font-size: 10pt; font-weight: bold; color: #b2182b;"
    rules = "\n".join(f"  @{box} {{ content: {content}; {looks[box]} }}" for box, content in boxes.items())
    return (
        f"@page {{\n  size: {width:g}mm {height:g}mm;\n"
        f"  margin: {MARGIN_TOP_MM:g}mm {MARGIN_SIDE_MM:g}mm {MARGIN_BOTTOM_MM:g}mm;\n{rules}\n}}"
    )


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string; every character that could end it is escaped."""
    out = []
    for char in text:
        if char.isalnum() or char in " .,:;·()（）：，。/_-+":
            out.append(char)
        else:
            out.append(f"\\{ord(char):06x}")
    return '"' + "".join(out) + '"'


@functools.cache
def _environment() -> Environment:
    """One environment per process, its templates compiled once. Their compiled code is kept
    between processes in Jinja's own cache (a private folder of the user's under the temporary
    directory, one entry per template source): compiling them took a command 20-30 ms."""
    return Environment(
        loader=FileSystemLoader(str(resource_path("briefing"))),
        autoescape=select_autoescape(["html"]),  # data text is shown as text, never as markup
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=FileSystemBytecodeCache(),
    )
