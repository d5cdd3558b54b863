"""The briefing's words and figures as plain data: titles, key figures and tables.

Every figure comes from :mod:`layers.statistics` (the statistics panel and the wall header
read the same functions), so the paper agrees with the screen. Personal fields (household
head, phone, note) enter only the internal audience's observation list; the public briefing
counts households per village and names nobody.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd

from geodata.dataset import Dataset
from geodata.messages import N_
from geodata.schema import CHECKPOINT_TIERS, choice_label
from layers.briefing.cells import cell_text, is_missing
from layers.briefing.household_list import HouseholdList
from layers.briefing.options import CSS_PX_PER_MM, BriefingOptions, atlas_village_codes
from layers.briefing.proposals import proposals_table
from layers.briefing.table import Table, cut_long_texts
from layers.filters import checkpoint_situation, disinfection_situation, resolve_as_of
from layers.i18n import as_of_text, translations
from layers.map_state import MapState
from layers.page_text import township_name
from layers.statistics import (
    CHECKPOINT_TIER_FIGURES,
    VILLAGE_RESOURCES,
    figure_description,
    figure_label,
    figures_with_change,
    supplies_and_publicity,
    village_table,
)
from layers.styles import DISINFECTION_STYLE
from layers.trend import DEFAULT_DAYS, daily_series
from layers.trend_chart import trend_svg

# The township figures in the key-figure strip, in order.
KEY_FIGURES = (
    "checkpoints_active",
    "households_under_observation",
    "persons_under_observation",
    "new_today",
    "releasing_today",
    "escalated",
    "disinfection_points",
    "disinfection_overdue",
)
# Key figures the daily series also holds: their change since the day before is the series'
# last step, so the strip of figures and the trend chart under it cannot disagree.
FIGURE_SERIES = {
    "checkpoints_active": "checkpoints_active",
    "households_under_observation": "under_observation",
    "new_today": "new",
    "disinfection_overdue": "disinfection_overdue",
}
TREND_HEIGHT_MM = {"A4": 30.0, "A3": 42.0}
TREND_FONT_PX = 10.0  # 7.5 pt, as the figures' labels
TREND_HEAD_MM = 4.5  # the heading line above the chart (resources/briefing/briefing.css)

# The per-village table's figure columns, after the village name.
VILLAGE_COLUMNS = (
    "checkpoints_district",
    "checkpoints_village",
    "checkpoints_natural_village",
    "checkpoints_compound",
    "checkpoints_active",
    "households_under_observation",
    "persons_under_observation",
    "new_today",
    "releasing_today",
    "disinfection_points",
    "disinfection_overdue",
    *VILLAGE_RESOURCES,
)


@dataclass
class VillagePage:
    """One atlas page: a village, zoomed to it, with its own figures."""

    code: str
    name: str
    facts: list[tuple[str, str]]  # population, households, groups, work group, ...
    figures: list[tuple[str, str]]
    tables: list[Table]


@dataclass
class TrendSection:
    """The summary page's trend: the last days of the daily series, drawn as vector SVG."""

    heading: str
    note: str
    svg: str
    height_mm: float
    series: pd.DataFrame = field(repr=False)


@dataclass
class Briefing:
    """Everything the briefing says, in its language, ready to lay out."""

    lang: str
    audience: str
    title: str
    issuing_body: str
    as_of: pd.Timestamp
    as_of_text: str
    generated_text: str
    confidential_mark: str  # empty for the public audience
    figures: list[tuple[str, str, str]]  # label, value, change since the day before
    tables: list[Table]
    observation: Table | None  # the internal list, when short enough to print in place
    villages: list[VillagePage]
    source: str
    disclaimer: str
    words: dict[str, str] = field(default_factory=dict)
    figure_note: str = ""  # under the key figures: what the household figure leaves out
    definitions: Table | None = None  # what each figure counts
    proposals: Table | None = None  # a plan's proposed sites
    appendix: Table | None = None  # the whole of every text cut short in a table
    trend: TrendSection | None = None  # the last days, under the map on the summary page
    household_list: HouseholdList | None = field(default=None, repr=False)  # internal only
    # A list longer than the options allow in one document: (first, end) rows of each part,
    # printed after everything else, each part a document of its own.
    list_parts: list[tuple[int, int]] = field(default_factory=list)
    basemap_credit: str = ""  # the basemap's attribution, printed under each map (Leaflet's is hidden)


