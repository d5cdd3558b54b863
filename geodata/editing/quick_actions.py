"""Quick actions: the one-click edits of the details panel, as one table.

Each sets a status (or none) and the day or time it happened, and is described in the
journal and the undo menu by its own words. Each raises :class:`~geodata.editing.EditError`,
as :func:`~geodata.editing.update_feature` does, for an unknown feature, a value that does
not pass validation (a day that is no date, a release before observation began), or no change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from geodata.dataset import Dataset
from geodata.editing.edits import Edit, update_edit
from geodata.messages import N_, Message
from geodata.schema import schema_for


@dataclass(frozen=True)
class QuickAction:
    """One quick action on one layer.

    Attributes
    ----------
    layer
        The layer it edits.
    status
        The status it sets, or ``None`` when it sets none.
    moment_field
        The field that takes the day or time the action happened.
    description
        How the journal and the undo menu name it (an English template, translated where
        it is shown); ``{id}`` is the feature's id.
    """

    layer: str
    status: str | None
    moment_field: str
    description: str

    def edit(self, dataset: Dataset, feature_id: str, moment: dt.date | dt.datetime) -> Edit:
        """The edit doing this action to ``feature_id`` of ``dataset`` on ``moment``."""
        changes: dict[str, object] = {} if self.status is None else {"status": self.status}
        changes[self.moment_field] = moment
        description = Message(self.description, id=feature_id)
        return update_edit(dataset, schema_for(self.layer), feature_id, changes, description)


QUICK_ACTIONS: dict[str, QuickAction] = {
    "mark_disinfected": QuickAction(
        "disinfection_points", None, "last_disinfected", N_("Mark disinfection point {id} disinfected")
    ),
    "release_household": QuickAction("households", "released", "status_date", N_("Release household {id}")),
    "escalate_household": QuickAction("households", "escalated", "status_date", N_("Escalate household {id}")),
    "close_checkpoint": QuickAction("checkpoints", "closed", "closed", N_("Close checkpoint {id}")),
}


def mark_disinfected(dataset: Dataset, point_id: str, when: dt.datetime) -> Edit:
    """ "Disinfected now": a disinfection point's ``last_disinfected`` becomes ``when``
    (local time, kept to the millisecond)."""
    return QUICK_ACTIONS["mark_disinfected"].edit(dataset, point_id, when)


def release_household(dataset: Dataset, household_id: str, day: dt.date) -> Edit:
    """End a household's home observation: status ``released``, ``status_date`` ``day``
    (not before the observation started)."""
    return QUICK_ACTIONS["release_household"].edit(dataset, household_id, day)


def escalate_household(dataset: Dataset, household_id: str, day: dt.date) -> Edit:
    """Refer a household for medical care: status ``escalated``, ``status_date`` ``day``
    (not before the observation started)."""
    return QUICK_ACTIONS["escalate_household"].edit(dataset, household_id, day)


def close_checkpoint(dataset: Dataset, checkpoint_id: str, day: dt.date) -> Edit:
    """Take a checkpoint down: status ``closed``, ``closed`` on ``day`` (not before it opened)."""
    return QUICK_ACTIONS["close_checkpoint"].edit(dataset, checkpoint_id, day)
