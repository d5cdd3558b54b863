"""The internal briefing's list of households under observation or escalated on the day.

A township lists a few dozen; a city may list hundreds of thousands. The list is therefore
kept as the sorted records and turned into table rows a stretch at a time
(:meth:`HouseholdList.table`): a long list is printed in parts
(:data:`layers.briefing.options.BriefingOptions.list_rows_per_document` rows each), so no
page ever holds every row at once.
"""

from __future__ import annotations

import pandas as pd

from geodata.dataset import Dataset
from geodata.messages import N_
from geodata.schema import OBSERVATION_DAYS, choice_label
from layers.briefing.cells import cell_text, display_width, is_missing
from layers.briefing.table import Table
from layers.situation import household_situation
from layers.statistics import figure_label

LISTED_STATUSES = ("observing", "escalated")
# Column shares of the list: English statuses ("Under observation") need room to break between
# words, Chinese day counts ("第 14/14 天") to stay on one line.
WIDTHS = {
    "zh": [6, 7, 5, 10, 11.5, 9, 9.5, 9, 9.5, 7, 7.5],  # weights: the table spans the page
    "en": [6, 7, 5, 8, 12, 9.5, 9.5, 7.5, 9.5, 12, 9],
}
# Longest texts kept in a cell (display columns); longer ones go whole to the appendix.
ID_LIMIT = 12
LIMITS = [ID_LIMIT, 12, None, 14, 18, None, None, None, None, None, 24]
# The id column is made as wide as the longest id needs, on the narrowest page (A4 portrait)
# at the list's 7.5 pt: a city's nine-character ids broke in two at a township's width.
_ID_MM_PER_COLUMN = 1.7  # a display column (a Latin character; a Chinese one is two), with room
_CELL_PADDING_MM = 4
_NARROWEST_LIST_MM = 170


class HouseholdList:
    """Every household under observation or escalated at ``as_of``, by village (in the
    villages layer's order), group and id, with the words of language ``lang``."""

    def __init__(self, dataset: Dataset, as_of, lang: str, tr, village_names: dict[str, str]):
        households = dataset.households
        situation = household_situation(households, as_of, dataset)
        listed = situation["status_on_day"].astype(object).isin(LISTED_STATUSES).to_numpy()
        frame, day = households[listed], situation[listed]
        village_order = {code: row for row, code in enumerate(village_names)}
        order = (
            pd.DataFrame(
                {
                    "village": frame["village"].map(village_order),
                    "group": _column(frame, "villager_group"),
                    "id": frame["id"],
                }
            )
            .sort_values(["village", "group", "id"], na_position="last")
            .index
        )
        self._frame, self._day = frame.loc[order], day.loc[order]
        self._lang, self._tr, self._names = lang, tr, village_names
        longest_id = max((display_width(text) for text in _texts(self._frame["id"])), default=0)
        self._widths = _widths(lang, min(longest_id, ID_LIMIT + 1))  # a longer one is cut: "…"
        statuses = self._day["status_on_day"].astype(object)
        self.observing = int((statuses == "observing").sum())
        self.escalated = len(self) - self.observing

    def __len__(self) -> int:
        return len(self._frame)

    @property
    def caption(self) -> str:
        return self._tr(N_("Households under home medical observation or escalated ({count})")).format(count=len(self))

    @property
    def note(self) -> str:
        return self._tr(
            N_(
                "{count} households: {observing} under observation (the key figure “{figure}”) and "
                "{escalated} escalated, listed until released."
            )
        ).format(
            count=len(self),
            observing=self.observing,
            escalated=self.escalated,
            figure=figure_label("households_under_observation", self._lang),
        )

    def table(self, start: int = 0, stop: int | None = None) -> Table:
        """Rows ``start`` to ``stop`` (all by default) as a table; a part after the first is
        captioned as the list continued."""
        tr, lang = self._tr, self._lang
        frame, day = self._frame.iloc[start:stop], self._day.iloc[start:stop]
        days = pd.to_numeric(_column(frame, "observation_days"), errors="coerce").fillna(OBSERVATION_DAYS).astype(int)
        day_pattern = tr(N_("day {n} of {days}"))
        day_texts = [
            "" if is_missing(n) else day_pattern.format(n=int(n), days=d)
            for n, d in zip(day["observation_day"].astype(object), days, strict=False)
        ]
        columns = [
            _texts(frame["id"]),
            [self._names.get(code, code) for code in _texts(frame["village"])],
            _texts(_column(frame, "villager_group")),
            _texts(_column(frame, "head_name")),
            _texts(_column(frame, "phone")),
            [choice_label("households", "reason", r, lang) for r in _texts(_column(frame, "reason"))],
            _texts(_column(frame, "observation_start")),
            day_texts,
            _texts(day["release_date"]),
            [choice_label("households", "status", cell_text(v), lang) for v in day["status_on_day"].astype(object)],
            _texts(_column(frame, "note")),
        ]
        headers = [
            tr(N_("ID")),
            tr(N_("Village")),
            tr(N_("Group")),
            tr(N_("Head of household")),
            tr(N_("Phone")),
            tr(N_("Reason")),
            tr(N_("Start")),
            tr(N_("Day")),
            tr(N_("Release date")),
            tr(N_("Status")),
            tr(N_("Note")),
        ]
        first = start == 0
        caption = (
            self.caption
            if first
            else tr(N_("{caption}, continued: rows {first} to {last}")).format(
                caption=self.caption, first=start + 1, last=start + len(frame)
            )
        )
        return Table(
            caption,
            headers,
            [list(row) for row in zip(*columns, strict=False)],
            [False] * len(headers),
            empty_text=tr(N_("none")),
            widths=self._widths,
            limits=list(LIMITS),
            keys=columns[0],
            note=self.note if first else "",
        )


def _widths(lang: str, id_columns: int) -> list[float]:
    """The list's column weights, the id's widened so that ``id_columns`` display columns fit
    on one line. The room is taken from the note, then the head of household, which wrap
    between words: the village names and day counts must stay on one line."""
    widths = list(WIDTHS[lang])
    share = (id_columns * _ID_MM_PER_COLUMN + _CELL_PADDING_MM) / _NARROWEST_LIST_MM
    extra = max(0.0, share * sum(widths) - widths[0])
    for column, least in ((10, 4.0), (3, 7.0)):  # note, head of household
        taken = min(extra, widths[column] - least)
        widths[column] -= taken
        widths[0] += taken
        extra -= taken
    return widths


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    """``frame[name]``, or an empty column when the layer lacks that (optional) field."""
    return frame[name] if name in frame.columns else pd.Series(None, index=frame.index, dtype=object)


def _texts(values: pd.Series) -> list[str]:
    if pd.api.types.is_datetime64_any_dtype(values):  # days as cell_text prints them, at once
        return values.dt.strftime("%Y-%m-%d").astype(object).where(values.notna(), "").tolist()
    # A text prints as itself: only other values (missing, numbers) need cell_text.
    return [v if type(v) is str else cell_text(v) for v in values.astype(object)]
