"""Edits as values: what one change to one feature was, applied and undone exactly.

An :class:`Edit` holds a feature's whole record before and after the change, so undoing it
is applying :meth:`Edit.inverted`, and applying it to data that changed in the meantime is
noticed instead of silently overwriting the other change (docs/architecture.md, Reliability).
An Edit is checked when it is made: its new record must pass
:func:`geodata.validation.validate_frame`, and its description may not hold a personal value.

>>> edit = close_checkpoint(dataset, "CP07", date(2020, 3, 1))       # doctest: +SKIP
>>> dataset = store.apply_edits([edit], who="指挥部")                  # doctest: +SKIP
>>> dataset = store.apply_edits([edit.inverted()], who="指挥部")       # undo; doctest: +SKIP

Records are plain values, one per schema field plus ``"geometry"``: ``str``, ``int``,
``float``, ``bool``, :class:`datetime.date` for dates, :class:`datetime.datetime` for times,
a shapely geometry, or ``None`` where empty. Columns a layer holds beyond its schema are not
part of a record: an update keeps them, a deleted feature that is added back has them empty.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import cast

import geopandas as gpd
import pandas as pd
import shapely

from geodata.dataset import Dataset
from geodata.errors import GeodataError, SchemaError
from geodata.schema import JOURNAL, STORAGE_CRS, LayerSchema, conform, schema_for
from geodata.validation import ERROR, Problem, validate_frame

__all__ = [
    "Edit",
    "EditError",
    "ConflictError",
    "rebased",
    "record_of",
    "add_feature",
    "update_feature",
    "delete_feature",
    "apply_to_dataset",
    "mark_disinfected",
    "release_household",
    "escalate_household",
    "close_checkpoint",
    "journal_frame",
]

# Points are added and removed as the situation changes; villages and roads are surveyed
# shapes that other layers refer to, so they are corrected in place but never added or removed.
FEATURE_LAYERS = ("checkpoints", "households", "disinfection_points")
UPDATABLE_LAYERS = FEATURE_LAYERS + ("villages", "roads")

GEOMETRY = "geometry"
_ACTION_WORDS = {"add": "新增", "update": "修改", "delete": "删除"}
_UNDO_PREFIX = "撤销："


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
    """

    def __init__(self, message: str, edit: Edit, current: Mapping | None, changed_fields: tuple[str, ...] = ()):
        super().__init__(message)
        self.edit = edit
        self.current = current
        self.changed_fields = tuple(changed_fields)
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
        deleted), or ``"villages"`` or ``"roads"`` (changed only).
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
        if before is not None and after is not None and not _differing_fields(before, after):
            raise EditError(f"{self.layer} {self.feature_id}: the edit changes nothing")
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
        description = _UNDO_PREFIX + self.description if self.description else ""
        if self.description.startswith(_UNDO_PREFIX):
            description = self.description[len(_UNDO_PREFIX) :]  # undoing an undo is a redo
        # Not checked again: both records were checked when this edit was made, and an undo
        # must restore exactly what was there, even a record imported with a flaw.
        return _unchecked_edit(self.layer, self.feature_id, self.after, self.before, description)

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
        return _differing_fields(self.before, self.after)


# --- building edits --------------------------------------------------------------------------


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
    position = _position_of(frame, schema, feature_id)
    if position is None:
        raise EditError(f"{layer} {feature_id}: there is no such feature")
    return _record_at(frame, schema, position)


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
    if _position_of(dataset[layer], schema, feature_id) is not None:
        raise EditError(f"cannot add {layer} {feature_id}: a feature with this id already exists")
    description = f"{_ACTION_WORDS['add']}{schema.label_zh} {feature_id}"
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
    return _update(dataset, schema, feature_id, changes, description=None)


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
    description = f"{_ACTION_WORDS['delete']}{schema_for(layer).label_zh} {feature_id}"
    return Edit(layer, feature_id, before, None, description)


# --- quick actions -------------------------------------------------------------------------
# Each raises EditError, as update_feature does, for an unknown feature, a value that does not
# pass validation (a day that is no date, a release before observation began), or no change.


