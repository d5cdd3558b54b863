"""The :class:`Edit` value and the edits a user makes by hand: add, change, delete.

An Edit is checked when it is made (see :mod:`geodata.editing`); a refusal is an
:class:`EditError`, a change that met another desk's change a :class:`ConflictError`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import pandas as pd

from geodata.dataset import Dataset
from geodata.editing.records import differing_fields, raw_frame, record_at, record_frame
from geodata.errors import GeodataError, SchemaError
from geodata.messages import N_, Message, Named
from geodata.schema import EVENTS, GEOMETRY, LayerSchema, schema_for
from geodata.validation import ERROR, Problem, validate_frame

# Points are added and removed as the situation changes; villages and roads are surveyed
# shapes that other layers refer to, so they are corrected in place but never added or removed.
FEATURE_LAYERS = ("checkpoints", "households", "disinfection_points")
UPDATABLE_LAYERS = FEATURE_LAYERS + ("villages", "roads")
# Events are appended as they are reported and never changed afterwards: a quick action adds
# one, its undo removes it again, and nothing updates one.
EVENT_LAYERS = tuple(EVENTS)

# How the journal and the undo menu name an edit; {layer} is the layer's name, {fields} the
# changed fields' names, both in the language of the message (never a value: see _check_description).
_DESCRIPTIONS = {
    "add": N_("Add to {layer}: {id}"),
    "delete": N_("Delete from {layer}: {id}"),
    "move": N_("Move in {layer}: {id}"),
    "update": N_("Change in {layer}: {id}: {fields}"),
    "undo": N_("Undo: {edit}"),
}


class EditError(GeodataError):
    """An edit that cannot be made: invalid values, or data that changed underneath it.

    Attributes
    ----------
    problems
        The validation problems that refused the edit (empty for other reasons), so a form
        can mark the fields concerned.
    """

    def __init__(self, message: str, problems: Iterable[Problem] = ()):
        super().__init__(message)
        self.problems = tuple(problems)


class ConflictError(EditError):
    """An edit refused because its feature changed elsewhere since the edit was made.

    Attributes
    ----------
    edit
        The refused edit.
    current
        The feature's record as the store holds it now (``None``: deleted elsewhere).
    changed_fields
        The fields (and ``"geometry"``) that differ from the edit's ``before``.
    base_version, current_version, changed_by, changed_at
        Set by a store that keeps record versions (PostGIS): the version the edit was made
        on, the version stored now, and who saved that one and when; ``None`` otherwise.
    batch
        Every edit of the refused save, in order (``edit`` among them), so that an overwrite
        saves the rest with it (a quick action's event); set by the caller that saved them,
        ``(edit,)`` until then.
    """

    def __init__(self, message: str, edit: Edit, current: Mapping | None, changed_fields: tuple[str, ...] = ()):
        super().__init__(message)
        self.edit = edit
        self.current = current
        self.changed_fields = tuple(changed_fields)
        self.batch: tuple[Edit, ...] = (edit,)
        self.base_version: int | None = None
        self.current_version: int | None = None
        self.changed_by: str | None = None
        self.changed_at: dt.datetime | None = None


@dataclass(frozen=True, repr=False)
class Edit:
    """One change to one feature: its whole record before and after.

    Attributes
    ----------
    layer
        ``"checkpoints"``, ``"households"`` or ``"disinfection_points"`` (added, changed,
        deleted), ``"villages"`` or ``"roads"`` (changed only), or an event table such as
        ``"status_changes"`` (a row added or deleted, never changed).
    feature_id
        The feature's id (a village's division code).
    before
        The whole record before the change; ``None`` for an add.
    after
        The whole record after the change; ``None`` for a delete.
    description
        What the user would call the edit, e.g. ``"移动监测卡点 CP07"``. Never a personal
        value (household head's name, phone, note).

    Raises
    ------
    EditError
        On construction, when the layer cannot be edited, a record names another feature or
        holds a field the layer does not have, the new record does not pass validation (errors
        the old record already had are not held against it), an update changes nothing, or
        the description holds a personal value.
    """

    layer: str
    feature_id: str
    before: Mapping | None
    after: Mapping | None
    description: str = ""

    def __post_init__(self):
        schema = _editable_schema(self.layer)
        _check_kind_allowed(schema, self.feature_id, self.before, self.after)
        object.__setattr__(self, "feature_id", str(self.feature_id))
        before = _canonical(schema, self.feature_id, self.before)
        after = _canonical(schema, self.feature_id, self.after)
        if before is not None and after is not None and not differing_fields(before, after):
            raise EditError(Message(N_("{layer} {id}: the edit changes nothing"), layer=self.layer, id=self.feature_id))
        if after is not None:
            _check_new_record(schema, self.feature_id, after, before)
        _check_description(schema, self.feature_id, self.description, (before, after))
        # Read-only views: an Edit on an undo stack must stay what it was when it was made.
        object.__setattr__(self, "before", None if before is None else MappingProxyType(before))
        object.__setattr__(self, "after", None if after is None else MappingProxyType(after))

    def __repr__(self) -> str:
        # Field names only: an Edit may end up in a log line or a traceback, and a household
        # record holds personal values.
        return (
            f"Edit({self.layer!r}, {self.feature_id!r}, {self.kind}, "
            f"fields={list(self.changed_fields())!r}, description={self.description!r})"
        )

    def __hash__(self) -> int:
        # Equal edits agree on these; the records themselves are mappings, which do not hash.
        return hash((self.layer, self.feature_id, self.kind, self.description))

    @property
    def kind(self) -> str:
        """``"add"``, ``"update"`` or ``"delete"``."""
        if self.before is None:
            return "add"
        return "delete" if self.after is None else "update"

    def inverted(self) -> Edit:
        """The edit that undoes this one: before and after swapped.

        Returns
        -------
        Edit
            An add becomes a delete and vice versa; the description reads ``撤销：…``
            (and inverting that again gives this edit back). It is not validated again: the
            undo of a correction restores the record as it was, flaws included.
        """
        description: str = Message(_DESCRIPTIONS["undo"], edit=self.description) if self.description else ""
        if getattr(self.description, "template", None) == _DESCRIPTIONS["undo"]:
            description = self.description.params["edit"]  # type: ignore[attr-defined]  # undoing an undo is a redo
        # Not checked again: both records were checked when this edit was made, and an undo
        # must restore exactly what was there, even a record imported with a flaw.
        return unchecked_edit(self.layer, self.feature_id, self.after, self.before, description)

    def changed_fields(self) -> tuple[str, ...]:
        """The fields (and ``"geometry"``) the edit changes, in schema order.

        Returns
        -------
        tuple of str
            For an add or a delete, every field of the record.
        """
        if self.before is None:
            return tuple(self.after or ())
        if self.after is None:
            return tuple(self.before)
        return differing_fields(self.before, self.after)


def record_of(source: Dataset | pd.DataFrame, layer: str, feature_id: str) -> dict:
    """The whole current record of one feature, to build an edit from.

    Parameters
    ----------
    source
        A dataset, or the layer's frame.
    layer
        The layer name, e.g. ``"households"``.
    feature_id
        The feature's id.

    Returns
    -------
    dict
        Field name → plain value (see the module notes), schema fields then ``"geometry"``.

    Raises
    ------
    EditError
        When no feature, or more than one, has this id.
    """
    schema = _editable_schema(layer)
    frame = source[layer] if isinstance(source, Dataset) else source
    position = position_of(frame, schema, feature_id)
    if position is None:
        raise EditError(Message(N_("{layer} {id}: there is no such feature"), layer=layer, id=feature_id))
    return record_at(frame, schema, position)


def add_feature(dataset: Dataset, layer: str, record: Mapping) -> Edit:
    """An edit adding a new feature.

    Parameters
    ----------
    dataset
        The data the feature is added to; its id must not be taken there.
    layer
        ``"checkpoints"``, ``"households"`` or ``"disinfection_points"``.
    record
        The new feature's fields and ``"geometry"``; fields left out are empty.

    Returns
    -------
    Edit

    Raises
    ------
    EditError
        When the id is missing or taken, or the record does not pass validation.
    """
    schema = _editable_schema(layer)
    feature_id = record.get(schema.id_field)
    if feature_id is None or not str(feature_id).strip():
        raise EditError(f"cannot add to {layer}: {schema.id_field}: give the new feature an id")
    feature_id = str(feature_id)
    if position_of(dataset[layer], schema, feature_id) is not None:
        raise EditError(
            Message(N_("cannot add {layer} {id}: a feature with this id already exists"), layer=layer, id=feature_id)
        )
    description = Message(_DESCRIPTIONS["add"], layer=_layer_name(schema), id=feature_id)
    return Edit(layer, feature_id, None, dict(record), description)


def update_feature(dataset: Dataset, layer: str, feature_id: str, **changes) -> Edit:
    """An edit changing some fields (or the location, ``geometry=``) of a feature.

    Parameters
    ----------
    dataset
        The data holding the feature as it is now.
    layer
        Any layer in ``UPDATABLE_LAYERS``.
    feature_id
        The feature's id; it cannot itself be changed (delete and add instead).
    **changes
        Field name → new value, e.g. ``status="released"``, ``geometry=Point(114.0, 33.0)``.

    Returns
    -------
    Edit
        Described as a move when only the geometry changes, else by the fields' names.

    Raises
    ------
    EditError
        For an unknown feature or field, a change of id, a new record that does not pass
        validation, or changes that change nothing.
    """
    schema = _editable_schema(layer)
    return update_edit(dataset, schema, feature_id, changes, description=None)


def delete_feature(dataset: Dataset, layer: str, feature_id: str) -> Edit:
    """An edit deleting a feature; its inverse adds it back exactly as it was.

    Parameters
    ----------
    dataset
        The data holding the feature.
    layer
        ``"checkpoints"``, ``"households"`` or ``"disinfection_points"``.
    feature_id
        The feature's id.

    Returns
    -------
    Edit
    """
    before = record_of(dataset, layer, feature_id)
    description = Message(_DESCRIPTIONS["delete"], layer=_layer_name(schema_for(layer)), id=feature_id)
    return Edit(layer, feature_id, before, None, description)


def update_edit(dataset: Dataset, schema: LayerSchema, feature_id: str, changes: dict, description: str | None) -> Edit:
    """An update of ``changes``, described by ``description`` or else by the changed fields."""
    before = record_of(dataset, schema.name, feature_id)
    if schema.id_field in changes and str(changes[schema.id_field]) != str(feature_id):
        raise EditError(
            f"{schema.name} {feature_id}: {schema.id_field}: an id cannot be changed; "
            "delete the feature and add it anew"
        )
    edit = Edit(schema.name, feature_id, before, {**before, **changes})
    # Described by what it changes, which only the checked edit knows (a form may pass
    # every field, changed or not).
    description = description or _describe_update(schema, feature_id, edit.changed_fields())
    _check_description(schema, feature_id, description, (edit.before, edit.after))
    return unchecked_edit(edit.layer, edit.feature_id, edit.before, edit.after, description)


def _describe_update(schema: LayerSchema, feature_id: str, fields: tuple[str, ...]) -> str:
    """``Move in Checkpoints: CP07`` or ``Change in Checkpoints: CP07: Status, Closed``
    (修改监测卡点 CP07：状态、撤除日期): names of fields, never values."""
    layer = _layer_name(schema)
    if fields == (GEOMETRY,):
        return Message(_DESCRIPTIONS["move"], layer=layer, id=feature_id)
    names = [
        ("Location", "位置") if name == GEOMETRY else (schema.field(name).label("en"), schema.field(name).label("zh"))
        for name in fields
    ]
    listed = Named(", ".join(en for en, _zh in names), "、".join(zh for _en, zh in names))
    return Message(_DESCRIPTIONS["update"], layer=layer, id=feature_id, fields=listed)


def _layer_name(schema: LayerSchema) -> Named:
    return Named(schema.label("en"), schema.label("zh"))


def unchecked_edit(layer: str, feature_id: str, before, after, description: str) -> Edit:
    """An Edit of records that were checked already (by the Edit they come from)."""
    edit = object.__new__(Edit)
    for name, value in (
        ("layer", layer),
        ("feature_id", feature_id),
        ("before", before),
        ("after", after),
        ("description", description),
    ):
        object.__setattr__(edit, name, value)
    return edit


def _editable_schema(layer: str) -> LayerSchema:
    """The schema of a layer whose features (or an event table whose rows) can be edited one by one."""
    if layer not in UPDATABLE_LAYERS + EVENT_LAYERS:
        raise EditError(
            f"{layer} cannot be edited feature by feature; editable layers are {', '.join(UPDATABLE_LAYERS)}, "
            f"and rows are added to or removed from {', '.join(EVENT_LAYERS)}"
        )
    return schema_for(layer)


def _check_kind_allowed(schema: LayerSchema, feature_id, before, after) -> None:
    if before is None and after is None:
        raise EditError(f"{schema.name} {feature_id}: an edit needs a record before or after")
    if (before is None or after is None) and schema.name not in FEATURE_LAYERS + EVENT_LAYERS:
        raise EditError(
            f"{schema.name} {feature_id}: {schema.label_en.lower()} can be changed, but not added or deleted"
        )
    if before is not None and after is not None and schema.name in EVENT_LAYERS:
        raise EditError(
            f"{schema.name} {feature_id}: an event is never changed; add a new one (undo removes one just added)"
        )


def _canonical(schema: LayerSchema, feature_id, record: Mapping | None) -> dict | None:
    """``record`` with every field, in its plain type; EditError if it cannot be read."""
    if record is None:
        return None
    unknown = [name for name in record if name not in schema.field_names and name != GEOMETRY]
    if unknown:
        raise EditError(f"{schema.name} {feature_id}: {unknown[0]}: {schema.name} has no such field")
    if record.get(schema.id_field) is None:
        raise EditError(f"{schema.name} {feature_id}: {schema.id_field}: the record has no id")
    if str(record[schema.id_field]) != str(feature_id):
        raise EditError(f"{schema.name} {feature_id}: {schema.id_field}: the record is of another feature")
    try:
        frame = record_frame(schema, record)
    except (SchemaError, TypeError, ValueError):
        # Say which field, as validation words it, never quoting a personal value.
        problems = _errors(schema, record)
        raise EditError(_refusal(schema, feature_id, problems), problems) from None
    return record_at(frame, schema, 0)


def _check_new_record(schema: LayerSchema, feature_id, after: dict, before: dict | None) -> None:
    """Refuse a new record with validation errors, except those the old one already had
    (so that one field of a record imported with a flaw can still be corrected)."""
    problems = _errors(schema, after)
    if problems and before is not None:
        tolerated = set(_errors(schema, before))
        problems = [problem for problem in problems if problem not in tolerated]
    if problems:
        raise EditError(_refusal(schema, feature_id, problems), problems)


def _errors(schema: LayerSchema, record: Mapping) -> list[Problem]:
    frame = raw_frame(schema, record)
    return [problem for problem in validate_frame(schema.name, frame) if problem.severity == ERROR]


def _refusal(schema: LayerSchema, feature_id, problems: list[Problem]) -> str:
    reasons = "; ".join(f"{problem.field}: {problem.message}" for problem in problems)
    return f"cannot save {schema.name} {feature_id}: {reasons or 'a value cannot be read'}"


def _check_description(schema: LayerSchema, feature_id, description: str, records) -> None:
    """Descriptions go to the journal and the undo menu: no personal value may be in one."""
    for record in filter(None, records):
        for name in schema.personal_fields:
            value = record.get(name)
            if value and value.strip() and value.strip() in description:
                raise EditError(
                    f"{schema.name} {feature_id}: the description holds the value of "
                    f"the personal field {name}; describe the edit without it"
                )


def position_of(frame: pd.DataFrame, schema: LayerSchema, feature_id) -> int | None:
    """Row position of the feature, ``None`` when absent; EditError when the id repeats."""
    if frame.empty or schema.id_field not in frame.columns:
        return None
    matches = frame[schema.id_field].astype(object) == str(feature_id)
    positions = matches.to_numpy(bool).nonzero()[0]
    if len(positions) > 1:
        raise EditError(
            f"{schema.name} {feature_id}: {len(positions)} features have this id; "
            "give each an id of its own before editing"
        )
    return int(positions[0]) if len(positions) else None


def rebased(edit: Edit, current: Mapping | None) -> Edit | None:
    """``edit`` made again on ``current``: the user's record overwrites what is stored now.

    Parameters
    ----------
    edit
        An edit refused with :class:`ConflictError`.
    current
        The record stored now (``None``: the feature is gone).

    Returns
    -------
    Edit or None
        An edit from ``current`` to ``edit.after``; ``None`` when there is nothing left to
        do (the store holds the user's record already, or both deleted it).
    """
    if current is None and edit.after is None:
        return None
    if current is not None and edit.after is not None and not differing_fields(dict(current), dict(edit.after)):
        return None
    if current is None and edit.layer not in FEATURE_LAYERS + EVENT_LAYERS:
        raise EditError(
            Message(N_("{layer} {id} no longer exists and cannot be added back"), layer=edit.layer, id=edit.feature_id)
        )
    # Both records were checked already: the stored one is as stored, the user's when made.
    return unchecked_edit(
        edit.layer, edit.feature_id, None if current is None else dict(current), edit.after, edit.description
    )
