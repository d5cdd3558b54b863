"""Quick actions: the one-click edits of the details panel, as one table.

Each sets a status (or none) and the day or time it happened, and appends the event that
says so (a status change, a disinfection round, a checkpoint change), so that a past or later
day reads it from the events as it reads the rest of the history. Each is described in the
journal and the undo menu by its own words. Each raises :class:`~geodata.editing.EditError`,
as :func:`~geodata.editing.update_feature` does, for an unknown feature, a value that does
not pass validation (a day that is no date, a release before observation began), or no change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from geodata.dataset import Dataset
from geodata.editing.edits import Edit, position_of, record_of, update_edit
from geodata.messages import N_, Message
from geodata.schema import schema_for

# Per event table: the id's prefix, the field naming the feature, and how the moment is
# written into the id (the sample's own ids are numbered; these carry the moment instead, so a
# desk's id never takes one the sample or another desk would give).
_EVENT_IDS = {
    "status_changes": ("SC", "household", "%Y%m%d"),
    "disinfection_rounds": ("DR", "point", "%Y%m%dT%H%M%S"),
    "checkpoint_changes": ("CC", "checkpoint", "%Y%m%dT%H%M%S"),
}


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
    event_table
        The event table it appends one row to.
    event_change
        The event's own fields (field, value), besides the feature, village, moment and desk.
    """

    layer: str
    status: str | None
    moment_field: str
    description: str
    event_table: str
    event_change: tuple[tuple[str, str], ...]

    def edit(self, dataset: Dataset, feature_id: str, moment: dt.date | dt.datetime) -> Edit:
        """The edit of the feature's record alone doing this action to ``feature_id`` of
        ``dataset`` on ``moment`` (a day for a date field: a time is cut to its day)."""
        schema = schema_for(self.layer)
        changes: dict[str, object] = {} if self.status is None else {"status": self.status}
        if schema.field(self.moment_field).type == "date" and isinstance(moment, dt.datetime):
            moment = moment.date()
        changes[self.moment_field] = moment
        description = Message(self.description, id=feature_id)
        return update_edit(dataset, schema, feature_id, changes, description)

    def edits(
        self, dataset: Dataset, feature_id: str, moment: dt.date | dt.datetime, *, reported_by: str | None = None
    ) -> list[Edit]:
        """The edits doing this action: the feature's record, then the event appended.

        Parameters
        ----------
        dataset
            The data as it is now.
        feature_id
            The feature acted on.
        moment
            When it happened: the as-of time (a day is taken as its midnight for an event
            of a time; a time is cut to its day for a field or event of a day).
        reported_by
            The desk recording it, as the event names who reported it.

        Returns
        -------
        list of Edit
            Saved together, so that the record and its event never disagree; undone in
            reverse order, which removes the event again.
        """
        record_edit = self.edit(dataset, feature_id, moment)
        event = self._event(dataset, feature_id, moment, reported_by)
        events = schema_for(self.event_table)
        event_id = free_event_id(dataset, self.event_table, _event_id(self.event_table, feature_id, event))
        event[events.id_field] = event_id
        description = Message(self.description, id=feature_id)
        return [record_edit, Edit(self.event_table, event_id, None, event, description)]

    def _event(self, dataset: Dataset, feature_id: str, moment: dt.date | dt.datetime, reported_by) -> dict:
        schema = schema_for(self.event_table)
        _prefix, feature_field, _format = _EVENT_IDS[self.event_table]
        village = record_of(dataset, self.layer, feature_id).get("village")
        event: dict[str, object] = {feature_field: feature_id, "village": village, **dict(self.event_change)}
        if "day" in schema.field_names:
            event["day"] = moment.date() if isinstance(moment, dt.datetime) else moment
        else:
            event["time"] = moment if isinstance(moment, dt.datetime) else dt.datetime.combine(moment, dt.time())
        if reported_by:
            event["reported_by"] = reported_by
        return event


def _event_id(table: str, feature_id: str, event: dict) -> str:
    prefix, _feature_field, moment_format = _EVENT_IDS[table]
    moment = event.get("day", event.get("time"))
    assert isinstance(moment, dt.date)  # set by _event
    return f"{prefix}-{feature_id}-{moment.strftime(moment_format)}"


def free_event_id(dataset: Dataset, table: str, wanted: str) -> str:
    """``wanted``, or with ``-2``, ``-3``… when a row of ``table`` has it already (two actions
    in one moment: a release undone by hand and made again the same day, or two desks' same
    action in the same second, see :mod:`geodata.editing.overwrite`)."""
    schema, frame = schema_for(table), dataset[table]
    candidate, number = wanted, 1
    while position_of(frame, schema, candidate) is not None:
        number += 1
        candidate = f"{wanted}-{number}"
    return candidate


QUICK_ACTIONS: dict[str, QuickAction] = {
    "mark_disinfected": QuickAction(
        "disinfection_points",
        None,
        "last_disinfected",
        N_("Mark disinfection point {id} disinfected"),
        "disinfection_rounds",
        (),
    ),
    "release_household": QuickAction(
        "households",
        "released",
        "status_date",
        N_("Release household {id}"),
        "status_changes",
        (("status", "released"),),
    ),
    "escalate_household": QuickAction(
        "households",
        "escalated",
        "status_date",
        N_("Escalate household {id}"),
        "status_changes",
        (("status", "escalated"),),
    ),
    "close_checkpoint": QuickAction(
        "checkpoints", "closed", "closed", N_("Close checkpoint {id}"), "checkpoint_changes", (("change", "closed"),)
    ),
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