def mark_disinfected(dataset: Dataset, point_id: str, when: dt.datetime) -> Edit:
    """ "Disinfected now": a disinfection point's last disinfection becomes ``when``.

    Parameters
    ----------
    dataset
        The data holding the point as it is now.
    point_id
        The disinfection point's id.
    when
        The local time it was disinfected (kept to the millisecond).

    Returns
    -------
    Edit
        Changing ``last_disinfected`` only.
    """
    changes = {"last_disinfected": when}
    description = f"标记消毒点 {point_id} 已消毒"
    return _update(dataset, schema_for("disinfection_points"), point_id, changes, description)


def release_household(dataset: Dataset, household_id: str, day: dt.date) -> Edit:
    """End a household's home observation: status ``released``, ``status_date`` ``day``.

    Parameters
    ----------
    dataset
        The data holding the household as it is now.
    household_id
        The household's id.
    day
        The day observation ended; not before the observation started.

    Returns
    -------
    Edit
        Changing ``status`` and ``status_date`` only.
    """
    changes = {"status": "released", "status_date": day}
    description = f"解除居家医学观察 {household_id}"
    return _update(dataset, schema_for("households"), household_id, changes, description)


def escalate_household(dataset: Dataset, household_id: str, day: dt.date) -> Edit:
    """Refer a household for medical care: status ``escalated``, ``status_date`` ``day``.

    Parameters
    ----------
    dataset
        The data holding the household as it is now.
    household_id
        The household's id.
    day
        The day it was referred; not before the observation started.

    Returns
    -------
    Edit
        Changing ``status`` and ``status_date`` only.
    """
    changes = {"status": "escalated", "status_date": day}
    description = f"转诊居家医学观察户 {household_id}"
    return _update(dataset, schema_for("households"), household_id, changes, description)


def close_checkpoint(dataset: Dataset, checkpoint_id: str, day: dt.date) -> Edit:
    """Take a checkpoint down: status ``closed``, ``closed`` on ``day``.

    Parameters
    ----------
    dataset
        The data holding the checkpoint as it is now.
    checkpoint_id
        The checkpoint's id.
    day
        The day it closed; not before it opened.

    Returns
    -------
    Edit
        Changing ``status`` and ``closed`` only.
    """
    changes = {"status": "closed", "closed": day}
    description = f"撤除监测卡点 {checkpoint_id}"
    return _update(dataset, schema_for("checkpoints"), checkpoint_id, changes, description)


def _update(dataset: Dataset, schema: LayerSchema, feature_id: str, changes: dict, description: str | None) -> Edit:
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
    return _unchecked_edit(edit.layer, edit.feature_id, edit.before, edit.after, description)


def _describe_update(schema: LayerSchema, feature_id: str, fields: tuple[str, ...]) -> str:
    """``移动监测卡点 CP07`` or ``修改监测卡点 CP07：状态、撤除日期``: names of fields, never values."""
    if fields == (GEOMETRY,):
        return f"移动{schema.label_zh} {feature_id}"
    labels = "、".join("位置" if name == GEOMETRY else schema.field(name).label_zh for name in fields)
    return f"{_ACTION_WORDS['update']}{schema.label_zh} {feature_id}：{labels}"


# --- applying edits ------------------------------------------------------------------------


def apply_to_dataset(dataset: Dataset, edits: Iterable[Edit]) -> Dataset:
    """A new dataset with ``edits`` applied in order; ``dataset`` itself is not changed.

    Parameters
    ----------
    dataset
        The data as it is now (e.g. just read from the store).
    edits
        Edits made on this data, or on data that since changed only elsewhere.

    Returns
    -------
    Dataset
        A copy whose edited layers are in their schema's columns and types, on a fresh
        0..n-1 index, added features last.

    Raises
    ------
    EditError
        When an edit does not fit the data: it adds an id that exists, or updates or deletes
        a feature that is gone or whose record is no longer the edit's ``before`` (someone
        else changed it since). Nothing is applied then.
    """
    result = dataset.copy()
    working: dict[str, pd.DataFrame] = {}
    for edit in edits:
        if not isinstance(edit, Edit):
            raise TypeError(f"edits must be Edit values, got {type(edit).__name__}")
        schema = schema_for(edit.layer)
        if edit.layer not in working:
            working[edit.layer] = _conformed(schema, result[edit.layer])
        working[edit.layer] = _apply_one(working[edit.layer], schema, edit)
    for name, frame in working.items():
        result[name] = frame.reset_index(drop=True)
    return result


