"""Every user-visible string has its Chinese translation, and the language can be chosen."""

import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from layers import i18n

PROJECT = Path(__file__).resolve().parents[2]


# geodata cannot import layers.i18n: its messages are marked with N_() and translated where
# they are shown (layers.messages).
# layers marks the messages of exceptions it raises (PlanningError) the same way.
_KEYWORDS = {
    "desktop": {"_": None, "N_": None},
    "layers": {"_": None, "N_": None},
    "geodata": {"N_": None},
}


def strings_in_code():
    found = {}
    for package, keywords in _KEYWORDS.items():
        for filename, lineno, message, _comments, _context in extract_from_dir(
            PROJECT / package,
            method_map=[("**.py", "python")],
            keywords=keywords,
        ):
            if isinstance(message, str):
                found.setdefault(message, f"{package}/{filename}:{lineno}")
    return found


def test_geodata_messages_are_extracted():
    found = strings_in_code()
    assert found["{value} is not a number"].startswith("geodata/validation/")
    assert found["longitude and latitude are swapped in this row; they were read the other way round"].startswith(
        "geodata/importing/"
    )


def placeholders(text: str) -> set:
    return {name for _literal, name, _spec, _conversion in string.Formatter().parse(text) if name is not None}


def test_translations_keep_the_placeholders_of_their_template():
    """A translation with a placeholder renamed or dropped would fail (or lose a value) when
    it is filled in."""
    catalog = i18n.read_catalog("zh")
    code = strings_in_code()
    wrong = {
        m.id: m.string
        for m in catalog
        if m.id in code and m.string and "{" in m.id and placeholders(m.id) != placeholders(m.string)
    }
    assert not wrong


def test_every_string_marked_for_translation_has_a_chinese_translation():
    catalog = i18n.read_catalog("zh")
    translated = {m.id for m in catalog if m.id and m.string}
    missing = {text: where for text, where in strings_in_code().items() if text not in translated}
    assert not missing, "untranslated (add them to resources/locale/zh_CN/LC_MESSAGES/*.po): " + repr(missing)


def test_catalogs_agree_where_they_share_a_string():
    """Catalogs are merged, so one text translated two ways would depend on file order."""
    from babel.messages.pofile import read_po

    first = {}
    disagreements = []
    for path in i18n.catalog_paths("zh"):
        with open(path, "rb") as po:
            for message in read_po(po):
                if not message.id or not message.string:
                    continue
                earlier = first.setdefault(message.id, (path.name, message.string))
                if earlier[1] != message.string:
                    disagreements.append((message.id, earlier, (path.name, message.string)))
    assert not disagreements


def test_language_switches_translations(monkeypatch):
    try:
        assert i18n.set_language("en") == "en"
        assert i18n._("Layers") == "Layers"
        assert i18n.set_language("zh_CN.UTF-8") == "zh"
        assert i18n._("Layers") == "图层"
        assert i18n.language() == "zh"
    finally:
        i18n.set_language("en")


@pytest.mark.parametrize(
    "variables, expected",
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANGUAGE": "zh_TW:en"}, "zh"),
    ],
)
def test_system_language_follows_the_locale(monkeypatch, variables, expected):
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert i18n.system_language() == expected


def test_dates_and_lists_are_written_as_each_language_writes_them_whatever_the_process_locale():
    import datetime as dt
    import locale

    from layers.i18n import as_of_text, format_day, format_names

    moment = dt.datetime(2020, 2, 5, 16, 40)
    before = locale.setlocale(locale.LC_TIME)
    try:
        for chosen in ("C", "C.UTF-8"):
            try:
                locale.setlocale(locale.LC_TIME, chosen)
            except locale.Error:
                continue
            assert as_of_text(moment, "en") == "As of 5 February 2020, 16:40"
            assert as_of_text(moment, "zh") == "截至 2020年2月5日 16:40"
            assert format_day(moment, "zh_CN") == "2020年2月5日"
            assert format_names(["状态", "撤除日期", "位置"], "zh") == "状态、撤除日期和位置"
            assert format_names(["Status", "Closed", "Location"], "en") == "Status, Closed and Location"
    finally:
        locale.setlocale(locale.LC_TIME, before)
