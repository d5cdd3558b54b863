"""Each household's stage as a step function of the day, worked out once per frames.

A change of day at a million households read every household's facts and situation again
(80 ms and more) to draw a symbol that changes on a few days only: when the household's
observation starts, leaves its first days, nears and reaches its end, when its record dates a
status, and when one of its status changes is reported. Those days are found once per frames,
the stage is worked out on each of them with the rules of :mod:`layers.situation` (and the
facts of :mod:`layers.history`), and a day's stages are then a handful of comparisons.

:func:`household_day` gives what the map's filters, symbols and counts read of a day; the
facts a popup lists still come from :func:`layers.situation.household_situation`.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geodata.dataset import Dataset
from geodata.schema import HOUSEHOLD_STATUSES
from geodata.stores.gpkg_changes import patch_of
from layers import history
from layers.derived_cache import carried_over
from layers.situation import (
    STAGES,
    _before_report,
    _calendar_days,
    _column,
    _LastSituation,
    _observation_days,
    as_timestamp,
    calendar_day,
    stages_on_day,
)

BEFORE = int(np.iinfo(np.int32).min) + 1  # a day before every day: the stage before any step
NEVER = int(np.iinfo(np.int32).max)  # the step of a missing date, never taken
_MS_PER_DAY = 86_400_000
_NAT_MS = np.datetime64("NaT", "ms")

_STAGE_DTYPE = pd.CategoricalDtype(list(STAGES))
_STATUS_DTYPE = pd.CategoricalDtype(list(HOUSEHOLD_STATUSES))
# A stage's status on the day (index by stage code; the last entry is for -1: not shown).
_STATUS_OF_STAGE = np.array(
    [HOUSEHOLD_STATUSES.index("observing")] * 3
    + [HOUSEHOLD_STATUSES.index("released"), HOUSEHOLD_STATUSES.index("escalated"), -1],
    dtype=np.int8,
)
_OBSERVING_STAGES = 3  # codes 0-2 (new, observing, releasing) are under observation


def household_day(households: pd.DataFrame, as_of, events: Dataset | None = None) -> pd.DataFrame:
    """The households on the as-of day as :func:`~layers.situation.household_situation` has
    them, but only ``status_on_day``, ``under_observation``, ``observation_day`` and ``stage``
    (no ``release_date`` and no facts): what the map's filters, symbols and counts read."""
    stamp = as_timestamp(as_of)
    # The map and the statistics panel each ask at every change of day: the last answer is kept.
    read_events = events if _before_report(events, stamp) else None
    sources = (households, history._events(read_events, "status_changes"))
    kept = _LAST_DAY.get(sources, stamp)
    if kept is not None:
        return kept.copy(deep=False)  # pandas copies on write: the kept one is never changed
    stages, start = day_stage_codes(households, stamp, events)
    observing = (stages >= 0) & (stages < _OBSERVING_STAGES)
    day = int(calendar_day(stamp).astype(np.int64))
    day_number = np.multiply(day + 1 - start.astype(np.int64), observing)
    day_frame = pd.DataFrame(
        {
            # Codes made here, in range: not checked again (a million of them).
            "status_on_day": pd.Categorical.from_codes(_STATUS_OF_STAGE[stages], dtype=_STATUS_DTYPE, validate=False),
            "under_observation": observing,
            "observation_day": pd.arrays.IntegerArray(day_number, mask=~observing),
            "stage": pd.Categorical.from_codes(stages, dtype=_STAGE_DTYPE, validate=False),
        },
        index=households.index,
        copy=False,
    )
    _LAST_DAY.keep(sources, stamp, day_frame)
    return day_frame.copy(deep=False)


_LAST_DAY = _LastSituation()


def day_stage_codes(
    households: pd.DataFrame, as_of: pd.Timestamp, events: Dataset | None
) -> tuple[np.ndarray, np.ndarray]:
    """Per household its stage on the as-of day as a code into :data:`STAGES` (-1: not shown),
    and the day number of its recorded start (for its day of observation)."""
    day = int(calendar_day(as_of).astype(np.int64))
    base = _base_steps(households)
    stages = base.steps.on(day)
    read_events = events if _before_report(events, as_of) else None
    changes = history._events(read_events, "status_changes")
    if changes is not None:
        recorded = _recorded_steps(households, changes)
        if recorded is not None:
            rows, steps = recorded
            stages[rows] = steps.on(day)
    return stages, base.start


