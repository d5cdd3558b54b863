/*
 * The situation map page: draws the layers from the data Python wrote beside the page, and
 * exposes a small update API so the application can change what is shown without reloading.
 *
 *   SituationMap.init(map, data)   once, from the page Folium generated
 *   SituationMap.apply(update)     show/hide features, change their properties, toggle
 *                                  layers, change title, labels, legend (only what changed)
 *   SituationMap.upsert(layer, features) / SituationMap.remove(layer, ids)
 *   SituationMap.fitTo(bounds) / SituationMap.flyTo(layer, id)
 *   SituationMap.state()           what the page shows now (for tests and the window)
 *   SituationMap.displacement(layer, id) / SituationMap.pick(x, y)
 *                                  where a symbol is drawn, what is drawn at a map pixel
 *
 * What stands out is drawn on top, on every output (window, wall, print all use this page):
 * alerts (properties.alert, set by layers.page_model) go into panes above the ordinary
 * symbols; point symbols nearer each other than their sizes are drawn apart on a ring with a
 * leader line to where they are (displace); village labels go where they cover no symbol
 * (placeLabels). Both are worked out again at every zoom.
 *
 * Every text that comes from data is put into the page with textContent, never as HTML: a
 * note holding markup shows as text and runs nothing (the page's bridge can call into the
 * application).
 */
