"""The data model: one schema per layer and per table.

Every store, importer, validator and view reads its field names, types and allowed values
from here, so a new field is added in one place. Field types are deliberately few:

``str``       text (pandas ``str``)
``int``       whole number, may be missing (pandas ``Int64``)
``float``     real number (``float64``)
``bool``      yes/no, never missing (``bool``)
``date``      a calendar day, held as ``datetime64[ms]`` at midnight
``datetime``  a local time (China Standard Time, naive), held as ``datetime64[ms]``

Personal fields (household head's name, phone, notes) are marked so that briefings, exports,
logs and error messages can leave them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.errors import SchemaError
from geodata.messages import bilingual

STORAGE_CRS = "EPSG:4326"

# The name of a layer's shape column: in frames, in edit records and in both stores.
GEOMETRY = "geometry"

FIELD_TYPES = ("str", "int", "float", "bool", "date", "datetime")

CHECKPOINT_TIERS = ("district", "village", "natural_village", "compound")
CHECKPOINT_STATUSES = ("active", "closed", "proposed")
HOUSEHOLD_REASONS = (
    "hubei_return",
    "wuhan_return",
    "other_province_return",
    "close_contact",
    "fever",
)
HOUSEHOLD_STATUSES = ("observing", "released", "escalated")
DISINFECTION_KINDS = ("checkpoint", "residential", "public", "work_area")
ROAD_CLASSES = ("expressway", "national", "provincial", "county", "village")
SUPPLY_ITEMS = (
    "masks",
    "thermometers",
    "disinfectant_litres",
    "latex_glove_pairs",
    "goggles",
    "isolation_gowns",
)
PUBLICITY_ITEMS = ("vehicles", "boards", "banners", "leaflets")
FOLLOWUP_RESULTS = ("normal", "abnormal", "referred")
CHECKPOINT_CHANGES = ("opened", "closed", "staffing")

OBSERVATION_DAYS = 14
# Days and times a record may carry: the years of this kind of work, not 0001 or 9999 (typing
# slips that would stretch every time axis and overflow day arithmetic).
EARLIEST_DAY = pd.Timestamp("1900-01-01")
LATEST_DAY = pd.Timestamp("2099-12-31 23:59:59")

# What the enumerated values are called, in Chinese and English: (layer, field) -> value ->
# (zh, en). Import reads the Chinese names too; the map, briefing and forms show them.
CHOICE_LABELS: dict[tuple[str, str], dict[str, tuple[str, str]]] = {
    ("checkpoints", "tier"): {
        "district": ("区级", "District"),
        "village": ("村级", "Village"),
        "natural_village": ("自然村", "Natural village"),
        "compound": ("小区", "Compound"),
    },
    ("checkpoints", "status"): {
        "active": ("值守中", "Active"),
        "closed": ("已撤除", "Closed"),
        "proposed": ("拟设", "Proposed"),
    },
    ("households", "reason"): {
        "hubei_return": ("湖北返乡", "Returned from Hubei"),
        "wuhan_return": ("武汉返乡", "Returned from Wuhan"),
        "other_province_return": ("外省返乡", "Returned from another province"),
        "close_contact": ("密切接触者", "Close contact"),
        "fever": ("体温异常", "Abnormal temperature"),
    },
    ("households", "status"): {
        "observing": ("观察中", "Under observation"),
        "released": ("已解除", "Released"),
        "escalated": ("已转诊", "Escalated"),
    },
    ("disinfection_points", "kind"): {
        "checkpoint": ("卡点", "Checkpoint"),
        "residential": ("居民区", "Residential area"),
        "public": ("公共区域", "Public area"),
        "work_area": ("工作区域", "Work area"),
    },
    ("supplies", "item"): {
        "masks": ("口罩", "Masks"),
        "thermometers": ("体温计", "Thermometers"),
        "disinfectant_litres": ("消毒液（升）", "Disinfectant (litres)"),
        "latex_glove_pairs": ("乳胶手套（副）", "Latex gloves (pairs)"),
        "goggles": ("护目镜", "Goggles"),
        "isolation_gowns": ("隔离衣", "Isolation gowns"),
    },
    ("publicity", "item"): {
        "vehicles": ("宣传车", "Publicity vehicles"),
        "boards": ("宣传版面", "Boards"),
        "banners": ("横幅", "Banners"),
        "leaflets": ("宣传页", "Leaflets"),
    },
    ("followups", "result"): {
        "normal": ("正常", "Normal"),
        "abnormal": ("异常", "Abnormal"),
        "referred": ("已转诊", "Referred"),
    },
    ("status_changes", "status"): {
        "observing": ("开始观察", "Observation started"),
        "released": ("解除观察", "Released"),
        "escalated": ("转诊", "Escalated"),
    },
    ("checkpoint_changes", "change"): {
        "opened": ("设立", "Opened"),
        "closed": ("撤除", "Closed"),
        "staffing": ("换班", "Shift change"),
    },
    ("roads", "road_class"): {
        "expressway": ("高速公路", "Expressway"),
        "national": ("国道", "National road"),
        "provincial": ("省道", "Provincial road"),
        "county": ("县道", "County road"),
        "village": ("村道", "Village road"),
    },
}


@dataclass(frozen=True)
class Field:
    """One attribute of a layer or table."""

    name: str
    type: str
    required: bool = False
    choices: tuple[str, ...] | None = None
    personal: bool = False
    minimum: float | None = None
    maximum: float | None = None  # beyond it a value is a typing slip, not a fact (1e18 days)
    label_zh: str = ""
    label_en: str = ""

    def label(self, lang: str = "zh") -> str:
        """The field's name for people in ``lang`` ("zh" or "en")."""
        return bilingual(self.label_zh, self.label_en or self.name, lang)

    def __post_init__(self):
        if self.type not in FIELD_TYPES:
            raise SchemaError(f"field {self.name!r}: unknown type {self.type!r}")


