"""What the map page shows for a MapState, and the smallest update between two of them.

The page holds every feature it may ever show (so a filter change never reloads it). For a
MapState, a :class:`PageModel` says which features are shown, the properties that change with
the as-of date (observation day, stage, freshness, ...), which layers are visible and the
page's texts. :func:`page_update` compares two models and returns only what changed: that is
the message the application sends to the page's update API.

Everything is held as arrays aligned with the layer's rows, so comparing two models of
100,000 households is a few vectorised operations, not set arithmetic on strings.
"""

from __future__ import annotations

import base64
import weakref
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geodata.dataset import Dataset
from geodata.schema import LAYERS, SCHEMAS
from geodata.stores.gpkg_changes import patch_of
from layers.day_stages import household_day
from layers.derived_cache import DerivedCache, carried_over
from layers.filters import (
    checkpoint_situation,
    disinfection_situation,
    household_situation,
    resolve_as_of,
    select_layers,
)
from layers.history import EVENT_FIELDS, id_objects
from layers.map_state import MapState
from layers.page_text import legend_sections, page_subtitle, page_title, words
from layers.styles import ALERT_CLASSES, STYLE_TABLE, village_fill_classes

# Day-dependent properties that are times of day; the other dates are calendar days.
_TIME_COLUMNS = {"due_at"} | {
    f.name
    for layer in EVENT_FIELDS
    for f in SCHEMAS[layer].fields
    if f.name in EVENT_FIELDS[layer] and f.type == "datetime"
}

# The layers a page can hold, bottom to top; households only for the internal audience.
PAGE_LAYERS = ("villages", "roads", "disinfection_points", "households", "checkpoints")

# A layer the page holds as columns (layers/page_columns.py) gets one state byte per feature:
# its symbol class in the low six bits, then an alert bit and a shown bit.
NO_STAGE = 63
ALERT_BIT = 64
SHOWN_BIT = 128


@dataclass(frozen=True)
class PageModel:
    """The page's content for one MapState; arrays are aligned with each layer's rows."""

    layers: tuple[str, ...]
    visible: frozenset[str]
    ids: dict[str, np.ndarray]  # feature ids (villages: codes), text in object arrays
    shown: dict[str, np.ndarray]  # boolean: is the feature shown
    props: Mapping[str, pd.DataFrame]  # properties that depend on the day, RangeIndex (DayProperties)
    texts: dict[str, object] = field(default_factory=dict)
    # State bytes per columnar layer, kept once computed: an update compares the old model's.
    packed: dict[str, np.ndarray] = field(default_factory=dict, compare=False, repr=False)

    def shown_ids(self, layer: str) -> list[str]:
        return self.ids[layer][self.shown[layer]].tolist()


def page_layers(state: MapState) -> tuple[str, ...]:
    """The layers a page for ``state`` holds. Public pages hold no household points: the
    households appear only as counts per village."""
    return tuple(n for n in PAGE_LAYERS if n != "households" or state.audience == "internal")


def page_model(dataset: Dataset, state: MapState, lang: str = "zh", cache: DerivedCache | None = None) -> PageModel:
    """The :class:`PageModel` of ``state`` over ``dataset``.

    ``cache`` is kept by the caller between calls: the situation of every layer on the as-of
    day is kept there, so a filter change on the same dataset and day does not compute it
    again. Give a new one (or none) when the dataset changes.
    """
    as_of = resolve_as_of(state, dataset)
    layers = page_layers(state)
    remembered = cache.situations_on(as_of) if cache is not None else None
    if remembered is None or "households" not in remembered:
        # The households' day as the filters, symbols and counts read it, from each one's steps
        # over the days (layers/day_stages.py): a few ms at a million, where the whole
        # situation with its facts took 80 ms and more. The facts wait for a popup to ask.
        remembered = {**(remembered or {}), "households": household_day(dataset.households, as_of, dataset)}
    selections = select_layers(dataset, state, remembered)
    kept = cache.page if cache is not None else {}
    # A layer's ids, the same array for every state of one dataset: two models then compare
    # their features by identity, not a million strings.
    ids: dict[str, np.ndarray] = {}
    for n in layers:
        if ("ids", n) not in kept:
            kept["ids", n] = layer_ids(dataset[n], LAYERS[n].id_field or "id")
        ids[n] = kept["ids", n]
    shown = {n: selections[n].shown.copy() if n in selections else np.zeros(len(ids[n]), dtype=bool) for n in layers}
    situations = {**(remembered or {}), **{n: s.situation for n, s in selections.items() if s.situation is not None}}
    props_key = ("props", as_of, state.village_fill)
    props = kept.get(props_key)
    if props is None:
        # The day's properties do not change with the filters: computed once per day.
        props = dynamic_properties(dataset, as_of, state.village_fill, situations)
        for key in [k for k in kept if k[0] == "props"]:
            del kept[key]
        kept[props_key] = props
    if cache is not None:
        cache.keep_situations(as_of, situations)
    people = situations["households"]
    present = _present_classes(dataset, shown, props, people["stage"])
    texts = {
        "title": page_title(dataset, state, lang),
        "subtitle": page_subtitle(dataset, as_of, lang),
        "labels": state.labels,
        "legend": legend_sections(layers, state, lang, present),
        "disclaimer": dataset.metadata.get("disclaimer", "") if lang == "zh" else _english(dataset),
        "words": words(lang),
        "planning": _planning_overlay(dataset, state, as_of, cache),
    }
    return PageModel(
        layers=layers,
        visible=frozenset(n for n in state.visible_layers if n in layers),
        ids=ids,
        shown=shown,
        props=props.only(layers),
        texts=texts,
        packed={"households": household_state(people["stage"], shown["households"])} if "households" in layers else {},
    )