@dataclass(frozen=True)
class _Steps:
    """Per row, the days its stage changes on (sorted; the first is BEFORE) and by how much its
    code changes on each, as (steps, rows) arrays: a day's stage is the first stage plus the
    changes of the steps on or before it. Added as differences, not chosen step by step: a
    masked choice cost ten times more at a million rows."""

    days: np.ndarray  # int32
    changes: np.ndarray  # int8; changes[0] is the stage on BEFORE

    @classmethod
    def of(cls, days: np.ndarray, stages: np.ndarray) -> _Steps:
        """Steps from each step's stage (steps never taken, on NEVER, change nothing)."""
        changes = stages.astype(np.int8, copy=True)
        changes[1:] = np.where(days[1:] == NEVER, 0, stages[1:] - stages[:-1])
        return cls(days, changes)

    def on(self, day: int) -> np.ndarray:
        stages = self.changes[0].copy()
        taken = np.empty(len(stages), dtype=bool)
        change = np.empty(len(stages), dtype=np.int8)
        for k in range(1, len(self.days)):
            np.less_equal(self.days[k], day, out=taken)
            np.multiply(taken.view(np.int8), self.changes[k], out=change)
            stages += change
        return stages


@dataclass(frozen=True)
class _BaseSteps:
    steps: _Steps
    start: np.ndarray  # the recorded start as a day number (0 where none: never under observation)


def _day_numbers(times: np.ndarray) -> np.ndarray:
    """Calendar days (datetime64[D], NaT allowed) as int64 day numbers, NEVER where missing."""
    numbers = times.astype("datetime64[D]").astype(np.int64)
    return np.where(np.isnat(times), NEVER, numbers)


def _as_days(numbers: np.ndarray) -> np.ndarray:
    return np.clip(numbers, BEFORE, NEVER).astype("datetime64[D]")


# The steps of the households frame last read, from its records alone (days from the dataset's
# own as-of time on, and every household without status changes before it). Frames are
# replaced, not changed in place, when data changes (geodata.editing): held weakly, with lengths.
_BASE: dict[tuple[int, int], tuple[weakref.ref, _BaseSteps]] = {}


def _base_steps(households: pd.DataFrame) -> _BaseSteps:
    key = (id(households), len(households))
    kept = _BASE.get(key)
    if kept is not None and kept[0]() is households:
        return kept[1]
    base = _carried_base_steps(households)
    if base is None:
        base = _build_base_steps(households)
    _BASE.clear()  # one frame at a time: the one shown
    _BASE[key] = (weakref.ref(households), base)
    return base


def _carried_base_steps(households: pd.DataFrame) -> _BaseSteps | None:
    """The steps of a frame the store patched from the one kept (another desk's edit read
    row by row): those of the rows it read worked out, the others' carried over (a million
    households' steps took 0.13-1.4 s for one changed household). None: not such a frame."""
    for previous, base in _BASE.values():
        old = previous()
        patch = patch_of(old, households) if old is not None else None
        if patch is None:
            return None
        fresh = _build_base_steps(households.iloc[patch[1]])
        return _BaseSteps(
            _Steps(
                carried_over(base.steps.days, patch, fresh.steps.days, axis=1),
                carried_over(base.steps.changes, patch, fresh.steps.changes, axis=1),
            ),
            carried_over(base.start, patch, fresh.start),
        )
    return None


def _build_base_steps(households: pd.DataFrame) -> _BaseSteps:
    start = _calendar_days(households, "observation_start")
    status_date = _calendar_days(households, "status_date")
    days = _observation_days(households)
    status = _column(households, "status")
    is_escalated, is_released = (status == "escalated").to_numpy(), (status == "released").to_numpy()
    first = _day_numbers(start)
    # The rules change their answer only on these days (situation.stages_on_day): the start,
    # the end of the first days, the eve of the last day, the day after it, the status date.
    candidates = np.empty((len(households), 6), dtype=np.int32)  # int32: a million rows' days in 24 MB
    for k, day in enumerate(
        [
            np.full(len(households), BEFORE, dtype=np.int64),
            first,
            np.where(first == NEVER, NEVER, first + 3),
            np.where(first == NEVER, NEVER, first + days - 2),
            np.where(first == NEVER, NEVER, first + days),
            _day_numbers(status_date),
        ]
    ):
        candidates[:, k] = np.clip(day, BEFORE, NEVER)
    candidates.sort(axis=1)
    steps = np.ascontiguousarray(candidates.T)
    del candidates
    stages = np.empty(steps.shape, dtype=np.int8)
    for k, day in enumerate(steps):
        stages[k] = stages_on_day(start, days, status_date, is_escalated, is_released, _as_days(day))[0]
    return _BaseSteps(_Steps.of(steps, stages), np.where(first == NEVER, 0, first).astype(np.int32))


