"""About fifty households under home medical observation (居家医学观察), all invented.

The reasons are the township's published ones; the households, their dates and places are
illustrative. The story they tell as of the evening of 19 February 2020:

* returnees from Wuhan and the rest of Hubei came home for the Spring Festival (25 January)
  and have mostly finished their 14 days;
* returnees from other provinces, close contacts and people with fever keep arriving, so
  many households are still observing;
* a few cases are written out by hand so every situation the map must show is there: two
  escalated to hospital, releases due today and tomorrow, and new households of the last
  three days.

Statuses follow from the dates (see :func:`status_on`), never the other way round. Names,
phones and notes are obviously fictitious ("示例户主001", "000-0000-0001").
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from shapely.geometry import Point, Polygon

from geodata.sample import layout
from geodata.sample.facts import AS_OF, VILLAGES
from geodata.schema import OBSERVATION_DAYS

_SEED = 20200219

# Households drawn at random, per reason: how many, and the window of their observation start.
DRAWN_HOUSEHOLDS = {
    "wuhan_return": (12, "2020-01-24", "2020-02-01"),
    "hubei_return": (9, "2020-01-24", "2020-02-08"),
    "other_province_return": (13, "2020-01-26", "2020-02-16"),
    "close_contact": (5, "2020-01-30", "2020-02-16"),
    "fever": (2, "2020-02-05", "2020-02-16"),
}

# Households written out by hand: (reason, observation start, escalated on or None).
STORY_HOUSEHOLDS = (
    ("fever", "2020-02-09", "2020-02-10"),  # temperature rose again: sent to hospital
    ("close_contact", "2020-02-03", "2020-02-06"),  # contact confirmed positive: escalated
    ("other_province_return", "2020-02-05", None),  # released today, 19 February
    ("hubei_return", "2020-02-05", None),  # released today
    ("other_province_return", "2020-02-06", None),  # released tomorrow, 20 February
    ("close_contact", "2020-02-06", None),  # released tomorrow
    ("other_province_return", "2020-02-17", None),  # new in the last three days
    ("fever", "2020-02-18", None),  # new
    ("close_contact", "2020-02-19", None),  # new today
)

# Households sit around a village's settlements (its centre and hamlets), this spread apart.
SETTLEMENT_SPREAD_M = 120.0
MIN_BOUNDARY_CLEARANCE_M = 25.0


def status_on(start: pd.Timestamp, as_of: pd.Timestamp, escalated_on: pd.Timestamp | None = None):
    """A household's ``(status, status_date)`` on ``as_of``.

    Escalated households stay escalated; the others are released when their 14 days are
    over (on ``start + 14 days``) and observing until then.

    Examples
    --------
    >>> status_on(pd.Timestamp("2020-02-05"), pd.Timestamp("2020-02-19 18:00"))
    ('released', Timestamp('2020-02-19 00:00:00'))
    >>> status_on(pd.Timestamp("2020-02-06"), pd.Timestamp("2020-02-19 18:00"))
    ('observing', None)
    """
    if escalated_on is not None:
        return "escalated", escalated_on
    release = start + pd.Timedelta(days=OBSERVATION_DAYS)
    if release <= as_of:
        return "released", release
    return "observing", None


def build_households(villages: dict[str, Polygon]) -> list[dict]:
    """The household records, with ``geometry`` in local metres.

    Parameters
    ----------
    villages
        Village polygons by village name (local metres).

    Returns
    -------
    list of dict
        One dict per household with the household schema's fields and ``geometry``, ids
        ``HH001``... in order of observation start.
    """
    rng = np.random.default_rng(_SEED)
    cases: list[tuple[str, pd.Timestamp, pd.Timestamp | None]] = [
        (reason, _random_day(rng, first, last), None)
        for reason, (count, first, last) in DRAWN_HOUSEHOLDS.items()
        for _ in range(count)
    ]
    cases += [
        (reason, pd.Timestamp(start), pd.Timestamp(escalated) if escalated else None)
        for reason, start, escalated in STORY_HOUSEHOLDS
    ]
    cases.sort(key=lambda case: case[1])  # stable: equal days keep their order

    population = np.array([v.population for v in VILLAGES], dtype=float)
    records = []
    for number, (reason, start, escalated_on) in enumerate(cases, start=1):
        village = VILLAGES[rng.choice(len(VILLAGES), p=population / population.sum())]
        status, status_date = status_on(start, AS_OF, escalated_on)
        records.append(
            {
                "id": f"HH{number:03d}",
                "village": village.code,
                "villager_group": int(rng.integers(1, village.groups + 1)),
                "reason": reason,
                "persons": int(rng.choice([1, 2, 3, 4, 5], p=[0.3, 0.3, 0.2, 0.15, 0.05])),
                "observation_start": start,
                "observation_days": OBSERVATION_DAYS,
                "status": status,
                "status_date": status_date,
                "last_check": _last_check(rng, status, status_date),
                "abnormal_temperature": reason == "fever",
                "head_name": f"示例户主{number:03d}",
                "phone": f"000-0000-{number:04d}",
                "note": "示例记录：已转诊" if status == "escalated" else "示例记录",
                "geometry": _home(rng, village.name, villages[village.name]),
            }
        )
    return records


def _random_day(rng: np.random.Generator, first: str, last: str) -> pd.Timestamp:
    days = (pd.Timestamp(last) - pd.Timestamp(first)).days
    return pd.Timestamp(first) + pd.Timedelta(days=int(rng.integers(0, days + 1)))


def _last_check(rng: np.random.Generator, status: str, status_date) -> pd.Timestamp:
    """The last follow-up visit: today for observing households, else on the status day."""
    day = AS_OF.normalize() if status == "observing" else status_date
    # Visits happen in working hours, between 08:00 and 17:00, on the quarter hour.
    return day + pd.Timedelta(hours=8) + pd.Timedelta(minutes=15 * int(rng.integers(0, 37)))


def _home(rng: np.random.Generator, village_name: str, village: Polygon) -> Point:
    """A point near one of the village's settlements, well inside the village."""
    settlements = [layout.VILLAGE_CENTRES[village_name]] + [
        xy for name, _, xy, _ in layout.HAMLETS if name == village_name
    ]
    allowed = village.buffer(-MIN_BOUNDARY_CLEARANCE_M)
    for _ in range(100):  # one or two draws as a rule: settlements lie well inside villages
        x, y = settlements[rng.integers(len(settlements))]
        dx, dy = rng.normal(0.0, SETTLEMENT_SPREAD_M, size=2)
        home = Point(round(x + dx, 1), round(y + dy, 1))
        if allowed.contains(home):
            return home
    raise ValueError(f"sample layout: no room for households around {village_name}'s settlements")
