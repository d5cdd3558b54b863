"""How much is covered, said so that proposed sites are never counted as checkpoints that exist.

Every planning output (the panel, the map's planning legend, the ``plan`` command, a briefing)
says the two figures side by side: entries covered by the existing checkpoints, and entries
covered once the proposed (and what-if) sites stand too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from layers.i18n import _
from layers.planning.coverage import CoverageReport


@dataclass(frozen=True)
class CoverageFigures:
    """Road-entry coverage now and with the plan.

    Attributes
    ----------
    total : int
        Road entries.
    existing, existing_share : int, float
        Entries covered by the active checkpoints, and their share of the entry weight (0..1).
    planned, planned_share : int, float
        The same once the proposed and what-if sites stand too (equal to ``existing`` when
        the plan has no site).
    proposed_sites, what_if_sites : int
        How many sites of each kind the plan has.
    """

    total: int
    existing: int
    existing_share: float
    planned: int
    planned_share: float
    proposed_sites: int = 0
    what_if_sites: int = 0

    @property
    def has_plan(self) -> bool:
        return self.proposed_sites + self.what_if_sites > 0


def coverage_figures(
    existing: CoverageReport, with_plan: CoverageReport, proposed_sites: int = 0, what_if_sites: int = 0
) -> CoverageFigures:
    """The figures of two coverage reports of one context: the checkpoints alone, and with the plan."""
    return CoverageFigures(
        total=int(len(existing.entries)),
        existing=int(existing.covered_count),
        existing_share=float(existing.share),
        planned=int(with_plan.covered_count),
        planned_share=float(with_plan.share),
        proposed_sites=int(proposed_sites),
        what_if_sites=int(what_if_sites),
    )


def existing_text(figures: CoverageFigures) -> str:
    """ "Covered 4/18 by existing checkpoints (18 % of the weight)"."""
    return _("Covered {covered}/{total} by existing checkpoints ({share:.0f} % of the weight)").format(
        covered=figures.existing, total=figures.total, share=figures.existing_share * 100
    )


def planned_text(figures: CoverageFigures) -> str:
    """ "7/18 with the 2 proposed sites (35 % of the weight)" ("" without a plan)."""
    if not figures.has_plan:
        return ""
    values = {
        "covered": figures.planned,
        "total": figures.total,
        "share": figures.planned_share * 100,
        "proposed": figures.proposed_sites,
        "what_if": figures.what_if_sites,
    }
    if figures.proposed_sites and figures.what_if_sites:
        text = _(
            "{covered}/{total} with the {proposed} proposed and {what_if} what-if sites ({share:.0f} % of the weight)"
        )
    elif figures.proposed_sites:
        text = _("{covered}/{total} with the {proposed} proposed sites ({share:.0f} % of the weight)")
    else:
        text = _("{covered}/{total} with the {what_if} what-if sites ({share:.0f} % of the weight)")
    return text.format(**values)


def coverage_text(figures: CoverageFigures) -> str:
    """Both figures on one line: "Covered 4/18 by existing checkpoints (…) · 7/18 with the 2 proposed sites (…)"."""
    return " · ".join(part for part in (existing_text(figures), planned_text(figures)) if part)


def text_of(value) -> str:
    """A value from a table as printed text: "" for a missing one (None, NaN, NaT), never
    "nan" or "None"; a numpy scalar as its Python value."""
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):  # a tuple or list: not a single value
        pass
    if isinstance(value, np.generic):
        value = value.item()
    return str(value)
