"""Figures about a dataset: how many features each layer holds, and the situation on a day.

:func:`layer_counts` counts the stored features. :func:`village_table`,
:func:`township_figures` and :func:`figures_with_change` give the figures of the situation
on the as-of day, per village and for the township; the window's statistics panel, the wall
display's header and the PDF briefing's tables all read them from here, so they agree.

The as-of rules (which households are under observation, which checkpoints are active, which
disinfection points are overdue) are those of :mod:`layers.situation`; this module only counts
what they say. Counting is column-wise (one ``np.bincount`` per figure over each point's
village row), so ten thousand households cost milliseconds.
"""

from __future__ import annotations

import functools
import weakref

import numpy as np
import pandas as pd

from geodata.dataset import Dataset, empty_frame
from geodata.messages import bilingual
from geodata.schema import (
    CHECKPOINT_TIERS,
    CHOICE_LABELS,
    PUBLICITY_ITEMS,
    SCHEMAS,
    SUPPLY_ITEMS,
    choice_label,
)
from geodata.stores.gpkg_changes import patch_of

# The private as-of readers are shared, not copied, so "the as-of day" here is always the day
# the situation rules count from (naive China Standard Time, aware times converted).
from layers.day_stages import household_day
from layers.derived_cache import carried_over
from layers.situation import (
    as_timestamp,
    calendar_day,
    checkpoint_situation,
    disinfection_situation,
    observation_lengths,
)

__all__ = [
    "CHECKPOINT_TIER_FIGURES",
    "FIGURES",
    "FIGURE_DESCRIPTIONS",
    "FIGURE_LABELS",
    "VILLAGE_RESOURCES",
    "UNMATCHED_VILLAGE_NAME",
    "evening_before",
    "figures_with_change",
    "layer_counts",
    "supplies_and_publicity",
    "township_figures",
    "village_table",
]

# Figures that are attributes of the villages themselves (not of the day): their totals are the
# township's published figures (26 temporary party branches, 500+ volunteers on 24-hour shifts).
VILLAGE_RESOURCES = ("party_branches", "volunteers")
# The numeric columns of village_table, in order; township_figures adds "villages".
CHECKPOINT_TIER_FIGURES = tuple(f"checkpoints_{tier}" for tier in CHECKPOINT_TIERS)
FIGURES: tuple[str, ...] = (
    *CHECKPOINT_TIER_FIGURES,
    "checkpoints_active",
    "households_under_observation",
    "persons_under_observation",
    "new_today",
    "releasing_today",
    "escalated",
    "released",
    "disinfection_points",
    "disinfection_overdue",
    *VILLAGE_RESOURCES,
)

# The name of village_table's extra row, which counts points whose village matches no village.
UNMATCHED_VILLAGE_NAME = "（未匹配村）"

# What each township figure is called: key -> (Chinese, English). The tier names come from the
# schema's choice labels, so a tier renamed there is renamed here.
FIGURE_LABELS: dict[str, tuple[str, str]] = {
    "villages": ("行政村", "Villages"),
    **{
        f"checkpoints_{tier}": (f"{zh}卡点", f"{en} checkpoints")
        for tier, (zh, en) in CHOICE_LABELS[("checkpoints", "tier")].items()
    },
    "checkpoints_active": ("值守卡点", "Active checkpoints"),
    "households_under_observation": ("居家观察户", "Households under observation"),
    "persons_under_observation": ("居家观察人数", "Persons under observation"),
    "new_today": ("今日新增", "New today"),
    "releasing_today": ("今日解除", "Released today"),
    "escalated": ("已转诊", "Escalated"),
    "released": ("已解除", "Released"),
    "disinfection_points": ("消毒点", "Disinfection points"),
    "disinfection_overdue": ("消毒超时", "Disinfection overdue"),
    "party_branches": ("临时党支部", "Temporary party branches"),
    "volunteers": ("党员志愿者", "Party-member volunteers"),
}

