"""The page's HTML skeleton, made by Folium: Leaflet and our scripts from local files, no tiles,
no CDN. Imported only when a page is written (:func:`layers.webmap.write_page`): Folium and
its templates are a tenth of a second of a cold process that needs no page."""

from __future__ import annotations

from typing import cast

import folium
from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from layers.styles import CHECKPOINT_STATUS_OVERRIDES


def build_folium_map(
    data_file: str, assets: str, *, bridge: bool = False, column_scripts: list[str] | None = None
) -> folium.Map:
    """The page skeleton: Leaflet and our script from local files (in the folder ``assets``
    beside the page), no tiles, no CDN."""
    page = folium.Map(
        location=None, tiles=None, zoom_control=True, control_scale=False, max_zoom=20, zoom_snap=0.25, zoom_delta=0.5
    )
    # Folium's class-level asset lists point at CDNs: replace them on this instance only.
    page.default_js = [
        ("leaflet", f"{assets}/leaflet/leaflet.js"),
        ("gcj02", f"{assets}/gcj02.js"),
        ("basemap", f"{assets}/basemap.js"),
        ("point_columns", f"{assets}/point_columns.js"),
        ("situation_data", data_file),
        *((f"columns_{n}", script) for n, script in enumerate(column_scripts or [])),
        ("point_canvas", f"{assets}/point_canvas.js"),
        ("point_canvas_paint", f"{assets}/point_canvas_paint.js"),
        ("point_canvas_hits", f"{assets}/point_canvas_hits.js"),
        ("placement", f"{assets}/placement.js"),
        ("situation_symbols", f"{assets}/situation_symbols.js"),
        ("situation_layers", f"{assets}/situation_layers.js"),
        ("situation_layout", f"{assets}/situation_layout.js"),
        ("situation_controls", f"{assets}/situation_controls.js"),
        ("situation", f"{assets}/situation.js"),
        ("planning", f"{assets}/planning.js"),
    ]
    if bridge:
        page.default_js.insert(0, ("qwebchannel", "qrc:///qtwebchannel/qwebchannel.js"))
        page.default_js.append(("bridge", f"{assets}/bridge.js"))
    page.default_css = [
        ("leaflet_css", f"{assets}/leaflet/leaflet.css"),
        ("situation_css", f"{assets}/situation.css"),
    ]
    # A Map's root is the Figure folium made for it; branca types get_root() as any Element.
    cast(Figure, page.get_root()).header.add_child(Element(f"<style>{_status_css()}</style>"), name="status_css")
    page.add_child(_SituationLayers())
    return page


class _SituationLayers(MacroElement):
    """Hands the Leaflet map and the page data to the page script."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        SituationMap.init({{ this._parent.get_name() }}, window.SITUATION_DATA);
        {% endmacro %}
        """
    )


def _status_css() -> str:
    """Checkpoints that are closed or proposed keep their tier's shape, drawn differently."""
    rules = []
    for status, paint in CHECKPOINT_STATUS_OVERRIDES.items():
        declarations = f"fill: {paint['fill']}; stroke: {paint['stroke']};"
        if paint.get("dash"):
            declarations += f" stroke-dasharray: {paint['dash']};"
        rules.append(f".sm-checkpoints.sm-status-{status} svg * {{ {declarations} }}")
    return "\n".join(rules)
