"""Translations of the user interface: gettext catalogs read with Babel.

User-visible strings are written in English in the code and wrapped in ``_()``; the Chinese
catalog is the ``.po`` files in ``resources/locale/zh_CN/LC_MESSAGES/`` (one per part of the
application, merged when loaded, so parts can be translated independently). The catalogs
are read from their ``.po`` text (Babel compiles them) and the compiled catalog is kept for the
next process under the names, sizes and times of the ``.po`` files, so there is no compiled
file to forget to rebuild. Data (village names, notes) is never translated.

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
    from babel.messages.pofile import read_po

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
    paths = catalog_paths(lang)
    if lang == "en" or not paths:
        return gettext.NullTranslations()
    return gettext.GNUTranslations(io.BytesIO(_compiled_catalog(lang, paths)))


def _compiled_catalog(lang: str, paths: list) -> bytes:
    """``lang``'s catalog compiled, kept between processes in a private folder of the user's
    under the temporary directory, named by every ``.po`` file's name, size and time of change
    (an edited file makes a new one): reading the ``.po`` text took each command 60-100 ms."""
    import hashlib

    from babel.messages.mofile import write_mo

    stamps = [(path.name, path.stat().st_size, path.stat().st_mtime_ns) for path in paths]
    key = hashlib.sha256(repr(stamps).encode()).hexdigest()[:20]
    folder = _private_cache_folder()
    cached = folder / f"{DOMAIN}-{lang}-{key}.mo" if folder is not None else None
    if cached is not None and cached.is_file():
        try:
            return cached.read_bytes()
        except OSError:
            pass
    compiled = io.BytesIO()
    write_mo(compiled, read_catalog(lang))
    if cached is not None:
        _keep(cached, compiled.getvalue(), stale=f"{DOMAIN}-{lang}-*.mo")
    return compiled.getvalue()


def _private_cache_folder():
    """The user's own folder for compiled catalogs, or None where none can be trusted (another
    user's, or open to others: a planted catalog would change what the program says)."""
    import tempfile
    from pathlib import Path

    if not hasattr(os, "getuid"):
        return None
    folder = Path(tempfile.gettempdir()) / f"situation-map-catalogs-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        info = folder.lstat()
    except OSError:
        return None
    if info.st_uid != os.getuid() or info.st_mode & 0o077 or not folder.is_dir() or folder.is_symlink():
        return None
    return folder


def _keep(path, data: bytes, stale: str) -> None:
    """Write ``path`` whole (beside, then renamed) and remove the older catalogs ``stale`` names."""
    for old in path.parent.glob(stale):
        if old != path:
            old.unlink(missing_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError:
        partial.unlink(missing_ok=True)


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