# What each figure counts, said once so that two numbers that differ (households under
# observation against the households listed, which include the escalated) say why.
FIGURE_DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "villages": ("行政村个数", "Administrative villages in the dataset"),
    **{
        f"checkpoints_{tier}": (
            f"当日值守的{zh}卡点（不含已撤除、拟设）",
            f"{en} checkpoints active on the day (closed and proposed not counted)",
        )
        for tier, (zh, en) in CHOICE_LABELS[("checkpoints", "tier")].items()
    },
    "checkpoints_active": (
        "当日值守的各级卡点合计（不含已撤除、拟设）",
        "Checkpoints of every tier active on the day (closed and proposed not counted)",
    ),
    "households_under_observation": (
        "当日处于居家医学观察的户数，不含已转诊、已解除",
        "Households under home observation on the day; escalated and released not counted",
    ),
    "persons_under_observation": ("上述观察户的人数合计", "Persons in the households under observation"),
    "new_today": ("当日开始观察的户数", "Households whose observation started on the day"),
    "releasing_today": ("观察期当日届满的户数", "Households whose observation period ends on the day"),
    "escalated": ("当日状态为已转诊的户数", "Households escalated (referred) by the day"),
    "released": ("当日状态为已解除的户数", "Households released from observation by the day"),
    "disinfection_points": ("消毒点总数", "Disinfection points in all"),
    "disinfection_overdue": ("此刻已超过消毒间隔的消毒点", "Disinfection points past their interval at the time shown"),
    "party_branches": ("各村临时党支部数（村级资料）", "Temporary party branches (village records)"),
    "volunteers": ("24小时轮值的党员志愿者（村级资料）", "Party-member volunteers on 24-hour shifts (village records)"),
}


def figure_label(key: str, lang: str) -> str:
    """The name of figure ``key`` in ``lang``."""
    return bilingual(*FIGURE_LABELS[key], lang)


def figure_description(key: str, lang: str) -> str:
    """What figure ``key`` counts, in ``lang``."""
    return bilingual(*FIGURE_DESCRIPTIONS[key], lang)


def layer_counts(dataset: Dataset) -> pd.DataFrame:
    """One row per layer and table: ``layer``, ``label_zh``, ``label_en``, ``count``.

    Checkpoints are followed by one row per tier (``layer`` like ``checkpoints.district``).
    """
    rows = []
    for name, schema in SCHEMAS.items():
        frame = dataset[name]
        rows.append((name, schema.label_zh, schema.label_en, len(frame)))
        if name == "checkpoints":
            by_tier = frame["tier"].value_counts()
            rows += [
                (
                    f"{name}.{tier}",
                    choice_label(name, "tier", tier, "zh"),
                    choice_label(name, "tier", tier, "en"),
                    int(by_tier.get(tier, 0)),
                )
                for tier in CHECKPOINT_TIERS
            ]
    return pd.DataFrame(rows, columns=["layer", "label_zh", "label_en", "count"])


