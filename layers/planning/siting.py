"""Siting new checkpoints: maximal covering (MCLP) and fewest-to-cover-all (LSCP).

The models are PySAL spopt's, solved with the CBC solver bundled with PuLP. Existing
checkpoints stay where they are: the entries they cover are counted as covered and left out
of the model, which has the same optimum as pinning them as predefined facilities and keeps
the model small. Each model row is an uncovered entry (entries reached by the same set of
candidates are merged, their weights summed) and each column a candidate that reaches at
least one of them, so the constraints are sparse: a county with thousands of entries and
candidates solves in seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geodata.feedback import Cancelled, Feedback, as_feedback
from geodata.messages import N_, Message
from layers.i18n import _
from layers.planning.candidates import candidate_sites
from layers.planning.coverage import CoverageReport, PlanningContext, Site
from layers.planning.options import PlanningError


def note_text(note: tuple[str, dict]) -> str:
    """A note of :attr:`SitingResult.notes` as the user reads it, in the current language."""
    code, values = note
    texts = {
        "all_covered": _("every entry worth covering is already covered"),
        "few_useful": _("only {useful} candidate sites add coverage; {extra} more would add nothing"),
        "unreachable": _("{count} uncovered entries are out of reach of every candidate"),
    }
    return texts[code].format(**values)


def step_text(step: str) -> str:
    """A step :func:`suggest_sites` reports to its ``feedback``, as the user reads it."""
    texts = {
        "coverage before": _("Coverage before"),
        "candidate sites": _("Candidate sites"),
        "distances": _("Distances"),
        "building the model": _("Building the model"),
        "solving (CBC)": _("Solving (CBC)"),
        "coverage after": _("Coverage after"),
        "done": _("Done"),
    }
    return texts.get(step, step)


# The name the planning's callers knew: one cancel for every long job, raised by Feedback.report.
PlanningCancelled = Cancelled


@dataclass(frozen=True)
class Proposal:
    """A proposed new checkpoint and what it adds."""

    key: str  # "P1", "P2", ... in order of gain
    longitude: float
    latitude: float
    village: str  # division code
    village_name: str
    kind: str  # which kind of candidate it was: user, entry, junction, along_road
    covers: tuple[str, ...]  # ids of the entries it covers that were uncovered before
    gain: float  # their weight

    def site(self) -> Site:
        return Site(self.key, self.longitude, self.latitude)


@dataclass
class SitingResult:
    """A siting run: coverage before and after, the proposals and anything worth saying."""

    method: str  # "mclp" or "lscp"
    before: CoverageReport
    after: CoverageReport
    proposals: tuple[Proposal, ...]
    candidates: int
    notes: list[tuple[str, dict]] = field(default_factory=list)  # (code, values): see note_text
    unreachable: tuple[str, ...] = ()  # uncovered entries no candidate can reach


def suggest_sites(
    context: PlanningContext,
    k: int | None,
    *,
    lscp: bool = False,
    user_sites=(),
    candidates: pd.DataFrame | None = None,
    feedback: Feedback | None = None,
) -> SitingResult:
    """Propose new checkpoints for ``context``.

    Parameters
    ----------
    k : int
        How many new checkpoints (MCLP); ignored with ``lscp``.
    lscp : bool
        Propose the fewest new checkpoints that cover every entry a candidate can reach.
    user_sites : iterable of Site
        Candidate places the user added.
    candidates : DataFrame, optional
        Candidate sites to use instead of the generated ones: ``kind``, ``x``, ``y`` in the
        context's metric CRS.
    feedback : Feedback, optional
        Told each step (fraction done, a step :func:`step_text` words); cancelling it stops
        the run at its next step. The solver's own step cannot be interrupted.

    Raises
    ------
    PlanningError
        For k below 1 or above the number of candidates, or no candidate at all.
    Cancelled
        The feedback was cancelled.
    """
    step = as_feedback(feedback).report

    wanted_count: int | np.integer = 0  # k once checked; unused with lscp
    if not lscp:
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
            raise PlanningError(
                Message(
                    N_("number of new checkpoints: must be a whole number of 1 or more, got {count}"), count=repr(k)
                )
            )
        wanted_count = k
    step(0.0, "coverage before")
    before = context.coverage()
    step(0.1, "candidate sites")
    if candidates is None:
        candidates = candidate_sites(context, context.options.spacing_m, user_sites)
    if candidates.empty:
        raise PlanningError(Message(N_("there is no candidate site: the dataset has no roads and no site was placed")))
    if not lscp and wanted_count > len(candidates):
        raise PlanningError(
            Message(
                N_("number of new checkpoints: {count} is more than the {candidates} candidate sites"),
                count=wanted_count,
                candidates=len(candidates),
            )
        )
    step(0.2, "distances")
    candidate_rows, entry_rows = context.covering_pairs(candidates[["x", "y"]].to_numpy(float))
    weights = context.entries["weight"].to_numpy(float)
    wanted = (~before.entries["covered"].to_numpy(bool)) & (weights > 0)
    useful = wanted[entry_rows]
    candidate_rows, entry_rows = candidate_rows[useful], entry_rows[useful]
    reachable = np.zeros(len(weights), dtype=bool)
    reachable[entry_rows] = True
    unreachable = tuple(context.entries["id"].to_numpy(dtype=object)[wanted & ~reachable])
    notes: list[tuple[str, dict]] = []
    if not wanted.any():
        notes.append(("all_covered", {}))
        return SitingResult("lscp" if lscp else "mclp", before, before, (), len(candidates), notes, ())
    if len(entry_rows) == 0:
        raise PlanningError(
            Message(
                N_(
                    "no candidate site lies within {radius} m of an uncovered entry: "
                    "try a larger radius or place a candidate"
                ),
                radius=f"{context.options.radius_m:g}",
            )
        )

    step(0.4, "building the model")
    columns, column_of = np.unique(candidate_rows, return_inverse=True)
    groups = _merge_identical_rows(entry_rows, column_of)
    if lscp:
        chosen = _solve_lscp(groups, len(columns), step)
    else:
        p = int(min(wanted_count, len(columns)))
        if p < wanted_count:
            notes.append(("few_useful", {"useful": p, "extra": wanted_count - p}))
        chosen = _solve_mclp(groups, weights, len(columns), p, step)
    step(0.9, "coverage after")
    proposals = _proposals(context, candidates.iloc[columns[chosen]], before)
    after = context.coverage(tuple(p.site() for p in proposals))
    if unreachable:
        notes.append(("unreachable", {"count": len(unreachable)}))
    step(1.0, "done")
    return SitingResult("lscp" if lscp else "mclp", before, after, proposals, len(candidates), notes, unreachable)


def _merge_identical_rows(entry_rows: np.ndarray, column_of: np.ndarray) -> pd.DataFrame:
    """One row per distinct set of columns: the entries it stands for and the columns."""
    pairs = pd.DataFrame({"entry": entry_rows, "column": column_of}).sort_values(["entry", "column"])
    sets = pairs.groupby("entry")["column"].agg(tuple)
    return (
        sets.reset_index()
        .groupby("column")["entry"]
        .agg(tuple)
        .reset_index()
        .rename(columns={"column": "columns", "entry": "entries"})
    )


def _solve_mclp(groups: pd.DataFrame, weights: np.ndarray, n_columns: int, p: int, step) -> np.ndarray:
    import pulp
    from spopt.locate import MCLP
    from spopt.locate.base import FacilityModelBuilder

    model = MCLP("mclp", pulp.LpProblem("mclp", pulp.LpMaximize))
    FacilityModelBuilder.add_facility_integer_variable(model, range(n_columns), "x[{i}]")
    FacilityModelBuilder.add_client_integer_variable(model, range(len(groups)), "y[{i}]")
    x, y = model.fac_vars, model.cli_vars
    group_weights = [float(weights[list(entries)].sum()) for entries in groups["entries"]]
    model.problem += pulp.lpSum(w * y[i] for i, w in enumerate(group_weights)), "objective function"
    for i, columns in enumerate(groups["columns"]):
        model.problem += pulp.lpSum(x[j] for j in columns) >= y[i]
    FacilityModelBuilder.add_facility_constraint(model, p)
    step(0.5, "solving (CBC)")
    model.solve(pulp.PULP_CBC_CMD(msg=False), results=False)
    return np.flatnonzero([(v.value() or 0) > 0.5 for v in x])


def _solve_lscp(groups: pd.DataFrame, n_columns: int, step) -> np.ndarray:
    import pulp
    from spopt.locate import LSCP
    from spopt.locate.base import FacilityModelBuilder

    model = LSCP("lscp", pulp.LpProblem("lscp", pulp.LpMinimize))
    FacilityModelBuilder.add_facility_integer_variable(model, range(n_columns), "x[{i}]")
    x = model.fac_vars
    model.problem += pulp.lpSum(x), "objective function"
    for columns in groups["columns"]:
        model.problem += pulp.lpSum(x[j] for j in columns) >= 1
    step(0.5, "solving (CBC)")
    model.solve(pulp.PULP_CBC_CMD(msg=False), results=False)
    return np.flatnonzero([(v.value() or 0) > 0.5 for v in x])


def _proposals(context: PlanningContext, chosen: pd.DataFrame, before: CoverageReport) -> tuple[Proposal, ...]:
    longitudes, latitudes = context.to_lonlat(chosen["x"].to_numpy(float), chosen["y"].to_numpy(float))
    longitudes, latitudes = np.atleast_1d(longitudes), np.atleast_1d(latitudes)
    site_rows, entry_rows = context.covering_pairs(chosen[["x", "y"]].to_numpy(float))
    uncovered = ~before.entries["covered"].to_numpy(bool)
    ids = context.entries["id"].to_numpy(dtype=object)
    weights = context.entries["weight"].to_numpy(float)
    found = []
    for row, (kind, lon, lat) in enumerate(zip(chosen["kind"], longitudes, latitudes, strict=False)):
        rows = np.sort(entry_rows[(site_rows == row) & uncovered[entry_rows]])
        village = context.village_of(lon, lat)
        found.append((float(weights[rows].sum()), tuple(ids[rows]), float(lon), float(lat), village, kind))
    # An entry two proposals both reach is counted once, for the one that adds most first
    # (greedy order): the gains then add up to what the plan adds, as a leader expects.
    weight_of = dict(zip(ids, weights, strict=False))
    claimed: set = set()
    proposals: list[Proposal] = []
    remaining = sorted(found, key=lambda item: (item[2], item[3]))

    def added(item) -> float:
        return float(sum(weight_of[e] for e in item[1] if e not in claimed))

    while remaining:
        best = max(remaining, key=added)  # max keeps the first (westmost) of equals
        remaining.remove(best)
        _raw, covers, lon, lat, village, kind = best
        gain = added(best)
        claimed.update(covers)
        proposals.append(
            Proposal(
                f"P{len(proposals) + 1}", lon, lat, village, context.village_names.get(village, ""), kind, covers, gain
            )
        )
    return tuple(proposals)
