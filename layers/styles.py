"""The style table: how every layer, class and status is drawn, on screen and on paper.

One table serves the screen map, the wall display, the printed briefing, the legend and the
layer panel's swatches, so what is printed looks like what is on screen. Each symbol carries
its own SVG: the page uses it for markers and legend, the window for its swatches.

Checkpoint tiers differ in shape as well as colour, so a black-and-white print still tells
them apart. Household and disinfection colours run from calm (done, released) to alarming
(overdue, escalated).
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass
from html import escape
from typing import TypedDict

import numpy as np

from geodata.messages import bilingual


@dataclass(frozen=True)
class Symbol:
    """How one class of features is drawn."""

    key: str
    label_zh: str
    label_en: str
    shape: str
    fill: str
    stroke: str = "#222222"
    size: float = 12.0  # marker diameter or line width, in CSS pixels
    stroke_width: float = 1.5
    dash: str | None = None
    fill_opacity: float = 0.9

    def label(self, lang: str = "zh") -> str:
        return bilingual(self.label_zh, self.label_en, lang)

    @functools.cache  # noqa: B019 (symbols are few, frozen and live as long as the program)
    def svg(self, size: float | None = None) -> str:
        """A standalone SVG of this symbol, ``size`` pixels square (default: its own size)."""
        return _svg(self, size or max(self.size, 14.0))


@dataclass(frozen=True)
class LayerStyle:
    """The symbols of one layer, chosen by the value of ``classified_by``."""

    layer: str
    classified_by: str
    symbols: tuple[Symbol, ...]
    label_zh: str
    label_en: str

    def label(self, lang: str = "zh") -> str:
        return bilingual(self.label_zh, self.label_en, lang)

    def symbol(self, key: str) -> Symbol:
        for symbol in self.symbols:
            if symbol.key == key:
                return symbol
        raise KeyError(f"{self.layer}: no symbol for {self.classified_by}={key!r}")

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.symbols)


CHECKPOINT_STYLE = LayerStyle(
    layer="checkpoints",
    classified_by="tier",
    label_zh="监测卡点",
    label_en="Checkpoints",
    symbols=(
        Symbol("district", "区级卡点", "District checkpoint", "square", "#b2182b", size=20, stroke_width=2.5),
        Symbol("village", "村级卡点", "Village checkpoint", "triangle", "#f4a582", size=20, stroke_width=2),
        Symbol(
            "natural_village",
            "自然村卡点",
            "Natural-village checkpoint",
            "circle",
            "#ffffff",
            size=15,
            stroke_width=2.5,
        ),
        Symbol("compound", "小区卡点", "Compound checkpoint", "diamond", "#4d4d4d", "#ffffff", size=19, stroke_width=2),
    ),
)


class StatusPaint(TypedDict):
    """The Symbol fields a checkpoint status paints over its tier's symbol."""

    fill: str
    stroke: str
    dash: str


# How a checkpoint that is not active on the day is drawn over its tier's shape.
CHECKPOINT_STATUS_OVERRIDES: dict[str, StatusPaint] = {
    "closed": {"fill": "#bdbdbd", "stroke": "#757575", "dash": "3 2"},
    "proposed": {"fill": "none", "stroke": "#6a3d9a", "dash": "4 2"},
}

HOUSEHOLD_STYLE = LayerStyle(
    layer="households",
    classified_by="stage",
    label_zh="居家观察户",
    label_en="Households under observation",
    symbols=(
        Symbol("new", "新增（3天内）", "New (last 3 days)", "circle", "#e31a1c", "#ffffff", size=12, stroke_width=2),
        Symbol("observing", "观察中", "Under observation", "circle", "#fd8d3c", "#7f2704", size=10),
        Symbol(
            "releasing",
            "今明两天解除",
            "Released today or tomorrow",
            "circle",
            "#ffd92f",
            "#7f6000",
            size=10,
            stroke_width=2,
        ),
        Symbol("released", "已解除", "Released", "circle", "#d9d9d9", "#737373", size=8, stroke_width=1),
        Symbol(
            "escalated",
            "已转诊",
            "Escalated (sent to hospital)",
            "circle",
            "#49006a",
            "#ffffff",
            size=13,
            stroke_width=2,
        ),
    ),
)

DISINFECTION_STYLE = LayerStyle(
    layer="disinfection_points",
    classified_by="freshness",
    label_zh="消毒点",
    label_en="Disinfection points",
    symbols=(
        Symbol("done", "已消毒", "Disinfected", "cross", "#1a9850", "#ffffff", size=13, stroke_width=1),
        Symbol("due", "6小时内到期", "Due within 6 hours", "cross", "#f4a300", "#222222", size=14, stroke_width=1),
        Symbol("overdue", "已超时", "Overdue", "cross", "#d73027", "#000000", size=16, stroke_width=1.5),
    ),
)

