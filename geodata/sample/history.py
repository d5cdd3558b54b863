"""What happened from late January to the sample's evening: the event tables, all invented.

The current fields of the point records are where the story ends; the history is written
backwards and forwards from them so that, read as of the sample's evening (19 February 2020,
18:00), the events say exactly what the records say:

* ``checkpoint_changes``: each checkpoint is opened on its ``opened`` day (with a first shift),
  the shift changes every morning at 08:00 with that day's staff count (the last one is the
  record's ``staff_on_shift``), and a closed checkpoint is closed on its ``closed`` day;
* ``disinfection_rounds``: every point is disinfected every ``interval_hours`` (the published
  schedule it carries), a few minutes early or late, from its checkpoint's opening (or from
  the day its kind of place was taken in) up to its ``last_disinfected``, so a point that is
  overdue now stopped being done then;
* ``status_changes``: "observing" on the household's ``observation_start``, then "released"
  (after its 14 days) or "escalated" on its ``status_date``;
* ``followups``: two visits a day (about 08:00 and 17:00) while a household is observed, the
  last one at its ``last_check``; the temperature is normal (36.2-37.2 °C) except when the
  household came in with a fever (its first day) and when its record says the temperature
  is abnormal (its last visit). An escalated household's last visit is the referral.

Every event is reported by its village's work group. Random draws use fixed seeds.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from geodata.sample.facts import AS_OF, VILLAGES

_SEED = 20200126

# A temperature of this much or more is abnormal (the national screening threshold of 2020).
ABNORMAL_TEMPERATURE = 37.3
NORMAL_TEMPERATURE = (36.2, 37.2)
FEVER_TEMPERATURE = (37.3, 38.6)

# The day each kind of place away from a checkpoint was first disinfected: public areas
# (the market town) right after the first-level response, homes and workplaces later.
DISINFECTION_STARTED = {
    "public": pd.Timestamp("2020-01-26 08:00"),
    "residential": pd.Timestamp("2020-01-27 08:00"),
    "work_area": pd.Timestamp("2020-01-28 08:00"),
}
AGENT = {
    "checkpoint": "含氯消毒液",
    "public": "含氯消毒液",
    "residential": "84消毒液",
    "work_area": "75%酒精",
}
# Rounds are done within this many minutes of the schedule, reported to the ten minutes.
ROUND_JITTER_MIN = 30

SHIFT_CHANGE = pd.Timedelta(hours=8)
CLOSING = pd.Timedelta(hours=18)
MORNING_VISIT = pd.Timedelta(hours=8)
EVENING_VISIT = pd.Timedelta(hours=17)
NOON = pd.Timedelta(hours=12)

_WORK_GROUP = {village.code: village.work_group for village in VILLAGES}


def build_history(
    checkpoints: Sequence[dict], households: Sequence[dict], points: Sequence[dict]
) -> dict[str, list[dict]]:
    """The event records behind the current point records.

    Parameters
    ----------
    checkpoints, households, points
        The records of :mod:`~geodata.sample.checkpoints`, :mod:`~geodata.sample.households`
        and :mod:`~geodata.sample.disinfection`.

    Returns
    -------
    dict
        ``checkpoint_changes``, ``disinfection_rounds``, ``status_changes`` and ``followups``:
        each a list of dicts with the event schema's fields, in order of time. None is after
        the sample's as-of moment.
    """
    rng = np.random.default_rng(_SEED)
    opened_at: dict[str, pd.Timestamp] = {}
    checkpoint_changes = []
    for checkpoint in checkpoints:
        events = _checkpoint_changes(rng, checkpoint)
        opened_at[checkpoint["id"]] = events[0]["time"]
        checkpoint_changes += events
    rounds = []
    for point in points:
        start = opened_at[point["checkpoint"]] if point["checkpoint"] else DISINFECTION_STARTED[point["kind"]]
        rounds += _rounds(rng, point, start)
    status_changes = [event for household in households for event in _status_changes(household)]
    followups = [event for household in households for event in _followups(rng, household)]
    return {
        "checkpoint_changes": _in_time_order(checkpoint_changes, "time"),
        "disinfection_rounds": _in_time_order(rounds, "time"),
        "status_changes": _in_time_order(status_changes, "day"),
        "followups": _in_time_order(followups, "time"),
    }


def _in_time_order(events: list[dict], key: str) -> list[dict]:
    return sorted(events, key=lambda event: (event[key], event["id"]))


def _checkpoint_changes(rng: np.random.Generator, checkpoint: dict) -> list[dict]:
    """Opened during its day, a shift change every morning after, closed in the evening if so."""
    staff = int(checkpoint["staff_on_shift"])
    opened = checkpoint["opened"] + pd.Timedelta(hours=9) + pd.Timedelta(minutes=10 * int(rng.integers(0, 37)))
    closed = checkpoint["closed"]
    end = min(AS_OF, closed + CLOSING) if closed is not None and not pd.isna(closed) else AS_OF
    shifts = [day + SHIFT_CHANGE for day in pd.date_range(checkpoint["opened"] + pd.Timedelta(days=1), end.normalize())]
    shifts = [time for time in shifts if time <= end]
    # Early on, and now and then since, a shift ran one short or one over; the record's count
    # is today's (the last shift's).
    counts = [max(2, staff + int(rng.choice([-1, 0, 0, 0, 0, 0, 0, 1]))) for _ in shifts]
    if counts:
        counts[-1] = staff
    changes: list[tuple[str, pd.Timestamp, int | None]] = [("opened", opened, staff)]
    changes += [("staffing", time, count) for time, count in zip(shifts, counts, strict=True)]
    if closed is not None and not pd.isna(closed) and closed + CLOSING <= AS_OF:
        # No count: the staff count of a closed checkpoint stays its last shift's.
        changes.append(("closed", closed + CLOSING, None))
    return [
        {
            "id": f"CC-{checkpoint['id']}-{number:03d}",
            "checkpoint": checkpoint["id"],
            "village": checkpoint["village"],
            "time": time,
            "change": change,
            "staff_on_shift": count,
            "reported_by": _WORK_GROUP[checkpoint["village"]],
            "note": None,
        }
        for number, (change, time, count) in enumerate(changes, start=1)
    ]


def _rounds(rng: np.random.Generator, point: dict, start: pd.Timestamp) -> list[dict]:
    """Rounds every ``interval_hours`` back from the last one, none before ``start``."""
    last = point["last_disinfected"]
    if last is None or pd.isna(last):
        return []
    interval = pd.Timedelta(hours=float(point["interval_hours"]))
    times = [last]
    while True:
        jitter = pd.Timedelta(minutes=10 * int(rng.integers(-ROUND_JITTER_MIN // 10, ROUND_JITTER_MIN // 10 + 1)))
        time = last - len(times) * interval + jitter
        if time < start:
            break
        times.append(time)
    return [
        {
            "id": f"DR-{point['id']}-{number:04d}",
            "point": point["id"],
            "village": point["village"],
            "time": time,
            "agent": AGENT[point["kind"]],
            "reported_by": _WORK_GROUP[point["village"]],
            "note": None,
        }
        for number, time in enumerate(reversed(times), start=1)
    ]


def _status_changes(household: dict) -> list[dict]:
    changes = [("observing", household["observation_start"])]
    if household["status"] != "observing":
        changes.append((household["status"], household["status_date"]))
    return [
        {
            "id": f"SC-{household['id']}-{number}",
            "household": household["id"],
            "village": household["village"],
            "day": day,
            "status": status,
            "reported_by": _WORK_GROUP[household["village"]],
            "note": None,
        }
        for number, (status, day) in enumerate(changes, start=1)
    ]


def _followups(rng: np.random.Generator, household: dict) -> list[dict]:
    """Morning and evening visits from the first day to the one of ``last_check``."""
    last = household["last_check"]
    if last is None or pd.isna(last):
        return []
    first_day = household["observation_start"]
    times = []
    for day in pd.date_range(first_day, last.normalize()):
        morning = day + MORNING_VISIT + pd.Timedelta(minutes=10 * int(rng.integers(-3, 7)))
        evening = day + EVENING_VISIT + pd.Timedelta(minutes=10 * int(rng.integers(-3, 4)))
        if day < last.normalize():
            times += [morning, evening]
        else:  # the last visit is the record's; it is the morning's or the evening's
            times += [last] if last - day < NOON else [morning, last]
    fever = household["reason"] == "fever"
    visits = []
    for number, time in enumerate(times, start=1):
        is_last = number == len(times)
        abnormal = (fever and time.normalize() == first_day) or (is_last and bool(household["abnormal_temperature"]))
        low, high = FEVER_TEMPERATURE if abnormal else NORMAL_TEMPERATURE
        temperature = round(float(rng.uniform(low, high)), 1)
        referred = is_last and household["status"] == "escalated"
        visits.append(
            {
                "id": f"FU-{household['id']}-{number:04d}",
                "household": household["id"],
                "village": household["village"],
                "time": time,
                "temperature": temperature,
                "symptoms": abnormal,
                "result": "referred" if referred else ("abnormal" if abnormal else "normal"),
                "reported_by": _WORK_GROUP[household["village"]],
                "note": None,
            }
        )
    return visits
