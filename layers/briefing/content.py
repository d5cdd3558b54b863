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
from geodata.schema import CHECKPOINT_TIERS, OBSERVATION_DAYS, PUBLICITY_ITEMS, SUPPLY_ITEMS, choice_label
from layers.briefing.options import BriefingOptions, atlas_village_codes
from layers.filters import checkpoint_situation, disinfection_situation, household_situation, resolve_as_of
from layers.i18n import translations
from layers.map_state import MapState
from layers.styles import DISINFECTION_STYLE
from layers.statistics import FIGURE_LABELS, figures_with_change, village_table


def _n(message: str) -> str:
    """Mark ``message`` for translation; it is translated in the briefing's language."""
    return message


_SUPPLY_LABELS = {
    "masks": _n("Masks"), "thermometers": _n("Thermometers"),
    "disinfectant_litres": _n("Disinfectant (litres)"), "latex_glove_pairs": _n("Latex gloves (pairs)"),
    "goggles": _n("Goggles"), "isolation_gowns": _n("Isolation gowns"),
}
_PUBLICITY_LABELS = {
    "vehicles": _n("Publicity vehicles"), "boards": _n("Boards"), "banners": _n("Banners"),
    "leaflets": _n("Leaflets"),
}
# The township figures in the key-figure strip, in order.
KEY_FIGURES = (
    "checkpoints_active", "households_under_observation", "persons_under_observation", "new_today",
    "releasing_today", "escalated", "disinfection_points", "disinfection_overdue",
)
# The per-village table's figure columns, after the village name.
VILLAGE_COLUMNS = (
    "checkpoints_district", "checkpoints_village", "checkpoints_natural_village", "checkpoints_compound",
    "checkpoints_active", "households_under_observation", "persons_under_observation", "new_today",
    "releasing_today", "disinfection_points", "disinfection_overdue",
)


@dataclass
class Table:
    """A table to print: a caption, column headers, rows of text and an optional total row."""

    caption: str
    headers: list[str]
    rows: list[list[str]]
    numeric: list[bool]  # right-aligned columns
    total: list[str] | None = None
    empty_text: str = ""


@dataclass
class VillagePage:
    """One atlas page: a village, zoomed to it, with its own figures."""

    code: str
    name: str
    facts: list[tuple[str, str]]  # population, households, groups, work group, ...
    figures: list[tuple[str, str]]
    tables: list[Table]


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
    observation: Table | None
    villages: list[VillagePage]
    source: str
    disclaimer: str
    words: dict[str, str] = field(default_factory=dict)


