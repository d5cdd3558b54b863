"""The words on the map page: title, as-of line, legend, popup fields and value names.

Field and value names come from the schema (``label_zh``/``label_en``, ``CHOICE_LABELS``) and
symbol names from the style table, so the page, the briefing and the forms say the same.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from geodata.dataset import Dataset
from geodata.messages import N_, bilingual
from geodata.schema import CHOICE_LABELS, SCHEMAS
from layers.i18n import as_of_text, translations
from layers.map_state import MapState
from layers.styles import CHECKPOINT_STATUS_OVERRIDES, DRAW_ORDER, STYLE_TABLE, legend_symbols

# Words of the page, and the day-dependent fields' labels, in English; translated by the
# catalog into the page's language.
_WORDS = {
    "legend": N_("Legend"),
    "north": N_("N"),
    "yes": N_("yes"),
    "no": N_("no"),
    "observation_day": N_("Day of observation"),
    "release_date": N_("Observation ends"),
    "stage": N_("Stage"),
    "status_on_day": N_("Status on the day"),
    "freshness": N_("Disinfection"),
    "due_at": N_("Next disinfection due"),
    "hours_overdue": N_("Hours overdue"),
    "observing_households": N_("Households under observation"),
    "checkpoint_closed": N_("Closed checkpoint"),
    "checkpoint_proposed": N_("Proposed checkpoint"),
}


# Extra, day-dependent fields shown in popups after the stored ones.
_DYNAMIC_POPUP_FIELDS = {
    "villages": ("observing_households",),
    "households": ("stage", "observation_day", "release_date"),
    "checkpoints": ("status_on_day",),
    "disinfection_points": ("freshness", "due_at", "hours_overdue"),
}
_HIDDEN_POPUP_FIELDS = {"villages": {"code"}, "roads": {"id"}}


def words(lang: str) -> dict[str, str]:
    translate = translations(lang).gettext
    return {key: translate(text) for key, text in _WORDS.items()}


def township_name(metadata: dict, lang: str) -> str:
    """The township's name in ``lang``: in English its English name where the metadata has one
    ("" when there is no name at all)."""
    chinese, english = (_metadata_text(metadata.get(key)) for key in ("township_name", "township_name_en"))
    return bilingual(chinese, english or chinese, lang)


def _metadata_text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def page_title(dataset: Dataset, state: MapState, lang: str) -> str:
    if state.title:
        return state.title
    township = township_name(dataset.metadata, lang)
    return translations(lang).gettext("{township} epidemic-prevention situation map").format(township=township)


def page_subtitle(dataset: Dataset, as_of: pd.Timestamp, lang: str) -> str:
    text = as_of_text(as_of, lang)
    if _illustrative(dataset):
        text += translations(lang).gettext(N_(" (illustrative sample)"))
    return text


def _illustrative(dataset: Dataset) -> bool:
    return dataset.metadata.get("illustrative", "").lower() == "true"


def legend_sections(
    layers: tuple[str, ...], state: MapState, lang: str, present: dict[str, set[str]] | None = None
) -> list[dict]:
    """Legend sections, top-most layer first, for the layers the page holds.

    ``present`` names, per layer, the classes on the map (checkpoints also their statuses on
    the day); the legend lists only those, as QGIS does when filtering the legend by content.
    The page shows a section only while its layer is visible.
    """
    present = present or {}
    sections = []
    for name in reversed(DRAW_ORDER):
        if name not in layers:
            continue
        style = STYLE_TABLE[name]
        classes = present.get(name)
        symbols = legend_symbols(name, state.village_fill, classes)
        items = [{"svg": s.svg(), "label": s.label(lang)} for s in symbols]
        if not items:
            continue
        if name == "checkpoints":
            base = style.symbol("natural_village")
            for status, override in CHECKPOINT_STATUS_OVERRIDES.items():
                if classes is not None and status not in classes:
                    continue
                symbol = replace(base, **override)
                items.append({"svg": symbol.svg(), "label": words(lang)[f"checkpoint_{status}"]})
        sections.append({"layer": name, "title": style.label(lang), "items": items})
    return sections


def popup_fields(layers: tuple[str, ...], audience: str, lang: str) -> dict[str, list[tuple[str, str]]]:
    """Per layer, the (field, label) pairs a popup lists; personal fields only internally."""
    result = {}
    for name in layers:
        schema = SCHEMAS[name]
        hidden = _HIDDEN_POPUP_FIELDS.get(name, set())
        pairs = [
            (f.name, f.label(lang))
            for f in schema.fields
            if f.name not in hidden and (audience == "internal" or not f.personal)
        ]
        if schema.village_field:
            pairs = [
                ("village_name", label) if field == schema.village_field else (field, label) for field, label in pairs
            ]
        pairs += [(key, words(lang)[key]) for key in _DYNAMIC_POPUP_FIELDS.get(name, ())]
        result[name] = pairs
    return result


def value_labels(lang: str) -> dict[str, dict[str, dict[str, str]]]:
    """Per layer and field, the display name of each enumerated or derived value."""
    result: dict[str, dict[str, dict[str, str]]] = {}
    for (layer, field_name), values in CHOICE_LABELS.items():
        result.setdefault(layer, {})[field_name] = {v: bilingual(*names, lang) for v, names in values.items()}
    for name, style in STYLE_TABLE.items():
        if style.classified_by in ("stage", "freshness"):
            result.setdefault(name, {})[style.classified_by] = {s.key: s.label(lang) for s in style.symbols}
    result["households"]["status_on_day"] = result["households"]["status"]
    result["checkpoints"]["status_on_day"] = result["checkpoints"]["status"]
    return result
