"""An import, worked out before anything is written: what each row becomes, every problem
with its file, row and field, and the layer as it will be after the write.

    source = read_source("households.csv")
    plan = plan_import(source, store.read_all(), "households", crs="gcj02", mode="append")
    print(*plan.problems, sep="\\n")
    if plan.can_write(accept_warnings=False):
        apply_plan(store, plan)

The write is one call to the store's ``write``, which is one transaction; a plan whose layer
has changed in the store since it was made is refused rather than written over the change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.coords import metric_crs, source_crs_name
from geodata.dataset import Dataset
from geodata.errors import GeodataError
from geodata.feedback import Feedback, as_feedback
from geodata.formulas import from_spreadsheet
from geodata.importing.columns import ColumnMap, map_columns
from geodata.importing.defaults import apply_defaults, defaulted_fields, rows_text, subject_villages
from geodata.importing.mode_names import MODES
from geodata.importing.modes import merge_rows
from geodata.importing.problems import (
    ERROR,
    NOTE,
    WARNING,
    ImportFailure,
    ImportProblem,
    sort_key,
)
from geodata.importing.rowchecks import validation_problems
from geodata.importing.shapes import Shapes, check_in_township, shapes_of
from geodata.importing.source import Source
from geodata.importing.values import convert_column
from geodata.importing.villages import VillageLookup
from geodata.importing.words import codes_for_names
from geodata.messages import N_, Message
from geodata.schema import EVENTS, STORAGE_CRS, conform, schema_for
from geodata.validation._problem import shown


@dataclass
class ImportPlan:
    """What an import will do. Nothing is written until :func:`apply_plan`.

    Attributes
    ----------
    layer, mode, crs
        The target layer, ``append``/``update``/``replace``, and the coordinate system the
        file was read in (``wgs84``, ``gcj02``, ``EPSG:4547``, ...).
    source
        The file as read.
    columns
        Which column became which field.
    rows
        The imported rows in the layer's fields (before merging), in file order.
    result
        The whole layer as it will be written; None when there are errors.
    base
        The layer as it was when the plan was made.
    problems
        Every problem, whole-file ones first, then by row.
    counts
        ``added``, ``updated``, ``skipped`` (append: id already there), ``removed`` (replace).
    changed_ids
        Ids added, updated or removed, for redrawing them.
    defaults
        Field -> (value, how many rows were given it) for the values the file left out and
        the import assumed (see :mod:`geodata.importing.defaults`); each is also a problem.
    """

    layer: str
    mode: str
    crs: str
    source: Source
    columns: ColumnMap
    rows: pd.DataFrame
    result: pd.DataFrame | None
    base: pd.DataFrame
    problems: list[ImportProblem]
    counts: dict[str, int] = field(default_factory=dict)
    changed_ids: list[str] = field(default_factory=list)
    defaults: dict[str, tuple[object, int]] = field(default_factory=dict)

    @property
    def errors(self) -> list[ImportProblem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[ImportProblem]:
        return [p for p in self.problems if p.severity == WARNING]

    def can_write(self, accept_warnings: bool = False) -> bool:
        return self.result is not None and not self.errors and (accept_warnings or not self.warnings)

    @property
    def removed(self) -> int:
        """How many of the layer's features (a table's rows) the import takes away."""
        if self.mode != "replace":
            return 0
        if schema_for(self.layer).id_field is not None:
            return self.counts.get("removed", 0)
        kept = len(self.result) if self.result is not None else len(self.rows)
        return max(len(self.base) - kept, 0)  # a table without ids: its rows are replaced whole

    @property
    def removes_most(self) -> bool:
        """A replace taking away every feature of the layer or more than half of them: more
        likely a wrong, empty or cut-off file than what the user meant, so it needs consent."""
        return self.mode == "replace" and len(self.base) > 0 and 2 * self.removed > len(self.base)


def plan_import(
    source: Source,
    dataset: Dataset,
    layer: str,
    *,
    crs: str | None = None,
    mode: str = "append",
    feedback: Feedback | None = None,
) -> ImportPlan:
    """Work out the import of ``source`` into ``layer`` of ``dataset``, writing nothing.

    Parameters
    ----------
    source
        The file as :func:`~geodata.importing.readers.read_source` read it.
    dataset
        The dataset as it is now (its villages place points and resolve village names).
    layer
        The layer or table to import into, e.g. ``"households"``.
    crs
        The coordinate system of the file's numbers (``wgs84``, ``cgcs2000``, ``gcj02``,
        ``bd09`` or ``EPSG:n``). None: what the file declares, else WGS-84.
    mode
        ``append`` adds rows whose id is new (rows with an existing id are skipped and
        reported), ``update`` changes the features with the rows' ids (empty cells keep the
        value the feature has), ``replace`` makes the file the whole layer.
    feedback
        Told how far the checking is (fraction done, what is happening); cancelling it stops
        the checking at its next report with :class:`~geodata.feedback.Cancelled`.

    Returns
    -------
    ImportPlan

    Raises
    ------
    ImportFailure
        For an unknown layer, mode or coordinate system.
    """
    report = as_feedback(feedback).report
    try:
        schema = schema_for(layer)
    except GeodataError as exc:
        raise ImportFailure(str(exc)) from None
    if mode not in MODES:
        raise ImportFailure(Message(N_("unknown mode {mode}; use append, update or replace"), mode=repr(mode)))
    crs_name = _crs_name(source, crs)
    found = _Problems(source)
    base = dataset[layer]
    columns = map_columns(schema, list(source.frame.columns), spatial_source=source.geometries is not None)
    _report_columns(found, schema, columns, mode)
    report(0.1, "reading values")
    values = _converted_values(source, schema, columns, found, report)
    defaults = apply_defaults(schema.name, mode, values, len(source.frame), source, found.add)
    shapes = None
    if schema.is_spatial:
        report(0.4, "placing locations")
        shapes = _shapes(source, schema, columns, crs_name, mode, dataset, found)
    codes_for_names(values, dataset)  # 关王庙乡 -> 411771360 in a scope, as a people export writes it
    villages = VillageLookup(dataset.villages)
    if schema.village_field and villages:
        subjects = subject_villages(schema.name, values, dataset) if mode != "update" else None
        _resolve_villages(
            values, schema.village_field, shapes, villages, found, keep_empty=mode == "update", subjects=subjects
        )
    report(0.6, "checking rows")
    rows = _rows_frame(schema, values, shapes, len(source.frame))
    merged, plan_counts, ids, skipped = merge_rows(schema, base, rows, mode, found.add)
    checked = merged["rows"]
    # A skipped row is not imported: only the reason it is skipped concerns the user.
    found.items = [p for p in found.items if p.row not in skipped or p.field == schema.id_field]
    found.extend(validation_problems(source, schema.name, checked, skip=found.cells, skip_rows=skipped))
    if schema.name in EVENTS:
        found.extend(_event_problems(source, schema.name, checked, dataset, skipped))
    report(0.9, "checking rows")
    result = None
    if not found.has_errors():
        try:
            result = conform(schema, merged["layer"])
        except GeodataError as exc:  # a value validation let through but conform refuses
            found.add(ERROR, None, None, Message(N_("the rows cannot be stored: {reason}"), reason=str(exc)))
    if result is not None and schema.name == "villages":
        _report_new_village_problems(found, base, result)
        if mode != "append":
            _report_orphans(found, dataset, set(result["code"].astype(str)))
    report(1.0, "checked")
    return ImportPlan(
        layer,
        mode,
        crs_name,
        source,
        columns,
        rows,
        result,
        base,
        sorted(found.items, key=sort_key),
        plan_counts,
        ids,
        defaults,
    )


def apply_plan(store, plan: ImportPlan, *, accept_warnings: bool = False, allow_removal: bool = False) -> None:
    """Write ``plan``'s layer in one transaction of ``store``.

    ``allow_removal``: write a replace that takes away most of the layer (see
    :attr:`ImportPlan.removes_most`); without it such a plan is refused.

    Raises
    ------
    ImportFailure
        When the plan has errors, unaccepted warnings, removes most of the layer without
        ``allow_removal``, or the layer has changed in the store since the plan was made;
        nothing is written.
    """
    if plan.result is None or plan.errors:
        raise ImportFailure(
            Message(
                N_("{file}: {count} error(s); nothing was imported"), file=plan.source.name, count=len(plan.errors)
            ),
            plan.problems,
        )
    if plan.warnings and not accept_warnings:
        raise ImportFailure(
            Message(
                N_("{file}: {count} warning(s); accept them to import"), file=plan.source.name, count=len(plan.warnings)
            ),
            plan.problems,
        )
    if plan.removes_most and not allow_removal:
        raise ImportFailure(
            Message(
                N_(
                    "{file}: replacing {layer} with it would remove {removed} of its "
                    "{count} features; nothing was changed"
                ),
                file=plan.source.name,
                layer=plan.layer,
                removed=plan.removed,
                count=len(plan.base),
            )
        )
    if not same_layer(store.read(plan.layer), plan.base):
        raise ImportFailure(
            Message(
                N_(
                    "{layer} has changed since the file was checked (another desk or program saved); "
                    "check the file again"
                ),
                layer=plan.layer,
            )
        )
    store.write({plan.layer: plan.result})


def same_layer(first: pd.DataFrame, second: pd.DataFrame) -> bool:
    """Whether two frames of a layer hold the same rows (attributes and shapes)."""
    if len(first) != len(second) or list(first.columns) != list(second.columns):
        return False
    geometry = [c for c in first.columns if isinstance(first[c].dtype, gpd.array.GeometryDtype)]
    plain_a = pd.DataFrame(first.drop(columns=geometry)).reset_index(drop=True)
    plain_b = pd.DataFrame(second.drop(columns=geometry)).reset_index(drop=True)
    if not plain_a.equals(plain_b):
        return False
    return all(
        np.array_equal(shapely.to_wkb(first[c].to_numpy()), shapely.to_wkb(second[c].to_numpy())) for c in geometry
    )


# --- steps --------------------------------------------------------------------------------


class _Problems:
    """Problems found so far, and which (row, field) cells they concern."""

    def __init__(self, source: Source):
        self.source = source
        self.items: list[ImportProblem] = []
        self.cells: set[tuple[int | None, str | None]] = set()

    def add(self, severity: str, row: int | None, field_name: str | None, message: str) -> None:
        self.items.append(self.source.problem(severity, row, field_name, message))
        self.cells.add((row, field_name))

    def extend(self, problems) -> None:
        self.items.extend(problems)

    def has_errors(self) -> bool:
        return any(p.severity == ERROR for p in self.items)


def _crs_name(source: Source, crs: str | None) -> str:
    if crs is not None:
        try:
            return source_crs_name(crs)
        except ValueError:
            raise ImportFailure(
                Message(
                    N_(
                        "--crs: {value} is not a coordinate system this program knows; "
                        "give wgs84, cgcs2000, gcj02, bd09 or EPSG:<code>"
                    ),
                    value=repr(crs),
                )
            ) from None
    if source.crs is None:
        return "wgs84"
    from pyproj import CRS

    declared = CRS.from_user_input(source.crs)
    epsg = declared.to_epsg()
    if epsg == 4326:
        return "wgs84"
    return f"EPSG:{epsg}" if epsg else declared.to_wkt()


def _report_columns(found: _Problems, schema, columns: ColumnMap, mode: str) -> None:
    for target, names in columns.clashes.items():
        found.add(
            ERROR,
            None,
            target,
            Message(
                N_("the columns {columns} all mean {field}; keep one of them"),
                columns=", ".join(map(repr, names)),
                field=target,
            ),
        )
    assumed = defaulted_fields(schema.name, mode)
    needed = [f for f in schema.fields if f.required and f.name not in assumed]
    if mode == "update":
        needed = [schema.field(schema.id_field)] if schema.id_field else []
    for f in needed:
        if f.name in columns.fields:
            continue
        if f.name == schema.village_field:
            continue  # found from the point's village polygon
        found.add(
            ERROR,
            None,
            f.name,
            Message(
                N_("this required column is missing; add a column {label} (or {field})"), label=f.label_zh, field=f.name
            ),
        )
    for column in columns.unused:
        found.add(
            NOTE, None, column, Message(N_("no field of this layer is called like this column; it is not imported"))
        )


def _converted_values(source: Source, schema, columns: ColumnMap, found: _Problems, report) -> dict:
    values = {}
    count = max(len(columns.fields), 1)
    for done, (field_name, column) in enumerate(columns.fields.items()):
        f = schema.field(field_name)
        cells = source.frame[column]
        if f.type == "str" and source.kind in ("csv", "xlsx"):
            cells = cells.map(from_spreadsheet)  # the quote an export put before "=…"
        converted, problems = convert_column(cells, f, schema.name)
        for row, template in problems.items():
            found.add(ERROR, row, field_name, template.format(value=shown(f, source.frame[column].iat[row])))
        values[field_name] = converted
        report(0.1 + 0.3 * (done + 1) / count, "reading values")
    return values


def _shapes(source, schema, columns, crs_name, mode, dataset, found: _Problems) -> Shapes | None:
    shapes = shapes_of(source, columns, crs_name)
    if shapes is None:
        if mode != "update":
            found.add(
                ERROR,
                None,
                "geometry",
                Message(
                    N_(
                        "the file has no locations: name the coordinate columns 经度 and 纬度 "
                        "(or lng and lat, x and y), "
                        "or one column 经纬度"
                    )
                ),
            )
        return None
    villages = VillageLookup(dataset.villages)
    if schema.village_field and villages and "Point" in schema.geometry_types:
        township = villages.township()
        centre = township.centroid
        check_in_township(shapes, township, metric_crs(centre.x, centre.y), crs_name)
    for severity, message in shapes.file_problems:
        found.add(severity, None, "geometry", message)
    for row, items in shapes.row_problems.items():
        for severity, message in items:
            found.add(severity, row, "geometry", message)
    return shapes


_NO_VILLAGE_AT_POINT = Message(N_("no village given and the point lies in no village; fill in the village"))
_NO_VILLAGE_OF_FEATURE = Message(
    N_("no village given, and the feature the row names is not known to give one; fill in the village")
)


def _resolve_villages(
    values: dict,
    field_name: str,
    shapes: Shapes | None,
    villages: VillageLookup,
    found: _Problems,
    *,
    keep_empty: bool,
    subjects: list[str | None] | None = None,
) -> None:
    """Village codes for the rows; ``keep_empty``: an update keeps the village it has;
    ``subjects``: an event's village when its row gives none, its feature's (a follow-up's
    household's)."""
    n = len(found.source.frame)
    given = values.get(field_name, pd.Series([None] * n, dtype=object)).tolist()
    if shapes is not None:
        points = shapes.geometries
        is_point = np.array([g is not None and g.geom_type == "Point" for g in points], dtype=bool)
        lon = np.full(n, np.nan)
        lat = np.full(n, np.nan)
        if is_point.any():
            lon[is_point] = shapely.get_x(points[is_point].astype(object))
            lat[is_point] = shapely.get_y(points[is_point].astype(object))
        located = villages.containing(lon, lat)
    else:
        located = list(subjects) if subjects is not None else [None] * n
    taken = []
    resolved = {text: villages.code_for(text) for text in set(given) if text is not None}
    codes = []
    for row, (text, inside) in enumerate(zip(given, located, strict=False)):
        if text is None:
            if inside is None and not keep_empty and (row, "geometry") in found.cells:
                found.cells.add((row, field_name))  # the location's problem says it all
            elif inside is None and not keep_empty:
                found.add(
                    ERROR,
                    row,
                    field_name,
                    _NO_VILLAGE_OF_FEATURE if subjects is not None else _NO_VILLAGE_AT_POINT,
                )
            if inside is not None and subjects is not None:
                taken.append(row)
            codes.append(inside)
            continue
        code = resolved[text]
        if code is None:
            found.add(
                ERROR,
                row,
                field_name,
                Message(
                    N_("{value} is not a village of this township; write one of {known}"),
                    value=shown(None, text),
                    known=villages.known(),
                ),
            )
            codes.append(text)
            continue
        if inside is not None and inside != code and subjects is None:  # an event's own check says it
            found.add(
                WARNING,
                row,
                field_name,
                Message(
                    N_("the point lies in {actual}, but the row says {named}; check the village or the coordinates"),
                    actual=villages.name_of(inside),
                    named=villages.name_of(code),
                ),
            )
        codes.append(code)
    if taken:
        found.add(
            NOTE,
            None,
            field_name,
            Message(
                N_("{rows} give no village: each takes its feature's village"), rows=rows_text(found.source, taken)
            ),
        )
    values[field_name] = pd.Series(codes, dtype=object)


def _report_new_village_problems(found: _Problems, before: pd.DataFrame, after: pd.DataFrame) -> None:
    """What ``check`` would say of the villages as the import leaves them (villages that
    overlap, above all) and did not say before: an import must not write what check rejects.
    The villages are few, so the whole layer is checked again."""
    from geodata.validation import Problem, validate  # the layer checks and the checks across villages

    def said(frame) -> dict[tuple, Problem]:
        return {
            (p.feature, p.field, str(p.message)): p
            for p in validate(Dataset({"villages": frame}))
            if p.severity == ERROR
        }

    known = set(said(before)) if len(before) else set()
    for key, problem in said(after).items():
        if key not in known:
            found.add(
                ERROR,
                None,
                problem.field,
                Message(
                    N_("the villages as imported would fail the check: {feature}: {problem}"),
                    feature=str(problem.feature),
                    problem=str(problem.message),
                ),
            )


def _event_problems(source: Source, layer: str, rows: pd.DataFrame, dataset: Dataset, skipped: set) -> list:
    """Events that name a feature the dataset lacks, another village than their feature's, or
    a day outside 2019 to the dataset's as-of time, as the whole dataset's check would say."""
    from geodata.validation import validate_events

    return [
        source.problem(problem.severity, row, problem.field, problem.message)
        for row, problem in validate_events(layer, rows.reset_index(drop=True), dataset)
        if row not in skipped
    ]


def _report_orphans(found: _Problems, dataset: Dataset, codes: set[str]) -> None:
    """Features of other layers whose village would no longer exist after the import."""
    from geodata.schema import LAYERS

    for name, schema in LAYERS.items():
        if schema.village_field is None or name not in dataset:
            continue
        lost = int((~dataset[name][schema.village_field].astype(str).isin(codes)).sum())
        if lost:
            found.add(
                WARNING,
                None,
                "code",
                Message(
                    N_(
                        "{count} of the {layer} name a village code that is not in this file; "
                        "they will not be counted under any village"
                    ),
                    count=lost,
                    layer=name,
                ),
            )


def _rows_frame(schema, values: dict, shapes: Shapes | None, n: int) -> pd.DataFrame:
    data = {name: values[name] for name in schema.field_names if name in values}
    frame = pd.DataFrame(data, index=pd.RangeIndex(n))
    if not schema.is_spatial:
        return frame
    # Without locations (an update of attributes only) every shape is missing: kept as it is.
    geometries = shapes.geometries if shapes is not None else [None] * n
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometries, crs=STORAGE_CRS))