# The steps of the households with status changes, per (households, status changes) frames.
_RECORDED: dict[tuple, tuple[weakref.ref, weakref.ref, tuple[np.ndarray, _Steps] | None]] = {}


def _recorded_steps(households: pd.DataFrame, changes: pd.DataFrame) -> tuple[np.ndarray, _Steps] | None:
    """The rows of the households with status changes and their steps (None: no such row)."""
    key = (id(households), len(households), id(changes), len(changes))
    kept = _RECORDED.get(key)
    if kept is not None and kept[0]() is households and kept[1]() is changes:
        return kept[2]
    found = _build_recorded_steps(households, changes)
    _RECORDED.clear()
    _RECORDED[key] = (weakref.ref(households), weakref.ref(changes), found)
    return found


@dataclass(frozen=True)
class _Changes:
    """The status changes with a time and a household, sorted for a search by (household, day)."""

    keys: np.ndarray  # owner << 32 | (the first day the change is known on + 2**31)
    owners: np.ndarray
    times: np.ndarray  # datetime64[ms]
    escalated: np.ndarray
    released: np.ndarray

    def latest(self, owners: np.ndarray, days: np.ndarray):
        """Per (owner, day): whether it has a change known on that day, and the latest one's
        time and status (later rows win among equal times, as layers.history reads them)."""
        if not len(self.keys):  # every change of these households is without a time
            nothing = np.zeros(len(owners), dtype=bool)
            return nothing, np.full(len(owners), _NAT_MS), nothing, nothing
        queries = owners.astype(np.int64) * 2**32 + (np.clip(days, BEFORE, NEVER) + 2**31)
        at = np.searchsorted(self.keys, queries, side="right") - 1
        safe = np.maximum(at, 0)
        found = (at >= 0) & (self.owners[safe] == owners)
        return (
            found,
            np.where(found, self.times[safe], _NAT_MS),
            found & self.escalated[safe],
            found & self.released[safe],
        )


def _changes(changes: pd.DataFrame, distinct: pd.Index) -> tuple[_Changes, np.ndarray]:
    """The changes ready for searching, and per distinct household id whether it has one."""
    owners = history.positions_among(distinct, changes["household"].to_numpy(dtype=object))
    recorded = np.zeros(len(distinct) + 1, dtype=bool)
    recorded[owners] = True  # owners of -1 mark the extra last slot
    times = history._column(changes, "day", history._TIME_DTYPE).to_numpy()
    codes, values = history._codes(changes["status"], missing=np.nan)
    escalated, released = (values == "escalated")[codes], (values == "released")[codes]
    usable = (owners >= 0) & ~np.isnat(times)  # a change without a time is never known
    rows = np.flatnonzero(usable)
    milliseconds = times[rows].astype(np.int64)
    # A change counts from the first day whose midnight is not before it (history reads <= midnight).
    known_from = np.floor_divide(milliseconds, _MS_PER_DAY) + (np.mod(milliseconds, _MS_PER_DAY) != 0)
    order = np.lexsort((rows, milliseconds, known_from, owners[rows]))
    rows, known_from = rows[order], known_from[order]
    keys = owners[rows].astype(np.int64) * 2**32 + (np.clip(known_from, BEFORE, NEVER) + 2**31)
    return (
        _Changes(keys, owners[rows], times[rows], escalated[rows], released[rows]),
        recorded[:-1],
    )