@dataclass(frozen=True)
class LayerSchema:
    """The fields of one layer (with geometry) or table (``geometry_types`` empty)."""

    name: str
    fields: tuple[Field, ...]
    id_field: str | None
    geometry_types: tuple[str, ...] = ()
    label_zh: str = ""
    label_en: str = ""
    village_field: str | None = field(default=None)

    def label(self, lang: str = "zh") -> str:
        """The layer's name for people in ``lang`` ("zh" or "en")."""
        return bilingual(self.label_zh, self.label_en or self.name, lang)

    @property
    def is_spatial(self) -> bool:
        return bool(self.geometry_types)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def personal_fields(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.personal)

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise SchemaError(f"layer {self.name!r} has no field {name!r}")

    def empty(self) -> pd.DataFrame:
        """A frame with this schema's columns and types and no rows."""
        frame = pd.DataFrame({f.name: pd.Series([], dtype=object) for f in self.fields})
        return conform(self, frame)


def _f(name, type, zh, en, **kw) -> Field:
    return Field(name, type, label_zh=zh, label_en=en, **kw)


VILLAGES = LayerSchema(
    name="villages",
    label_zh="行政村",
    label_en="Villages",
    id_field="code",
    geometry_types=("Polygon", "MultiPolygon"),
    fields=(
        _f("code", "str", "区划代码", "Division code", required=True),
        _f("name", "str", "村名", "Name", required=True),
        _f("population", "int", "人口", "Population", minimum=0, maximum=10_000_000),
        _f("households", "int", "总户数", "Households in all", minimum=0, maximum=5_000_000),
        _f("groups", "int", "村民组数", "Villager groups", minimum=0, maximum=999),
        _f("work_group", "str", "工作组", "Work group"),
        _f("party_branches", "int", "临时党支部", "Temporary party branches", minimum=0, maximum=999),
        _f("volunteers", "int", "党员志愿者", "Party-member volunteers", minimum=0, maximum=100_000),
    ),
)

CHECKPOINTS = LayerSchema(
    name="checkpoints",
    label_zh="监测卡点",
    label_en="Checkpoints",
    id_field="id",
    village_field="village",
    geometry_types=("Point",),
    fields=(
        _f("id", "str", "编号", "ID", required=True),
        _f("name", "str", "名称", "Name", required=True),
        _f("tier", "str", "级别", "Tier", required=True, choices=CHECKPOINT_TIERS),
        _f("village", "str", "所属村", "Village", required=True),
        _f("status", "str", "状态", "Status", required=True, choices=CHECKPOINT_STATUSES),
        _f("staffed_24h", "bool", "24小时值守", "Staffed 24 h"),
        _f("staff_on_shift", "int", "在岗人数", "Staff on shift", minimum=0, maximum=999),
        _f("opened", "date", "设立日期", "Opened", required=True),
        _f("closed", "date", "撤除日期", "Closed"),
        _f("note", "str", "备注", "Note"),
    ),
)