def village_table(dataset: Dataset, as_of) -> pd.DataFrame:
    """The figures of the situation on the as-of day, one row per village.

    Parameters
    ----------
    dataset : Dataset
        The township's layers. Missing layers count as empty.
    as_of : datetime, date, str or Timestamp
        The moment the figures describe. Households and checkpoints read only its calendar
        day; disinfection points read the time too (overdue at that moment).

    Returns
    -------
    DataFrame
        Index 0..n-1, one row per village in the villages layer's order, columns ``code``,
        ``name`` and the int64 figures of :data:`FIGURES`:

        - ``checkpoints_<tier>``: checkpoints active on the day, per tier;
          ``checkpoints_active`` their sum;
        - ``households_under_observation`` and ``persons_under_observation`` (the sum of
          their ``persons``; a missing count adds 0);
        - ``new_today``: households whose observation starts on the day;
        - ``releasing_today``: households under observation whose last day it is;
        - ``escalated`` and ``released``: households with that status on the day;
        - ``disinfection_points`` (all of the village's) and ``disinfection_overdue``
          (overdue at the as-of time).

        Points whose ``village`` matches no village's code (or is missing) are counted in one
        extra last row with code ``""`` and name :data:`UNMATCHED_VILLAGE_NAME`, present only
        when it counts something, so the columns always add up to the township's totals.

    Raises
    ------
    AsOfError
        When ``as_of`` is missing or cannot be read as a date and time.
    """
    day = calendar_day(as_of)  # the as-of day exactly as the situation rules read it
    villages = _layer(dataset, "villages")
    village_slots = _VillageSlots(villages["code"])
    village_count = village_slots.unmatched

    counts: dict[str, np.ndarray] = {}

    checkpoints = _layer(dataset, "checkpoints")
    active = checkpoint_situation(checkpoints, as_of, dataset)["active"].to_numpy()
    slots = village_slots.of(checkpoints["village"])
    tiers = checkpoints["tier"].to_numpy()
    for tier, figure in zip(CHECKPOINT_TIERS, CHECKPOINT_TIER_FIGURES, strict=False):
        counts[figure] = _count(slots, village_count, active & (tiers == tier))
    counts["checkpoints_active"] = sum(
        (counts[figure] for figure in CHECKPOINT_TIER_FIGURES), np.zeros(village_count + 1, dtype="int64")
    )

    households = _layer(dataset, "households")
    # The day's stages from each household's steps (layers/day_stages.py), not its facts: the
    # figures need no fact, and working them out took a third of a second at a million.
    situation = household_day(households, as_of, dataset)
    slots, persons, start_day = _household_basis(villages, village_slots, households)
    under_observation = situation["under_observation"].to_numpy()
    status_on_day = situation["status_on_day"]
    # Released tomorrow: under observation on its last day (its start + days - 1 is the day).
    last_day = situation["observation_day"].to_numpy(dtype="int64", na_value=0) == observation_lengths(households)
    persons_observed = np.bincount(
        slots, weights=np.where(under_observation, persons, 0.0), minlength=village_count + 1
    )
    counts["persons_under_observation"] = np.rint(persons_observed).astype("int64")
    counts |= _count_flags(
        slots,
        village_count,
        {
            "households_under_observation": under_observation,
            # A household shows from its start, or from its first status change when it has events.
            "new_today": (start_day == day) & status_on_day.notna().to_numpy(),
            "releasing_today": under_observation & last_day,
            "escalated": (status_on_day == "escalated").to_numpy(),
            "released": (status_on_day == "released").to_numpy(),
        },
    )

    points = _layer(dataset, "disinfection_points")
    overdue = disinfection_situation(points, as_of, dataset)["overdue"].to_numpy()
    slots = village_slots.of(points["village"])
    counts["disinfection_points"] = _count(slots, village_count, np.ones(len(points), dtype=bool))
    counts["disinfection_overdue"] = _count(slots, village_count, overdue)

    # Attributes of the village rows, counted once per code as the points are; the unmatched
    # slot has none.
    first_of_code = ~villages["code"].duplicated().to_numpy()
    for figure in VILLAGE_RESOURCES:
        values = (
            pd.to_numeric(villages[figure], errors="coerce")
            if figure in villages
            else pd.Series(0.0, index=villages.index)
        )
        once = np.where(first_of_code, values.fillna(0).to_numpy(dtype="float64"), 0)
        counts[figure] = np.append(once, 0).astype("int64")

    # The last slot holds the unmatched points: a row for them only when they count.
    has_unmatched = any(counts[figure][village_count] for figure in counts if figure not in VILLAGE_RESOURCES)
    rows = village_count + 1 if has_unmatched else village_count
    code, name = villages["code"].reset_index(drop=True), villages["name"].reset_index(drop=True)
    if has_unmatched:
        code = pd.concat([code, pd.Series([""], dtype=code.dtype)], ignore_index=True)
        name = pd.concat([name, pd.Series([UNMATCHED_VILLAGE_NAME], dtype=name.dtype)], ignore_index=True)
    return pd.DataFrame(
        {"code": code, "name": name, **{figure: counts[figure][:rows] for figure in FIGURES}},
        index=pd.RangeIndex(rows),
    )


