"""The daily series (:mod:`layers.trend`) as a line chart in SVG, written from a template.

One renderer for every output that shows the trend: vector, with real text (day labels can be
found in a PDF or selected in a page), in the style table's colours
(:mod:`layers.styles`) and the briefing's Chinese font. SVG is written directly rather than
through a plotting library: matplotlib is not among the application's dependencies, and a
chart of a few lines over a few dozen days needs no more than this.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from html import escape

import pandas as pd

from geodata.messages import N_
from layers.i18n import _
from layers.styles import DISINFECTION_STYLE, HOUSEHOLD_STYLE

FONT_FAMILY = "'WenQuanYi Zen Hei', 'Noto Sans CJK SC', sans-serif"

# Which columns are drawn: the style symbol whose colour each takes, its dash and its key text.
LINES = (
    ("under_observation", HOUSEHOLD_STYLE.symbol("observing"), None, N_("Under observation")),
    ("new", HOUSEHOLD_STYLE.symbol("new"), None, N_("New that day")),
    # Released is drawn in its symbol's outline colour: the pale fill would vanish on white.
    ("released", HOUSEHOLD_STYLE.symbol("released"), None, N_("Released that day")),
    ("escalated", HOUSEHOLD_STYLE.symbol("escalated"), None, N_("Escalated that day")),
    ("disinfection_overdue", DISINFECTION_STYLE.symbol("overdue"), "6 3", N_("Disinfection points overdue")),
)

_WIDTH, _HEIGHT = 900, 420
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 180, 24, 48
_LIGHT = {"background": "#ffffff", "grid": "#e0e0e0", "label": "#424242", "axis": "#757575", "key": "#212121"}
# The wall's dark theme (desktop.wall.wall_header.THEMES): its background, muted text and text.
_DARK = {"background": "#0b0d12", "grid": "#2a303c", "label": "#b8c0cc", "axis": "#8a93a0", "key": "#ffffff"}


def trend_svg(
    series: pd.DataFrame,
    width: int = _WIDTH,
    height: int = _HEIGHT,
    *,
    columns: tuple[str, ...] | None = None,
    compact: bool = False,
    dark: bool = False,
    font_size: float = 13,
    tr: Callable[[str], str] = _,
) -> str:
    """The chart of ``series`` (one row per day, the columns of :data:`layers.trend.COLUMNS`),
    its key in the current language.

    ``columns``: only these lines of :data:`LINES` (None: all). ``compact``: narrow top and
    bottom margins, for a wide, low strip (the wall's). ``dark``: light text on near-black, for
    a projector. ``font_size``: of every text, in px (the key and the margins follow it).
    ``tr``: the translation of the key (default: the current language's; a briefing passes its
    own language's)."""
    lines = LINES if columns is None else tuple(line for line in LINES if line[0] in columns)
    scale = font_size / 13  # the margins are made for 13 px text
    top_margin, bottom_margin, key_step = (scale * v for v in ((8, 24, 18) if compact else (_TOP, _BOTTOM, 24)))
    left = _LEFT * scale  # widened below when the value axis's largest number needs it
    ink = _DARK if dark else _LIGHT
    days = list(series["date"])
    # The key's column is as wide as its longest words (English ones are longer than 180 px).
    key_words = max((_text_width(tr(key), font_size) for *_rest, key in lines), default=0)
    right = max(_RIGHT * scale, (16 + 30 + 8) * scale + key_words)
    top = _nice_top(max((int(series[name].max()) for name, _symbol, _dash, _key in lines if len(series)), default=0))
    # A city's figures (1000000) are wider than the margin made for a township's.
    left = max(left, _text_width(str(top), font_size) + 10 * scale)
    plot_w, plot_h = width - left - right, height - top_margin - bottom_margin

    def x(position: int) -> float:
        return left + (plot_w * position / (len(days) - 1) if len(days) > 1 else plot_w / 2)

    def y(value: float) -> float:
        return top_margin + plot_h * (1 - value / top)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT_FAMILY}" font-size="{font_size:g}">',
        f'<rect width="{width}" height="{height}" fill="{ink["background"]}"/>',
    ]
    step = top if compact else _nice_step(top)  # a low strip has room for 0 and the top only
    for tick in range(0, top + 1, step):
        parts.append(
            f'<line x1="{left:.1f}" y1="{y(tick):.1f}" x2="{left + plot_w:.1f}" y2="{y(tick):.1f}" '
            f'stroke="{ink["grid"]}" stroke-width="1"/>'
            f'<text x="{left - 6 * scale:.1f}" y="{y(tick) + 4 * scale:.1f}" text-anchor="end" '
            f'fill="{ink["label"]}">{tick}</text>'
        )
    for position in _labelled_days(len(days), plot_w, _text_width("00-00", font_size) + 4 * scale):
        day = days[position]
        label = pd.Timestamp(day).strftime("%m-%d")
        parts.append(
            f'<text x="{x(position):.1f}" y="{top_margin + plot_h + 18 * scale:.1f}" text-anchor="middle" '
            f'fill="{ink["label"]}">{label}</text>'
        )
    parts.append(
        f'<line x1="{left:.1f}" y1="{top_margin + plot_h:.1f}" x2="{left + plot_w:.1f}" y2="{top_margin + plot_h:.1f}" '
        f'stroke="{ink["axis"]}"/>'
    )
    for number, (name, symbol, dash, key) in enumerate(lines):
        colour = escape(symbol.stroke if name == "released" else symbol.fill)
        points = " ".join(f"{x(p):.1f},{y(int(v)):.1f}" for p, v in enumerate(series[name]))
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        if points:
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2.5"'
                f'{dashes} stroke-linejoin="round"/>'
            )
        key_y = top_margin + 10 * scale + key_step * number
        key_x = width - right + 16 * scale
        parts.append(
            f'<line x1="{key_x:.1f}" y1="{key_y:.1f}" x2="{key_x + 24 * scale:.1f}" y2="{key_y:.1f}" '
            f'stroke="{colour}" stroke-width="3"{dashes}/>'
            f'<text x="{key_x + 30 * scale:.1f}" y="{key_y + 4 * scale:.1f}" '
            f'fill="{ink["key"]}">{escape(tr(key))}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def _text_width(text: str, size: float = 13) -> float:
    """About how wide ``text`` is drawn at ``size`` px: a Chinese character is square, a Latin
    letter a little over half as wide."""
    return sum(size if ord(char) > 0x2E80 else 0.6 * size for char in text)


def _nice_top(value: int) -> int:
    """The top of the value axis: a round number at or above ``value`` (at least 5)."""
    step = _nice_step(max(value, 5))
    return max(5, -(-value // step) * step)


def _nice_step(top: int) -> int:
    """A round step (1, 2, 2.5 or 5 times a power of ten, at least 1) giving at most six
    gridlines up to ``top``: a city's 600,000 gets steps of 100,000, not one line at 0."""
    power = 1
    while True:
        steps = (1, 2, 5) if power == 1 else (power, 2 * power, 25 * power // 10, 5 * power)
        for step in steps:
            if top / step <= 6:
                return step
        power *= 10


def _labelled_days(days: int, plot_width: float, label_width: float) -> list[int]:
    """The positions of the days to label: evenly spaced so that no two labels touch in
    ``plot_width`` px, at most 15, the last day always (a narrow dock drew 14 over each other)."""
    if days <= 1:
        return list(range(days))
    spacing = plot_width / (days - 1)
    every = max(1, -(-days // 15), math.ceil(label_width / max(spacing, 1e-9)))
    labelled = list(range(0, days, every))
    if labelled[-1] != days - 1:
        if (days - 1 - labelled[-1]) * spacing < label_width and len(labelled) > 1:
            labelled.pop()  # the last day's label takes the place of the one too near it
        labelled.append(days - 1)
    return labelled