HOUSEHOLDS = LayerSchema(
    name="households",
    label_zh="居家医学观察户",
    label_en="Households under observation",
    id_field="id",
    village_field="village",
    geometry_types=("Point",),
    fields=(
        _f("id", "str", "编号", "ID", required=True),
        _f("village", "str", "所属村", "Village", required=True),
        _f("villager_group", "int", "村民组", "Villager group", minimum=1, maximum=999),
        _f("reason", "str", "观察原因", "Reason", required=True, choices=HOUSEHOLD_REASONS),
        _f("persons", "int", "人数", "Persons", required=True, minimum=1, maximum=100),
        _f("observation_start", "date", "观察开始", "Observation start", required=True),
        _f("observation_days", "int", "观察天数", "Observation days", minimum=1, maximum=60),
        _f("status", "str", "状态", "Status", required=True, choices=HOUSEHOLD_STATUSES),
        _f("status_date", "date", "解除/转诊日期", "Released/escalated on"),
        _f("last_check", "datetime", "最近随访", "Last check"),
        _f("abnormal_temperature", "bool", "体温异常", "Abnormal temperature"),
        _f("head_name", "str", "户主姓名", "Head of household", personal=True),
        _f("phone", "str", "联系电话", "Phone", personal=True),
        _f("note", "str", "备注", "Note", personal=True),
    ),
)

DISINFECTION_POINTS = LayerSchema(
    name="disinfection_points",
    label_zh="消毒点",
    label_en="Disinfection points",
    id_field="id",
    village_field="village",
    geometry_types=("Point",),
    fields=(
        _f("id", "str", "编号", "ID", required=True),
        _f("name", "str", "名称", "Name", required=True),
        _f("kind", "str", "类型", "Kind", required=True, choices=DISINFECTION_KINDS),
        _f("village", "str", "所属村", "Village", required=True),
        _f("checkpoint", "str", "所在卡点", "At checkpoint"),
        _f("interval_hours", "float", "消毒间隔(小时)", "Interval (hours)", required=True, minimum=0.5, maximum=720),
        _f("last_disinfected", "datetime", "最近消毒", "Last disinfected"),
        _f("note", "str", "备注", "Note"),
    ),
)

ROADS = LayerSchema(
    name="roads",
    label_zh="道路",
    label_en="Roads",
    id_field="id",
    geometry_types=("LineString", "MultiLineString"),
    fields=(
        _f("id", "str", "编号", "ID", required=True),
        _f("name", "str", "名称", "Name"),
        _f("road_class", "str", "等级", "Class", required=True, choices=ROAD_CLASSES),
    ),
)

SUPPLIES = LayerSchema(
    name="supplies",
    label_zh="防控物资",
    label_en="Supplies",
    id_field=None,
    fields=(
        _f("scope", "str", "范围(区划代码)", "Scope (division code)", required=True),
        _f("date", "date", "日期", "Date", required=True),
        _f("item", "str", "物资", "Item", required=True, choices=SUPPLY_ITEMS),
        _f("quantity", "float", "数量", "Quantity", required=True, minimum=0),
    ),
)

PUBLICITY = LayerSchema(
    name="publicity",
    label_zh="宣传",
    label_en="Publicity",
    id_field=None,
    fields=(
        _f("scope", "str", "范围(区划代码)", "Scope (division code)", required=True),
        _f("date", "date", "日期", "Date", required=True),
        _f("item", "str", "项目", "Item", required=True, choices=PUBLICITY_ITEMS),
        _f("quantity", "float", "数量", "Quantity", required=True, minimum=0),
    ),
)

# Events: what happened, appended as it is reported and never changed afterwards. The
# situation on a day is worked out from the events up to that day, so a past day shows only
# what was known by then. Each event names the feature it happened to, its village and who
# reported it (a work group or desk).
DISINFECTION_ROUNDS = LayerSchema(
    name="disinfection_rounds",
    label_zh="消毒记录",
    label_en="Disinfection rounds",
    id_field="id",
    village_field="village",
    fields=(
        _f("id", "str", "编号", "ID", required=True),
        _f("point", "str", "消毒点", "Disinfection point", required=True),
        _f("village", "str", "所属村", "Village", required=True),
        _f("time", "datetime", "消毒时间", "Time", required=True),
        _f("agent", "str", "消毒剂", "Agent"),
        _f("reported_by", "str", "上报人", "Reported by"),
        _f("note", "str", "备注", "Note"),
    ),
)