def briefing_content(
    dataset: Dataset, state: MapState, options: BriefingOptions, generated: datetime | None = None
) -> Briefing:
    """What the briefing of ``state`` over ``dataset`` says.

    Parameters
    ----------
    dataset : Dataset
    state : MapState
        Its as-of day and audience decide the figures and whether personal data is listed;
        its planning part (if any) adds the table of proposed sites.
    options : BriefingOptions
        Language, which villages get an atlas page, GCJ-02 coordinates for the proposals.
    generated : datetime, optional
        The generation time printed on every page (default: now).

    Raises
    ------
    BriefingError
        For an atlas village that is not in the dataset.
    AsOfError
        When the dataset and state give no as-of time.
    """
    tr = translations(options.lang).gettext
    zh = options.lang == "zh"
    as_of = resolve_as_of(state, dataset)
    generated = generated or datetime.now()
    atlas_codes = atlas_village_codes(dataset, options)
    table = village_table(dataset, as_of)
    meta = dataset.metadata
    township = township_name(meta, options.lang)
    internal = state.audience == "internal"
    household_list = HouseholdList(dataset, as_of, options.lang, tr, _village_names(dataset)) if internal else None
    rows, per_part = len(household_list or ()), options.list_rows_per_document
    in_place = household_list is not None and rows <= per_part
    observation = household_list.table() if in_place and household_list is not None else None
    list_parts = (
        [] if in_place or household_list is None else [(s, min(s + per_part, rows)) for s in range(0, rows, per_part)]
    )
    series = daily_series(dataset, until=as_of)
    briefing = Briefing(
        lang=options.lang,
        audience=state.audience,
        title=state.title or tr(N_("{township} epidemic-prevention situation briefing")).format(township=township),
        issuing_body=_meta(meta, "issuing_body"),
        as_of=as_of,
        as_of_text=as_of_text(as_of, options.lang),
        generated_text=tr(N_("Generated {time}")).format(time=generated.strftime("%Y-%m-%d %H:%M")),
        confidential_mark=tr(N_("Internal document: keep confidential")) if internal else "",
        figures=_key_figures(dataset, as_of, zh, series),
        tables=[
            _village_figures_table(table, zh, tr),
            *_checkpoint_tables(dataset, as_of, zh, tr),
            _supplies_table(dataset, as_of, options.lang, tr),
        ],
        observation=observation,
        villages=[_village_page(dataset, table, as_of, code, zh, tr) for code in atlas_codes],
        source=_meta(meta, "source"),
        disclaimer=_meta(meta, "disclaimer"),
        basemap_credit=basemap_credit(state),
        words={
            "figures": tr(N_("Key figures")),
            "change": tr(N_("change since the day before")),
            "map": tr(N_("Situation map")),
            "audience": tr(N_("Internal edition")) if internal else tr(N_("Public edition")),
            "source": tr(N_("Source")),
            "basemap": tr(N_("Basemap")),
            "atlas": tr(N_("Village page")),
            "scale": tr(N_("Scale")),
        },
        figure_note=_figure_note(zh, tr),
        definitions=_definitions_table(zh, tr),
        proposals=proposals_table(dataset, state, as_of, options, tr),
        trend=_trend_section(series, options, tr),
        household_list=household_list,
        list_parts=list_parts,
    )
    briefing.appendix = cut_long_texts(_tables_of(briefing), tr)
    if list_parts and household_list is not None:
        briefing.words["list_follows"] = tr(
            N_("{caption}: {count} households, listed in {parts} parts after the rest of this briefing.")
        ).format(caption=household_list.caption, count=rows, parts=len(list_parts))
    return briefing


def basemap_credit(state: MapState) -> str:
    """Whose basemap the maps are drawn on: its attribution as text (else its name)."""
    from layers.webmap import basemap

    layer = basemap(state.basemap, state.basemap_datum)
    if layer is None:
        return ""
    return cell_text(layer.get("attribution") or layer.get("name") or "")


def _meta(meta: dict, key: str) -> str:
    return cell_text(meta.get(key))


def _label(key: str, zh: bool) -> str:
    return figure_label(key, "zh" if zh else "en")


def _key_figures(dataset: Dataset, as_of, zh: bool, series: pd.DataFrame) -> list[tuple[str, str, str]]:
    figures = figures_with_change(dataset, as_of)
    result = []
    for key in KEY_FIGURES:
        value, change = figures[key]
        if key in FIGURE_SERIES and len(series) > 1:
            column = series[FIGURE_SERIES[key]]
            change = int(column.iloc[-1]) - int(column.iloc[-2])
        result.append((_label(key, zh), cell_text(value), f"{int(change):+,}" if change else "±0"))
    return result


def _trend_section(series: pd.DataFrame, options: BriefingOptions, tr) -> TrendSection:
    """The chart of ``series`` as wide as the page's text and :data:`TREND_HEIGHT_MM` high."""
    width_mm, _ = options.content_size_mm
    height_mm = TREND_HEIGHT_MM.get(options.paper, TREND_HEIGHT_MM["A4"])
    first, last = series["date"].iloc[0], series["date"].iloc[-1]
    return TrendSection(
        heading=tr(N_("The last {days} days")).format(days=len(series) or DEFAULT_DAYS),
        note=tr(N_("{first} to {last}; a figure's change above is since the evening of the day before.")).format(
            first=first.isoformat(), last=last.isoformat()
        ),
        svg=trend_svg(
            series,
            round(width_mm * CSS_PX_PER_MM),
            round((height_mm - TREND_HEAD_MM) * CSS_PX_PER_MM),
            compact=True,
            font_size=TREND_FONT_PX,
            tr=tr,
        ),
        height_mm=height_mm,
        series=series,
    )


