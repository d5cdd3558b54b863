/*
 * The situation map page's two kinds of layer, with one interface (add, remove, setShown,
 * restyle, highlight, flyTo, open, ...): a VectorLayer keeps a Leaflet object per feature
 * (villages, roads, checkpoints, disinfection points: tens to hundreds); a CloudLayer draws all
 * its points on one canvas (households: up to 1,000,000; point_canvas.js), from GeoJSON features
 * or, for a large layer, from typed columns (point_columns.js). A part of the page situation.js
 * makes.
 *
 *   var kinds = SituationLayers.create(ctx, symbols)   ctx: the page's shared state (situation.js)
 *   kinds.buildLayer(name, collection)   makes ctx.layers[name], hidden
 *   kinds.setLayerVisible(name, visible)
 *   kinds.VectorLayer, kinds.CloudLayer, kinds.PANE_Z (the page's panes, bottom to top)
 */
(function (global) {
  "use strict";

  // Bottom to top: areas, lines, the many ordinary household dots (one canvas), leader lines,
  // Leaflet's marker pane (600: point markers, alerts ranked above the ordinary ones), alert
  // households, village labels. Hover tooltips (650) and popups (700) stay above them all.
  var PANES = { villages: "sm-areas", roads: "sm-lines", households: "sm-households" };
  var ALERT_PANES = { households: "sm-alert-households" };
  var PANE_Z = {
    "sm-areas": 410, "sm-lines": 420, "sm-households": 450, "sm-leaders": 590,
    "sm-alert-households": 620, "sm-labels": 640,
  };

  function create(ctx, symbols) {
    var layerStyle = symbols.layerStyle;
    var symbolFor = symbols.symbolFor;
    var pathStyle = symbols.pathStyle;
    var iconKey = symbols.iconKey;
    var iconSize = symbols.iconSize;
    var markerIcon = symbols.markerIcon;
    var markerRank = symbols.markerRank;
    var changeIconInPlace = symbols.changeIconInPlace;
    var tagIcon = symbols.tagIcon;
    var tooltipContent = symbols.tooltipContent;
    var popupContent = symbols.popupContent;
    var FreePopup = symbols.FreePopup;

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
        ctx.layoutDirty = true;
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
            ctx.layoutDirty = true;
          }
        } else if (JSON.stringify(old.geometry) !== JSON.stringify(feature.geometry)) {
          old.geometry = feature.geometry;
          leaflet.clearLayers();
          leaflet.addData(old);
          ctx.layoutDirty = true; // a village's outline holds its label
        }
        old.properties = feature.properties;
        old.geometry = feature.geometry;
        this.restyle(old.id);
      },
      remove: function (id) {
        this.setShown(id, false);
        delete this.entries[id];
        ctx.layoutDirty = true;
      },
      has: function (id) { return !!this.entries[id]; },
      properties: function (id) { return this.entries[id] && this.entries[id].feature.properties; },
      setShown: function (id, shown) {
        var entry = this.entries[id];
        if (!entry || shown === this.shown.has(id)) return;
        ctx.layoutDirty = true;
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
            if (size !== entry.size) ctx.layoutDirty = true;
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
        if (ctx.selected && ctx.selected.layer === this.name && ctx.selected.id === id) this.highlight(id, true);
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
        if (leaflet.getLatLng) ctx.map.flyTo(leaflet.getLatLng(), Math.max(ctx.map.getZoom(), 15), { duration: 0.6 });
        else ctx.map.flyToBounds(leaflet.getBounds(), { padding: [40, 40], duration: 0.6 });
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
        leaflet.on("click", function () { ctx.select(name, feature.id, false); });
        if (geometry.type === "Point") {
          leaflet.options.draggable = ctx.editable; // a marker makes its drag handler when added
          leaflet.on("dragend", function () {
            var to = leaflet.getLatLng();
            ctx.emit("moved", { layer: name, id: feature.id, lat: to.lat, lng: to.lng });
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

    function CloudLayer(name, columns) {
      // columns: the layer's description when it came as typed columns (point_columns.js).
      var self = this;
      this.name = name;
      this.columns = columns || null;
      this.group = new SituationPointCanvas({
        pane: PANES[name],
        alertPane: ALERT_PANES.households,
        newPopup: function (options) { return new FreePopup(options); },
        styleOf: function (properties) { return self._style(properties); },
        tooltipOf: function (point) { return tooltipContent(name, self._feature(point)); },
        popupOf: function (point) { return self._popup(point); },
        onClick: function (id) { ctx.select(name, id, false); },
      });
      this._styles = {};
    }

    CloudLayer.prototype = {
      add: function (feature) {
        var xy = feature.geometry.coordinates;
        this.group.addPoint(feature.id, xy[1], xy[0], feature.properties);
        if (this.columns) SituationColumns.forget(this.name); // an edit: the popups' details changed
        ctx.layoutDirty = true;
      },
      remove: function (id) {
        this.group.removePoint(id);
        ctx.layoutDirty = true;
      },
      has: function (id) { return this.group.has(id); },
      properties: function (id) { return this.group.properties(id); },
      setShown: function (id, shown) {
        this.group.setShown(id, shown);
        ctx.layoutDirty = true;
      },
      shownCount: function () { return this.group.shownCount(); },
      shownIds: function () { return this.group.shownIds(); },
      restyle: function (id) {
        this.group.restylePoint(id);
        ctx.layoutDirty = true; // a dot may have become an alert (or stopped being one)
      },
      highlight: function (id, on) { this.group.select(on ? id : null); },
      position: function (id) {
        var point = this.group.point(id);
        return [point.latlng.lng, point.latlng.lat];
      },
      flyTo: function (id) {
        var point = this.group.point(id);
        ctx.map.flyTo(point.latlng, Math.max(ctx.map.getZoom(), 15), { duration: 0.6 });
      },
      open: function (id) {
        return { tooltip: this.group.openTooltip(id), popup: this.group.openPopup(id) };
      },
      setShifts: function (byId) { this.group.setShifts(byId); },
      applyState: function (base64) {
        // A new state byte per point (another filter, day or edit): what the popups list may
        // have changed too, so their details are asked for again.
        var state = SituationColumns.decodeState(base64);
        (this._placeless || []).forEach(function (row) { state[row] &= 0x7f; });
        this.group.setStates(state);
        SituationColumns.forget(this.name);
        ctx.layoutDirty = true;
      },
      applyShown: function (base64) {
        // Which points show, one bit each (a filter): their classes and details stay.
        var bits = SituationColumns.decodeState(base64);
        (this._placeless || []).forEach(function (row) { bits[row >> 3] &= ~(1 << (row & 7)); });
        this.group.setShownBits(bits);
        ctx.layoutDirty = true;
      },
      _fromColumns: function () {
        // A columnar layer's points: typed arrays, their properties made when asked for from
        // the state byte and, once loaded, the popup details of their rows.
        var self = this;
        var columns = this.columns;
        var data = SituationColumns.read(this.name, columns);
        // A feature without a place (NaN) is never shown: there is nowhere to draw it.
        var placeless = [];
        for (var row = 0; row < data.count; row++) {
          if (data.lng[row] !== data.lng[row] || data.lat[row] !== data.lat[row]) placeless.push(row);
        }
        placeless.forEach(function (row) { data.state[row] &= 0x7f; });
        this._placeless = placeless;
        var classifiedBy = layerStyle(this.name).classifiedBy;
        var stageStyles = columns.stages.map(function (key) {
          var properties = {};
          properties[classifiedBy] = key;
          return self._style(properties);
        });
        this.group.setColumns(data, stageStyles, function (row) {
          var state = self.group._flags[row];
          var cls = self.group._cls[row];
          var style = self.group._styles[cls];
          var properties = SituationColumns.cached(self.name, columns, row) || { id: self.group._ids[row] };
          properties[classifiedBy] = style ? style.key : null;
          properties.alert = !!(state & 2) || !!properties.alert;
          return properties;
        });
      },
      _feature: function (point) {
        var properties = point.properties || this.group.properties(point.id) || {};
        return { id: point.id, properties: properties, geometry: { type: "Point", coordinates: [point.latlng.lng, point.latlng.lat] } };
      },
      _popup: function (point) {
        var self = this;
        var box = popupContent(this.name, this._feature(point));
        if (this.columns && !SituationColumns.cached(this.name, this.columns, point.row)) {
          // The details come later (from the application, or a file beside the page).
          SituationColumns.details(this.name, this.columns, point.row, function () { self.group.refreshPopup(point.id); });
        }
        return box;
      },
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
      // A layer that came as typed columns is always a canvas.
      var limit = ctx.data.page.printVectorPoints || 0;
      var cloud = collection.columns
        || (name === "households" && !(limit && (collection.features || []).length <= limit));
      var layer = cloud ? new CloudLayer(name, collection.columns ? collection : null) : new VectorLayer(name);
      layer.visible = false;
      ctx.layers[name] = layer;
      if (collection.columns) layer._fromColumns();
      (collection.features || []).forEach(function (feature) { layer.add(feature); });
    }

    function setLayerVisible(name, visible) {
      var layer = ctx.layers[name];
      if (!layer || layer.visible === visible) return;
      layer.visible = visible;
      ctx.layoutDirty = true;
      if (visible) ctx.map.addLayer(layer.group);
      else ctx.map.removeLayer(layer.group);
    }

    return {
      VectorLayer: VectorLayer, CloudLayer: CloudLayer, buildLayer: buildLayer,
      setLayerVisible: setLayerVisible, PANE_Z: PANE_Z,
    };
  }

  global.SituationLayers = { create: create };
})(window);
