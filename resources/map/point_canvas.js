/*
 * A Leaflet layer that draws many point features on one canvas: the households layer, which
 * may hold 100,000 points. One Leaflet object per point (L.circleMarker) costs seconds to
 * create and to filter at that size; here a point is a plain record, a redraw paints every
 * shown point grouped by symbol (one path per symbol), and a grid of screen cells answers
 * "which point is under the mouse" for tooltips, popups and clicks.
 *
 *   var cloud = new SituationPointCanvas({pane, styleOf, tooltipOf, popupOf, onClick});
 *   cloud.addPoint(id, lat, lng, properties); cloud.setShown(id, true); cloud.changed();
 */
(function (global) {
  "use strict";

  var PADDING = 0.1; // draw beyond the view so a pan shows points before the redraw
  var HIT_SLOP = 3; // pixels added to a symbol's radius when hit-testing
  var CELL = 24; // hit-test grid cell size, pixels

  function cellKey(column, row) {
    return column * 65536 + row; // numbers hash faster than "x:y" strings
  }

  var SituationPointCanvas = L.Layer.extend({
    initialize: function (options) {
      L.setOptions(this, options);
      this._points = {}; // id -> {id, latlng, properties, shown}
      this._shownCount = 0;
      this._projected = null; // zoom for which point.pixel is valid
      this._selectedId = null;
      this._hoverId = null;
      this._frame = null;
    },

    // -- points ---------------------------------------------------------------------------

    addPoint: function (id, lat, lng, properties) {
      this.removePoint(id);
      this._points[id] = { id: id, latlng: L.latLng(lat, lng), properties: properties, shown: false, pixel: null };
      this._projected = null;
    },

    removePoint: function (id) {
      var point = this._points[id];
      if (!point) return;
      if (point.shown) this._shownCount -= 1;
      delete this._points[id];
      this.changed();
    },

    setShown: function (id, shown) {
      var point = this._points[id];
      if (!point || point.shown === shown) return;
      point.shown = shown;
      this._shownCount += shown ? 1 : -1;
      this.changed();
    },

    has: function (id) { return Object.prototype.hasOwnProperty.call(this._points, id); },
    isShown: function (id) { return !!(this._points[id] && this._points[id].shown); },
    shownCount: function () { return this._shownCount; },
    shownIds: function () {
      var ids = [];
      for (var id in this._points) if (this._points[id].shown) ids.push(id);
      return ids;
    },
    point: function (id) { return this._points[id] || null; },

    select: function (id) {
      this._selectedId = id;
      this.changed();
    },

    changed: function () {
      // Many changes in one update cost one redraw, on the next frame.
      if (!this._map || this._frame) return;
      var self = this;
      this._frame = L.Util.requestAnimFrame(function () {
        self._frame = null;
        self._draw();
      });
    },

    // -- Leaflet layer life cycle --------------------------------------------------------

    onAdd: function (map) {
      this._canvas = L.DomUtil.create("canvas", "sm-point-canvas leaflet-zoom-hide");
      this._canvas.style.position = "absolute";
      map.getPane(this.options.pane || "overlayPane").appendChild(this._canvas);
      map.on("moveend viewreset resize", this._reset, this);
      map.on("zoomend", this._onZoomEnd, this);
      map.on("mousemove", this._onMouseMove, this);
      map.on("click", this._onClick, this);
      this._reset();
    },

    onRemove: function (map) {
      map.off("moveend viewreset resize", this._reset, this);
      map.off("zoomend", this._onZoomEnd, this);
      map.off("mousemove", this._onMouseMove, this);
      map.off("click", this._onClick, this);
      this._hideTooltip();
      L.DomUtil.remove(this._canvas);
      this._canvas = null;
    },

    _onZoomEnd: function () {
      this._projected = null;
      this._reset();
    },

    _reset: function () {
      var map = this._map;
      var size = map.getSize();
      var pad = size.multiplyBy(PADDING).round();
      var full = size.add(pad.multiplyBy(2));
      var ratio = global.devicePixelRatio || 1;
      this._origin = map.containerPointToLayerPoint(pad.multiplyBy(-1)).round();
      L.DomUtil.setPosition(this._canvas, this._origin);
      if (this._width !== full.x || this._height !== full.y || this._ratio !== ratio) {
        this._canvas.width = full.x * ratio;
        this._canvas.height = full.y * ratio;
        this._canvas.style.width = full.x + "px";
        this._canvas.style.height = full.y + "px";
        this._width = full.x;
        this._height = full.y;
        this._ratio = ratio;
      }
      this._draw();
    },

    // -- drawing -------------------------------------------------------------------------

    _project: function () {
      var zoom = this._map.getZoom();
      if (this._projected === zoom) return;
      for (var id in this._points) {
        var point = this._points[id];
        point.pixel = this._map.project(point.latlng, zoom);
      }
      this._projected = zoom;
    },

    _draw: function () {
      if (!this._map || !this._canvas) return;
      this._project();
      var ctx = this._canvas.getContext("2d");
      ctx.setTransform(this._ratio, 0, 0, this._ratio, 0, 0);
      ctx.clearRect(0, 0, this._width, this._height);
      // Pixel of the canvas's top-left corner in the map's projected pixel space.
      var topLeft = this._map.getPixelOrigin().add(this._origin);
      var groups = {}; // symbol key -> {style, xs: [], ys: []}
      var order = [];
      this._grid = {};
      for (var id in this._points) {
        var point = this._points[id];
        if (!point.shown) continue;
        var x = point.pixel.x - topLeft.x;
        var y = point.pixel.y - topLeft.y;
        if (x < -20 || y < -20 || x > this._width + 20 || y > this._height + 20) continue;
        var style = this.options.styleOf(point.properties);
        if (!style) continue;
        var key = style.key;
        if (!groups[key]) {
          groups[key] = { style: style, points: [] };
          order.push(key);
        }
        groups[key].points.push(x, y);
        this._remember(point, x, y, style.radius);
      }
      var self = this;
      order.sort(function (a, b) { return groups[a].style.rank - groups[b].style.rank; });
      order.forEach(function (key) { self._paintGroup(ctx, groups[key]); });
      this._paintSelection(ctx, topLeft);
      this._topLeft = topLeft;
    },

    _paintGroup: function (ctx, group) {
      // Stamping a pre-drawn symbol is far cheaper to rasterise than one arc per point,
      // which matters when Chromium draws the canvas in software (no GPU).
      var sprite = this._sprite(group.style);
      var half = sprite.width / (2 * this._ratio);
      var size = sprite.width / this._ratio;
      var xy = group.points;
      for (var i = 0; i < xy.length; i += 2) {
        ctx.drawImage(sprite, Math.round(xy[i] - half), Math.round(xy[i + 1] - half), size, size);
      }
    },

    _sprite: function (style) {
      this._sprites = this._sprites || {};
      var key = style.key + "@" + this._ratio;
      if (this._sprites[key]) return this._sprites[key];
      var extent = Math.ceil(2 * style.radius + style.weight + 2);
      var canvas = document.createElement("canvas");
      canvas.width = canvas.height = extent * this._ratio;
      var ctx = canvas.getContext("2d");
      ctx.scale(this._ratio, this._ratio);
      ctx.beginPath();
      ctx.arc(extent / 2, extent / 2, style.radius, 0, Math.PI * 2);
      ctx.globalAlpha = style.fillOpacity;
      ctx.fillStyle = style.fill;
      ctx.fill();
      ctx.globalAlpha = 1;
      if (style.weight > 0) {
        ctx.lineWidth = style.weight;
        ctx.strokeStyle = style.stroke;
        ctx.stroke();
      }
      return (this._sprites[key] = canvas);
    },

    _paintSelection: function (ctx, topLeft) {
      var point = this._selectedId && this._points[this._selectedId];
      if (!point || !point.shown) return;
      var style = this.options.styleOf(point.properties);
      var radius = (style ? style.radius : 5) + 4;
      ctx.beginPath();
      ctx.arc(point.pixel.x - topLeft.x, point.pixel.y - topLeft.y, radius, 0, Math.PI * 2);
      ctx.lineWidth = 3;
      ctx.strokeStyle = "#00b8d4";
      ctx.stroke();
    },

    // -- hit testing, tooltip, popup -------------------------------------------------------

    _remember: function (point, x, y, radius) {
      var key = cellKey(Math.floor(x / CELL), Math.floor(y / CELL));
      (this._grid[key] = this._grid[key] || []).push({ point: point, x: x, y: y, r: radius + HIT_SLOP });
    },

    _hit: function (containerPoint) {
      if (!this._grid || !this._topLeft) return null;
      var layerPoint = this._map.containerPointToLayerPoint(containerPoint);
      var x = layerPoint.x - this._origin.x;
      var y = layerPoint.y - this._origin.y;
      var cx = Math.floor(x / CELL);
      var cy = Math.floor(y / CELL);
      var best = null;
      var bestDistance = Infinity;
      for (var i = -1; i <= 1; i++) {
        for (var j = -1; j <= 1; j++) {
          var cell = this._grid[cellKey(cx + i, cy + j)];
          if (!cell) continue;
          for (var k = 0; k < cell.length; k++) {
            var candidate = cell[k];
            var distance = Math.hypot(candidate.x - x, candidate.y - y);
            if (distance <= candidate.r && distance < bestDistance) {
              best = candidate.point;
              bestDistance = distance;
            }
          }
        }
      }
      return best;
    },

    _onMouseMove: function (event) {
      var point = this._hit(event.containerPoint);
      var id = point ? point.id : null;
      if (id === this._hoverId) return;
      this._hoverId = id;
      this._map.getContainer().style.cursor = point ? "pointer" : "";
      this._hideTooltip();
      if (point) this.openTooltip(point.id);
    },

    _onClick: function (event) {
      var point = this._hit(event.containerPoint);
      if (!point) return;
      this.openPopup(point.id);
      if (this.options.onClick) this.options.onClick(point.id);
    },

    openTooltip: function (id) {
      var point = this._points[id];
      if (!point || !this._map) return null;
      this._hideTooltip();
      this._tooltip = L.tooltip({ direction: "top", offset: [0, -6] })
        .setLatLng(point.latlng).setContent(this.options.tooltipOf(point)).openOn(this._map);
      return this._tooltip.getElement();
    },

    openPopup: function (id) {
      var point = this._points[id];
      if (!point || !this._map) return null;
      var popup = L.popup({ maxWidth: 320, offset: [0, -4] })
        .setLatLng(point.latlng).setContent(this.options.popupOf(point)).openOn(this._map);
      return popup.getElement();
    },

    _hideTooltip: function () {
      if (this._tooltip && this._map) this._map.closeTooltip(this._tooltip);
      this._tooltip = null;
    },
  });

  global.SituationPointCanvas = SituationPointCanvas;
})(window);