def _description(key: str, zh: bool) -> str:
    return figure_description(key, "zh" if zh else "en")


def _figure_note(zh: bool, tr) -> str:
    """Said under the key figures: the household figure is not the length of the internal list."""
    return tr(N_("{figure}: {meaning}. What each figure counts: see the table at the end.")).format(
        figure=_label("households_under_observation", zh), meaning=_description("households_under_observation", zh)
    )


def _definitions_table(zh: bool, tr) -> Table:
    keys = [*KEY_FIGURES, *(c for c in VILLAGE_COLUMNS if c not in KEY_FIGURES)]
    rows = [[_label(k, zh), _description(k, zh)] for k in keys]
    return Table(
        tr(N_("What each figure counts")), [tr(N_("Figure")), tr(N_("Counts"))], rows, [False, False], widths=[30, 70]
    )


def _village_figures_table(table: pd.DataFrame, zh: bool, tr) -> Table:
    """The figures by village under grouped headers, so that each column's own header is one
    or two short words: fourteen columns fit portrait A4 in either language."""
    lang = "zh" if zh else "en"
    columns = [c for c in VILLAGE_COLUMNS if c in table.columns]
    short = {
        **{f"checkpoints_{tier}": choice_label("checkpoints", "tier", tier, lang) for tier in CHECKPOINT_TIERS},
        "checkpoints_active": tr(N_("All active")),
        "households_under_observation": tr(N_("Households")),
        "persons_under_observation": tr(N_("Persons")),
        "new_today": tr(N_("New today")),
        "releasing_today": tr(N_("Released today")),
        "disinfection_points": tr(N_("In all")),
        "disinfection_overdue": tr(N_("Overdue")),
        "party_branches": tr(N_("Branches")),
        "volunteers": tr(N_("Volunteers")),
    }
    group_of = {
        **{c: tr(N_("Checkpoints on duty")) for c in (*CHECKPOINT_TIER_FIGURES, "checkpoints_active")},
        **{
            c: tr(N_("Home observation"))
            for c in ("households_under_observation", "persons_under_observation", "new_today", "releasing_today")
        },
        **{c: tr(N_("Disinfection points")) for c in ("disinfection_points", "disinfection_overdue")},
        **{c: tr(N_("Party (village records)")) for c in VILLAGE_RESOURCES},
    }
    groups: list[tuple[str, int]] = [("", 1)]
    for column in columns:
        label = group_of[column]
        if groups[-1][0] == label:
            groups[-1] = (label, groups[-1][1] + 1)
        else:
            groups.append((label, 1))
    headers = [tr(N_("Village")), *(short[c] for c in columns)]
    rows = [[cell_text(row["name"]), *(cell_text(row[c]) for c in columns)] for _, row in table.iterrows()]
    total = [tr(N_("Township total")), *(cell_text(table[c].sum()) for c in columns)]
    # A column of share 1.0 holds about six characters; a city's totals run to nine (1,557,996)
    # and would spill into the next column.
    longest = [max(len(row[i]) for row in [*rows, total]) for i in range(1, len(headers))]
    return Table(
        tr(N_("Figures by village")),
        headers,
        rows,
        [False] + [True] * len(columns),
        total,
        widths=[1.25] + [max(1.0, (n - 1) / 6) for n in longest],
        groups=groups,
        limits=[16] + [None] * len(columns),
    )


def _village_names(dataset: Dataset) -> dict[str, str]:
    return {
        cell_text(c): cell_text(n) for c, n in zip(dataset.villages["code"], dataset.villages["name"], strict=False)
    }


