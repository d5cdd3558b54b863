/*
 * Where the situation map page draws what would otherwise hide something, worked out again at
 * every zoom: point symbols nearer each other than their sizes drawn apart on a ring with a
 * leader line (displace), village labels where they cover no symbol (placeLabels). This part
 * gathers the symbols and labels and applies what placement.js computes; situation.js makes it.
 *
 *   var layout = SituationLayout.create(ctx, symbols, kinds)   ctx: the page's shared state
 *   layout.relayout()             symbols apart, then labels clear of them
 *   layout.rebuildLabels()        -> whether the labels shown changed
 *   layout.placeLabels()          labels again, symbols where they are
 *   layout.changesLayout(layerChanges)
 */
(function (global) {
  "use strict";

  var P = global.SituationPlacement; // the geometry of displacement and labels (placement.js)

  function create(ctx, symbols, kinds) {
    var el = symbols.el;
    var CloudLayer = kinds.CloudLayer;
    var householdsInLayout = false; // whether the last layout counted household dots

    // -- displacement: symbols at one place drawn apart ------------------------------------------

    function cloudOnly(item) {
      // Ordinary household dots are a cloud: they are not drawn apart from each other (there may
      // be 100,000), only from the markers and alerts they would hide or be hidden by.
      return item.cloud && !item.alert;
    }

    function collide(a, b) {
      return !(cloudOnly(a) && cloudOnly(b)) && Math.hypot(a.x - b.x, a.y - b.y) < a.r + b.r;
    }

    function pointSymbols() {
      // Every point symbol shown, in projected pixels at the map's zoom: the markers and the
      // alert households, then the ordinary households under a marker. (Under an alert dot an
      // ordinary one is drawn below it anyway; chaining through a dense cloud of households
      // would make every crowd one group to no purpose.)
      var zoom = ctx.map.getZoom();
      var items = [];
      var clouds = [];
      Object.keys(ctx.layers).forEach(function (name) {
        var layer = ctx.layers[name];
        if (!layer.visible) return;
        if (layer instanceof CloudLayer) {
          if (layer.shownCount() <= ctx.styles.displacement.maxCloud) clouds.push(layer);
          return;
        }
        layer.symbols().forEach(function (item) {
          var at = ctx.map.project(item.latlng, zoom);
          item.x = at.x;
          item.y = at.y;
          items.push(item);
        });
      });
      var largest = items.reduce(function (r, item) { return Math.max(r, item.r); }, 8);
      var markers = new P.Grid(2 * largest + 2);
      items.forEach(function (item) { markers.add(item); });
      clouds.forEach(function (layer) {
        var points = layer.group.projected();
        for (var id in points) {
          var point = points[id];
          if (!point.shown) continue;
          var alert = !!point.properties.alert;
          // Most of a city's households are far from every marker: skipped before any work.
          if (!alert && !markers.countNear(point.pixel.x, point.pixel.y)) continue;
          var style = layer._style(point.properties);
          if (!style) continue;
          var item = {
            layer: layer.name, id: id, latlng: point.latlng, x: point.pixel.x, y: point.pixel.y,
            r: style.radius + style.weight / 2, alert: alert, cloud: true,
          };
          if (alert || markers.near(item.x, item.y).some(function (other) { return collide(item, other); })) {
            items.push(item);
          }
        }
      });
      householdsInLayout = clouds.length > 0;
      return { items: items, largest: largest };
    }

    function displace() {
      // Groups of symbols that overlap are drawn on a ring around their centre, in the order of
      // their bearings (so each stays on its side), the ring just large enough for none to
      // cover another; a leader line joins each to its true place.
      if (!ctx.map) return;
      var gap = ctx.styles.displacement.gap;
      var found = pointSymbols();
      var items = found.items;
      var groups = P.overlappingGroups(items, 2 * found.largest + 2, collide, 4 * ctx.styles.displacement.maxGroup);

      var next = {};
      ctx.leaderGroup.clearLayers();
      var zoom = ctx.map.getZoom();
      var leaders = []; // [true place, drawn place] per displaced symbol
      groups.forEach(function (members) {
        if (members.length < 2 || members.length > ctx.styles.displacement.maxGroup) return;
        P.ringShifts(members, gap).forEach(function (shift, k) {
          var m = members[k];
          (next[m.layer] = next[m.layer] || {})[m.id] = shift;
          leaders.push([m.latlng, ctx.map.unproject(L.point(m.x + shift[0], m.y + shift[1]), zoom)]);
        });
      });
      if (leaders.length) {
        // Two paths in all, however many symbols moved: the lines, and a dot at each true place
        // (a zero-length stroke with round caps). A Leaflet object per line cost 40 ms at 10,000
        // households.
        var line = { pane: "sm-leaders", color: ctx.styles.displacement.leaderColour, opacity: 0.9,
          interactive: false, renderer: ctx.leaderRenderer, smoothFactor: 0 };
        ctx.leaderGroup.addLayer(L.polyline(leaders, Object.assign({ weight: ctx.styles.displacement.leaderWidth }, line)));
        ctx.leaderGroup.addLayer(L.polyline(leaders.map(function (pair) { return [pair[0], pair[0]]; }),
          Object.assign({ weight: 2 * ctx.styles.displacement.anchorRadius, lineCap: "round" }, line)));
      }
      Object.keys(ctx.layers).forEach(function (name) {
        var layer = ctx.layers[name];
        var mine = next[name] || {};
        if (layer instanceof CloudLayer) layer.setShifts(mine);
        else if (layer.setShift) {
          var before = ctx.shifts[name] || {};
          Object.keys(before).forEach(function (id) { if (!mine[id]) layer.setShift(id, null); });
          Object.keys(mine).forEach(function (id) { layer.setShift(id, mine[id]); });
        }
      });
      ctx.shifts = next;
      return found; // the symbols as gathered, for the labels placed next (not kept after)
    }

    // -- village labels ------------------------------------------------------------------------

    var labelsShowing = null; // which labels are on the map, to skip needless rebuilds
    var HALO_WIDTH = 2.5; // pixels of halo around each letter

    function rebuildLabels() {
      var villages = ctx.layers.villages;
      var wanted = "";
      if (ctx.data.page.labels && villages && villages.visible) {
        // What the labels say and where: rebuilt only when that changes.
        wanted = JSON.stringify(villages.shownIds().sort().map(function (id) {
          var properties = villages.properties(id);
          return [id, properties.name, properties.label_point];
        }));
      }
      if (wanted === labelsShowing) return false;
      labelsShowing = wanted;
      ctx.labelGroup.clearLayers();
      if (!wanted) return true;
      villages.shownIds().sort().forEach(function (id) {
        var properties = villages.properties(id);
        if (!properties.label_point) return;
        // One text, drawn once: its halo is painted on a canvas behind it (a CSS halo, text-
        // shadow or text-stroke, puts the text into a printed PDF once more per stroke).
        var holder = el("div", "sm-label-box");
        holder.appendChild(el("canvas", "sm-label-halo"));
        holder.appendChild(el("span", "sm-label-text", properties.name));
        ctx.labelGroup.addLayer(L.marker(L.latLng(properties.label_point[1], properties.label_point[0]), {
          icon: L.divIcon({ html: holder, className: "sm-village-label", iconSize: null }),
          pane: "sm-labels", interactive: false, keyboard: false, village: id,
        }));
      });
      return true;
    }

    function symbolBoxes(symbols) {
      // Screen boxes of the point symbols as drawn (displaced); marker boxes are their icons.
      var boxes = [];
      (symbols || pointSymbols()).items.forEach(function (item) {
        var shift = (ctx.shifts[item.layer] || {})[item.id] || [0, 0];
        var at = ctx.map.latLngToContainerPoint(item.latlng);
        var x = at.x + shift[0];
        var y = at.y + shift[1];
        var r = item.r + 2; // Leaflet rounds marker positions to whole pixels: keep a margin
        boxes.push({ box: [x - r, y - r, x + r, y + r], weight: cloudOnly(item) ? 200 : 5000 });
      });
      return boxes;
    }

    function villageRings(id) {
      // The village's outline in projected pixels at the map's zoom, for telling whether a label
      // sits inside it. Kept per zoom: projecting every vertex at every refresh made the wall's
      // page churn through a megabyte a time.
      var entry = ctx.layers.villages && ctx.layers.villages.entries[id];
      if (!entry) return null;
      var zoom = ctx.map.getZoom();
      var geometry = entry.feature.geometry;
      var kept = entry.rings;
      if (kept && kept.zoom === zoom && kept.geometry === geometry) return kept.rings;
      var polygons = geometry.type === "Polygon" ? [geometry.coordinates]
        : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
      var rings = [];
      polygons.forEach(function (polygon) {
        polygon.forEach(function (ring) {
          rings.push(ring.map(function (xy) {
            var p = ctx.map.project([xy[1], xy[0]], zoom);
            return [p.x, p.y];
          }));
        });
      });
      entry.rings = { zoom: zoom, geometry: geometry, rings: rings };
      return rings;
    }

    function placeLabels(symbols) {
      // Each label goes to the first of its candidate places (centred on the village's label
      // point, then around it and farther out) inside its village that covers no symbol and no
      // label placed before it; when none is free, to the one costing least.
      if (!ctx.map || !ctx.map._loaded || !ctx.labelGroup || !ctx.labelGroup.getLayers().length) return;
      var obstacles = symbolBoxes(symbols);
      var placed = [];
      var size = ctx.map.getSize();
      var frame = [0, 0, size.x, size.y];
      // Where the container's top-left corner is in projected pixels (the rings' frame).
      var corner = ctx.map.project(ctx.map.containerPointToLatLng([0, 0]), ctx.map.getZoom());
      var ringOrigin = [corner.x, corner.y];
      ctx.labelGroup.eachLayer(function (marker) {
        var label = marker.getElement();
        if (!label) return;
        var text = label.querySelector(".sm-label-text");
        var w = text.offsetWidth;
        var h = text.offsetHeight;
        P.drawHalo(label, HALO_WIDTH);
        var at = ctx.map.latLngToContainerPoint(marker.getLatLng());
        var best = P.bestLabelPlace({
          at: [at.x, at.y], width: w, height: h, frame: frame, obstacles: obstacles, placed: placed,
          rings: villageRings(marker.options.village), ringOrigin: ringOrigin,
        });
        placed.push(best.box);
        label.style.marginLeft = Math.round(best.dx - w / 2) + "px";
        label.style.marginTop = Math.round(best.dy - h / 2) + "px";
      });
    }

    function changesLayout(layerChanges) {
      // Whether a change can move a symbol or a label: any change to a layer taking part in the
      // layout. Households shown beyond maxCloud take none (a filter over 10,000 households then
      // costs no layout at all), unless they took part before the change.
      return Object.keys(layerChanges).some(function (name) {
        if (name !== "households") return true;
        var layer = ctx.layers.households;
        return householdsInLayout || (!!layer && layer.visible && layer.shownCount() <= ctx.styles.displacement.maxCloud);
      });
    }

    var laidOutAt = null; // the view of the last layout: zoom, pixel origin, pane, size

    function viewKey() {
      var origin = ctx.map.getPixelOrigin();
      var corner = ctx.map.containerPointToLayerPoint([0, 0]);
      var size = ctx.map.getSize();
      return [ctx.map.getZoom(), origin.x, origin.y, corner.x, corner.y, size.x, size.y].join(":");
    }

    function relayout() {
      // After a zoom or a change of what is shown: symbols apart, then labels clear of them.
      // Not before the page has its first view: placing at Leaflet's provisional view would
      // be wasted (and puts every point on a few pixels). init() calls it once the view is set.
      // A view set without animation fires both viewreset and zoomend: the second, with
      // nothing changed since, would lay out the same again (a tenth of an atlas's drawing).
      if (!ctx.map || !ctx.map._loaded || !ctx.viewSet) return;
      var view = viewKey();
      if (!ctx.layoutDirty && view === laidOutAt) return;
      laidOutAt = view;
      placeLabels(displace());
      ctx.layoutDirty = false;
    }

    return {
      rebuildLabels: rebuildLabels, placeLabels: placeLabels, changesLayout: changesLayout, relayout: relayout,
    };
  }

  global.SituationLayout = { create: create };
})(window);
