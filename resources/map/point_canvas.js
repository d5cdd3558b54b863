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

  var PICTURE_PIXELS = 4096 * 4096; // the largest picture of all points kept for panning

  function cellKey(column, row) {
    return column * 1048576 + row; // numbers hash faster than "x:y" strings
  }

  function remember(grid, point, radius) {
    // Grid cells are in projected pixels at the current zoom, independent of any canvas.
    var key = cellKey(Math.floor(point.pixel.x / CELL), Math.floor(point.pixel.y / CELL));
    (grid[key] = grid[key] || []).push({ point: point, x: point.pixel.x, y: point.pixel.y, r: radius + HIT_SLOP });
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
      this._picture = null;
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
      this._schedule(); // the ring is drawn over the points: they need not be drawn again
    },

    changed: function () {
      this._picture = null; // points shown or styled differently: draw them anew
      this._schedule();
    },

    _schedule: function () {
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
      // The canvas's top-left corner in the map's projected pixels at this zoom.
      var topLeft = this._map.getPixelOrigin().add(this._origin);
      if (!this._picture || this._picture.zoom !== this._projected) this._picture = this._paintPicture();
      var picture = this._picture;
      if (picture.canvas) {
        // A pan at the same zoom only moves the picture: one copy, whatever the point count.
        ctx.drawImage(picture.canvas, picture.x - topLeft.x, picture.y - topLeft.y, picture.width, picture.height);
      } else {
        this._paintPoints(ctx, topLeft, { width: this._width, height: this._height });
      }
      this._paintSelection(ctx, topLeft);
    },

    _paintPicture: function () {
      // All shown points painted once into a picture of their extent at this zoom, when that
      // picture is small enough to keep; at close zoom only the view is painted, each time.
      var min = L.point(Infinity, Infinity);
      var max = L.point(-Infinity, -Infinity);
      for (var id in this._points) {
        var point = this._points[id];
        if (!point.shown) continue;
        min.x = Math.min(min.x, point.pixel.x); min.y = Math.min(min.y, point.pixel.y);
        max.x = Math.max(max.x, point.pixel.x); max.y = Math.max(max.y, point.pixel.y);
      }
      var picture = { zoom: this._projected, canvas: null };
      if (min.x === Infinity) return picture;
      var margin = 16;
      var width = Math.ceil(max.x - min.x) + 2 * margin;
      var height = Math.ceil(max.y - min.y) + 2 * margin;
      if (width * height * this._ratio * this._ratio > PICTURE_PIXELS) return picture;
      // One picture canvas, reused: allocating a new one per change costs more than clearing.
      var canvas = this._pictureCanvas || (this._pictureCanvas = document.createElement("canvas"));
      if (canvas.width !== width * this._ratio || canvas.height !== height * this._ratio) {
        canvas.width = width * this._ratio;
        canvas.height = height * this._ratio;
      }
      var ctx = canvas.getContext("2d");
      ctx.setTransform(this._ratio, 0, 0, this._ratio, 0, 0);
      ctx.clearRect(0, 0, width, height);
      var origin = L.point(Math.floor(min.x) - margin, Math.floor(min.y) - margin);
      this._paintPoints(ctx, origin, { width: width, height: height });
      picture.canvas = canvas;
      picture.x = origin.x;
      picture.y = origin.y;
      picture.width = width;
      picture.height = height;
      return picture;
    },

    _paintPoints: function (ctx, origin, size) {
      // origin: projected pixel of the context's (0, 0); points outside size are skipped.
      var groups = {}; // symbol key -> {style, points: [x, y, ...]}
      var order = [];
      for (var id in this._points) {
        var point = this._points[id];
        if (!point.shown) continue;
        var x = point.pixel.x - origin.x;
        var y = point.pixel.y - origin.y;
        if (x < -20 || y < -20 || x > size.width + 20 || y > size.height + 20) continue;
        var style = this.options.styleOf(point.properties);
        if (!style) continue;
        if (!groups[style.key]) {
          groups[style.key] = { style: style, points: [] };
          order.push(style.key);
        }
        groups[style.key].points.push(x, y);
      }
      var self = this;
      order.sort(function (a, b) { return groups[a].style.rank - groups[b].style.rank; });
      order.forEach(function (key) { self._paintGroup(ctx, groups[key]); });
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

    _hitGrid: function () {
      // Built when the mouse first needs it after a change, not on every redraw.
      if (this._grid && this._grid.picture === this._picture) return this._grid.cells;
      var cells = {};
      for (var id in this._points) {
        var point = this._points[id];
        if (!point.shown || !point.pixel) continue;
        var style = this.options.styleOf(point.properties);
        if (style) remember(cells, point, style.radius);
      }
      this._grid = { picture: this._picture, cells: cells };
      return cells;
    },

    _hit: function (containerPoint) {
      if (!this._picture) return null;
      var grid = this._hitGrid();
      var projected = this._map.containerPointToLayerPoint(containerPoint).add(this._map.getPixelOrigin());
      var x = projected.x;
      var y = projected.y;
      var cx = Math.floor(x / CELL);
      var cy = Math.floor(y / CELL);
      var best = null;
      var bestDistance = Infinity;
      for (var i = -1; i <= 1; i++) {
        for (var j = -1; j <= 1; j++) {
          var cell = grid[cellKey(cx + i, cy + j)];
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
