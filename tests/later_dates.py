"""The dates an output writes, in every form the project writes them, for the tests that an
output of a past day says nothing known only later (issue 16, item 2).

    later_dates("Data as of 2020-02-10 23:59 · 2020年2月19日", "2020-02-10")  # ["2020-02-19"]

Forms read: ISO days (``2020-02-19``, also inside ``2020-02-19 16:40``), Babel's long days in
Chinese (``2020年2月19日``) and English (``19 February 2020``, ``February 19, 2020``), and,
when a ``year`` is given, the year-less days of the trend charts (``02-19``, ``2月19日``).
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["PAGE_TEXTS", "PLANNED", "dates_in", "later_dates"]

# Page fields of days still to come, planned on the day: not later facts.
PLANNED = ["release_date", "due_at"]

_MONTHS = {
    name.lower(): number
    for number, names in enumerate(
        [
            ("January", "Jan"),
            ("February", "Feb"),
            ("March", "Mar"),
            ("April", "Apr"),
            ("May",),
            ("June", "Jun"),
            ("July", "Jul"),
            ("August", "Aug"),
            ("September", "Sep", "Sept"),
            ("October", "Oct"),
            ("November", "Nov"),
            ("December", "Dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + ")"

# With a year: (pattern, which groups are year, month, day).
_WITH_YEAR = [
    (re.compile(r"(?<!\d)(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?!\d)"), (1, 2, 3)),
    (re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"), (1, 2, 3)),
    (re.compile(r"(?<!\d)(\d{1,2})\.? " + _MONTH + r"\.?,? (\d{4})(?!\d)", re.IGNORECASE), (3, 2, 1)),
    (re.compile(_MONTH + r"\.? (\d{1,2}),? (\d{4})(?!\d)", re.IGNORECASE), (3, 1, 2)),
]
# Without a year (chart day labels): (pattern, which groups are month, day).
_WITHOUT_YEAR = [
    (re.compile(r"(?<![\d:./-])(\d{2})-(\d{2})(?![\d:./-])"), (1, 2)),
    (re.compile(r"(?<!\d)(\d{1,2})\s*月\s*(\d{1,2})\s*日"), (1, 2)),
]


def _number(text: str) -> int:
    return _MONTHS[text.lower()] if text.lower() in _MONTHS else int(text)


def dates_in(text: str, year: int | None = None) -> list[dt.date]:
    """Every date written in ``text``, in order of the forms above. Year-less days are read in
    ``year`` (None: not read). Something shaped like a date that is no real day (``13-45``) is
    not a date."""
    found: list[dt.date] = []
    rest = text
    for pattern, (y, m, d) in _WITH_YEAR:
        for match in pattern.finditer(rest):
            try:
                found.append(dt.date(int(match[y]), _number(match[m]), int(match[d])))
            except ValueError:
                continue
        rest = pattern.sub(" ", rest)  # a day read once is not read again without its year
    if year is not None:
        for pattern, (m, d) in _WITHOUT_YEAR:
            for match in pattern.finditer(rest):
                try:
                    found.append(dt.date(year, int(match[m]), int(match[d])))
                except ValueError:
                    continue
            rest = pattern.sub(" ", rest)
    return found


def later_dates(text: str, day, *, year_less: bool = False) -> list[str]:
    """The dates in ``text`` after ``day`` (a date or ``YYYY-MM-DD``), as sorted ISO days.
    ``year_less``: also read year-less days, in ``day``'s year."""
    day = dt.date.fromisoformat(day) if isinstance(day, str) else day
    return sorted({d.isoformat() for d in dates_in(text, day.year if year_less else None) if d > day})


# A script (``PAGE_TEXTS % PLANNED``) returning every text of a situation page, once its
# SituationMap has drawn, and how many features it read: the text on screen, then each
# feature's tooltip, popup rows (the planned ones left out, found by their labels: an open
# popup of another layer may still be read) and properties (the planned ones left out).
PAGE_TEXTS = """
(function (planned) {
  var data = window.SITUATION_DATA, texts = [document.body.innerText], features = 0, skip = [];
  Object.keys(data.page.popupFields).forEach(function (name) {
    data.page.popupFields[name].forEach(function (pair) { if (planned.indexOf(pair[0]) >= 0) skip.push(pair[1]); });
  });
  Object.keys(data.layers).forEach(function (name) {
    data.layers[name].features.forEach(function (feature) {
      var properties = SituationMap.properties(name, feature.id);
      if (!properties) return;
      features += 1;
      planned.forEach(function (key) { delete properties[key]; });
      texts.push(JSON.stringify(properties));
      var opened = SituationMap.openPopup(name, feature.id);
      if (!opened) return;
      texts.push(opened.tooltip);
      document.querySelectorAll(".leaflet-popup-content .sm-popup").forEach(function (popup) {
        var title = popup.querySelector(".sm-popup-title");
        texts.push(title ? title.textContent : "");
        popup.querySelectorAll("tr").forEach(function (row) {
          var th = row.querySelector("th"), td = row.querySelector("td");
          if (th && skip.indexOf(th.textContent) < 0) texts.push(th.textContent + " " + (td ? td.textContent : ""));
        });
      });
    });
  });
  SituationMap.map().closePopup();
  return { texts: texts, features: features };
})(%s)
"""
