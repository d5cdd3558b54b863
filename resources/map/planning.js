/*
 * The planning overlay of the situation map: the coverage of each checkpoint (a circle, or in
 * along-roads mode the road it reaches within the distance, as lines), road entries
 * (uncovered ones ringed in red, those only the plan would cover ringed in purple), proposed
 * and what-if checkpoints with the entry weight each adds, and a small legend. Drawn from the "planning" part of the page data
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

  // In along-roads mode a site covers the road it reaches, not a disc: draw that road.
  function reach(site, symbol, weight, dashed) {
    var lines = site.reach.map(function (line) {
      return line.map(function (p) { return L.latLng(p[1], p[0]); });
    });
    var common = { pane: "sm-planning", interactive: false, lineCap: "round", lineJoin: "round" };
    // A pale casing keeps the reach readable over a dark village fill and over the road itself.
    var casing = L.polyline(lines, Object.assign({ color: "#ffffff", weight: weight + 4, opacity: 0.8, casing: true },
      common));
    var line = L.polyline(lines, Object.assign({
      color: symbol.fill || symbol.stroke, weight: weight, opacity: 0.85, dashArray: dashed ? "8 6" : null,
      siteId: site.id || site.label,
    }, common));
    return L.featureGroup([casing, line]);
  }

  function coverageOf(overlay, site, symbol, dashed, circleStyle, reachStyle) {
    if (overlay.alongRoads) return reach(site, reachStyle.symbol, reachStyle.weight, dashed);
    var shape = circle(site, overlay.radius, symbol, dashed);
    return circleStyle ? shape.setStyle(circleStyle) : shape;
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
      overlay.checkpoints.forEach(function (at) {
        // Dashed as a circle, solid as a road: a dashed road would read as a village road.
        coverageOf(overlay, at, style.coverage, !overlay.alongRoads, null, { symbol: style.reach, weight: 7 })
          .addTo(group);
      });
      overlay.entries.forEach(function (entry) {
        var kind = entry.covered ? "entry" : entry.planned ? "planned" : "gap";
        marker(entry, style[kind], entry.id + " · " + ((overlay.words || {})[kind] || "")).addTo(group);
      });
    }
    overlay.proposed.forEach(function (site) {
      coverageOf(overlay, site, style.proposed, false, { fillOpacity: 0.06, weight: 1.5 },
        { symbol: style.proposed, weight: 6 }).addTo(group);
      marker(site, style.proposed, null, gainText(site)).addTo(group);
    });
    overlay.whatIf.forEach(function (site) {
      coverageOf(overlay, site, style.what_if, true, { fillOpacity: 0.05, weight: 2 },
        { symbol: { fill: style.what_if.stroke }, weight: 6 }).addTo(group);
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
    var drawn = [];
    planning.group.eachLayer(function (layer) {
      if (layer.eachLayer) layer.eachLayer(function (part) { drawn.push(part); });
      else drawn.push(layer);
    });
    return {
      gaps: o.showGaps ? o.entries.filter(function (e) { return !e.covered && !e.planned; })
        .map(function (e) { return e.id; }) : [],
      planned: o.showGaps ? o.entries.filter(function (e) { return e.planned; }).map(function (e) { return e.id; }) : [],
      // Read from what is on the map, not from the data it was drawn from.
      circles: drawn.filter(function (l) { return l instanceof L.Circle; }).length,
      reach: drawn.filter(function (l) { return l instanceof L.Polyline && !l.options.casing; }).map(function (l) {
        return {
          site: l.options.siteId,
          lines: L.LineUtil.isFlat(l.getLatLngs()) ? [l.getLatLngs()] : l.getLatLngs(),
        };
      }).map(function (r) {
        return { site: r.site, lines: r.lines.map(function (line) {
          return line.map(function (p) { return [p.lng, p.lat]; });
        }) };
      }),
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