FOLLOWUPS = LayerSchema(
    name="followups",
    label_zh="随访记录",
    label_en="Household follow-ups",
    id_field="id",
    village_field="village",
    fields=(
        _f("id", "str", "编号", "ID", required=True),
        _f("household", "str", "观察户", "Household", required=True),
        _f("village", "str", "所属村", "Village", required=True),
        _f("time", "datetime", "随访时间", "Time", required=True),
        _f("temperature", "float", "体温(℃)", "Temperature (°C)", minimum=30, maximum=45),
        _f("symptoms", "bool", "有症状", "Symptoms"),
        _f("result", "str", "结果", "Result", required=True, choices=FOLLOWUP_RESULTS),
        _f("reported_by", "str", "上报人", "Reported by"),
        _f("note", "str", "备注", "Note", personal=True),
    ),
)

STATUS_CHANGES = LayerSchema(
    name="status_changes",
    label_zh="观察状态变更",
    label_en="Observation status changes",
    id_field="id",
    village_field="village",
    fields=(
        _f("id", "str", "编号", "ID", required=True),
        _f("household", "str", "观察户", "Household", required=True),
        _f("village", "str", "所属村", "Village", required=True),
        _f("day", "date", "日期", "Day", required=True),
        _f("status", "str", "状态", "Status", required=True, choices=HOUSEHOLD_STATUSES),
        _f("reported_by", "str", "上报人", "Reported by"),
        _f("note", "str", "备注", "Note", personal=True),
    ),
)

CHECKPOINT_EVENTS = LayerSchema(
    name="checkpoint_changes",
    label_zh="卡点变更",
    label_en="Checkpoint changes",
    id_field="id",
    village_field="village",
    fields=(
        _f("id", "str", "编号", "ID", required=True),
        _f("checkpoint", "str", "卡点", "Checkpoint", required=True),
        _f("village", "str", "所属村", "Village", required=True),
        _f("time", "datetime", "时间", "Time", required=True),
        _f("change", "str", "变更", "Change", required=True, choices=CHECKPOINT_CHANGES),
        _f("staff_on_shift", "int", "在岗人数", "Staff on shift", minimum=0, maximum=999),
        _f("reported_by", "str", "上报人", "Reported by"),
        _f("note", "str", "备注", "Note"),
    ),
)

LAYERS: dict[str, LayerSchema] = {s.name: s for s in (VILLAGES, CHECKPOINTS, HOUSEHOLDS, DISINFECTION_POINTS, ROADS)}
EVENTS: dict[str, LayerSchema] = {
    s.name: s for s in (DISINFECTION_ROUNDS, FOLLOWUPS, STATUS_CHANGES, CHECKPOINT_EVENTS)
}
TABLES: dict[str, LayerSchema] = {s.name: s for s in (SUPPLIES, PUBLICITY, *EVENTS.values())}
SCHEMAS: dict[str, LayerSchema] = {**LAYERS, **TABLES}

# A shapefile's .dbf holds field names of at most 10 bytes: the fields whose names are longer go
# out and come back under these (docs/data-model.md, "Shapefiles"). GDAL's own cut names
# (staffed_24, observat_1) would lose fields whose first ten letters agree.
SHAPEFILE_NAMES: dict[str, str] = {
    "staffed_24h": "staffed24h",
    "staff_on_shift": "on_shift",
    "villager_group": "vil_group",
    "observation_start": "obs_start",
    "observation_days": "obs_days",
    "status_date": "stat_date",
    "abnormal_temperature": "abn_temp",
    "party_branches": "branches",
    "interval_hours": "interval_h",
    "last_disinfected": "last_disin",
    "reported_by": "report_by",
    "temperature": "temp_c",
}


def shapefile_name(field_name: str) -> str:
    """The name of field ``field_name`` in a shapefile's .dbf (10 bytes at most)."""
    return SHAPEFILE_NAMES.get(field_name, field_name)


EDIT_ACTIONS = ("add", "update", "delete")

# The store's record of every saved edit, oldest first. Deliberately not in SCHEMAS: it is no
# layer a user imports, filters, counts or prints, only the dataset's own history. ``before``
# and ``after`` are the whole record as JSON (dates as ISO text, geometry as WKT), missing for
# an add's before and a delete's after; they hold household records, hence personal.
JOURNAL = LayerSchema(
    name="journal",
    label_zh="编辑日志",
    label_en="Edit journal",
    id_field=None,
    fields=(
        _f("time", "datetime", "时间", "Time", required=True),
        _f("who", "str", "操作人", "By", required=True),
        _f("layer", "str", "图层", "Layer", required=True),
        _f("feature_id", "str", "要素编号", "Feature", required=True),
        _f("action", "str", "操作", "Action", required=True, choices=EDIT_ACTIONS),
        _f("description", "str", "说明", "Description"),
        _f("before", "str", "修改前", "Before", personal=True),
        _f("after", "str", "修改后", "After", personal=True),
    ),
)