def briefing_content(
    dataset: Dataset, state: MapState, options: BriefingOptions, generated: datetime | None = None
) -> Briefing:
    """What the briefing of ``state`` over ``dataset`` says.

    Parameters
    ----------
    dataset : Dataset
    state : MapState
        Its as-of day and audience decide the figures and whether personal data is listed.
    options : BriefingOptions
        Language and which villages get an atlas page.
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
    township = meta.get("township_name", "") if zh else (meta.get("township_name_en") or meta.get("township_name", ""))
    internal = state.audience == "internal"
    return Briefing(
        lang=options.lang,
        audience=state.audience,
        title=state.title or tr(_n("{township} epidemic-prevention situation briefing")).format(township=township),
        issuing_body=meta.get("issuing_body", ""),
        as_of=as_of,
        as_of_text=_moment_text(as_of, zh),
        generated_text=tr(_n("Generated {time}")).format(time=generated.strftime("%Y-%m-%d %H:%M")),
        confidential_mark=tr(_n("Internal document: keep confidential")) if internal else "",
        figures=_key_figures(dataset, as_of, zh),
        tables=[
            _village_figures_table(table, zh, tr),
            *_checkpoint_tables(dataset, as_of, zh, tr),
            _supplies_table(dataset, as_of, tr),
        ],
        observation=_observation_table(dataset, as_of, zh, tr) if internal else None,
        villages=[_village_page(dataset, table, as_of, code, zh, tr) for code in atlas_codes],
        source=meta.get("source", ""),
        disclaimer=meta.get("disclaimer", ""),
        words={
            "figures": tr(_n("Key figures")),
            "change": tr(_n("change since the day before")),
            "map": tr(_n("Situation map")),
            "audience": tr(_n("Internal edition")) if internal else tr(_n("Public edition")),
            "source": tr(_n("Source")),
            "atlas": tr(_n("Village page")),
            "scale": tr(_n("Scale")),
        },
    )


def _moment_text(moment: pd.Timestamp, zh: bool) -> str:
    if zh:
        return f"截至 {moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"
    return f"As of {moment:%d %B %Y, %H:%M}"


def _label(key: str, zh: bool) -> str:
    names = FIGURE_LABELS[key]
    return names[0] if zh else names[1]


def _key_figures(dataset: Dataset, as_of, zh: bool) -> list[tuple[str, str, str]]:
    figures = figures_with_change(dataset, as_of)
    result = []
    for key in KEY_FIGURES:
        value, change = figures[key]
        result.append((_label(key, zh), f"{value:,}", f"{change:+,}" if change else "±0"))
    return result


def _village_figures_table(table: pd.DataFrame, zh: bool, tr) -> Table:
    headers = [tr(_n("Village")), *(_label(c, zh) for c in VILLAGE_COLUMNS)]
    rows = [[str(row["name"]), *(f"{int(row[c]):,}" for c in VILLAGE_COLUMNS)] for _, row in table.iterrows()]
    total = [tr(_n("Township total")), *(f"{int(table[c].sum()):,}" for c in VILLAGE_COLUMNS)]
    return Table(tr(_n("Figures by village")), headers, rows, [False] + [True] * len(VILLAGE_COLUMNS), total)


def _village_names(dataset: Dataset) -> dict[str, str]:
    return {str(c): str(n) for c, n in zip(dataset.villages["code"], dataset.villages["name"])}


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _whole(value) -> str:
    return "" if value is None or pd.isna(value) else str(int(value))


def _checkpoint_tables(dataset: Dataset, as_of, zh: bool, tr) -> list[Table]:
    """The checkpoint list, one table per tier, as the checkpoints stood on the day."""
    checkpoints = dataset.checkpoints
    situation = checkpoint_situation(checkpoints, as_of)
    names = _village_names(dataset)
    lang = "zh" if zh else "en"
    headers = [tr(_n("ID")), tr(_n("Name")), tr(_n("Village")), tr(_n("Status on the day")),
               tr(_n("24-hour")), tr(_n("Staff on shift"))]
    tables = []
    for tier in CHECKPOINT_TIERS:
        rows = []
        for index in np.flatnonzero((checkpoints["tier"] == tier).to_numpy()):
            record = checkpoints.iloc[index]
            status = situation["status_on_day"].iloc[index]
            if pd.isna(status):
                continue  # not yet opened on the day
            staff = record.get("staff_on_shift")
            rows.append([
                _text(record["id"]), _text(record["name"]), names.get(_text(record["village"]), _text(record["village"])),
                choice_label("checkpoints", "status", str(status), lang),
                tr(_n("yes")) if record.get("staffed_24h") is True else tr(_n("no")),
                "" if pd.isna(staff) else f"{int(staff)}",
            ])
        caption = tr(_n("{tier} checkpoints ({count})")).format(
            tier=choice_label("checkpoints", "tier", tier, lang), count=len(rows))
        tables.append(Table(caption, headers, rows, [False, False, False, False, False, True],
                            empty_text=tr(_n("none"))))
    return tables


def _latest_quantities(frame: pd.DataFrame, as_of) -> dict[str, float]:
    """Per item, the latest recorded quantity of each scope on or before the day, summed."""
    if frame.empty:
        return {}
    dates = pd.to_datetime(frame["date"], errors="coerce")
    known = frame[dates.notna() & (dates <= pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1))].copy()
    if known.empty:
        return {}
    known["_date"] = pd.to_datetime(known["date"])
    latest = known.sort_values("_date").groupby(["scope", "item"], sort=False).tail(1)
    return latest.groupby("item")["quantity"].sum().to_dict()


def _quantity(value: float) -> str:
    return f"{value:,.1f}" if value != int(value) else f"{int(value):,}"


def _supplies_table(dataset: Dataset, as_of, tr) -> Table:
    supplies = _latest_quantities(dataset["supplies"], as_of)
    publicity = _latest_quantities(dataset["publicity"], as_of)
    rows = [[tr(_SUPPLY_LABELS[item]), _quantity(supplies[item])] for item in SUPPLY_ITEMS if item in supplies]
    rows += [[tr(_PUBLICITY_LABELS[item]), _quantity(publicity[item])] for item in PUBLICITY_ITEMS if item in publicity]
    return Table(tr(_n("Supplies and publicity")), [tr(_n("Item")), tr(_n("Quantity"))], rows, [False, True],
                 empty_text=tr(_n("none recorded")))


def _observation_table(dataset: Dataset, as_of, zh: bool, tr) -> Table:
    """Internal only: every household under observation or escalated on the day, by village
    (in the villages layer's order), group and id. Built column-wise: thousands of rows
    cost a fraction of a second."""
    households = dataset.households
    situation = household_situation(households, as_of)
    listed = situation["status_on_day"].astype(object).isin(["observing", "escalated"]).to_numpy()
    names = _village_names(dataset)
    lang = "zh" if zh else "en"
    frame, day = households[listed], situation[listed]
    village_order = {code: row for row, code in enumerate(names)}
    order = pd.DataFrame({
        "village": frame["village"].map(village_order), "group": _column(frame, "villager_group"), "id": frame["id"],
    }).sort_values(["village", "group", "id"], na_position="last").index
    frame, day = frame.loc[order], day.loc[order]

    days = pd.to_numeric(_column(frame, "observation_days"), errors="coerce").fillna(OBSERVATION_DAYS).astype(int)
    day_pattern = tr(_n("day {n} of {days}"))
    day_texts = [
        "" if pd.isna(n) else day_pattern.format(n=int(n), days=d)
        for n, d in zip(day["observation_day"].astype(object), days)
    ]
    columns = [
        _texts(frame["id"]),
        [names.get(code, code) for code in _texts(frame["village"])],
        [_whole(g) for g in _column(frame, "villager_group")],
        _texts(_column(frame, "head_name")),
        _texts(_column(frame, "phone")),
        [choice_label("households", "reason", r, lang) for r in _texts(_column(frame, "reason"))],
        _days(_column(frame, "observation_start")),
        day_texts,
        _days(day["release_date"]),
        [choice_label("households", "status", str(v), lang) for v in day["status_on_day"].astype(object)],
        _texts(_column(frame, "note")),
    ]
    rows = [list(row) for row in zip(*columns)]
    headers = [tr(_n("ID")), tr(_n("Village")), tr(_n("Group")), tr(_n("Head of household")), tr(_n("Phone")),
               tr(_n("Reason")), tr(_n("Start")), tr(_n("Day")), tr(_n("Release date")), tr(_n("Status")),
               tr(_n("Note"))]
    return Table(tr(_n("Households under home medical observation ({count})")).format(count=len(rows)),
                 headers, rows, [False] * len(headers), empty_text=tr(_n("none")))


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    """``frame[name]``, or an empty column when the layer lacks that (optional) field."""
    return frame[name] if name in frame.columns else pd.Series(None, index=frame.index, dtype=object)


def _texts(values: pd.Series) -> list[str]:
    return ["" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v) for v in values.astype(object)]


def _days(values: pd.Series) -> list[str]:
    stamps = pd.to_datetime(values, errors="coerce")
    return stamps.dt.strftime("%Y-%m-%d").fillna("").tolist()


def _village_page(dataset: Dataset, table: pd.DataFrame, as_of, code: str, zh: bool, tr) -> VillagePage:
    village = dataset.villages[dataset.villages["code"] == code].iloc[0]
    row = table[table["code"] == code].iloc[0]
    facts = []
    for column, label in (("population", _n("Population")), ("households", _n("Households in all")),
                          ("groups", _n("Villager groups")), ("party_branches", _n("Party branches")),
                          ("work_group", _n("Work group"))):
        value = village.get(column)
        if value is not None and not pd.isna(value):
            facts.append((tr(label), f"{int(value):,}" if column != "work_group" else str(value)))
    figures = [(_label(c, zh), f"{int(row[c]):,}") for c in VILLAGE_COLUMNS]
    return VillagePage(code, str(village["name"]), facts, figures,
                       [_village_points_table(dataset, as_of, code, zh, tr)])


def _village_points_table(dataset: Dataset, as_of, code: str, zh: bool, tr) -> Table:
    """The village's checkpoints and disinfection points, one line each."""
    lang = "zh" if zh else "en"
    rows = []
    checkpoints = dataset.checkpoints
    situation = checkpoint_situation(checkpoints, as_of)
    for index in np.flatnonzero((checkpoints["village"] == code).to_numpy()):
        status = situation["status_on_day"].iloc[index]
        if pd.isna(status):
            continue
        record = checkpoints.iloc[index]
        tier = choice_label("checkpoints", "tier", _text(record["tier"]), lang)
        rows.append([_text(record["name"]), tr(_n("{tier} checkpoint")).format(tier=tier),
                     choice_label("checkpoints", "status", str(status), lang)])
    points = dataset.disinfection_points
    freshness = disinfection_situation(points, as_of)["freshness"]
    labels = {s.key: s.label(lang) for s in DISINFECTION_STYLE.symbols}  # as the legend says
    for index in np.flatnonzero((points["village"] == code).to_numpy()):
        record = points.iloc[index]
        kind = choice_label("disinfection_points", "kind", _text(record["kind"]), lang)
        rows.append([_text(record["name"]), tr(_n("Disinfection point ({kind})")).format(kind=kind),
                     labels.get(str(freshness.iloc[index]), "")])
    return Table(tr(_n("Checkpoints and disinfection points")), [tr(_n("Name")), tr(_n("Kind")), tr(_n("On the day"))],
                 rows, [False, False, False], empty_text=tr(_n("none")))
