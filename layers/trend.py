"""The daily series: per day, for the township or one village, what happened and how things stood.

Columns (:data:`COLUMNS`, in this order):

- ``under_observation``: households under observation on the day
  (:func:`layers.situation.household_situation` with the events);
- ``new``: households whose observation started that day (the record's ``observation_start``
  of households that count on the day, as the situation rules read it);
- ``released``, ``escalated``: status changes to that status dated that day;
- ``followups``: follow-ups that day; ``abnormal_temperature``: those with a temperature of
  :data:`layers.history.FEVER_CELSIUS` or more, or a result of abnormal;
- ``disinfection_rounds``: rounds that day; ``disinfection_overdue``: points overdue at the end
  of the day (:func:`layers.situation.disinfection_situation`);
- ``checkpoints_active``, ``staff_on_shift``: the checkpoints as they stood at the end of the
  day (:func:`layers.situation.checkpoint_situation`), staff counted at active ones.

The end of a day is 23:59, except on the day of the dataset's own as-of time, which ends
there (later that day nothing is known yet). Events are counted per day with one grouping per
table. Checkpoints and points are read with the situation rules once per day. Households, the
many, are read for all days before the as-of day at once (:func:`_households_per_day`, the
same rules worked out over stretches of days, tested equal to them); from the as-of day on the
records stand and the rules read them day by day. A point never disinfected is overdue by
those rules, so days before the first rounds count every point as overdue, as the map shows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geodata.dataset import Dataset
from geodata.schema import OBSERVATION_DAYS
from layers.history import FEVER_CELSIUS
from layers.map_state import MapState
from layers.situation import (
    as_timestamp,
    checkpoint_situation,
    disinfection_situation,
    household_situation,
    resolve_as_of,
)

COLUMNS = (
    "date",
    "under_observation",
    "new",
    "released",
    "escalated",
    "followups",
    "abnormal_temperature",
    "disinfection_rounds",
    "disinfection_overdue",
    "checkpoints_active",
    "staff_on_shift",
)
DEFAULT_DAYS = 14  # the last two weeks: one observation period

_END_OF_DAY = pd.Timedelta(hours=23, minutes=59)


class TrendError(ValueError):
    """The range or the village asked for cannot be read."""


def daily_series(dataset: Dataset, start=None, end=None, village: str | None = None, *, until=None) -> pd.DataFrame:
    """The daily series of ``dataset`` from ``start`` to ``end`` (days, both included).

    Parameters
    ----------
    dataset : Dataset
    start, end : date, str or Timestamp, optional
        Only the calendar days count. ``end`` defaults to the day of the dataset's as-of
        time, ``start`` to :data:`DEFAULT_DAYS` days up to ``end``.
    village : str, optional
        A village code: only its features and events. The township when None.
    until : datetime, str or Timestamp, optional
        The moment the last day ends, when a map or briefing shows a time of day other than
        the evening (its figures then equal the last row's, and nothing known later counts);
        ``end`` defaults to its day.

    Returns
    -------
    DataFrame
        One row per day, columns :data:`COLUMNS`; ``date`` holds ``datetime.date`` values, the
        others integers.

    Raises
    ------
    TrendError
        When ``start`` is after ``end``.
    """
    as_of = resolve_as_of(MapState(), dataset)
    last_moment = None if until is None else as_timestamp(until)
    if end is not None:
        last = as_timestamp(end).normalize()
    else:
        last = (as_of if last_moment is None else last_moment).normalize()
    first = last - pd.Timedelta(days=DEFAULT_DAYS - 1) if start is None else as_timestamp(start).normalize()
    if first > last:
        raise TrendError(f"the range starts ({first.date()}) after it ends ({last.date()})")
    days = pd.date_range(first, last, freq="D")

    def own(frame: pd.DataFrame) -> pd.DataFrame:
        if village is None or "village" not in frame.columns:
            return frame
        return frame[frame["village"].astype(object).to_numpy() == village]

    households = own(dataset["households"])
    checkpoints = own(dataset["checkpoints"])
    points = own(dataset["disinfection_points"])
    followups = own(dataset["followups"])
    changes = own(dataset["status_changes"])
    rounds = own(dataset["disinfection_rounds"])

    series = pd.DataFrame({"date": days.date}, index=days)
    temperature = pd.to_numeric(followups["temperature"], errors="coerce")
    abnormal = (temperature >= FEVER_CELSIUS).to_numpy() | (followups["result"].astype(object) == "abnormal").to_numpy()
    status = changes["status"].astype(object).to_numpy()
    series["followups"] = _per_day(followups["time"], days, last_moment)
    series["abnormal_temperature"] = _per_day(followups["time"][abnormal], days, last_moment)
    series["released"] = _per_day(changes["day"][status == "released"], days)
    series["escalated"] = _per_day(changes["day"][status == "escalated"], days)
    series["disinfection_rounds"] = _per_day(rounds["time"], days, last_moment)

    # Each state reads only its own event table: the situation functions would otherwise work
    # out every other fact of the features on each day too. The as-of time is carried over so
    # the records stand from the same moment as in the full dataset.
    # Text columns become plain objects once here: the rules would otherwise convert Arrow
    # strings on every day.
    metadata = {"as_of": as_of.isoformat()}
    household_events = _only(dataset, "status_changes", metadata)
    checkpoint_events = _only(dataset, "checkpoint_changes", metadata)
    point_events = _only(dataset, "disinfection_rounds", metadata)
    households, checkpoints, points = (_plain(frame) for frame in (households, checkpoints, points))
    overdue, active, staff = (np.zeros(len(days), dtype=np.int64) for _ in range(3))
    # Before the as-of day households are read from their status changes at once; from it on
    # the records stand, and the rules read them day by day.
    read = days < as_of.normalize()
    if last_moment is not None:
        read[-1] = False  # the last day ends at its own moment, read by the rules themselves
    observing, new = _households_per_day(households, household_events.frames.get("status_changes"), days[read])
    observing = np.concatenate([observing, np.zeros(int((~read).sum()), dtype=np.int64)])
    new = np.concatenate([new, np.zeros(int((~read).sum()), dtype=np.int64)])
    for number, day in enumerate(days):
        moment = _end_of(day, as_of, last_moment if number == len(days) - 1 else None)
        if not read[number]:
            situation = household_situation(households, moment, events=household_events)
            observing[number] = situation["under_observation"].sum()
            new[number] = (_days(households, "observation_start") == np.datetime64(day, "D")).sum()
        overdue[number] = disinfection_situation(points, moment, events=point_events)["overdue"].sum()
        standing = checkpoint_situation(checkpoints, moment, events=checkpoint_events)
        on = standing["active"].to_numpy()
        active[number] = on.sum()
        counted = standing["staff_on_shift"] if "staff_on_shift" in standing else checkpoints.get("staff_on_shift")
        if counted is not None:
            staff[number] = pd.to_numeric(counted, errors="coerce").to_numpy(dtype=float, na_value=0)[on].sum()
    series["under_observation"] = observing
    series["new"] = new
    series["disinfection_overdue"] = overdue
    series["checkpoints_active"] = active
    series["staff_on_shift"] = staff
    return series[list(COLUMNS)].reset_index(drop=True)


def _end_of(day: pd.Timestamp, as_of: pd.Timestamp, own: pd.Timestamp | None) -> pd.Timestamp:
    """The moment ``day`` is read at: its own moment if given, the dataset's as-of time on its
    day, else the evening."""
    if own is not None:
        return own
    return as_of if day == as_of.normalize() else day + _END_OF_DAY


def _per_day(times: pd.Series, days: pd.DatetimeIndex, until: pd.Timestamp | None = None) -> np.ndarray:
    """How many of ``times`` fall on each of ``days`` (none after ``until``)."""
    values = pd.to_datetime(times, errors="coerce")
    if until is not None:
        values = values[values <= until]
    return values.dt.normalize().value_counts().reindex(days, fill_value=0).to_numpy(dtype=np.int64)


def _households_per_day(
    households: pd.DataFrame, changes: pd.DataFrame | None, days: pd.DatetimeIndex
) -> tuple[np.ndarray, np.ndarray]:
    """Per day (all before the dataset's as-of day), the households under observation and those
    whose observation started, by the rules of :func:`layers.situation.household_situation`
    with the status changes read as :func:`layers.history.household_facts` reads them.

    A household's latest change up to a day decides its status; the record's own dated release
    or escalation counts as one more change on its day, after the real ones of that day. So each
    change holds from its day until the household's next later change, and the household is
    under observation on the days of an observing change that fall in its observation period.
    Households without changes keep their records. Each stretch of days is added to a
    difference array: no loop over days or households.
    """
    count = len(days)
    if count == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    first = np.datetime64(days[0], "D")
    start = _days(households, "observation_start")
    given = households.get("observation_days")
    length = OBSERVATION_DAYS if given is None else pd.to_numeric(given, errors="coerce").fillna(OBSERVATION_DAYS)
    release = start + (np.asarray(length, dtype=np.int64) - 1).astype("timedelta64[D]")
    status = households.get("status", pd.Series(None, index=households.index)).astype(object).to_numpy()
    settles = np.isin(status, ("released", "escalated"))
    dated = np.where(settles, _days(households, "status_date"), np.datetime64("NaT", "D"))

    recorded = np.zeros(len(households), dtype=bool)
    ends = np.where(settles & ~np.isnat(dated), dated - np.timedelta64(1, "D"), release)
    stretch_from, stretch_to = [start], [np.minimum(ends, release)]
    began_on = start.copy()
    if changes is not None and len(changes):
        ids = households["id"].astype(object).to_numpy()
        positions = pd.Index(ids).get_indexer(changes["household"].astype(object).to_numpy())
        known = positions >= 0
        recorded[positions[known]] = True
        change_day = _days(changes, "day")[known]
        change_owner = positions[known]
        change_status = changes["status"].astype(object).to_numpy()[known]
        mine = recorded & ~np.isnat(dated)
        # Every event of the recorded households, the record's dated change last on its day.
        event_owner = np.concatenate([change_owner, np.flatnonzero(mine)])
        event_day = np.concatenate([change_day, dated[mine]])
        event_status = np.concatenate([change_status, np.full(int(mine.sum()), "settled", dtype=object)])
        event_rank = np.arange(len(event_owner))
        order = np.lexsort((event_rank, event_day, event_owner))
        event_owner, event_day, event_status = event_owner[order], event_day[order], event_status[order]
        dated_ok = ~np.isnat(event_day)
        event_owner, event_day, event_status = event_owner[dated_ok], event_day[dated_ok], event_status[dated_ok]
        # The next event of the same household on a later day ends an event's hold; events
        # on the same day end each other at once.
        following = np.full(len(event_day), np.datetime64("NaT", "D"))
        same = event_owner[1:] == event_owner[:-1]
        following[:-1] = np.where(same, event_day[1:], np.datetime64("NaT", "D"))
        holds_until = np.where(np.isnat(following), np.datetime64("2262-01-01", "D"), following)
        watching = event_status == "observing"
        who = event_owner[watching]
        stretch_from.append(np.maximum(event_day[watching], start[who]))
        stretch_to.append(np.minimum(holds_until[watching] - np.timedelta64(1, "D"), release[who]))
        # Observation starts on the record's day once any change (or the record's) is known.
        earliest = np.full(len(households), np.datetime64("NaT", "D"))
        firsts = np.flatnonzero(np.r_[True, ~same]) if len(event_owner) else np.zeros(0, dtype=np.int64)
        earliest[event_owner[firsts]] = event_day[firsts]
        began_on = np.where(recorded & ~(earliest <= start), np.datetime64("NaT", "D"), start)
        stretch_from[0] = np.where(recorded, np.datetime64("NaT", "D"), start)
    frm = np.concatenate(stretch_from)
    to = np.concatenate(stretch_to)
    usable = ~np.isnat(frm) & ~np.isnat(to) & (frm <= to)
    frm = np.clip((frm[usable] - first).astype(np.int64), 0, count)
    to = np.clip((to[usable] - first).astype(np.int64) + 1, 0, count)
    steps = np.bincount(frm, minlength=count + 1) - np.bincount(to, minlength=count + 1)
    observing = np.cumsum(steps)[:count].astype(np.int64)
    offsets = (began_on[~np.isnat(began_on)] - first).astype(np.int64)
    new = np.bincount(offsets[(offsets >= 0) & (offsets < count)], minlength=count).astype(np.int64)
    return observing, new


def _days(frame: pd.DataFrame, name: str) -> np.ndarray:
    """Column ``name`` as numpy calendar days, NaT where missing."""
    column = frame.get(name)
    if column is None:
        return np.full(len(frame), np.datetime64("NaT", "D"))
    return pd.to_datetime(column, errors="coerce").to_numpy().astype("datetime64[D]")


def _only(dataset: Dataset, name: str, metadata: dict[str, str]) -> Dataset:
    frame = dataset.frames.get(name)
    return Dataset({} if frame is None else {name: _plain(frame)}, metadata)


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` without its geometry, with its text columns as plain Python objects."""
    columns = {
        name: (column.astype(object) if column.dtype == object or isinstance(column.dtype, pd.StringDtype) else column)
        for name, column in frame.items()
        if name != "geometry"
    }
    return pd.DataFrame(columns, index=frame.index)
