"""Messages that can be shown in another language than the English they are written in.

geodata says what is wrong in English (logs, exceptions and tests read that text), but the
person at the desk reads Chinese. So a problem's message is a ``Message``: a ``str`` holding
the English text, which also remembers its English template and the values put into it, so
that the window (layers.messages) can look the template up in its catalog and fill in the
same values. geodata cannot import layers.i18n (imports run desktop → layers → geodata), so
templates are only marked here with ``N_()``; tests/layers/test_i18n.py extracts them and
requires a Chinese translation of each.

    Message(N_("{value} is not a number"), value="'abc'")   # == "'abc' is not a number"

A value may itself be a ``Message`` (a phrase such as "the value" or "a date"): it is
translated too. Other values (quoted cells, ids, numbers) are shown as they are.
"""

from __future__ import annotations


def bilingual(zh: str, en: str, lang: str) -> str:
    """The Chinese or the English of a name kept in both.

    Names that belong to the schema and the style table (a layer, a field, an enumerated value,
    a symbol class) are kept beside their definition in both languages, not in the gettext
    catalogs, so that a layer or field is added in one place. Everything else goes through
    gettext."""
    return zh if lang.lower().startswith("zh") else (en or zh)


def N_(template: str) -> str:
    """Marks ``template`` for translation; it is translated where it is shown."""
    return template


class Message(str):
    """English text that remembers its ``template`` and its ``params``."""

    template: str
    params: dict

    def __new__(cls, template: str, /, **params) -> Message:
        text = super().__new__(cls, template.format(**{name: str(value) for name, value in params.items()}))
        text.template = template
        text.params = params
        return text

    def __reduce__(self):
        # str's own pickling would call Message(english_text) and lose the template.
        return (_rebuild, (self.template, self.params))


def _rebuild(template: str, params: dict) -> Message:
    return Message(template, **params)


class Named(str):
    """A name kept in both languages beside its definition (a layer's, a field's): the English
    text, with the Chinese in ``zh``. A value of a ``Message`` that is ``Named`` is shown in
    the language of the message."""

    zh: str

    def __new__(cls, en: str, zh: str) -> Named:
        text = super().__new__(cls, en)
        text.zh = zh
        return text

    def __reduce__(self):
        return (Named, (str(self), self.zh))


class Template(str):
    """A message still waiting for the cell's ``{value}``: the English text with its other
    values filled in and ``{value}`` left; ``template.format(value=...)`` gives the
    ``Message`` (the same call as on a plain ``str`` template)."""

    template: str
    params: dict

    def __new__(cls, template: str, /, **params) -> Template:
        filled = template.format_map(_KeepMissing({name: str(value) for name, value in params.items()}))
        text = super().__new__(cls, filled)
        text.template = template
        text.params = params
        return text

    # Named fields only, on purpose: a Template is filled by keyword, never by position like str.format.
    def format(self, /, **more) -> Message:  # type: ignore[override]
        return Message(self.template, **self.params, **more)

    def __reduce__(self):
        return (_rebuild_template, (self.template, self.params))


def _rebuild_template(template: str, params: dict) -> Template:
    return Template(template, **params)


class _KeepMissing(dict):
    def __missing__(self, name: str) -> str:
        return "{" + name + "}"