def layer_ids(frame: pd.DataFrame, column: str) -> np.ndarray:
    """The ids of a layer's features (:func:`layers.history.id_objects`). For a frame the
    store patched from one asked about before, the rows it read are made into text alone and
    the others' carried over; when the patch left every id as it was, the same array: a page
    model then tells in no time that no feature came or went (a million ids as text took 40 ms
    to make and 20 ms to compare)."""
    carried = _carried_ids(frame, column)
    ids = id_objects(frame, column) if carried is None else carried
    if len(frame) >= _CARRIED_IDS_FROM:
        # The large layers' frames last shown: those another desk's edit patches.
        others = [entry for entry in _LAST_IDS if entry[0]() is not None and entry[0]() is not frame]
        _LAST_IDS[:] = [(weakref.ref(frame, _forget_gone_ids), column, ids), *others][:_KEPT_IDS]
    return ids


def _carried_ids(frame: pd.DataFrame, column: str) -> np.ndarray | None:
    for previous, name, ids in _LAST_IDS:
        old = previous()
        patch = patch_of(old, frame) if old is not None and name == column and column in frame.columns else None
        if patch is None:
            continue
        fresh = frame[column].iloc[patch[1]].astype(object).to_numpy(dtype=object)
        if np.array_equal(patch[0], patch[1]) and np.array_equal(ids[patch[0]], fresh):
            return ids
        carried = carried_over(ids, patch, fresh)
        carried.flags.writeable = False
        return carried
    return None


def _forget_gone_ids(_gone: weakref.ref) -> None:
    # A frame no longer held by anyone: its ids need not be kept (60 MB at a million).
    _LAST_IDS[:] = [entry for entry in _LAST_IDS if entry[0]() is not None]


# A layer's ids are carried over from the frame patched only when it has this many features:
# the small layers' ids are made in well under a millisecond.
_CARRIED_IDS_FROM = 20_000
_KEPT_IDS = 4
_LAST_IDS: list[tuple[weakref.ref, str, np.ndarray]] = []


