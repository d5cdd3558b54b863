"""Which text encoding a file from a Chinese office is in: UTF-8 (with or without BOM), GBK,
or UTF-16 (Excel's "Unicode text", with or without its mark).

Windows in China saves CSV files in the ANSI code page, GBK (code page 936); GB18030 is its
superset. A file that reads as UTF-8 is UTF-8: GBK text almost never happens to be valid
UTF-8, while ASCII is both.
"""

from __future__ import annotations

import codecs

UTF8 = "utf-8"
UTF8_BOM = "utf-8-sig"


def detect_encoding(raw: bytes) -> str:
    """The encoding of ``raw``: ``utf-8-sig``, ``utf-8``, ``gbk``, ``gb18030``, or (for bytes
    none of these can read) ``""``."""
    if raw.startswith(codecs.BOM_UTF8):
        return UTF8_BOM
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # Excel's "Unicode text"; the codec reads the mark
    wide = _utf16_without_mark(raw)
    if wide:
        return wide
    for candidate in (UTF8, "gbk", "gb18030"):
        if _decodes(raw, candidate):
            return candidate
    return ""


def _utf16_without_mark(raw: bytes) -> str:
    """``utf-16-le`` or ``utf-16-be`` when the bytes look like UTF-16 text without its mark
    (every other byte zero, as ASCII and digits are in UTF-16), else ``""``. NUL is valid
    UTF-8, so without this such a file "reads" as UTF-8 full of NULs."""
    sample = raw[:4096]
    if len(sample) < 4 or b"\x00" not in sample:
        return ""
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.3 * len(odd) and even.count(0) < 0.05 * len(even) and _decodes(raw, "utf-16-le"):
        return "utf-16-le"
    if even.count(0) > 0.3 * len(even) and odd.count(0) < 0.05 * len(odd) and _decodes(raw, "utf-16-be"):
        return "utf-16-be"
    return ""


def _decodes(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError as exc:
        # A sample cut in the middle of a character is still fine.
        return exc.start >= len(raw) - 3 and exc.reason.startswith("unexpected end")
    return True


def normalise_encoding(name: str) -> str:
    """A Python codec name for what a user (or a .cpg file) wrote; ``ValueError`` if unknown."""
    text = name.strip().lower().replace("_", "-")
    aliases = {
        "utf8": UTF8,
        "utf-8-bom": UTF8_BOM,
        "cp936": "gbk",
        "936": "gbk",
        "ansi": "gbk",
        "gb2312": "gbk",
        "euc-cn": "gbk",
    }
    text = aliases.get(text, text)
    try:
        return codecs.lookup(text).name
    except LookupError:
        raise ValueError(f"unknown text encoding {name!r}; give utf-8, gbk or gb18030") from None