def _apply_one(frame: pd.DataFrame, schema: LayerSchema, edit: Edit) -> pd.DataFrame:
    position = _position_of(frame, schema, edit.feature_id)
    where = f"{edit.layer} {edit.feature_id}"
    before, after = edit.before, edit.after
    if before is None:  # an add
        assert after is not None  # an Edit holds a record before or after (checked when it is made)
        if position is not None:
            raise ConflictError(
                f"cannot add {where}: a feature with this id already exists", edit, _record_at(frame, schema, position)
            )
        return pd.concat([frame, _record_frame(schema, after)], ignore_index=True)
    if position is None:
        raise ConflictError(f"{where} no longer exists (it was deleted elsewhere); reload and try again", edit, None)
    current = _record_at(frame, schema, position)
    changed_since = _differing_fields(current, before)
    if changed_since:
        raise ConflictError(
            f"{where} was changed elsewhere since it was read "
            f"({', '.join(changed_since)}); reload and make the edit again",
            edit,
            current,
            changed_since,
        )
    if after is None:  # a delete
        return frame.drop(index=frame.index[position])
    new_row = _record_frame(schema, after)
    for name in edit.changed_fields():
        column = cast(int, frame.columns.get_loc(name))  # conformed columns are unique: a position
        frame.iloc[position, column] = new_row[name].iloc[0]
    return frame


# --- records ---------------------------------------------------------------------------------


def _unchecked_edit(layer: str, feature_id: str, before, after, description: str) -> Edit:
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
    """The schema of a layer whose features can be edited one by one."""
    if layer not in UPDATABLE_LAYERS:
        raise EditError(
            f"{layer} cannot be edited feature by feature; editable layers are {', '.join(UPDATABLE_LAYERS)}"
        )
    return schema_for(layer)


