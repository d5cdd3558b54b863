/*
 * The planning overlay of the situation map: coverage circles round the checkpoints, road
 * entries (uncovered ones ringed in red), proposed and what-if checkpoints with the entry
 * weight each adds, and a small legend. Drawn from the "planning" part of the page data
 * (see layers/planning/overlay.py); any render of a planning MapState shows it.
 *
 *   SituationMap.showPlanning(overlay)            draw (null: remove)
 *   SituationMap.setOverlay(name, geojson, style) a generic named overlay of GeoJSON; a point
 *                                                 with properties.radius_m is drawn as a
 *                                                 circle of that many metres
 *   SituationMap.clearOverlay(name)
 *   SituationMap.planningState()                  what is drawn (for tests)
 *
 * Texts are put in with textContent; SVG comes from the style table in Python, never data.
 */
(function (global) {
  "use strict";

  var SituationMap = global.SituationMap;
  var planning = null; // {group, legend, overlay}
  var named = {}; // generic overlays by name

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function ensurePane(map) {
    if (!map.getPane("sm-planning")) map.createPane("sm-planning").style.zIndex = 430;
  }

  function icon(symbol) {
    var size = Math.max(symbol.size, 14);
    return L.divIcon({
      html: symbol.svg, className: "sm-marker sm-planning-" + symbol.key,
      iconSize: [size, size], iconAnchor: [size / 2, size / 2],
    });
  }

  function circle(at, radius, symbol, dashed) {
    return L.circle(L.latLng(at.lat, at.lng), {
      radius: radius, pane: "sm-planning", interactive: false,
      color: symbol.stroke, weight: symbol.stroke_width, dashArray: dashed ? symbol.dash : null,
      fillColor: symbol.fill, fillOpacity: symbol.fill_opacity,
    });
  }

  function marker(at, symbol, tip, label) {
    var m = L.marker(L.latLng(at.lat, at.lng), { icon: icon(symbol), keyboard: false, zIndexOffset: 2000 });
    if (tip) m.bindTooltip(el("span", null, tip), { direction: "top" });
    if (label) {
      m.bindTooltip(el("span", "sm-planning-label", label), {
        permanent: true, direction: "right", offset: [10, 0], className: "sm-planning-tip",
      });
    }
    return m;
  }

  function gainText(site) {
    return site.label + (site.gain > 0 ? " +" + site.gain : "");
  }

  function clearPlanning(map) {
    if (!planning) return;
    map.removeLayer(planning.group);
    map.removeControl(planning.legend);
    planning = null;
  }

  function showPlanning(overlay) {
    var map = SituationMap.map();
    clearPlanning(map);
    if (!overlay) return null;
    ensurePane(map);
    var style = overlay.style || {};
    var group = L.featureGroup();
    if (overlay.showGaps) {
      overlay.checkpoints.forEach(function (at) { circle(at, overlay.radius, style.coverage, true).addTo(group); });
      overlay.entries.forEach(function (entry) {
        var symbol = entry.covered ? style.entry : style.gap;
        marker(entry, symbol, entry.id + " · " + ((overlay.words || {})[entry.covered ? "entry" : "gap"] || "")).addTo(group);
      });
    }
    overlay.proposed.forEach(function (site) {
      circle(site, overlay.radius, style.proposed, false).setStyle({ fillOpacity: 0.06, weight: 1.5 }).addTo(group);
      marker(site, style.proposed, null, gainText(site)).addTo(group);
    });
    overlay.whatIf.forEach(function (site) {
      circle(site, overlay.radius, style.what_if, true).setStyle({ fillOpacity: 0.05, weight: 2 }).addTo(group);
      marker(site, style.what_if, null, gainText(site)).addTo(group);
    });
    group.addTo(map);
    var Legend = L.Control.extend({
      options: { position: "bottomleft" },
      onAdd: function () {
        var box = el("div", "sm-planning-legend leaflet-bar");
        if (overlay.error) box.appendChild(el("div", "sm-planning-error", overlay.error));
        if (overlay.summary) box.appendChild(el("div", "sm-planning-summary", overlay.summary));
        overlay.legend.forEach(function (item) {
          var row = el("div", "sm-legend-row");
          var swatch = el("span", "sm-swatch");
          swatch.innerHTML = item.svg; // from the style table, never from data
          row.appendChild(swatch);
          row.appendChild(el("span", null, item.label));
          box.appendChild(row);
        });
        return box;
      },
    });
    planning = { group: group, legend: new Legend().addTo(map), overlay: overlay };
    return planningState();
  }

  function planningState() {
    if (!planning) return null;
    var o = planning.overlay;
    return {
      gaps: o.showGaps ? o.entries.filter(function (e) { return !e.covered; }).map(function (e) { return e.id; }) : [],
      circles: (o.showGaps ? o.checkpoints.length : 0) + o.proposed.length + o.whatIf.length,
      proposed: o.proposed.map(gainText),
      whatIf: o.whatIf.map(gainText),
      summary: o.summary || "",
      legend: planning.legend.getContainer().textContent,
    };
  }

  function setOverlay(name, geojson, style) {
    var map = SituationMap.map();
    clearOverlay(name);
    ensurePane(map);
    var layer = L.geoJSON(geojson, {
      pane: "sm-planning",
      style: function () { return style || {}; },
      pointToLayer: function (feature, latlng) {
        var radius = feature.properties && feature.properties.radius_m;
        var options = Object.assign({ pane: "sm-planning" }, style || {});
        return radius ? L.circle(latlng, Object.assign(options, { radius: radius })) : L.circleMarker(latlng, options);
      },
      onEachFeature: function (feature, leaflet) {
        var label = feature.properties && feature.properties.label;
        if (label) leaflet.bindTooltip(el("span", null, label));
      },
    }).addTo(map);
    named[name] = layer;
    return Object.keys(named);
  }

  function clearOverlay(name) {
    if (named[name]) {
      SituationMap.map().removeLayer(named[name]);
      delete named[name];
    }
    return Object.keys(named);
  }

  SituationMap.showPlanning = showPlanning;
  SituationMap.planningState = planningState;
  SituationMap.setOverlay = setOverlay;
  SituationMap.clearOverlay = clearOverlay;
})(window);