def township_figures(dataset: Dataset, as_of) -> dict[str, int]:
    """The township's figures of the situation on the as-of day.

    Parameters
    ----------
    dataset : Dataset
    as_of : datetime, date, str or Timestamp
        As for :func:`village_table`.

    Returns
    -------
    dict of str to int
        ``villages`` (how many the villages layer holds), then the total of each figure of
        :data:`FIGURES` over every row of :func:`village_table`, the unmatched row included.

    Raises
    ------
    AsOfError
        When ``as_of`` is missing or cannot be read as a date and time.
    """
    table = village_table(dataset, as_of)
    totals = table[list(FIGURES)].to_numpy().sum(axis=0)
    return {"villages": len(_layer(dataset, "villages")), **{f: int(t) for f, t in zip(FIGURES, totals, strict=False)}}


def figures_with_change(dataset: Dataset, as_of) -> dict[str, tuple[int, int]]:
    """Each township figure at the as-of time and its change since the day before ended.

    Parameters
    ----------
    dataset : Dataset
    as_of : datetime, date, str or Timestamp
        The moment; the comparison is with the evening (23:59) of the previous day, the last
        row before it of the daily series (:func:`layers.trend.daily_series`), so a report's
        changes and its trend agree.

    Returns
    -------
    dict of str to (int, int)
        The keys of :func:`township_figures`, each with (value at ``as_of``, value at
        ``as_of`` minus value at ``as_of - 1 day``), e.g.
        ``{"households_under_observation": (15, 2), ...}``.

    Raises
    ------
    AsOfError
        When ``as_of`` is missing or cannot be read as a date and time.
    """
    now = township_figures(dataset, as_of)  # first, so a bad as_of raises AsOfError
    day_before = township_figures(dataset, evening_before(as_of))
    return {figure: (value, value - day_before[figure]) for figure, value in now.items()}


def evening_before(as_of) -> pd.Timestamp:
    """23:59 of the day before ``as_of``'s: what "the day before" is compared at."""
    return as_timestamp(as_of).normalize() - pd.Timedelta(minutes=1)


def _layer(dataset: Dataset, name: str) -> pd.DataFrame:
    """Layer ``name`` of the dataset, or a shared empty one when the dataset lacks it."""
    return dataset.frames[name] if name in dataset else _empty_layer(name)


@functools.cache
def _empty_layer(name: str) -> pd.DataFrame:
    # Built once: an empty layer costs more to make than counting ten thousand households,
    # and it is only ever read here.
    return empty_frame(name)