def _check_kind_allowed(schema: LayerSchema, feature_id, before, after) -> None:
    if before is None and after is None:
        raise EditError(f"{schema.name} {feature_id}: an edit needs a record before or after")
    if (before is None or after is None) and schema.name not in FEATURE_LAYERS:
        raise EditError(
            f"{schema.name} {feature_id}: {schema.label_en.lower()} can be changed, but not added or deleted"
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
        frame = _record_frame(schema, record)
    except (SchemaError, TypeError, ValueError):
        # Say which field, as validation words it, never quoting a personal value.
        problems = _errors(schema, record)
        raise EditError(_refusal(schema, feature_id, problems), problems) from None
    return _record_at(frame, schema, 0)


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
    frame = _raw_frame(schema, record)
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


def _raw_frame(schema: LayerSchema, record: Mapping) -> pd.DataFrame:
    """One row holding the record's values exactly as given, for validation."""
    frame = pd.DataFrame({name: [record.get(name)] for name in schema.field_names}, dtype=object)
    geometry = record.get(GEOMETRY)
    if geometry is None or isinstance(geometry, shapely.Geometry):
        return gpd.GeoDataFrame(frame, geometry=[geometry], crs=STORAGE_CRS)
    frame[GEOMETRY] = [geometry]  # not a shape: validation reports it
    return frame


def _record_frame(schema: LayerSchema, record: Mapping) -> gpd.GeoDataFrame:
    """One conformed row holding the record (SchemaError if a value cannot be read)."""
    return conform(schema, _raw_frame(schema, record))


def _record_at(frame: pd.DataFrame, schema: LayerSchema, position: int) -> dict:
    row = frame.iloc[[position]]
    if not _is_conformed(schema, row):
        row = _conformed(schema, row)
    values = row.iloc[0]
    record = {f.name: _plain(values[f.name], f.type) for f in schema.fields}
    geometry = values[GEOMETRY]
    record[GEOMETRY] = geometry if isinstance(geometry, shapely.Geometry) else None
    return record


def _plain(value, field_type: str):
    """A conformed cell as a plain Python value (``None`` for NaN, NA and NaT)."""
    if field_type == "bool":
        return bool(value)
    if pd.isna(value):
        return None
    if field_type == "date":
        return value.date()
    if field_type == "datetime":
        return value.to_pydatetime()
    return {"str": str, "int": int, "float": float}[field_type](value)


def _differing_fields(first: Mapping, second: Mapping) -> tuple[str, ...]:
    return tuple(name for name in first if not _same_value(first[name], second.get(name)))


def _same_value(first, second) -> bool:
    if isinstance(first, shapely.Geometry) or isinstance(second, shapely.Geometry):
        both = isinstance(first, shapely.Geometry) and isinstance(second, shapely.Geometry)
        return both and bool(shapely.equals_identical(first, second))
    return type(first) is type(second) and first == second


def _conformed(schema: LayerSchema, frame: pd.DataFrame) -> gpd.GeoDataFrame:
    """``frame`` in its schema's columns, types and CRS; a copy either way."""
    # A frame read from the store is conformed already; conforming 100,000 rows again takes
    # over a second, so it is checked (cheaply) first.
    if _is_conformed(schema, frame):
        return frame.copy()
    geo: gpd.GeoDataFrame = (
        frame if isinstance(frame, gpd.GeoDataFrame) else gpd.GeoDataFrame(frame, geometry=GEOMETRY, crs=STORAGE_CRS)
    )
    geo = conform(schema, geo)
    if _active_geometry(geo) != GEOMETRY:  # records and new rows name it "geometry"
        geo = geo.rename_geometry(GEOMETRY)
    return geo if geo.crs.equals(STORAGE_CRS) else geo.to_crs(STORAGE_CRS)


def _active_geometry(frame: gpd.GeoDataFrame) -> str | None:
    try:
        return frame.geometry.name
    except AttributeError:  # a GeoDataFrame without an active geometry column
        return None


def _is_conformed(schema: LayerSchema, frame: pd.DataFrame) -> bool:
    names = list(schema.field_names)
    if not isinstance(frame, gpd.GeoDataFrame) or frame.crs is None:
        return False
    if list(frame.columns[: len(names)]) != names or frame.columns[-1] != GEOMETRY:
        return False
    if _active_geometry(frame) != GEOMETRY or not frame.crs.equals(STORAGE_CRS):
        return False
    expected, actual = _schema_dtypes(schema.name), frame.dtypes
    return all(actual[name] == expected[name] for name in names)


@functools.cache
def _schema_dtypes(layer: str) -> dict:
    return schema_for(layer).empty().dtypes.to_dict()


def _position_of(frame: pd.DataFrame, schema: LayerSchema, feature_id) -> int | None:
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


# --- the journal ---------------------------------------------------------------------------


def journal_frame(edits: Iterable[Edit], *, who: str, time: dt.datetime) -> pd.DataFrame:
    """The journal rows recording ``edits``, in the columns and types of the journal table.

    Parameters
    ----------
    edits
        The edits saved together.
    who
        The person or desk saving them.
    time
        When they were saved (local time).

    Returns
    -------
    pandas.DataFrame
        One row per edit, in order; ``before`` and ``after`` as JSON text (dates in ISO
        format, geometry as WKT), missing for an add's before and a delete's after.
    """
    rows = [
        {
            "time": time,
            "who": who,
            "layer": edit.layer,
            "feature_id": edit.feature_id,
            "action": edit.kind,
            "description": edit.description,
            "before": _record_json(edit.before),
            "after": _record_json(edit.after),
        }
        for edit in edits
    ]
    frame = pd.DataFrame(rows, columns=list(JOURNAL.field_names), dtype=object)
    return conform(JOURNAL, frame)


def _record_json(record: Mapping | None) -> str | None:
    if record is None:
        return None
    return json.dumps({name: _json_value(value) for name, value in record.items()}, ensure_ascii=False)


def _json_value(value):
    if isinstance(value, shapely.Geometry):
        return shapely.to_wkt(value, rounding_precision=-1)  # full precision: the exact place
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


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
    if current is not None and edit.after is not None and not _differing_fields(dict(current), dict(edit.after)):
        return None
    if current is None and edit.layer not in FEATURE_LAYERS:
        raise EditError(f"{edit.layer} {edit.feature_id} no longer exists and cannot be added back")
    # Both records were checked already: the stored one is as stored, the user's when made.
    return _unchecked_edit(
        edit.layer, edit.feature_id, None if current is None else dict(current), edit.after, edit.description
    )