(function (global) {
  "use strict";

  var P = global.SituationPlacement; // the geometry of displacement and labels (placement.js)
  var map = null;
  var data = null;
  var styles = null;
  var layers = {}; // name -> VectorLayer or CloudLayer (the same interface)
  var labelGroup = null;
  var legendControl = null;
  var titleBox = null;
  var selected = null; // {layer, id}
  var listeners = [];
  var editable = false;
  var leaderGroup = null; // the leader lines of displaced symbols
  var leaderRenderer = null;
  var viewSet = false; // relayout waits for the page's first view
  // Whether something that places symbols or labels changed since the last layout: a place, a
  // size, what is shown. A wall's refresh that only restyles (staff on shift, a name) lays out
  // nothing, so it makes no garbage for the page to collect.
  var layoutDirty = true;
  var householdsInLayout = false; // whether the last layout counted household dots
  var shifts = {}; // layer -> id -> [dx, dy]: how far a symbol is drawn from its place, pixels
  // Bottom to top: areas, lines, the many ordinary household dots (one canvas), leader lines,
  // Leaflet's marker pane (600: point markers, alerts ranked above the ordinary ones), alert
  // households, village labels. Hover tooltips (650) and popups (700) stay above them all.
  var PANES = { villages: "sm-areas", roads: "sm-lines", households: "sm-households" };
  var ALERT_PANES = { households: "sm-alert-households" };
  var PANE_Z = {
    "sm-areas": 410, "sm-lines": 420, "sm-households": 450, "sm-leaders": 590,
    "sm-alert-households": 620, "sm-labels": 640,
  };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function svgNode(svgText) {
    // SVG markup comes from the style table in Python, never from data.
    var holder = el("span", "sm-swatch");
    holder.innerHTML = svgText;
    return holder;
  }

  function lang() {
    return data.page.lang || "zh";
  }

  function t(key) {
    var words = data.page.words || {};
    return words[key] !== undefined ? words[key] : key;
  }

  // -- symbols ------------------------------------------------------------------------------

  function layerStyle(name) {
    return styles.layers[name];
  }

  function symbolFor(name, properties) {
    var style = layerStyle(name);
    var key = properties[style.classifiedBy];
    return style.symbols[key] || null;
  }

  function pathStyle(name, properties) {
    var symbol = symbolFor(name, properties);
    if (!symbol) return { opacity: 0, fillOpacity: 0 };
    if (symbol.shape === "area") {
      return {
        color: symbol.stroke, weight: symbol.size, fillColor: symbol.fill,
        fillOpacity: symbol.fill_opacity, opacity: 1,
      };
    }
    if (symbol.shape === "line") {
      return { color: symbol.fill, weight: symbol.size, opacity: 1, lineCap: "round" };
    }
    return {
      radius: symbol.size / 2, color: symbol.stroke, weight: symbol.stroke_width,
      fillColor: symbol.fill, fillOpacity: symbol.fill_opacity, opacity: 1,
    };
  }

  function iconKey(name, properties, shift) {
    var symbol = symbolFor(name, properties);
    return [symbol ? symbol.key : "", properties.status_on_day || "", !!properties.alert, shift || ""].join("|");
  }

  function iconSize(name, properties) {
    var symbol = symbolFor(name, properties);
    return symbol ? Math.max(symbol.size, 14) : 14;
  }

  function markerIcon(name, properties, shift) {
    // shift: [dx, dy] pixels from the feature's place to where its symbol is drawn.
    var symbol = symbolFor(name, properties);
    var size = iconSize(name, properties);
    var dx = shift ? shift[0] : 0;
    var dy = shift ? shift[1] : 0;
    var status = properties.status_on_day ? " sm-status-" + properties.status_on_day : "";
    return L.divIcon({
      html: symbol ? symbol.svg : "",
      className: "sm-marker sm-" + name + status + (properties.alert ? " sm-alert" : ""),
      iconSize: [size, size],
      iconAnchor: [size / 2 - dx, size / 2 - dy],
      popupAnchor: [dx, dy],
      tooltipAnchor: [dx, dy],
    });
  }

  function layerRank(name) {
    // Within a pane, markers stack in the style table's draw order, then from north to south:
    // the same order whenever a layer is shown again (not the order markers were added in).
    return 100000 * Math.max(0, styles.drawOrder.indexOf(name));
  }

  function markerRank(name, properties) {
    // Alerts above every ordinary marker of any layer (ranks reach 400,000 plus a few thousand
    // pixels of latitude order); alert households are on their own sheet above all markers.
    return layerRank(name) + (properties.alert ? 1000000 : 0);
  }

  function changeIconInPlace(leaflet, icon) {
    // A status, an alert or a displacement changed but not the drawing: the element keeps its
    // SVG and gets the new classes and offset. setIcon would build a new element each time,
    // garbage a wall refreshing all day piles up faster than the page collects it.
    var element = leaflet._icon;
    leaflet.options.icon.options.className.split(" ").forEach(function (c) { if (c) element.classList.remove(c); });
    icon.options.className.split(" ").forEach(function (c) { if (c) element.classList.add(c); });
    element.style.marginLeft = -icon.options.iconAnchor[0] + "px";
    element.style.marginTop = -icon.options.iconAnchor[1] + "px";
    leaflet.options.icon = icon; // for a later add, the popup's and the tooltip's anchors
  }

  function tagIcon(leaflet, name, id) {
    // Which feature a marker draws, for whoever reads the page (tests, the printed page).
    var icon = leaflet.getElement && leaflet.getElement();
    if (!icon) return;
    icon.setAttribute("data-layer", name);
    icon.setAttribute("data-feature-id", id);
  }

  // -- tooltips and popups ----------------------------------------------------------------

  function displayValue(name, field, value) {
    if (value === null || value === undefined || value === "") return "—";
    var labels = (data.page.valueLabels[name] || {})[field];
    if (labels && labels[value] !== undefined) return labels[value];
    if (value === true) return t("yes");
    if (value === false) return t("no");
    return value;
  }

  function featureTitle(name, properties) {
    return properties.name || properties.id || properties.code || "";
  }

  function tooltipContent(name, feature) {
    var box = el("div", "sm-tooltip");
    box.appendChild(el("strong", null, featureTitle(name, feature.properties)));
    var symbol = symbolFor(name, feature.properties);
    if (symbol) box.appendChild(el("div", "sm-tooltip-class", lang() === "zh" ? symbol.label_zh : symbol.label_en));
    return box;
  }

  // A popup that pans into the part of the map the title and the legend leave free.
  var FreePopup = L.Popup.extend({
    _adjustPan: function () {
      var free = freeMargins();
      this.options.autoPanPaddingTopLeft = free.topLeft;
      this.options.autoPanPaddingBottomRight = free.bottomRight;
      return L.Popup.prototype._adjustPan.apply(this, arguments);
    },
  });

  function freeMargins() {
    var size = map.getSize();
    var top = titleBox && titleBox.offsetHeight ? titleBox.offsetTop + titleBox.offsetHeight + 8 : 8;
    var legend = legendControl && legendControl.getContainer();
    var right = legend && legend.offsetWidth ? Math.min(legend.offsetWidth + 20, size.x / 3) : 8;
    return { topLeft: L.point(8, top), bottomRight: L.point(right, 8) };
  }

  function popupContent(name, feature) {
    var box = el("div", "sm-popup");
    box.appendChild(el("div", "sm-popup-title", featureTitle(name, feature.properties)));
    var table = el("table");
    (data.page.popupFields[name] || []).forEach(function (pair) {
      var value = feature.properties[pair[0]];
      if (value === null || value === undefined || value === "") return;
      var row = el("tr");
      row.appendChild(el("th", null, pair[1]));
      row.appendChild(el("td", null, displayValue(name, pair[0], value)));
      table.appendChild(row);
    });
    box.appendChild(table);
    return box;
  }

  // -- layers ---------------------------------------------------------------------------------
  // Two kinds with one interface: a VectorLayer keeps a Leaflet object per feature (villages,
  // roads, checkpoints, disinfection points: tens to hundreds); a CloudLayer draws all its
  // points on one canvas (households: up to 100,000).

  function VectorLayer(name) {
    this.name = name;
    this.group = L.featureGroup();
    this.entries = {};
    this.shown = new Set();
  }

  VectorLayer.prototype = {
    add: function (feature) {
      var entry = this.entries[feature.id];
      if (entry && entry.feature.geometry.type === feature.geometry.type) {
        // Changed in place: a wall refreshing all day would otherwise make a new Leaflet
        // object per changed feature per refresh, garbage the page collects only lazily.
        this._update(entry, feature);
        return;
      }
      var wasShown = this.shown.has(feature.id);
      if (entry) this.setShown(feature.id, false);
      var symbol = symbolFor(this.name, feature.properties);
      var size = iconSize(this.name, feature.properties);
      this.entries[feature.id] = {
        feature: feature, leaflet: this._leaflet(feature), shift: null, size: size,
        iconKey: iconKey(this.name, feature.properties, null), picture: (symbol ? symbol.key : "") + "|" + size,
      };
      layoutDirty = true;
      if (wasShown) this.setShown(feature.id, true);
    },
    _update: function (entry, feature) {
      var old = entry.feature; // the object the tooltip, popup and click handlers hold
      var leaflet = entry.leaflet;
      if (leaflet.setLatLng) {
        // Compared with where the marker is, not where the data was: a drag the store
        // refused must be put back.
        var to = L.latLng(feature.geometry.coordinates[1], feature.geometry.coordinates[0]);
        if (!leaflet.getLatLng().equals(to)) {
          leaflet.setLatLng(to);
          layoutDirty = true;
        }
      } else if (JSON.stringify(old.geometry) !== JSON.stringify(feature.geometry)) {
        old.geometry = feature.geometry;
        leaflet.clearLayers();
        leaflet.addData(old);
        layoutDirty = true; // a village's outline holds its label
      }
      old.properties = feature.properties;
      old.geometry = feature.geometry;
      this.restyle(old.id);
    },
    remove: function (id) {
      this.setShown(id, false);
      delete this.entries[id];
      layoutDirty = true;
    },
    has: function (id) { return !!this.entries[id]; },
    properties: function (id) { return this.entries[id] && this.entries[id].feature.properties; },
    setShown: function (id, shown) {
      var entry = this.entries[id];
      if (!entry || shown === this.shown.has(id)) return;
      layoutDirty = true;
      if (shown) {
        this.shown.add(id);
        this.group.addLayer(entry.leaflet);
      } else {
        this.shown.delete(id);
        this.group.removeLayer(entry.leaflet);
      }
    },
    shownCount: function () { return this.shown.size; },
    shownIds: function () { return Array.from(this.shown); },
    restyle: function (id) {
      var entry = this.entries[id];
      var properties = entry.feature.properties;
      if (entry.leaflet.setIcon) {
        var key = iconKey(this.name, properties, entry.shift);
        if (key !== entry.iconKey) {
          var size = iconSize(this.name, properties);
          if (size !== entry.size) layoutDirty = true;
          var icon = markerIcon(this.name, properties, entry.shift);
          var symbol = symbolFor(this.name, properties);
          var picture = (symbol ? symbol.key : "") + "|" + size;
          if (entry.leaflet._icon && entry.picture === picture) {
            changeIconInPlace(entry.leaflet, icon); // the same drawing: classes and place only
          } else {
            entry.leaflet.setIcon(icon);
            tagIcon(entry.leaflet, this.name, id);
          }
          entry.size = size;
          entry.picture = picture;
        }
        entry.iconKey = key; // a new icon only when the symbol, status or displacement changed
        var rank = markerRank(this.name, properties);
        // An alert rises above the ordinary markers (and back) by its stacking order alone:
        // moving it to another pane, or building a new marker, each time a wall's refresh
        // flips a checkpoint's staffing made the page's memory grow all day.
        if (entry.leaflet.options.zIndexOffset !== rank) entry.leaflet.setZIndexOffset(rank);
      } else {
        entry.leaflet.setStyle(pathStyle(this.name, properties));
      }
      if (selected && selected.layer === this.name && selected.id === id) this.highlight(id, true);
    },
    highlight: function (id, on) {
      var entry = this.entries[id];
      if (!entry) return;
      if (entry.leaflet.setIcon) {
        if (entry.leaflet._icon) entry.leaflet._icon.classList.toggle("sm-selected", on);
      } else {
        entry.leaflet.setStyle(on ? { color: "#00b8d4", weight: 4 } : pathStyle(this.name, entry.feature.properties));
      }
    },
    setShift: function (id, shift) {
      var entry = this.entries[id];
      if (!entry || !entry.leaflet.setIcon) return;
      entry.shift = shift;
      this.restyle(id);
    },
    symbols: function () {
      // The shown point markers, for the displacement: where they are and how big.
      var result = [];
      var self = this;
      this.shown.forEach(function (id) {
        var entry = self.entries[id];
        if (!entry.leaflet.setIcon) return;
        var properties = entry.feature.properties;
        result.push({
          layer: self.name, id: id, latlng: entry.leaflet.getLatLng(),
          r: iconSize(self.name, properties) / 2, alert: !!properties.alert,
        });
      });
      return result;
    },
    position: function (id) {
      var leaflet = this.entries[id].leaflet;
      var at = leaflet.getLatLng ? leaflet.getLatLng() : leaflet.getBounds().getCenter();
      return [at.lng, at.lat];
    },
    flyTo: function (id) {
      var leaflet = this.entries[id].leaflet;
      if (leaflet.getLatLng) map.flyTo(leaflet.getLatLng(), Math.max(map.getZoom(), 15), { duration: 0.6 });
      else map.flyToBounds(leaflet.getBounds(), { padding: [40, 40], duration: 0.6 });
    },
    open: function (id) {
      var leaflet = this.entries[id].leaflet;
      leaflet.openTooltip();
      leaflet.openPopup();
      return { popup: leaflet.getPopup().getElement(), tooltip: leaflet.getTooltip().getElement() };
    },
    _leaflet: function (feature) {
      var name = this.name;
      var geometry = feature.geometry;
      var leaflet;
      if (geometry.type === "Point") {
        // Which marker is on top is its rank's business (alerts above), and symbols at one
        // place are drawn apart (displace): no layer is put above another wholesale.
        leaflet = L.marker(L.latLng(geometry.coordinates[1], geometry.coordinates[0]), {
          icon: markerIcon(name, feature.properties, null), keyboard: false,
          zIndexOffset: markerRank(name, feature.properties),
        });
        leaflet.on("add", function () { tagIcon(leaflet, name, feature.id); });
      } else {
        leaflet = L.geoJSON(feature, {
          pane: PANES[name] || "overlayPane",
          style: function () { return pathStyle(name, feature.properties); },
        });
      }
      leaflet.bindTooltip(function () { return tooltipContent(name, feature); }, { sticky: geometry.type !== "Point" });
      leaflet.bindPopup(new FreePopup({ maxWidth: 320 }).setContent(function () { return popupContent(name, feature); }));
      leaflet.on("click", function () { select(name, feature.id, false); });
      if (geometry.type === "Point") {
        leaflet.options.draggable = editable; // a marker makes its drag handler when added
        leaflet.on("dragend", function () {
          var to = leaflet.getLatLng();
          emit("moved", { layer: name, id: feature.id, lat: to.lat, lng: to.lng });
        });
      }
      return leaflet;
    },
    setDraggable: function (id, on) {
      var leaflet = this.entries[id] && this.entries[id].leaflet;
      if (!leaflet || !leaflet.setLatLng) return;
      leaflet.options.draggable = on;
      if (leaflet.dragging) {
        if (on) leaflet.dragging.enable();
        else leaflet.dragging.disable();
      }
    },
  };

  function CloudLayer(name) {
    var self = this;
    this.name = name;
    this.features = {};
    this.group = new SituationPointCanvas({
      pane: PANES[name],
      alertPane: ALERT_PANES.households,
      newPopup: function (options) { return new FreePopup(options); },
      styleOf: function (properties) { return self._style(properties); },
      tooltipOf: function (point) { return tooltipContent(name, self.features[point.id]); },
      popupOf: function (point) { return popupContent(name, self.features[point.id]); },
      onClick: function (id) { select(name, id, false); },
    });
    this._styles = {};
  }

  CloudLayer.prototype = {
    add: function (feature) {
      var shown = this.group.isShown(feature.id);
      this.features[feature.id] = feature;
      var xy = feature.geometry.coordinates;
      this.group.addPoint(feature.id, xy[1], xy[0], feature.properties);
      if (shown) this.group.setShown(feature.id, true);
      layoutDirty = true;
    },
    remove: function (id) {
      this.group.removePoint(id);
      delete this.features[id];
      layoutDirty = true;
    },
    has: function (id) { return !!this.features[id]; },
    properties: function (id) { return this.features[id] && this.features[id].properties; },
    setShown: function (id, shown) {
      this.group.setShown(id, shown);
      layoutDirty = true;
    },
    shownCount: function () { return this.group.shownCount(); },
    shownIds: function () { return this.group.shownIds(); },
    restyle: function () {
      this.group.changed();
      layoutDirty = true; // a dot may have become an alert (or stopped being one)
    },
    highlight: function (id, on) { this.group.select(on ? id : null); },
    position: function (id) {
      var point = this.group.point(id);
      return [point.latlng.lng, point.latlng.lat];
    },
    flyTo: function (id) {
      var point = this.group.point(id);
      map.flyTo(point.latlng, Math.max(map.getZoom(), 15), { duration: 0.6 });
    },
    open: function (id) {
      return { tooltip: this.group.openTooltip(id), popup: this.group.openPopup(id) };
    },
    setShifts: function (byId) { this.group.setShifts(byId); },
    _style: function (properties) {
      // One canvas style per symbol, built once: the redraw asks for it 100,000 times.
      var symbol = symbolFor(this.name, properties);
      if (!symbol) return null;
      var style = this._styles[symbol.key];
      if (!style) {
        var keys = Object.keys(layerStyle(this.name).symbols);
        style = this._styles[symbol.key] = {
          key: symbol.key, radius: symbol.size / 2, fill: symbol.fill, stroke: symbol.stroke,
          weight: symbol.stroke_width, fillOpacity: symbol.fill_opacity,
          // Calm classes first, alarming ones last (on top): the table lists them calm first
          // except that released is the calmest of all.
          rank: symbol.key === "released" ? -1 : keys.indexOf(symbol.key),
        };
      }
      return style;
    },
  };

  function buildLayer(name, collection) {
    // A printed briefing (page.printVectorPoints set) draws that many households or fewer as
    // vector markers, sharp on paper; the screen always uses the canvas.
    var limit = data.page.printVectorPoints || 0;
    var cloud = name === "households" && !(limit && (collection.features || []).length <= limit);
    var layer = cloud ? new CloudLayer(name) : new VectorLayer(name);
    layer.visible = false;
    layers[name] = layer;
    (collection.features || []).forEach(function (feature) { layer.add(feature); });
  }

  function setLayerVisible(name, visible) {
    var layer = layers[name];
    if (!layer || layer.visible === visible) return;
    layer.visible = visible;
    layoutDirty = true;
    if (visible) map.addLayer(layer.group);
    else map.removeLayer(layer.group);
  }

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
    var zoom = map.getZoom();
    var items = [];
    var clouds = [];
    Object.keys(layers).forEach(function (name) {
      var layer = layers[name];
      if (!layer.visible) return;
      if (layer instanceof CloudLayer) {
        if (layer.shownCount() <= styles.displacement.maxCloud) clouds.push(layer);
        return;
      }
      layer.symbols().forEach(function (item) {
        var at = map.project(item.latlng, zoom);
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
    if (!map) return;
    var gap = styles.displacement.gap;
    var found = pointSymbols();
    var items = found.items;
    var groups = P.overlappingGroups(items, 2 * found.largest + 2, collide, 4 * styles.displacement.maxGroup);

    var next = {};
    leaderGroup.clearLayers();
    var zoom = map.getZoom();
    var leaders = []; // [true place, drawn place] per displaced symbol
    groups.forEach(function (members) {
      if (members.length < 2 || members.length > styles.displacement.maxGroup) return;
      P.ringShifts(members, gap).forEach(function (shift, k) {
        var m = members[k];
        (next[m.layer] = next[m.layer] || {})[m.id] = shift;
        leaders.push([m.latlng, map.unproject(L.point(m.x + shift[0], m.y + shift[1]), zoom)]);
      });
    });
    if (leaders.length) {
      // Two paths in all, however many symbols moved: the lines, and a dot at each true place
      // (a zero-length stroke with round caps). A Leaflet object per line cost 40 ms at 10,000
      // households.
      var line = { pane: "sm-leaders", color: styles.displacement.leaderColour, opacity: 0.9,
        interactive: false, renderer: leaderRenderer, smoothFactor: 0 };
      leaderGroup.addLayer(L.polyline(leaders, Object.assign({ weight: styles.displacement.leaderWidth }, line)));
      leaderGroup.addLayer(L.polyline(leaders.map(function (pair) { return [pair[0], pair[0]]; }),
        Object.assign({ weight: 2 * styles.displacement.anchorRadius, lineCap: "round" }, line)));
    }
    Object.keys(layers).forEach(function (name) {
      var layer = layers[name];
      var mine = next[name] || {};
      if (layer instanceof CloudLayer) layer.setShifts(mine);
      else if (layer.setShift) {
        var before = shifts[name] || {};
        Object.keys(before).forEach(function (id) { if (!mine[id]) layer.setShift(id, null); });
        Object.keys(mine).forEach(function (id) { layer.setShift(id, mine[id]); });
      }
    });
    shifts = next;
    return found; // the symbols as gathered, for the labels placed next (not kept after)
  }

  // -- village labels ------------------------------------------------------------------------

  var labelsShowing = null; // which labels are on the map, to skip needless rebuilds
  var HALO_WIDTH = 2.5; // pixels of halo around each letter

  function rebuildLabels() {
    var villages = layers.villages;
    var wanted = "";
    if (data.page.labels && villages && villages.visible) {
      // What the labels say and where: rebuilt only when that changes.
      wanted = JSON.stringify(villages.shownIds().sort().map(function (id) {
        var properties = villages.properties(id);
        return [id, properties.name, properties.label_point];
      }));
    }
    if (wanted === labelsShowing) return false;
    labelsShowing = wanted;
    labelGroup.clearLayers();
    if (!wanted) return true;
    villages.shownIds().sort().forEach(function (id) {
      var properties = villages.properties(id);
      if (!properties.label_point) return;
      // One text, drawn once: its halo is painted on a canvas behind it (a CSS halo, text-
      // shadow or text-stroke, puts the text into a printed PDF once more per stroke).
      var holder = el("div", "sm-label-box");
      holder.appendChild(el("canvas", "sm-label-halo"));
      holder.appendChild(el("span", "sm-label-text", properties.name));
      labelGroup.addLayer(L.marker(L.latLng(properties.label_point[1], properties.label_point[0]), {
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
      var shift = (shifts[item.layer] || {})[item.id] || [0, 0];
      var at = map.latLngToContainerPoint(item.latlng);
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
    var entry = layers.villages && layers.villages.entries[id];
    if (!entry) return null;
    var zoom = map.getZoom();
    var geometry = entry.feature.geometry;
    var kept = entry.rings;
    if (kept && kept.zoom === zoom && kept.geometry === geometry) return kept.rings;
    var polygons = geometry.type === "Polygon" ? [geometry.coordinates]
      : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
    var rings = [];
    polygons.forEach(function (polygon) {
      polygon.forEach(function (ring) {
        rings.push(ring.map(function (xy) {
          var p = map.project([xy[1], xy[0]], zoom);
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
    if (!map || !map._loaded || !labelGroup || !labelGroup.getLayers().length) return;
    var obstacles = symbolBoxes(symbols);
    var placed = [];
    var size = map.getSize();
    var frame = [0, 0, size.x, size.y];
    // Where the container's top-left corner is in projected pixels (the rings' frame).
    var corner = map.project(map.containerPointToLatLng([0, 0]), map.getZoom());
    var ringOrigin = [corner.x, corner.y];
    labelGroup.eachLayer(function (marker) {
      var label = marker.getElement();
      if (!label) return;
      var text = label.querySelector(".sm-label-text");
      var w = text.offsetWidth;
      var h = text.offsetHeight;
      P.drawHalo(label, HALO_WIDTH);
      var at = map.latLngToContainerPoint(marker.getLatLng());
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
      var layer = layers.households;
      return householdsInLayout || (!!layer && layer.visible && layer.shownCount() <= styles.displacement.maxCloud);
    });
  }

  function relayout() {
    // After a zoom or a change of what is shown: symbols apart, then labels clear of them.
    // Not before the page has its first view: placing at Leaflet's provisional view would
    // be wasted (and puts every point on a few pixels). init() calls it once the view is set.
    if (!map || !map._loaded || !viewSet) return;
    placeLabels(displace());
    layoutDirty = false;
  }

  // -- title, legend, north arrow --------------------------------------------------------------

  function renderTitle() {
    titleBox.textContent = "";
    titleBox.appendChild(el("div", "sm-title-main", data.page.title));
    if (data.page.subtitle) titleBox.appendChild(el("div", "sm-title-sub", data.page.subtitle));
  }

  function keepLegendClearOfTheTop() {
    // The legend grows upward from the bottom right: where it shares columns with the title
    // box (a two-line English title on a narrow map) or the north arrow it must end below
    // them, scrolling if need be.
    if (!legendControl || !titleBox) return;
    var legend = legendControl.getContainer();
    var container = map.getContainer();
    if (!container.contains(legend) || !titleBox.offsetHeight) {
      // A printed map has no title box and sets its legend beside the map: no limit here.
      legend.style.maxHeight = "";
      return;
    }
    var frame = container.getBoundingClientRect();
    var box = legend.getBoundingClientRect();
    var top = 10;
    // What hangs from the top of the map in the legend's columns: the title, the north arrow.
    [titleBox, container.querySelector(".sm-north")].forEach(function (above) {
      if (!above || !above.offsetHeight) return;
      var r = above.getBoundingClientRect();
      if (box.left < r.right && r.left < box.right) top = Math.max(top, r.bottom - frame.top + 8);
    });
    legend.style.maxHeight = Math.max(60, frame.bottom - box.bottom > 0
      ? frame.height - top - (frame.bottom - box.bottom) : frame.height - top) + "px";
  }

  function renderLegend() {
    var box = legendControl.getContainer();
    box.textContent = "";
    box.appendChild(el("div", "sm-legend-title", t("legend")));
    data.page.legend.forEach(function (section) {
      if (!layers[section.layer] || !layers[section.layer].visible) return;
      var block = el("div", "sm-legend-section");
      block.appendChild(el("div", "sm-legend-heading", section.title));
      section.items.forEach(function (item) {
        var row = el("div", "sm-legend-row");
        row.appendChild(svgNode(item.svg));
        row.appendChild(el("span", null, item.label));
        block.appendChild(row);
      });
      box.appendChild(block);
    });
    if (data.page.disclaimer) box.appendChild(el("div", "sm-legend-note", data.page.disclaimer));
  }

  var Legend = L.Control.extend({
    options: { position: "bottomright" },
    onAdd: function () {
      var box = el("div", "sm-legend leaflet-bar");
      L.DomEvent.disableScrollPropagation(box);
      return box;
    },
  });

  var NorthArrow = L.Control.extend({
    options: { position: "topright" },
    onAdd: function () {
      var box = el("div", "sm-north");
      box.innerHTML =
        '<svg width="34" height="46" viewBox="0 0 34 46" aria-label="north">' +
        '<polygon points="17,2 30,40 17,31 4,40" fill="#ffffff" stroke="#222" stroke-width="2"/>' +
        '<polygon points="17,2 17,31 4,40" fill="#222"/></svg>';
      box.appendChild(el("div", "sm-north-label", t("north")));
      return box;
    },
  });

  // -- selection ----------------------------------------------------------------------------

  function select(name, id, fly, quiet) {
    // quiet: the application asked for it, so it need not be told back.
    if (selected && layers[selected.layer]) layers[selected.layer].highlight(selected.id, false);
    selected = null;
    var layer = layers[name];
    if (!layer || !layer.has(id)) return false;
    selected = { layer: name, id: id };
    layer.highlight(id, true);
    if (fly) layer.flyTo(id);
    if (!quiet) emit("select", { layer: name, id: id });
    return true;
  }

  function setEditable(on) {
    // Point markers can be dragged to a new place; the application saves the move.
    editable = on;
    ["checkpoints", "disinfection_points"].forEach(function (name) {
      var layer = layers[name];
      if (!layer) return;
      Object.keys(layer.entries).forEach(function (id) { layer.setDraggable(id, on); });
    });
  }

  function flyTo(name, id) {
    var layer = layers[name];
    if (!layer || !layer.has(id)) return false;
    layer.flyTo(id);
    return true;
  }

  // -- public API ---------------------------------------------------------------------------

  var pendingFit = null; // bounds to fit once the map has a size

  function fitTo(bounds) {
    // bounds: [west, south, east, north]; leave room for the title and the legend.
    var box = L.latLngBounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]]);
    var size = map.getSize();
    if (!size.x || !size.y) {
      // A window not laid out yet has no size: Leaflet would compute a NaN zoom. Look at
      // the place now and fit it properly when the map is given a size.
      pendingFit = bounds;
      map.setView(box.getCenter(), 12, { animate: false });
      return;
    }
    pendingFit = null;
    var legendWidth = legendControl ? legendControl.getContainer().offsetWidth : 0;
    map.fitBounds(box, {
      paddingTopLeft: [30, 80], paddingBottomRight: [Math.min(legendWidth, size.x / 3) + 30, 30], animate: false,
    });
  }

  function setView(view) {
    if (view.center) map.setView(view.center, view.zoom, { animate: false });
    else if (view.bounds) fitTo(view.bounds);
  }

  function applyLayerUpdate(name, change) {
    var layer = layers[name];
    if (!layer) return;
    (change.remove || []).forEach(function (id) { layer.remove(id); });
    (change.upsert || []).forEach(function (feature) { layer.add(feature); });
    var props = change.props || {};
    Object.keys(props).forEach(function (id) {
      var properties = layer.properties(id);
      if (!properties) return;
      Object.assign(properties, props[id]);
      layer.restyle(id);
    });
    (change.hide || []).forEach(function (id) { layer.setShown(id, false); });
    (change.show || []).forEach(function (id) { layer.setShown(id, true); });
    if (change.visible !== undefined) setLayerVisible(name, change.visible);
  }

  function apply(update) {
    var started = performance.now();
    var layerChanges = update.layers || {};
    Object.keys(layerChanges).forEach(function (name) { applyLayerUpdate(name, layerChanges[name]); });
    ["title", "subtitle", "labels", "legend", "disclaimer"].forEach(function (key) {
      if (update[key] !== undefined) data.page[key] = update[key];
    });
    if (update.title !== undefined || update.subtitle !== undefined) renderTitle();
    var labelsChanged = rebuildLabels();
    var visibilityChanged = Object.keys(layerChanges).some(function (name) {
      return layerChanges[name].visible !== undefined;
    });
    if (update.legend !== undefined || update.disclaimer !== undefined || visibilityChanged) renderLegend();
    if (update.title !== undefined || update.subtitle !== undefined || update.legend !== undefined
        || visibilityChanged) keepLegendClearOfTheTop();
    if (update.view) setView(update.view);
    if (layoutDirty && changesLayout(layerChanges)) relayout();
    else if (labelsChanged || update.legend !== undefined || update.title !== undefined) placeLabels();
    if (update.planning !== undefined && SituationMap.showPlanning) SituationMap.showPlanning(update.planning);
    var result = summary(performance.now() - started);
    afterPaint(function () { emit("applied", summary(performance.now() - started)); });
    return result;
  }

  function emit(kind, detail) {
    listeners.forEach(function (callback) { callback(kind, detail); });
  }

  function afterPaint(callback) {
    // Two animation frames later the canvas and SVG changes are on screen.
    requestAnimationFrame(function () { requestAnimationFrame(callback); });
  }

  function summary(milliseconds) {
    var shown = {};
    Object.keys(layers).forEach(function (name) {
      shown[name] = layers[name].visible ? layers[name].shownCount() : 0;
    });
    return { shown: shown, milliseconds: milliseconds || 0 };
  }

  function state() {
    var result = summary();
    result.ids = {};
    Object.keys(layers).forEach(function (name) {
      result.ids[name] = layers[name].visible ? layers[name].shownIds().sort() : [];
    });
    result.labels = labelGroup.getLayers().map(function (label) { return label.getElement() ? label.getElement().textContent : ""; });
    result.title = data.page.title;
    result.subtitle = data.page.subtitle;
    var b = map.getBounds();
    result.view = { center: [map.getCenter().lat, map.getCenter().lng], zoom: map.getZoom(),
      bounds: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()] };
    result.selected = selected;
    return result;
  }

  function openPopup(name, id) {
    // Opens the feature's popup and tooltip; returns their text (what the user reads).
    var layer = layers[name];
    if (!layer || !layer.has(id)) return null;
    var opened = layer.open(id);
    return {
      popup: opened.popup ? opened.popup.textContent : "",
      tooltip: opened.tooltip ? opened.tooltip.textContent : "",
    };
  }

  function properties(name, id) {
    var layer = layers[name];
    return layer && layer.has(id) ? Object.assign({}, layer.properties(id)) : null;
  }

  function whenDrawn() {
    afterPaint(function () {
      SituationMap.drawn = true;
      emit("drawn", summary());
    });
  }

  function init(leafletMap, pageData) {
    map = leafletMap;
    data = pageData;
    styles = pageData.styles;
    Object.keys(PANE_Z).forEach(function (pane) { map.createPane(pane).style.zIndex = PANE_Z[pane]; });
    map.attributionControl.setPrefix(false);
    labelGroup = L.layerGroup().addTo(map);
    leaderRenderer = L.svg({ pane: "sm-leaders" });
    leaderGroup = L.layerGroup().addTo(map);
    map.on("zoomend viewreset", relayout);

    titleBox = el("div", "sm-title");
    map.getContainer().appendChild(titleBox);
    renderTitle();
    legendControl = new Legend().addTo(map);
    new NorthArrow().addTo(map);
    L.control.scale({ metric: true, imperial: false, maxWidth: 160, position: "bottomleft" }).addTo(map);

    Object.keys(pageData.layers).forEach(function (name) { buildLayer(name, pageData.layers[name]); });
    apply(pageData.initial);
    if (pageData.page.basemap) {
      L.tileLayer(pageData.page.basemap.url, {
        attribution: pageData.page.basemap.attribution || "", maxZoom: 19,
      }).addTo(map).bringToBack();
    }
    setView(pageData.view);
    viewSet = true;
    relayout();
    if (pageData.page.planning && SituationMap.showPlanning) SituationMap.showPlanning(pageData.page.planning);
    map.on("mousemove", function (event) { emit("cursor", { lat: event.latlng.lat, lng: event.latlng.lng }); });
    map.on("click", function (event) { emit("map_click", { lat: event.latlng.lat, lng: event.latlng.lng }); });
    map.on("moveend", function () { emit("view", state().view); });
    map.on("resize", function () {
      keepLegendClearOfTheTop();
      if (pendingFit) fitTo(pendingFit);
    });
    whenDrawn();
  }

  var SituationMap = {
    drawn: false,
    init: init,
    apply: apply,
    upsert: function (name, features) { return apply({ layers: { [name]: { upsert: features } } }); },
    remove: function (name, ids) { return apply({ layers: { [name]: { remove: ids } } }); },
    fitTo: fitTo,
    setView: setView,
    flyTo: flyTo,
    select: function (name, id) { return select(name, id, true); },
    highlight: function (name, id, fly) { return select(name, id, fly, true); },
    clearSelection: function () { return select("", "", false, true); },
    setEditable: setEditable,
    setWall: function (on) {
      // On the wall nobody holds a mouse: no zoom buttons. Its labels may be larger: placed anew.
      document.body.classList.toggle("sm-wall", !!on);
      placeLabels();
      return !!on;
    },
    setTheme: function (name) {
      // The wall display's dark theme for projectors; the desk and print pages stay light.
      document.body.classList.toggle("sm-theme-dark", name === "dark");
      placeLabels(); // the halo takes the theme's colour
      return name;
    },
    relayout: relayout,
    displacement: function (name, id) {
      // [dx, dy]: how many pixels from its place the feature's symbol is drawn.
      var shift = (shifts[name] || {})[id];
      return shift ? shift.slice() : [0, 0];
    },
    pick: function (x, y) {
      // The household dot drawn at map pixel (x, y), as the mouse finds it, or null.
      var names = Object.keys(layers);
      for (var i = 0; i < names.length; i++) {
        var layer = layers[names[i]];
        if (!(layer instanceof CloudLayer) || !layer.visible) continue;
        var id = layer.group.hitAt([x, y]);
        if (id !== null) return { layer: names[i], id: id };
      }
      return null;
    },
    state: state,
    properties: properties,
    openPopup: openPopup,
    position: function (name, id) {
      // Where the page draws a feature: [longitude, latitude] (polygons: their centre).
      var layer = layers[name];
      return layer && layer.has(id) ? layer.position(id) : null;
    },
    on: function (callback) { listeners.push(callback); },
    map: function () { return map; },
  };
  global.SituationMap = SituationMap;
})(window);
