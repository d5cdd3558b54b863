"""Problems found in data, said in the interface language.

geodata writes its problems in English but keeps each message's template and values
(geodata.messages.Message); here the template is looked up in the catalog and the same
values filled in. A message without a template (older code, a library's error text) is shown
as it is. Values from the data (a cell, an id, a village name) are never translated.

    problem_text(problem)            # the problem's message, in the language in use
    problem_line(problem)            # the whole problem on one line, for the command line
    error_text(exc)                  # an exception raised with a Message (PlanningError)
    message_text(message, layer=...) # any geodata message
"""

from __future__ import annotations

from geodata.messages import Named, bilingual
from geodata.schema import SCHEMAS
from layers.i18n import language, translations

# Values that name a layer or one of its fields: shown with their Chinese label in Chinese.
_LAYER_PARAMS = ("layer",)
_FIELD_PARAMS = ("field", "start_field", "end_field")


def message_text(message, *, layer: str | None = None, lang: str | None = None) -> str:
    """``message`` in ``lang`` (default: the language in use); ``layer`` lets field names be
    shown with their labels."""
    lang = lang or language()
    template = getattr(message, "template", None)
    if template is None or lang == "en":
        return str(message)
    params = {name: _value_text(name, value, layer, lang) for name, value in message.params.items()}
    try:
        return translations(lang).gettext(template).format(**params)
    except (KeyError, IndexError, ValueError):
        return str(message)  # a broken translation must not hide the problem


def error_text(error: Exception, *, lang: str | None = None) -> str:
    """An exception raised with a ``Message`` (a PlanningError, say) in ``lang``; any other
    exception as its own text."""
    if len(error.args) == 1 and hasattr(error.args[0], "template"):
        return message_text(error.args[0], lang=lang)
    return str(error)


def problem_text(problem, *, layer: str | None = None, lang: str | None = None) -> str:
    """The message of a validation ``Problem`` or an ``ImportProblem`` in ``lang``."""
    return message_text(problem.message, layer=layer or getattr(problem, "layer", None), lang=lang)


def problem_line(problem, *, layer: str | None = None, lang: str | None = None) -> str:
    """A validation ``Problem`` or an ``ImportProblem`` on one line: ``str(problem)`` in
    English; in Chinese its severity, row and message translated, laid out the same way."""
    lang = lang or language()
    if lang == "en":
        return str(problem)
    gettext = translations(lang).gettext
    severity = gettext(problem.severity) if problem.severity in _SEVERITIES else problem.severity
    if hasattr(problem, "file"):  # an ImportProblem: file, then "row 5" / "feature 3"
        parts = [problem.file, _place(problem.where, gettext)]
    else:
        parts = [problem.layer, _place(problem.feature, gettext)]
    text = problem_text(problem, layer=layer, lang=lang)
    parts.append(f"{problem.field}: {text}" if problem.field else text)
    # 错误, 警告 and 提示 are equally wide: the columns line up without padding.
    return "  ".join([severity] + [part for part in parts if part])


# Said by geodata as "row 5" or "feature 3"; translated with the import dialog's words.
_PLACES = {"row": "row {number}", "feature": "feature {number}"}
_SEVERITIES = ("error", "warning", "note")


def _place(text: str | None, gettext) -> str:
    kind, _space, number = (text or "").partition(" ")
    if kind in _PLACES and number.isdigit():
        return gettext(_PLACES[kind]).format(number=number)
    return text or ""


def _value_text(name: str, value, layer: str | None, lang: str) -> str:
    if isinstance(value, Named):
        return bilingual(value.zh, str(value), lang)
    if hasattr(value, "template"):
        return message_text(value, layer=layer, lang=lang)
    if not isinstance(value, str):
        return str(value)
    if name in _LAYER_PARAMS and value in SCHEMAS and SCHEMAS[value].label_zh:
        return SCHEMAS[value].label(lang)
    schema = SCHEMAS.get(layer) if layer else None
    if name in _FIELD_PARAMS and schema is not None and value in schema.field_names:
        label = schema.field(value).label(lang)
        return f"{label} ({value})" if label else value
    return value
