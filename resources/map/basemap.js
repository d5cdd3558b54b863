/*
 * The page's basemap (layers/webmap.py: basemap): a tile layer from a local folder, an MBTiles
 * file (served by the window at smdata:tiles/, or copied beside a page opened from disk) or an
 * online provider the user chose. A tile the file does not have is blank, never an error or a
 * broken-image icon; the zoom levels the file holds bound the layer (deeper, its deepest tiles
 * are enlarged). A basemap in GCJ-02 puts the map in L.CRS.GCJ02 (gcj02.js) before anything
 * is drawn, so the overlays are drawn where the basemap has their places.
 *
 *   SituationBasemap.prepare(map, basemap)   the map's CRS for the basemap, before any layer
 *   SituationBasemap.layer(basemap)          the tile layer
 */
(function (global) {
  "use strict";

  // A transparent 1 x 1 PNG: what a missing tile shows.
  var BLANK = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAC0lEQVR4nGNgAAIAAAUAAXpeqz8AAAAASUVORK5CYII=";

  function escaped(text) {
    // Leaflet shows an attribution as HTML; a file's metadata is text.
    var box = document.createElement("span");
    box.textContent = String(text || "");
    return box.innerHTML;
  }

  function prepare(map, basemap) {
    if (basemap && basemap.datum === "gcj02" && L.CRS.GCJ02) map.options.crs = L.CRS.GCJ02;
    return map.options.crs;
  }

  function layer(basemap) {
    var options = {
      attribution: escaped(basemap.attribution),
      maxZoom: basemap.maxZoom || 19,
      errorTileUrl: BLANK,
    };
    if (basemap.minZoom !== undefined) options.minZoom = basemap.minZoom;
    if (basemap.maxNativeZoom !== undefined) options.maxNativeZoom = basemap.maxNativeZoom;
    var b = basemap.bounds;
    if (b) options.bounds = L.latLngBounds([b[1], b[0]], [b[3], b[2]]);
    return L.tileLayer(basemap.url, options);
  }

  global.SituationBasemap = { prepare: prepare, layer: layer, blank: BLANK };
})(window);