class DayProperties(Mapping[str, pd.DataFrame]):
    """Per layer, its properties on a day; a layer given a maker is worked out when first read.
    The households' are read only by a popup, an edit or a page of GeoJSON: a change of day
    draws a million of them from their state bytes, and working their facts out took 80 ms."""

    def __init__(
        self,
        ready: dict[str, pd.DataFrame],
        later: dict[str, Callable[[], pd.DataFrame]],
        later_rows: dict[str, Callable[[np.ndarray], pd.DataFrame]] | None = None,
    ):
        self._ready, self._later = ready, later
        self._later_rows = later_rows or {}
        self._names = (*ready, *later)

    def only(self, names: Iterable[str]) -> DayProperties:
        """The same properties (worked out once for both) for the layers ``names`` only."""
        view = DayProperties(self._ready, self._later, self._later_rows)
        view._names = tuple(n for n in names if n in self._names)
        return view

    def rows(self, name: str, rows: np.ndarray) -> pd.DataFrame:
        """Layer ``name``'s properties at row positions ``rows`` (a RangeIndex), worked out for
        those rows alone when the whole layer's are not yet: another desk's edit of one
        household sends that household, and all households' facts took 40 ms and more."""
        if name not in self._names:
            raise KeyError(name)
        if name not in self._ready and name in self._later_rows:
            return self._later_rows[name](rows)
        return self[name].iloc[rows].reset_index(drop=True)

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._names:
            raise KeyError(name)
        if name not in self._ready:
            self._ready[name] = self._later.pop(name)()
        return self._ready[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def dynamic_properties(
    dataset: Dataset, as_of: pd.Timestamp, village_fill: str, situations: dict | None = None
) -> DayProperties:
    """Per layer, the properties that change with the as-of time, aligned with its rows.

    ``situations`` may hold situation frames already computed for ``as_of`` (the filters
    compute them for the visible layers); the others are computed here and added to it.

    Features with events also carry their stored fields as known at ``as_of`` (a point's
    last disinfection, a household's status date, ...): on the page they take the place of
    the latest values, so a past day shows nothing learnt later.
    """
    situations = situations if situations is not None else {}
    households = dataset.households
    people = situations.get("households")
    if people is None:
        people = situations["households"] = household_day(households, as_of, dataset)
    points = situations.get("disinfection_points")
    if points is None:
        points = situations["disinfection_points"] = disinfection_situation(dataset.disinfection_points, as_of, dataset)
    checkpoints = situations.get("checkpoints")
    if checkpoints is None:
        checkpoints = situations["checkpoints"] = checkpoint_situation(dataset.checkpoints, as_of, dataset)

    # Counted by each household's village number, numbered once per frame: no million strings
    # selected and hashed again at every change of day.
    village_numbers, village_codes = _village_numbers(households)
    observing = people["under_observation"].to_numpy(dtype=bool)
    per_code = np.bincount(village_numbers, weights=observing, minlength=len(village_codes) + 1)
    # The last slot holds the households without a village: counted nowhere.
    counts_by_code = pd.Series(np.rint(per_code[:-1]).astype(int), index=village_codes)
    counts = dataset.villages["code"].map(counts_by_code).fillna(0).astype(int).to_numpy()
    ready = {
        "villages": pd.DataFrame(
            {"observing_households": counts, "fill_class": village_fill_classes(counts, village_fill)}
        ),
        "checkpoints": _aligned(checkpoints[["status_on_day", *_known(checkpoints, "checkpoints")]]).assign(
            alert=checkpoint_alerts(dataset.checkpoints, checkpoints)
        ),
        "disinfection_points": _aligned(
            points[["freshness", "due_at", "hours_overdue", *_known(points, "disinfection_points")]]
        ).assign(alert=_in_classes(points["freshness"], ALERT_CLASSES["disinfection_points"])),
        "roads": pd.DataFrame(index=pd.RangeIndex(len(dataset.roads))),
    }
    return DayProperties(
        ready,
        {"households": lambda: household_properties(dataset, as_of)},
        {"households": lambda rows: household_properties(dataset, as_of, rows)},
    )


def properties_at(model: PageModel, name: str, rows: np.ndarray) -> pd.DataFrame:
    """Layer ``name``'s day properties in ``model`` at row positions ``rows`` (a RangeIndex)."""
    if isinstance(model.props, DayProperties):
        return model.props.rows(name, rows)
    return model.props[name].iloc[rows].reset_index(drop=True)


def household_properties(dataset: Dataset, as_of: pd.Timestamp, rows: np.ndarray | None = None) -> pd.DataFrame:
    """The households' properties on the as-of day, their facts as known then, by row (of
    the rows at positions ``rows`` only, when given)."""
    households = dataset.households if rows is None else dataset.households.iloc[rows]
    people = household_situation(households, as_of, dataset)
    return _aligned(
        people[["stage", "status_on_day", "observation_day", "release_date", *_known(people, "households")]]
    ).assign(alert=_in_classes(people["stage"], ALERT_CLASSES["households"]))


def _village_numbers(households: pd.DataFrame) -> tuple[np.ndarray, pd.Index]:
    """Per household the number of its village code (one past the codes: none) and the codes,
    kept for the frame last read (frames are replaced, not changed in place: held weakly, with
    its length)."""
    kept = _VILLAGE_NUMBERS.get((id(households), len(households)))
    if kept is not None and kept[0]() is households:
        return kept[1], kept[2]
    carried = _carried_village_numbers(households)
    if carried is None:
        numbers, distinct = pd.factorize(households["village"])
        codes = pd.Index(distinct)
        numbers = np.where(numbers < 0, len(codes), numbers)
    else:
        numbers, codes = carried
    numbers.flags.writeable = False
    _VILLAGE_NUMBERS.clear()
    _VILLAGE_NUMBERS[(id(households), len(households))] = (weakref.ref(households), numbers, codes)
    return numbers, codes


_VILLAGE_NUMBERS: dict[tuple[int, int], tuple[weakref.ref, np.ndarray, pd.Index]] = {}


def _carried_village_numbers(households: pd.DataFrame) -> tuple[np.ndarray, pd.Index] | None:
    """The village numbers of a frame the store patched from the one kept: the rows it read
    numbered alone (a village code not seen before gets the next number), the others'
    carried over; numbering a million households' codes took 60 ms. None: not such a frame."""
    for previous, old_numbers, old_codes in _VILLAGE_NUMBERS.values():
        old = previous()
        patch = patch_of(old, households) if old is not None else None
        if patch is None:
            return None
        villages = pd.Index(households["village"].iloc[patch[1]])
        found = old_codes.get_indexer(villages)
        unseen = villages[(found < 0) & villages.notna()].unique()
        codes = old_codes.append(unseen) if len(unseen) else old_codes
        found = np.where(found < 0, codes.get_indexer(villages), found)
        fresh = np.where(found < 0, len(codes), found)
        # The slot of "no village" is one past the codes: it moves when codes were added.
        moved = np.where(old_numbers == len(old_codes), len(codes), old_numbers) if len(unseen) else old_numbers
        return carried_over(moved, patch, fresh.astype(old_numbers.dtype)), codes
    return None


def _known(situation: pd.DataFrame, layer: str) -> list[str]:
    """The layer's stored fields the situation holds as known on its day (read from events)."""
    return [name for name in EVENT_FIELDS[layer] if name in situation.columns]


def checkpoint_alerts(records: pd.DataFrame, situation: pd.DataFrame) -> np.ndarray:
    """Checkpoints that are alerts on the day: closed, or open with nobody on shift or not
    staffed around the clock. Unknown staffing is not an alert (no false alarm). The staff
    count is the day's when the situation was read from events."""
    closed = (situation["status_on_day"].astype(object) == "closed").to_numpy()
    active = situation["active"].to_numpy(dtype=bool)
    not_24h = np.array([v is not None and not pd.isna(v) and not bool(v) for v in records["staffed_24h"]], dtype=bool)
    staff = pd.to_numeric((situation if "staff_on_shift" in situation else records)["staff_on_shift"], errors="coerce")
    nobody = (staff == 0).to_numpy(dtype=bool, na_value=False)  # an unknown count is no alarm
    return closed | (active & (not_24h | nobody))


def _in_classes(values: pd.Series, classes) -> np.ndarray:
    if isinstance(values.dtype, pd.CategoricalDtype):
        # By category code: a million households' stages without a million strings.
        wanted = [i for i, c in enumerate(values.cat.categories) if c in classes]
        return np.isin(values.cat.codes.to_numpy(), wanted)
    return values.astype(object).isin(classes).to_numpy()


def page_update(old: PageModel | None, new: PageModel, columnar: Collection[str] = ()) -> dict:
    """The message that turns a page showing ``old`` into one showing ``new``.

    With ``old`` None, the message draws ``new`` on a page that shows nothing yet. A layer
    named in ``columnar`` is held by the page as columns: what it shows and how is sent as
    its state bytes (``state``, base64), whole, when any changed; when only which features
    show changed, as one bit per feature (``shown``, base64, least significant bit first).
    """
    update: dict = {"layers": {}}
    for name in new.layers:
        same_features = (
            old is not None
            and name in old.ids
            and (old.ids[name] is new.ids[name] or np.array_equal(old.ids[name], new.ids[name]))
        )
        change: dict = {}
        if old is None or (name in new.visible) != (name in old.visible):
            change["visible"] = name in new.visible
        if name in columnar:
            after_state = packed_state(new, name)
            before_state = packed_state(old, name) if old is not None and same_features else None
            if before_state is None:
                change["state"] = state_message(name, after_state)
            elif not np.array_equal(before_state, after_state):
                if np.any((before_state ^ after_state) & np.uint8(SHOWN_BIT - 1)):
                    change["state"] = state_message(name, after_state)
                else:
                    # Only which features show changed (a filter): one bit each, an eighth of the bytes.
                    change["shown"] = _base64(np.packbits(after_state >= SHOWN_BIT, bitorder="little"))
        elif old is not None and same_features:
            before = old.shown[name]
        elif old is not None and name in old.ids:
            # Features were added or removed (an edit): compare what was shown by id.
            before = np.isin(new.ids[name], old.ids[name][old.shown[name]])
        else:
            before = np.zeros(len(new.ids[name]), dtype=bool)
        if name not in columnar:
            after = new.shown[name]
            if (appear := after & ~before).any():
                change["show"] = new.ids[name][appear].tolist()
            if (vanish := before & ~after).any():
                change["hide"] = new.ids[name][vanish].tolist()
            rows = _changed_rows(old.props[name] if old is not None and same_features else None, new.props[name])
            if len(rows):
                change["props"] = property_records(new.props[name].iloc[rows], new.ids[name][rows])
        if change:
            update["layers"][name] = change
    for key, value in new.texts.items():
        if old is None or old.texts.get(key) != value:
            update[key] = value
    return update


def _base64(values: np.ndarray) -> str:
    return base64.b64encode(values.tobytes()).decode("ascii")


# Columnar layers whose alerts are exactly some of their classes (a household is an alert when
# new or escalated): their alert bit need not travel.
_ALERTS_BY_CLASS = {"households": ALERT_CLASSES["households"]}
_NIBBLE_NONE = 7  # in half a byte, the class of a feature without one


def state_message(name: str, state: np.ndarray) -> str | dict:
    """The state bytes of layer ``name`` as the page reads them (resources/map/point_columns.js,
    ``decodeState``): base64 of the bytes, or, for a layer of at most seven classes whose alerts
    are classes, ``{"nibbles", "count", "alerts"}``: half a byte a feature, its class in bits
    0-2 (7: none) and shown in bit 3, the alert bit following from the class. A million
    households' bytes took 15-25 ms to pass through the page's script and be read."""
    classes = stage_codes(name)
    alerts = _ALERTS_BY_CLASS.get(name)
    if alerts is None or len(classes) >= _NIBBLE_NONE:
        return _base64(state)
    nibbles = np.minimum(state & np.uint8(SHOWN_BIT - ALERT_BIT - 1), np.uint8(_NIBBLE_NONE))
    nibbles |= (state >> np.uint8(4)) & np.uint8(8)  # the shown bit, 128, to 8
    if len(nibbles) % 2:
        nibbles = np.append(nibbles, np.uint8(0))
    packed = nibbles[0::2] | (nibbles[1::2] << np.uint8(4))
    return {
        "nibbles": _base64(packed),
        "count": len(state),
        "alerts": [code for code, key in enumerate(classes) if key in alerts],
    }


def stage_codes(name: str) -> list[str]:
    """The symbol classes of layer ``name``, in the order of their codes in the state byte."""
    return [s.key for s in STYLE_TABLE[name].symbols]


def household_state(stage: pd.Series, shown: np.ndarray) -> np.ndarray:
    """The households' state bytes (:func:`packed_state`) from their stage on the day."""
    known = {key: code for code, key in enumerate(stage_codes("households"))}
    alerts = ALERT_CLASSES["households"]
    lookup = np.array(
        [known.get(c, NO_STAGE) | (ALERT_BIT if c in alerts else 0) for c in stage.cat.categories] + [NO_STAGE],
        dtype=np.uint8,
    )
    state = lookup[stage.cat.codes.to_numpy()]
    state |= np.asarray(shown, dtype=bool).view(np.uint8) << np.uint8(7)
    return state


def packed_state(model: PageModel, name: str) -> np.ndarray:
    """One byte per feature of layer ``name``: symbol class code, alert bit, shown bit."""
    kept = model.packed.get(name)
    if kept is not None:
        return kept
    props = model.props[name]
    classified_by = STYLE_TABLE[name].classified_by
    values = props[classified_by] if classified_by in props else pd.Series([None] * len(props), dtype=object)
    if not isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(object).astype("category")
    # The values' own categories to state codes; a missing value (code -1) takes the last.
    known = {key: code for code, key in enumerate(stage_codes(name))}
    lookup = np.array([known.get(c, NO_STAGE) for c in values.cat.categories] + [NO_STAGE], dtype=np.uint8)
    state = lookup[values.cat.codes.to_numpy()]
    if "alert" in props:
        state |= np.where(props["alert"].to_numpy(dtype=bool, na_value=False), ALERT_BIT, 0).astype(np.uint8)
    state |= np.where(model.shown[name], SHOWN_BIT, 0).astype(np.uint8)
    model.packed[name] = state
    return state


def property_records(frame: pd.DataFrame, ids) -> dict[str, dict]:
    """``{id: {column: value}}`` ready for JSON: days and times as text, missing as None."""
    columns = {}
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            text = values.dt.strftime("%Y-%m-%d %H:%M" if column in _TIME_COLUMNS else "%Y-%m-%d")
            columns[column] = text.astype(object).where(values.notna(), None).tolist()
        elif pd.api.types.is_float_dtype(values):
            columns[column] = [None if np.isnan(v) else round(float(v), 1) for v in values.to_numpy()]
        else:
            columns[column] = [
                None if pd.isna(v) else (v.item() if isinstance(v, np.generic) else v)
                for v in values.astype(object).to_numpy()
            ]
    names = list(columns)
    return {
        str(i): dict(zip(names, row, strict=False))
        for i, row in zip(ids, zip(*columns.values(), strict=False), strict=False)
    }


def _changed_rows(before: pd.DataFrame | None, after: pd.DataFrame) -> np.ndarray:
    """Row positions whose properties differ (all rows when there is nothing to compare)."""
    if after.columns.empty or before is after:
        return np.array([], dtype=int)
    if before is None or not before.columns.equals(after.columns) or len(before) != len(after):
        return np.arange(len(after))
    changed = np.zeros(len(after), dtype=bool)
    for column in after.columns:
        a, b = after[column], before[column]
        missing_a, missing_b = a.isna().to_numpy(), b.isna().to_numpy()
        if isinstance(a.dtype, pd.CategoricalDtype) and a.dtype == b.dtype:
            equal = a.cat.codes.to_numpy() == b.cat.codes.to_numpy()
        elif a.dtype == b.dtype and isinstance(a.dtype, np.dtype):
            equal = a.to_numpy() == b.to_numpy()  # numbers and times compare without boxing
        elif a.dtype == b.dtype and a.dtype.kind in "iuf":  # nullable numbers (Int64)
            equal = a.to_numpy("float64", na_value=np.nan) == b.to_numpy("float64", na_value=np.nan)
        else:
            # pandas takes na_value=None (missing cells as None); pandas-stubs types it as a non-None scalar.
            equal = a.to_numpy(dtype=object, na_value=None) == b.to_numpy(  # type: ignore[call-overload]
                dtype=object, na_value=None
            )
        changed |= ~((equal & ~missing_a & ~missing_b) | (missing_a & missing_b))
    return np.flatnonzero(changed)


def _planning_overlay(dataset: Dataset, state: MapState, as_of, cache: DerivedCache | None):
    """Coverage and proposed checkpoints, for a state with a planning part (else None)."""
    if state.planning is None:
        return None
    from layers.planning.overlay import planning_overlay  # only planning states pay for it

    return planning_overlay(dataset, state, as_of, cache)


def _aligned(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.reset_index(drop=True)


def _present_classes(
    dataset: Dataset, shown: dict[str, np.ndarray], props: Mapping[str, pd.DataFrame], stage: pd.Series
) -> dict[str, set[str]]:
    """Per point and line layer, the symbol classes among the features shown."""

    def among_shown(layer: str, values: pd.Series) -> set[str]:
        mask = shown.get(layer)
        if mask is None or not mask.any():
            return set()
        if isinstance(values.dtype, pd.CategoricalDtype):
            # Counting codes: a million households' classes without making a million strings.
            # Code and shown flag counted together: no million-row selection to count from.
            slots = (values.cat.codes.to_numpy().astype(np.intp) + 1) * 2 + np.asarray(mask, dtype=bool)
            counts = np.bincount(slots, minlength=2 * (len(values.cat.categories) + 1))[3::2]
            return {str(c) for c, n in zip(values.cat.categories, counts, strict=True) if n}
        return {str(v) for v in pd.unique(values.to_numpy(dtype=object)[mask]) if not pd.isna(v)}

    return {
        "checkpoints": among_shown("checkpoints", dataset.checkpoints["tier"])
        | among_shown("checkpoints", props["checkpoints"]["status_on_day"]),
        "households": among_shown("households", stage),
        "disinfection_points": among_shown("disinfection_points", props["disinfection_points"]["freshness"]),
        "roads": among_shown("roads", dataset.roads["road_class"]),
    }


def _english(dataset: Dataset) -> str:
    text = dataset.metadata.get("disclaimer", "")
    # The sample's disclaimer is bilingual, Chinese first; show the English half in English.
    for marker in ("Illustrative", "Sample"):
        if marker in text:
            return text[text.index(marker) :]
    return text
