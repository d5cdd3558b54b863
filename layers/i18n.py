"""Translations of the user interface: gettext catalogs read with Babel.

User-visible strings are written in English in the code and wrapped in ``_()``; the Chinese
catalog is the ``.po`` files in ``resources/locale/zh_CN/LC_MESSAGES/`` (one per part of the
application, merged when loaded, so parts can be translated independently). The catalogs
are read from their ``.po`` text at start (Babel compiles them in memory), so there is no
compiled file to forget to rebuild. Data (village names, notes) is never translated.

    from layers.i18n import _
    set_language("zh")   # or "en"; default: the system locale
    _("Layers")          # -> "图层"
"""

from __future__ import annotations

import functools
import gettext
import io
import locale
import os

from babel import Locale
from babel.dates import format_date, format_time
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from geodata.messages import N_
from resources import ROOT

DOMAIN = "situation_map"
_CATALOG_LOCALE = {"zh": "zh_CN"}
# Dates and lists are written the way each language writes them (Babel's CLDR data), never
# through the process locale: "2020年2月19日 16:40", "19 February 2020, 16:40"; "状态、日期和位置".
_BABEL_LOCALE = {"zh": "zh_CN", "en": "en_GB"}

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def catalog_paths(lang: str) -> list:
    """The ``.po`` files of ``lang``, in a stable order."""
    folder = ROOT / "locale" / _CATALOG_LOCALE.get(lang, lang) / "LC_MESSAGES"
    return sorted(folder.glob("*.po")) if folder.is_dir() else []


def read_catalog(lang: str):
    """All of ``lang``'s ``.po`` files as one Babel catalog."""
    from babel.messages.catalog import Catalog

    merged = Catalog(locale=_CATALOG_LOCALE.get(lang, lang), domain=DOMAIN)
    for path in catalog_paths(lang):
        with open(path, "rb") as po:
            for message in read_po(po, locale=_CATALOG_LOCALE.get(lang, lang), domain=DOMAIN):
                if message.id and message.string:
                    merged.add(message.id, message.string)
    return merged


def set_language(lang: str | None = None) -> str:
    """Use ``lang`` ("zh" or "en"; None: the system's) for every later ``_()``; returns it."""
    global _translations, _language
    lang = normalise(lang or system_language())
    _translations, _language = translations(lang), lang
    return lang


@functools.cache
def translations(lang: str) -> gettext.NullTranslations:
    """The translations of ``lang``, for text in a language other than the window's (a page
    or briefing written in English from a Chinese window)."""
    lang = normalise(lang)
    if lang == "en" or not catalog_paths(lang):
        return gettext.NullTranslations()
    compiled = io.BytesIO()
    write_mo(compiled, read_catalog(lang))
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def normalise(lang: str) -> str:
    """ "zh_CN.UTF-8", "zh-Hans", "zh" -> "zh"; anything else -> "en"."""
    return "zh" if lang.lower().startswith("zh") else "en"


def system_language() -> str:
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        if os.environ.get(name):
            return normalise(os.environ[name].split(":")[0])
    try:
        return normalise(locale.getlocale()[0] or "en")
    except ValueError:
        return "en"


def language() -> str:
    """The language in use: "zh" or "en"."""
    return _language


def format_day(day, lang: str) -> str:
    """A calendar day in ``lang``'s long form: 2020年2月19日, 19 February 2020."""
    return format_date(day, "long", locale=_BABEL_LOCALE[normalise(lang)])


def format_moment(moment, lang: str) -> str:
    """A day and time to the minute in ``lang``: 2020年2月19日 16:40, 19 February 2020, 16:40."""
    locale = Locale.parse(_BABEL_LOCALE[normalise(lang)])
    day = format_date(moment, "long", locale=locale)
    time = format_time(moment, "HH:mm", locale=locale)
    pattern = str(locale.datetime_formats["long"]).replace("'", "")
    return pattern.replace("{1}", day).replace("{0}", time)


def format_names(names, lang: str) -> str:
    """Names listed as ``lang`` lists them: "状态、撤除日期和位置", "Status, Closed and Location"."""
    return format_list(list(names), locale=_BABEL_LOCALE[normalise(lang)])


def as_of_text(moment, lang: str) -> str:
    """ "As of <day and time>" in ``lang``, the heading of every page, wall and briefing."""
    return translations(lang).gettext(N_("As of {moment}")).format(moment=format_moment(moment, lang))


def _(message: str) -> str:
    """``message`` in the language in use."""
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return _translations.ngettext(singular, plural, count)
