/*
 * The printed briefing's maps. The document loads the map page's script (situation.js) once
 * per map; each load makes a fresh SituationMap, which BriefingMaps.keep() takes before the
 * next load replaces the global. start() draws every map into its frame, fits it to its
 * features, writes its numeric scale and, once every map has painted, sets the document
 * title to the "ready" word the printer waits for (the title says the progress before that).
 * A large household layer comes as columns (layers/page_columns.py), once for all the maps.
 */
(function (global) {
  "use strict";

  var instances = [];
  var columnTexts = {}; // layer -> base64 of its columns (a script beside the document)
  var sharedColumns = {}; // layer -> its columns read, one copy for every map
  var METRES_PER_INCH = 0.0254;
  var CSS_PX_PER_INCH = 96;
  var EARTH_CIRCUMFERENCE_M = 40075016.686;

  var LEGENDS = ".sm-legend, .sm-planning-legend";
  // The screen's glow around a marker (situation.css: drop-shadow, 1.5 px of white at 0.95).
  var HALO_PX = 1.5;
  var HALO_OPACITY = "0.95";
  var SMALLEST_LEGEND_PT = 5.5;

  function moveLegends(map, targetId) {
    // The legends sit beside the map, as in a print layout: they cover no village, and the
    // map frame cannot cut them.
    var target = targetId && document.getElementById(targetId);
    if (!target) return;
    map.getContainer().querySelectorAll(LEGENDS).forEach(function (legend) {
      legend.style.maxHeight = ""; // the screen's limit (below the title box) is no limit on paper
      target.appendChild(legend);
    });
  }

  function overflows(box) {
    return box.scrollHeight > box.clientHeight + 1 || box.scrollWidth > box.clientWidth + 1;
  }

  function fitLegend(targetId) {
    // A legend taller than its box (many layers, a plan's items, landscape paper) is set in
    // smaller type, then in two columns, until it fits: never cut.
    var box = targetId && document.getElementById(targetId);
    if (!box || !box.classList.contains("map-legend")) return;
    var size;
    for (size = 7; overflows(box) && size >= SMALLEST_LEGEND_PT; size -= 0.5) {
      box.style.setProperty("--legend-pt", size + "pt");
      box.classList.add("scaled");
    }
    if (!overflows(box)) return;
    box.classList.add("two-columns");
    for (size = 7; size >= SMALLEST_LEGEND_PT; size -= 0.5) {
      box.style.setProperty("--legend-pt", size + "pt");
      if (!overflows(box)) return;
    }
  }

  function vectorHalos(map) {
    // A filter prints as a picture: Chromium drew every marker of every map as an image (half
    // of an atlas's printing time). The glow is drawn instead as a white copy of each shape
    // under it, its outline wider by the glow's radius on each side: vector, like the rest.
    map.getContainer().querySelectorAll(".sm-marker svg").forEach(function (svg) {
      var shapes = Array.prototype.slice.call(svg.children);
      if (!shapes.length || svg.hasAttribute("data-halo")) return;
      svg.setAttribute("data-halo", "");
      shapes.forEach(function (shape) {
        var halo = shape.cloneNode(false);
        var width = parseFloat(shape.getAttribute("stroke-width")) || 0;
        halo.removeAttribute("stroke-dasharray");
        halo.setAttribute("fill", "#ffffff");
        halo.setAttribute("fill-opacity", HALO_OPACITY);
        halo.setAttribute("stroke", "#ffffff");
        halo.setAttribute("stroke-opacity", HALO_OPACITY);
        halo.setAttribute("stroke-width", String(width + 2 * HALO_PX));
        halo.setAttribute("stroke-linejoin", "round");
        svg.insertBefore(halo, shapes[0]);
      });
    });
  }

  function moveNorthArrow(map) {
    // Top left on paper: the legend, top right, may reach the top of the frame.
    var arrow = map.getContainer().querySelector(".sm-north");
    var corner = map.getContainer().querySelector(".leaflet-top.leaflet-left");
    if (arrow && corner) corner.appendChild(arrow);
  }

  function fit(map, view) {
    if (view.center) {
      map.setView(view.center, view.zoom, { animate: false });
      return;
    }
    var b = view.bounds;
    var box = L.latLngBounds([[b[1], b[0]], [b[3], b[2]]]);
    // The frame's size now, after the page took its final layout (the legends moved out):
    // Leaflet keeps the size it measured when the map was made.
    map.invalidateSize({ animate: false, pan: false });
    // Clear of the north arrow (top left) and the scale bar (bottom left).
    map.fitBounds(box, { paddingTopLeft: [56, 12], paddingBottomRight: [12, 28], animate: false });
  }

  function scaleDenominator(map) {
    // Metres on the ground per CSS pixel at the map's centre, then per printed metre.
    var lat = map.getCenter().lat * Math.PI / 180;
    var metresPerPixel = EARTH_CIRCUMFERENCE_M * Math.cos(lat) / Math.pow(2, map.getZoom() + 8);
    var ratio = metresPerPixel * CSS_PX_PER_INCH / METRES_PER_INCH;
    var magnitude = Math.pow(10, Math.floor(Math.log10(ratio)) - 1);
    return Math.round(ratio / magnitude) * magnitude; // two significant figures: 1:48,000
  }

  function writeScale(map, number, options) {
    var box = document.getElementById("bm-scale-" + number);
    if (!box) return;
    // Thousands by commas, as en-US writes them: toLocaleString loaded ICU's number formats
    // for it, about 10 ms of an atlas.
    var denominator = String(Math.round(scaleDenominator(map))).replace(/\B(?=(\d{3})+$)/g, ",");
    box.textContent = options.scale + " 1:" + denominator;
  }

  function shareColumns() {
    // Every map reads the same columns: a million households decoded once, not once per map,
    // and their places held once. Each map starts from the first map's state bytes (in the
    // columns) and its update says its own (an atlas village: only which households show).
    var reader = global.SituationColumns;
    if (!reader) return;
    var read = reader.read;
    reader.read = function (layer, description) {
      if (!sharedColumns[layer]) {
        reader.deliver(layer, columnTexts[layer] || "");
        delete columnTexts[layer];
        sharedColumns[layer] = read(layer, description);
      }
      var whole = sharedColumns[layer];
      return { count: whole.count, lng: whole.lng, lat: whole.lat, state: whole.state.slice(), ids: whole.ids };
    };
  }

  // The summary's map must stay large enough for its villages' names to stand apart (at a
  // quarter of an A4 sheet, English words and the internal banner above it, they ran into
  // each other): below this share of the sheet, the figures by village open the next pages.
  var MAP_SHARE = 0.37;

  function roomForTheMap() {
    var sheet = document.querySelector(".sheet.summary");
    var row = sheet && sheet.querySelector(".map-row");
    var table = sheet && sheet.querySelector("table.village-figures");
    var flow = document.querySelector(".flow");
    if (!row || !table || !flow) return;
    if (row.getBoundingClientRect().height >= MAP_SHARE * sheet.getBoundingClientRect().height) return;
    flow.insertBefore(table, flow.firstChild);
  }

  function start(options) {
    roomForTheMap();
    shareColumns();
    var total = instances.length;
    var drawn = 0;
    document.title = options.progress + "0/" + total;
    instances.forEach(function (situation, number) {
      var data = global.BRIEFING_MAPS[number];
      var container = document.getElementById("bm-map-" + number);
      var map = L.map(container, {
        zoomControl: false, zoomSnap: 0.25, zoomDelta: 0.5, maxZoom: 20,
        fadeAnimation: false, zoomAnimation: false, markerZoomAnimation: false,
        inertia: false, keyboard: false, scrollWheelZoom: false, dragging: false,
      });
      var counted = false;
      situation.on(function (kind) {
        if (kind !== "drawn" || counted) return;
        counted = true;
        drawn += 1;
        document.title = drawn === total ? options.ready : options.progress + drawn + "/" + total;
      });
      situation.init(map, data);
      var legendTarget = container.getAttribute("data-legend-target");
      moveLegends(map, legendTarget);
      fitLegend(legendTarget);
      moveNorthArrow(map);
      fit(map, data.view);
      writeScale(map, number, options);
      vectorHalos(map);
    });
  }

  global.BriefingMaps = {
    keep: function (number) { instances[number] = global.SituationMap; },
    columns: function (layer, text) { columnTexts[layer] = text; },
    start: start,
    count: function () { return instances.length; },
  };
})(window);