# Dataset metadata keys (a key/value table in the store). Values are text.
METADATA_KEYS = (
    "township_name",
    "township_name_en",
    "township_code",
    "as_of",
    "issuing_body",
    "source",
    "disclaimer",
    "illustrative",
    "schema_version",
)
SCHEMA_VERSION = "1"


def schema_for(name: str) -> LayerSchema:
    """The schema of layer or table ``name``; a clear error for an unknown name."""
    try:
        return SCHEMAS[name]
    except KeyError:
        known = ", ".join(SCHEMAS)
        raise SchemaError(f"unknown layer {name!r}; known layers: {known}") from None


def conform(schema: LayerSchema, frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with every schema column present, in schema order, in its type.

    Missing columns are added empty; extra columns are kept after the schema's (validation
    reports them). Values that cannot be converted raise :class:`SchemaError` naming the
    layer and field: use :func:`geodata.validation.validate_frame` first on untrusted input.
    """
    out = frame.copy(deep=False)  # pandas copies on write: the caller's frame is never changed
    for f in schema.fields:
        column = out[f.name] if f.name in out.columns else pd.Series([None] * len(out), index=out.index)
        try:
            out[f.name] = _convert(column, f.type)
        except (ValueError, TypeError) as exc:
            raise SchemaError(f"{schema.name}.{f.name}: cannot read values as {f.type} ({exc})") from None
    extra = [c for c in out.columns if c not in schema.field_names and c != GEOMETRY]
    ordered = list(schema.field_names) + extra
    if isinstance(out, gpd.GeoDataFrame) and schema.is_spatial:
        ordered.append(out.geometry.name)
        result = out[ordered]
        if result.crs is None:
            result = result.set_crs(STORAGE_CRS)
        return result
    return out[ordered]


def _convert(column: pd.Series, type_name: str) -> pd.Series:
    if type_name == "str":
        # pandas' own str conversion writes str(value) for each non-missing value and keeps
        # missing ones missing, in C: a Python function per value cost a second per million.
        if column.dtype == "str":
            return column
        return _arrow_text(column) if column.dtype == object else column.astype("str")
    if type_name == "int":
        numbers = pd.to_numeric(column, errors="raise")
        if (numbers.dropna() % 1 != 0).any():
            raise ValueError("not a whole number")
        return numbers.astype("Int64")
    if type_name == "float":
        return pd.to_numeric(column, errors="raise").astype("float64")
    if type_name == "bool":
        if pd.api.types.is_bool_dtype(column.dtype):
            return column.astype(bool)
        return column.map(to_bool).astype(bool)
    times = pd.to_datetime(column, errors="raise").astype("datetime64[ms]")
    return times.dt.normalize() if type_name == "date" else times


def _arrow_text(column: pd.Series) -> pd.Series:
    """An object column of text (and missing values) as ``str``, handed to Arrow whole: a
    fifth of the time of ``astype("str")`` at a million rows. A column holding anything
    but text (a number in a text field) is converted by pandas, value by value."""
    import pyarrow as pa  # type: ignore[import-untyped]

    try:
        values = pa.array(column.to_numpy(), type=pa.large_string(), from_pandas=True)
        values.validate(full=True)  # bytes that are no UTF-8 text
    except (pa.ArrowException, ValueError, TypeError):
        return column.astype("str")
    text = pd.arrays.ArrowStringArray(values, dtype=pd.StringDtype("pyarrow", na_value=np.nan))  # type: ignore[call-arg]
    return pd.Series(text, index=column.index, name=column.name)


def to_bool(value) -> bool:
    """Read a yes/no cell: missing is no; text may be 1/0, true/false, yes/no, 是/否."""
    if value is None or (np.ndim(value) == 0 and pd.isna(value)):
        return False
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("1", "true", "yes", "y", "是", "t"):
            return True
        if text in ("0", "false", "no", "n", "否", "f", ""):
            return False
        raise ValueError(f"not yes/no: {value!r}")
    return bool(value)


def choice_label(layer: str, field_name: str, value: str, lang: str = "zh") -> str:
    """The Chinese or English name of an enumerated value (the value itself if unnamed)."""
    names = CHOICE_LABELS.get((layer, field_name), {}).get(value)
    if names is None:
        return value
    return bilingual(names[0], names[1], lang)
