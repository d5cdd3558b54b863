"""Planning new checkpoints: road entries, their coverage, and where new checkpoints go.

>>> context = PlanningContext(dataset, PlanningOptions(radius_m=300))   # doctest: +SKIP
>>> context.coverage().share                                            # doctest: +SKIP
>>> suggest_sites(context, k=3).proposals                               # doctest: +SKIP

No Qt here: the window's planning panel and the ``plan`` command both use these functions.
"""

from geodata.feedback import Cancelled
from layers.planning.coverage import CoverageReport, PlanningContext, Site
from layers.planning.options import (
    DEFAULT_RADIUS_M,
    DEFAULT_WEIGHTS,
    PlanningError,
    PlanningOptions,
    parse_weights,
)
from layers.planning.siting import PlanningCancelled, Proposal, SitingResult, suggest_sites

__all__ = [
    "CoverageReport",
    "PlanningContext",
    "Site",
    "DEFAULT_RADIUS_M",
    "DEFAULT_WEIGHTS",
    "PlanningError",
    "PlanningOptions",
    "parse_weights",
    "Cancelled",
    "PlanningCancelled",
    "Proposal",
    "SitingResult",
    "suggest_sites",
]
