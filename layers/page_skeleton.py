"""The page's HTML skeleton: Leaflet and our scripts from local files, no tiles, no CDN.

Written as text, as Folium wrote it before (the same scripts in the same order, one Leaflet
map filling the page): importing Folium and compiling its templates cost a cold ``map --out``
a quarter of a second, for a page of some forty lines."""

from __future__ import annotations

from html import escape

from layers.styles import CHECKPOINT_STATUS_OVERRIDES

# No view yet: Leaflet adds the layers when the page script sets the first view, so they are
# drawn there once, not first over the whole world (100,000 households at zoom 1: 33 ms).
_MAP_OPTIONS = "{crs: L.CRS.EPSG3857, zoomControl: true, preferCanvas: false, zoomSnap: 0.25, zoomDelta: 0.5}"

_PAGE = """<!DOCTYPE html>
<html>
<head>
<meta http-equiv="content-type" content="text/html; charset=UTF-8" />
<style>{status_css}</style>
{scripts}
{stylesheets}
<meta name="viewport" content="width=device-width, initial-scale=1.0, maximum-scale=1.0, user-scalable=no" />
<style>
html, body {{ width: 100%; height: 100%; margin: 0; padding: 0; }}
#situation_map {{ position: relative; width: 100%; height: 100%; left: 0; top: 0; }}
.leaflet-container {{ font-size: 1rem; }}
</style>
</head>
<body>
<div id="situation_map"></div>
</body>
<script>
var situation_map = L.map("situation_map", {options});
SituationMap.init(situation_map, window.SITUATION_DATA);
</script>
</html>
"""


def page_html(data_file: str, assets: str, *, bridge: bool = False, column_scripts: list[str] | None = None) -> str:
    """The page: Leaflet and our script from local files (in the folder ``assets`` beside the
    page), the page's data from ``data_file`` and its large layers from ``column_scripts``."""
    scripts = [
        f"{assets}/leaflet/leaflet.js",
        f"{assets}/gcj02.js",
        f"{assets}/basemap.js",
        f"{assets}/point_columns.js",
        data_file,
        *(column_scripts or []),
        f"{assets}/point_canvas.js",
        f"{assets}/placement.js",
        f"{assets}/situation_symbols.js",
        f"{assets}/situation_layers.js",
        f"{assets}/situation_layout.js",
        f"{assets}/situation_controls.js",
        f"{assets}/situation.js",
        f"{assets}/planning.js",
    ]
    if bridge:
        scripts = ["qrc:///qtwebchannel/qwebchannel.js", *scripts, f"{assets}/bridge.js"]
    stylesheets = [f"{assets}/leaflet/leaflet.css", f"{assets}/situation.css"]
    return _PAGE.format(
        status_css=_status_css(),
        scripts="\n".join(f'<script src="{escape(s)}"></script>' for s in scripts),
        stylesheets="\n".join(f'<link rel="stylesheet" href="{escape(s)}"/>' for s in stylesheets),
        options=_MAP_OPTIONS,
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