def _household_basis(
    villages: pd.DataFrame, village_slots: _VillageSlots, households: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each household's village slot, persons (0 when missing) and start day, as the records
    hold them: the same on every day, and kept for the frames they were read from (frames are
    replaced, not changed in place, when the data changes; held weakly, checked with their
    lengths), since the table is counted again at every change of day."""
    key = (id(villages), len(villages), id(households), len(households))
    kept = _BASIS.get(key)
    if kept is not None and kept[0]() is villages and kept[1]() is households:
        return kept[2]
    basis = _carried_basis(villages, village_slots, households)
    if basis is None:
        basis = _basis_of(village_slots, households)
    for array in basis:
        array.flags.writeable = False  # shared by every call: nobody may change it
    _BASIS.clear()  # one dataset at a time: the one shown
    _BASIS[key] = (weakref.ref(villages), weakref.ref(households), basis)
    return basis


_BASIS: dict[tuple, tuple] = {}


def _basis_of(village_slots: _VillageSlots, households: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    slots = village_slots.of(households["village"])
    persons = pd.to_numeric(households["persons"], errors="coerce").fillna(0).to_numpy(dtype="float64")
    start_day = pd.to_datetime(households["observation_start"], errors="coerce").to_numpy().astype("datetime64[D]")
    return slots, persons, start_day


def _carried_basis(
    villages: pd.DataFrame, village_slots: _VillageSlots, households: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The basis of a households frame the store patched from the one kept (another desk's
    edit read row by row), the villages being the same: the rows it read worked out alone,
    the others' carried over (a million households' basis took 60 ms). None: not such a frame."""
    for kept_villages, kept_households, basis in _BASIS.values():
        old = kept_households()
        patch = patch_of(old, households) if old is not None and kept_villages() is villages else None
        if patch is None:
            return None
        fresh = _basis_of(village_slots, households.iloc[patch[1]])
        slots, persons, start_day = (carried_over(a, patch, b) for a, b in zip(basis, fresh, strict=True))
        return slots, persons, start_day
    return None


class _VillageSlots:
    """Numbers each point by the row of its village in the villages layer.

    Slots 0..n-1 are the villages' rows; slot n holds the points whose village matches none
    (or is missing). A code that appears twice is counted in its first village only
    (validation reports the duplicate), so no point is counted twice.
    """

    def __init__(self, village_codes: pd.Series):
        self.unmatched = len(village_codes)
        first_rows = np.flatnonzero((~village_codes.duplicated() & village_codes.notna()).to_numpy())
        self._codes = pd.Index(village_codes.to_numpy()[first_rows])
        # Lookups say -1 for "none", and index -1 picks this last slot: the unmatched one.
        self._slot_of_code = np.append(first_rows, self.unmatched)

    def of(self, point_villages: pd.Series) -> np.ndarray:
        """The slot of each point, given the points' ``village`` column."""
        # Points name few distinct villages: look up those few, not every point's text
        # (several times faster on ten thousand households).
        point_codes, distinct = pd.factorize(point_villages)
        found = self._codes.get_indexer(np.asarray(distinct, dtype=object))
        slot_of_distinct = self._slot_of_code[found]
        # factorize says -1 for a missing village: the unmatched slot again.
        return np.append(slot_of_distinct, self.unmatched)[point_codes]


def _count(slots: np.ndarray, village_count: int, where: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Per village slot (the last one for unmatched points), how many points ``where`` holds.

    With ``weights``, their sum instead of a count. Always int64 of length village_count + 1.
    """
    picked_weights = None if weights is None else weights[where]
    totals = np.bincount(slots[where], weights=picked_weights, minlength=village_count + 1)
    return np.rint(totals).astype("int64")


def _count_flags(slots: np.ndarray, village_count: int, flags: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per figure, :func:`_count` of its flags, all counted in one pass: each point's flags as
    the bits of one number, counted per village slot and number (a million households' five
    figures took 18 ms as five selections and counts, 5 ms so)."""
    combined = np.zeros(len(slots), dtype=np.intp)
    for bit, where in enumerate(flags.values()):
        combined |= np.asarray(where, dtype=bool).view(np.uint8).astype(np.intp) << bit
    combinations = 1 << len(flags)
    table = np.bincount(slots * combinations + combined, minlength=(village_count + 1) * combinations)
    table = table.reshape(village_count + 1, combinations)
    numbers = np.arange(combinations)
    return {figure: table[:, (numbers >> bit) & 1 == 1].sum(axis=1).astype("int64") for bit, figure in enumerate(flags)}


def supplies_and_publicity(dataset: Dataset, as_of) -> pd.DataFrame:
    """The township's supplies and publicity on the as-of day: for each item, the latest
    quantity recorded on or before the day in each scope (township or village), summed.

    Parameters
    ----------
    dataset : Dataset
    as_of : datetime, date, str or Timestamp
        Records dated after its calendar day are not known yet and count nothing.

    Returns
    -------
    DataFrame
        Columns ``table`` ("supplies" or "publicity"), ``item`` and ``quantity`` (float), in
        the schema's item order; an item never recorded by the day has no row.
    """
    day = calendar_day(as_of)
    rows = []
    for table, items in (("supplies", SUPPLY_ITEMS), ("publicity", PUBLICITY_ITEMS)):
        frame = _layer(dataset, table)
        dates = pd.to_datetime(frame["date"], errors="coerce").dt.normalize()
        known = frame[(dates <= day).to_numpy()].assign(_date=dates)
        latest = known.sort_values("_date", kind="stable").groupby(["scope", "item"], sort=False).tail(1)
        totals = pd.to_numeric(latest["quantity"], errors="coerce").groupby(latest["item"]).sum()
        rows += [(table, item, float(totals[item])) for item in items if item in totals.index]
    return pd.DataFrame(rows, columns=["table", "item", "quantity"])