def _build_recorded_steps(households: pd.DataFrame, changes: pd.DataFrame) -> tuple[np.ndarray, _Steps] | None:
    feature_ids, distinct = history._feature_ids(households)
    table, has_changes = _changes(changes, distinct)
    recorded = (feature_ids >= 0) & has_changes[np.maximum(feature_ids, 0)]
    rows = np.flatnonzero(recorded)
    if not len(rows):
        return None
    records = history._household_records(households)
    owners = feature_ids[rows]
    first = _day_numbers(records.start[rows].astype("datetime64[D]"))
    days = _observation_days(households)[rows]
    local = np.arange(len(rows))
    # Each row's own days (as for the records alone, with the day its recorded change counts
    # from) and, per change of its household, the day it is known from and the day it dates.
    pair_rows = [local] * 7
    pair_days = [
        np.full(len(rows), BEFORE, dtype=np.int64),
        first,
        np.where(first == NEVER, NEVER, first + 3),
        np.where(first == NEVER, NEVER, first + days - 2),
        np.where(first == NEVER, NEVER, first + days),
        _day_numbers(records.status_date[rows].astype("datetime64[D]")),
        _ceiling_days(records.dated[rows]),
    ]
    by_owner = np.argsort(owners, kind="stable")
    low = np.searchsorted(owners[by_owner], table.owners, side="left")
    high = np.searchsorted(owners[by_owner], table.owners, side="right")
    counts = high - low
    change = np.repeat(np.arange(len(table.owners)), counts)
    within = np.arange(len(change)) - np.repeat(np.cumsum(counts) - counts, counts)
    change_rows = by_owner[np.repeat(low, counts) + within]
    change_times = table.times[change]
    pair_rows += [change_rows, change_rows]
    pair_days += [_ceiling_days(change_times), _day_numbers(change_times.astype("datetime64[D]"))]
    pair_row = np.concatenate(pair_rows)
    pair_day = np.clip(np.concatenate(pair_days), BEFORE, NEVER)
    taken = pair_day != NEVER  # a missing date is no step
    pair_row, pair_day = pair_row[taken], pair_day[taken]
    stages = _stages_with_changes(households, records, rows, pair_row, pair_day, table, owners)
    return rows, _steps_of(pair_row, pair_day, stages, len(rows))


def _ceiling_days(times: np.ndarray) -> np.ndarray:
    """The first day whose midnight is not before each time (NEVER where missing)."""
    milliseconds = times.astype(np.int64)
    days = np.floor_divide(milliseconds, _MS_PER_DAY) + (np.mod(milliseconds, _MS_PER_DAY) != 0)
    return np.where(np.isnat(times), NEVER, days)


def _stages_with_changes(households, records, rows, pair_row, pair_day, table: _Changes, owners) -> np.ndarray:
    """The stage of household ``rows[pair_row]`` on day ``pair_day``, its facts read from the
    status changes as :func:`layers.history.household_facts_coded` reads them."""
    row = rows[pair_row]
    midnight = (pair_day * _MS_PER_DAY).astype("datetime64[ms]")
    found, latest_time, latest_escalated, latest_released = table.latest(owners[pair_row], pair_day)
    dated = records.dated[row]
    mine = (dated <= midnight) & (~found | (dated >= latest_time))
    statuses = records.statuses[records.status_codes[row]]
    start = np.where(found | mine, records.start[row], _NAT_MS)
    escalated = np.where(mine, statuses == "escalated", latest_escalated)
    released = np.where(mine, statuses == "released", latest_released)
    status_date = np.where(
        mine, records.status_date[row], np.where(latest_escalated | latest_released, latest_time, _NAT_MS)
    )
    days = _observation_days(households)[row]
    return stages_on_day(
        start.astype("datetime64[D]"),
        days,
        status_date.astype("datetime64[D]"),
        escalated,
        released,
        _as_days(pair_day),
    )[0]


def _steps_of(rows: np.ndarray, days: np.ndarray, stages: np.ndarray, count: int) -> _Steps:
    """Steps from (row, day, stage) triples, every row having one on BEFORE: sorted by day, a
    step kept only where the stage changes."""
    order = np.lexsort((days, rows))
    rows, days, stages = rows[order], days[order], stages[order]
    new_row = np.ones(len(rows), dtype=bool)
    new_row[1:] = rows[1:] != rows[:-1]
    keep = new_row.copy()
    keep[1:] |= stages[1:] != stages[:-1]
    rows, days, stages = rows[keep], days[keep], stages[keep]
    per_row = np.bincount(rows, minlength=count)
    position = np.arange(len(rows)) - (np.cumsum(per_row) - per_row)[rows]
    width = int(per_row.max(initial=1))
    step_days = np.full((width, count), NEVER, dtype=np.int32)
    step_stages = np.full((width, count), -1, dtype=np.int8)
    step_days[position, rows] = days
    step_stages[position, rows] = stages
    return _Steps.of(step_days, step_stages)