def _checkpoint_tables(dataset: Dataset, as_of, zh: bool, tr) -> list[Table]:
    """The checkpoint list, one table per tier, as the checkpoints stood on the day."""
    checkpoints = dataset.checkpoints
    situation = checkpoint_situation(checkpoints, as_of, dataset)
    names = _village_names(dataset)
    lang = "zh" if zh else "en"
    headers = [
        tr(N_("ID")),
        tr(N_("Name")),
        tr(N_("Village")),
        tr(N_("Status on the day")),
        tr(N_("24-hour")),
        tr(N_("Staff on shift")),
    ]
    yes, no = tr(N_("yes")), tr(N_("no"))
    tables = []
    for tier in CHECKPOINT_TIERS:
        rows = []
        for index in np.flatnonzero((checkpoints["tier"] == tier).to_numpy()):
            record = checkpoints.iloc[index]
            status = situation["status_on_day"].iloc[index]
            if is_missing(status):
                continue  # not yet opened on the day
            village = cell_text(record["village"])
            rows.append(
                [
                    cell_text(record["id"]),
                    cell_text(record["name"]),
                    names.get(village, village),
                    choice_label("checkpoints", "status", cell_text(status), lang),
                    cell_text(record.get("staffed_24h"), yes=yes, no=no),
                    cell_text(record.get("staff_on_shift")),
                ]
            )
        caption = tr(N_("{tier} checkpoints ({count})")).format(
            tier=choice_label("checkpoints", "tier", tier, lang), count=len(rows)
        )
        tables.append(
            Table(
                caption,
                headers,
                rows,
                [False, False, False, False, False, True],
                empty_text=tr(N_("none")),
                widths=[13, 33, 15, 14, 12, 13],
                limits=[16, 40, 16, 16, 8, None],
                keys=[row[0] for row in rows],
            )
        )
    return tables


def _supplies_table(dataset: Dataset, as_of, lang: str, tr) -> Table:
    figures = supplies_and_publicity(dataset, as_of)
    rows = [
        [choice_label(table, "item", item, lang), cell_text(quantity)]
        for table, item, quantity in zip(figures["table"], figures["item"], figures["quantity"], strict=False)
    ]
    return Table(
        tr(N_("Supplies and publicity")),
        [tr(N_("Item")), tr(N_("Quantity"))],
        rows,
        [False, True],
        empty_text=tr(N_("none recorded")),
        widths=[65, 35],
    )


def _village_page(dataset: Dataset, table: pd.DataFrame, as_of, code: str, zh: bool, tr) -> VillagePage:
    village = dataset.villages[dataset.villages["code"] == code].iloc[0]
    row = table[table["code"] == code].iloc[0]
    facts = []
    for column, label in (
        ("population", N_("Population")),
        ("households", N_("Households in all")),
        ("groups", N_("Villager groups")),
        ("party_branches", N_("Party branches")),
        ("volunteers", N_("Party-member volunteers")),
        ("work_group", N_("Work group")),
    ):
        text = cell_text(village.get(column))
        if text:
            facts.append((tr(label), text))
    figures = [(_label(c, zh), cell_text(row[c])) for c in VILLAGE_COLUMNS if c in row.index]
    return VillagePage(
        code, cell_text(village["name"]), facts, figures, [_village_points_table(dataset, as_of, code, zh, tr)]
    )


def _village_points_table(dataset: Dataset, as_of, code: str, zh: bool, tr) -> Table:
    """The village's checkpoints and disinfection points, one line each."""
    lang = "zh" if zh else "en"
    rows, keys = [], []
    checkpoints = dataset.checkpoints
    situation = checkpoint_situation(checkpoints, as_of, dataset)
    for index in np.flatnonzero((checkpoints["village"] == code).to_numpy()):
        status = situation["status_on_day"].iloc[index]
        if is_missing(status):
            continue
        record = checkpoints.iloc[index]
        tier = choice_label("checkpoints", "tier", cell_text(record["tier"]), lang)
        rows.append(
            [
                cell_text(record["name"]),
                tr(N_("{tier} checkpoint")).format(tier=tier),
                choice_label("checkpoints", "status", cell_text(status), lang),
            ]
        )
        keys.append(cell_text(record["id"]))
    points = dataset.disinfection_points
    freshness = disinfection_situation(points, as_of, dataset)["freshness"]
    labels = {s.key: s.label(lang) for s in DISINFECTION_STYLE.symbols}  # as the legend says
    for index in np.flatnonzero((points["village"] == code).to_numpy()):
        record = points.iloc[index]
        kind = choice_label("disinfection_points", "kind", cell_text(record["kind"]), lang)
        rows.append(
            [
                cell_text(record["name"]),
                tr(N_("Disinfection point ({kind})")).format(kind=kind),
                labels.get(cell_text(freshness.iloc[index]), ""),
            ]
        )
        keys.append(cell_text(record["id"]))
    return Table(
        tr(N_("Checkpoints and disinfection points")),
        [tr(N_("Name")), tr(N_("Kind")), tr(N_("On the day"))],
        rows,
        [False, False, False],
        empty_text=tr(N_("none")),
        widths=[42, 33, 25],
        limits=[30, None, None],
        keys=keys,
    )


def _tables_of(briefing: Briefing) -> list[Table]:
    """The briefing's tables whose long texts are cut, in the order they are printed."""
    return [
        *briefing.tables,
        *([briefing.observation] if briefing.observation else []),
        *([briefing.proposals] if briefing.proposals else []),
        *(t for page in briefing.villages for t in page.tables),
    ]