ROAD_STYLE = LayerStyle(
    layer="roads",
    classified_by="road_class",
    label_zh="道路",
    label_en="Roads",
    symbols=(
        Symbol("expressway", "高速公路", "Expressway", "line", "#e08214", "#7f3b08", size=6),
        Symbol("national", "国道", "National road", "line", "#d6604d", "#67001f", size=5),
        Symbol("provincial", "省道", "Provincial road", "line", "#f1a340", "#7f3b08", size=4),
        Symbol("county", "县道", "County road", "line", "#8c8c8c", "#404040", size=3),
        Symbol("village", "村道", "Village road", "line", "#b3b3b3", "#737373", size=1.8),
    ),
)

# Villages are filled in blues so that the warm household colours stand out on them.
# Village fill by the number of households under observation on the day. The lower bound of
# each class is in VILLAGE_FILL_BREAKS; "none" paints every village alike.
VILLAGE_FILL_BREAKS = (0, 1, 3, 6)
VILLAGE_STYLE = LayerStyle(
    layer="villages",
    classified_by="fill_class",
    label_zh="行政村（居家观察户数）",
    label_en="Villages (households under observation)",
    symbols=(
        Symbol("c0", "0 户", "none", "area", "#f7f7f4", "#5a5a5a", size=1.5, fill_opacity=0.85),
        Symbol("c1", "1–2 户", "1–2", "area", "#deebf7", "#5a5a5a", size=1.5, fill_opacity=0.85),
        Symbol("c2", "3–5 户", "3–5", "area", "#9ecae1", "#5a5a5a", size=1.5, fill_opacity=0.85),
        Symbol("c3", "6 户及以上", "6 or more", "area", "#5b9bd0", "#5a5a5a", size=1.5, fill_opacity=0.85),
        Symbol("plain", "行政村", "Village", "area", "#f7f4ec", "#5a5a5a", size=1.5, fill_opacity=0.85),
    ),
)

# Alerts: what a commander must see at a glance. Households and disinfection points are alerts
# by their class; checkpoints by their status or staffing on the day (see
# layers.page_model.alert_flags). The page draws alerts in panes above every ordinary symbol,
# on screen, on the wall and on paper alike.
ALERT_CLASSES = {"households": ("new", "escalated"), "disinfection_points": ("overdue",)}

# Point symbols nearer each other than their sizes are drawn apart on a ring around where they
# are, each with a leader line to its true place, as QGIS's point displacement renderer does.
# The page recomputes the ring at every zoom (distances are in screen pixels). A crowd larger
# than maxGroup is a cluster, not a few symbols at one place: it stays where it is (its alerts
# still on top) and reads apart when zoomed in; spreading thousands of dense households on one
# ring would cost seconds and show nothing better. Above maxCloud households shown (a county
# or city rather than a township) the households take no part at all: their alerts are drawn
# above every marker anyway, and a filter change must stay fast (measured in make bench).
DISPLACEMENT = {
    "gap": 3,
    "leaderColour": "#333333",
    "leaderWidth": 1,
    "anchorRadius": 2,
    "maxGroup": 12,
    "maxCloud": 5000,
}

STYLE_TABLE: dict[str, LayerStyle] = {
    s.layer: s for s in (VILLAGE_STYLE, ROAD_STYLE, DISINFECTION_STYLE, HOUSEHOLD_STYLE, CHECKPOINT_STYLE)
}
# Bottom to top: areas, lines, then points, the most important on top.
DRAW_ORDER = ("villages", "roads", "disinfection_points", "households", "checkpoints")


def village_fill_classes(counts, fill: str = "households_under_observation") -> np.ndarray:
    """The village symbol key for each count of households under observation."""
    counts = np.asarray(counts)
    if fill == "none":
        return np.full(len(counts), "plain", dtype=object)
    classes = np.searchsorted(VILLAGE_FILL_BREAKS, counts, side="right") - 1
    return np.array([f"c{i}" for i in classes], dtype=object)


def legend_symbols(
    layer: str, village_fill: str = "households_under_observation", present: set[str] | None = None
) -> tuple[Symbol, ...]:
    """The symbols a legend lists for ``layer``: those of the classes ``present`` on the map
    (all when None). A village fill lists every class, as a choropleth legend must."""
    symbols = STYLE_TABLE[layer].symbols
    if layer == "villages":
        keep = ("plain",) if village_fill == "none" else ("c0", "c1", "c2", "c3")
        return tuple(s for s in symbols if s.key in keep)
    return tuple(s for s in symbols if present is None or s.key in present)


