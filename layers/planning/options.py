"""What a planning run is asked: radius, road-class weights, distances, candidate spacing."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from geodata.messages import N_, Message
from geodata.schema import ROAD_CLASSES

# An entry on a bigger road carries more traffic, so watching it is worth more.
DEFAULT_WEIGHTS = MappingProxyType(
    {"expressway": 5.0, "national": 4.0, "provincial": 3.0, "county": 2.0, "village": 1.0}
)
DEFAULT_RADIUS_M = 300.0
DEFAULT_HOUSEHOLD_DISTANCE_M = 1000.0
DEFAULT_SPACING_M = 200.0


class PlanningError(ValueError):
    """A planning question that cannot be answered as asked (bad radius, no roads, ...)."""


@dataclass(frozen=True)
class PlanningOptions:
    """The settings of a coverage analysis and a siting run.

    Attributes
    ----------
    radius_m : float
        An entry is covered when a checkpoint is at most this far from it, in metres (> 0).
    weights : mapping of road class to weight
        How much an entry on a road of each class counts; classes left out weigh 0 (such
        entries are listed but never worth a checkpoint).
    along_roads : bool
        Measure the distance along the road network instead of in a straight line.
    household_distance_m : float
        A household further than this from every disinfection point is reported.
    spacing_m : float
        Candidate sites are placed along every road at this spacing, in metres (> 0).
    """

    radius_m: float = DEFAULT_RADIUS_M
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    along_roads: bool = False
    household_distance_m: float = DEFAULT_HOUSEHOLD_DISTANCE_M
    spacing_m: float = DEFAULT_SPACING_M

    def __post_init__(self):
        _positive(Message(N_("radius")), self.radius_m)
        _positive(Message(N_("household distance")), self.household_distance_m)
        _positive(Message(N_("candidate spacing")), self.spacing_m)
        for road_class, weight in self.weights.items():
            if road_class not in ROAD_CLASSES:
                raise _unknown_class(road_class)
            if (
                isinstance(weight, bool)
                or not isinstance(weight, (int, float))
                or not math.isfinite(weight)
                or weight < 0
            ):
                raise PlanningError(
                    Message(
                        N_("weights: {road_class}={weight} is not a number of 0 or more"),
                        road_class=road_class,
                        weight=repr(weight),
                    )
                )
        object.__setattr__(self, "weights", MappingProxyType(dict(self.weights)))

    def __hash__(self):
        return hash(
            (
                self.radius_m,
                tuple(sorted(self.weights.items())),
                self.along_roads,
                self.household_distance_m,
                self.spacing_m,
            )
        )

    def weight_of(self, road_class: str) -> float:
        return float(self.weights.get(road_class, 0.0))


def parse_weights(text: str) -> dict[str, float]:
    """Road-class weights from ``"national=5,village=0.5"``; classes not named keep their default.

    Examples
    --------
    >>> parse_weights("village=0.5")["village"], parse_weights("village=0.5")["county"]
    (0.5, 2.0)
    """
    weights = dict(DEFAULT_WEIGHTS)
    for item in filter(None, (part.strip() for part in text.split(","))):
        road_class, sep, value = item.partition("=")
        road_class = road_class.strip()
        if not sep:
            raise PlanningError(Message(N_("weights: {item} is not CLASS=WEIGHT (e.g. national=5)"), item=repr(item)))
        if road_class not in ROAD_CLASSES:
            raise _unknown_class(road_class)
        try:
            weights[road_class] = float(value)
        except ValueError:
            raise PlanningError(
                Message(
                    N_("weights: {road_class}={weight} is not a number"),
                    road_class=road_class,
                    weight=repr(value.strip()),
                )
            ) from None
    PlanningOptions(weights=weights)  # the same checks as any other options
    return weights


def _unknown_class(road_class: str) -> PlanningError:
    return PlanningError(
        Message(
            N_("weights: unknown road class {road_class}; classes are {classes}"),
            road_class=repr(road_class),
            classes=", ".join(ROAD_CLASSES),
        )
    )


def _positive(what: Message, value) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise PlanningError(
            Message(N_("{what}: must be a distance in metres above 0, got {value}"), what=what, value=repr(value))
        )