# Planning overlay: coverage circles, road entries and proposed or what-if checkpoints. Not a
# data layer, so not in STYLE_TABLE; the page and the briefing draw it from this table.
PLANNING_STYLE = LayerStyle(
    layer="planning",
    classified_by="kind",
    label_zh="卡点规划",
    label_en="Checkpoint planning",
    symbols=(
        Symbol(
            "coverage",
            "卡点覆盖范围",
            "Checkpoint coverage",
            "circle",
            "#2b83ba",
            "#2b83ba",
            size=16,
            stroke_width=1.5,
            dash="5 4",
            fill_opacity=0.08,
        ),
        Symbol("gap", "未覆盖入口", "Uncovered road entry", "circle", "#ffffff", "#d7191c", size=14, stroke_width=3.5),
        Symbol("entry", "已覆盖入口", "Covered road entry", "circle", "#1a9641", "#ffffff", size=9, stroke_width=1.5),
        Symbol(
            "proposed",
            "建议新增卡点",
            "Proposed checkpoint",
            "diamond",
            "#7b3294",
            "#ffffff",
            size=22,
            stroke_width=2.5,
        ),
        Symbol(
            "what_if",
            "假设卡点",
            "What-if checkpoint",
            "diamond",
            "#ffffff",
            "#e66101",
            size=20,
            stroke_width=3,
            dash="4 2",
        ),
    ),
)


def planning_style_for_page() -> dict:
    """The planning symbols as plain data for the map page (with their SVG)."""
    return {s.key: {**asdict(s), "svg": s.svg()} for s in PLANNING_STYLE.symbols}


def style_table_for_page() -> dict:
    """The style table as plain data for the map page (symbols with their SVG)."""
    return {
        "layers": {
            name: {
                "classifiedBy": style.classified_by,
                "labelZh": style.label_zh,
                "labelEn": style.label_en,
                "symbols": {s.key: {**asdict(s), "svg": s.svg()} for s in style.symbols},
            }
            for name, style in STYLE_TABLE.items()
        },
        "checkpointStatus": CHECKPOINT_STATUS_OVERRIDES,
        "drawOrder": list(DRAW_ORDER),
        "displacement": DISPLACEMENT,
    }


def _svg(symbol: Symbol, size: float) -> str:
    s = size
    half = s / 2
    w = symbol.stroke_width
    inner = s - w  # keep the stroke inside the box
    dash = f' stroke-dasharray="{symbol.dash}"' if symbol.dash else ""
    paint = (
        f'fill="{escape(symbol.fill)}" fill-opacity="{symbol.fill_opacity}" '
        f'stroke="{escape(symbol.stroke)}" stroke-width="{w}"{dash}'
    )
    shape = symbol.shape
    if shape == "circle":
        body = f'<circle cx="{half}" cy="{half}" r="{inner / 2}" {paint}/>'
    elif shape == "square":
        body = f'<rect x="{w / 2}" y="{w / 2}" width="{inner}" height="{inner}" {paint}/>'
    elif shape == "triangle":
        body = f'<polygon points="{half},{w} {s - w / 2},{s - w / 2} {w / 2},{s - w / 2}" {paint}/>'
    elif shape == "diamond":
        body = f'<polygon points="{half},{w / 2} {s - w / 2},{half} {half},{s - w / 2} {w / 2},{half}" {paint}/>'
    elif shape == "cross":
        arm = s * 0.32  # half-width of a bar of the cross
        a, b = half - arm / 2, half + arm / 2
        points = (
            f"{a},{w / 2} {b},{w / 2} {b},{a} {s - w / 2},{a} {s - w / 2},{b} {b},{b} "
            f"{b},{s - w / 2} {a},{s - w / 2} {a},{b} {w / 2},{b} {w / 2},{a} {a},{a}"
        )
        body = f'<polygon points="{points}" {paint}/>'
    elif shape == "line":
        y = half
        body = (
            f'<line x1="1" y1="{y}" x2="{s - 1}" y2="{y}" stroke="{escape(symbol.stroke)}" '
            f'stroke-width="{symbol.size + 1.5}" stroke-linecap="round"/>'
            f'<line x1="1" y1="{y}" x2="{s - 1}" y2="{y}" stroke="{escape(symbol.fill)}" '
            f'stroke-width="{symbol.size}" stroke-linecap="round"/>'
        )
    elif shape == "area":
        body = f'<rect x="1" y="{s * 0.15}" width="{s - 2}" height="{s * 0.7}" {paint}/>'
    else:
        raise ValueError(f"unknown symbol shape {shape!r}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{s:g}" height="{s:g}" viewBox="0 0 {s:g} {s:g}">{body}</svg>'
    )
