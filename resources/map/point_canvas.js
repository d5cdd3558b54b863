/*
 * A Leaflet layer that draws many point features on one canvas: the households layer, which
 * may hold 100,000 points. One Leaflet object per point (L.circleMarker) costs seconds to
 * create and to filter at that size; here a point is a plain record, a redraw paints every
 * shown point grouped by symbol (one path per symbol), and a grid of screen cells answers
 * "which point is under the mouse" for tooltips, popups and clicks.
 *
 *   var cloud = new SituationPointCanvas({pane, alertPane, styleOf, tooltipOf, popupOf, newPopup, onClick});
 *   cloud.addPoint(id, lat, lng, properties); cloud.setShown(id, true); cloud.changed();
 *   cloud.setShifts({id: [dx, dy]})   draw points displaced by so many screen pixels
 *
 * Points whose properties say alert are drawn on a second canvas in alertPane, above the
 * point markers; the others in pane, under them.
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

  function remember(grid, point, at, radius, alert) {
    // Grid cells are in projected pixels at the current zoom, independent of any canvas.
    var key = cellKey(Math.floor(at.x / CELL), Math.floor(at.y / CELL));
    (grid[key] = grid[key] || []).push({ point: point, x: at.x, y: at.y, r: radius + HIT_SLOP, alert: alert });
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
      this._version = 0; // counts changes to what is drawn: pictures and hit grid follow it
      this._sheets = [];
    },

    // -- points ---------------------------------------------------------------------------

    addPoint: function (id, lat, lng, properties) {
      this.removePoint(id);
      this._points[id] = { id: id, latlng: L.latLng(lat, lng), properties: properties, shown: false, pixel: null };
      this._projected = null;
      this._version += 1;
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
      this._version += 1; // points shown, styled or displaced differently: draw them anew
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
      // Two sheets: ordinary points under the point markers, alerts in a pane above them. The
      // alert sheet lets the mouse through to what is under it (the hit test is the map's).
      this._sheets = [this._sheet(map, this.options.pane || "overlayPane", false)];
      if (this.options.alertPane) this._sheets.push(this._sheet(map, this.options.alertPane, true));
      map.on("moveend viewreset resize", this._reset, this);
      map.on("zoomend", this._onZoomEnd, this);
      map.on("mousemove", this._onMouseMove, this);
      map.on("click", this._onClick, this);
      this._picturesFor = null;
      this._reset();
    },

    onRemove: function (map) {
      map.off("moveend viewreset resize", this._reset, this);
      map.off("zoomend", this._onZoomEnd, this);
      map.off("mousemove", this._onMouseMove, this);
      map.off("click", this._onClick, this);
      this._hideTooltip();
      if (this._frame) L.Util.cancelAnimFrame(this._frame);
      this._frame = null;
      // The sheets go with their canvases: a layer added again makes and sizes new ones
      // (a canvas that kept the old size record would stay 300 x 150 and blank).
      this._sheets.forEach(function (sheet) { L.DomUtil.remove(sheet.canvas); });
      this._sheets = [];
    },

    _sheet: function (map, pane, alert) {
      var canvas = L.DomUtil.create("canvas", "sm-point-canvas leaflet-zoom-hide" + (alert ? " sm-alert-canvas" : ""));
      canvas.style.position = "absolute";
      map.getPane(pane).appendChild(canvas);
      return { canvas: canvas, alert: alert, width: 0, height: 0, ratio: 0, picture: null, pictureCanvas: null };
    },

    _onZoomEnd: function () {
      this._projected = null;
      this._reset();
    },

    _reset: function () {
      var map = this._map;
      if (!map || !this._sheets.length) return;
      var size = map.getSize();
      var pad = size.multiplyBy(PADDING).round();
      var full = size.add(pad.multiplyBy(2));
      var ratio = global.devicePixelRatio || 1;
      this._origin = map.containerPointToLayerPoint(pad.multiplyBy(-1)).round();
      this._width = full.x;
      this._height = full.y;
      this._ratio = ratio;
      var origin = this._origin;
      this._sheets.forEach(function (sheet) {
        L.DomUtil.setPosition(sheet.canvas, origin);
        if (sheet.width !== full.x || sheet.height !== full.y || sheet.ratio !== ratio) {
          sheet.canvas.width = full.x * ratio;
          sheet.canvas.height = full.y * ratio;
          sheet.canvas.style.width = full.x + "px";
          sheet.canvas.style.height = full.y + "px";
          sheet.width = full.x;
          sheet.height = full.y;
          sheet.ratio = ratio;
        }
      });
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

    projected: function () {
      // The points with their projected pixels at the map's zoom (for the page's displacement).
      if (this._map) this._project();
      return this._points;
    },

    setShifts: function (shifts) {
      // shifts: id -> [dx, dy] screen pixels from where the point is to where it is drawn.
      var changed = false;
      for (var id in this._points) {
        var point = this._points[id];
        var shift = shifts[id] || null;
        var before = point.shift || null;
        if ((shift === null) !== (before === null) || (shift && (shift[0] !== before[0] || shift[1] !== before[1]))) {
          point.shift = shift;
          changed = true;
        }
      }
      if (changed) this.changed();
    },

    _at: function (point) {
      // Where a point is drawn, in projected pixels: its place plus any displacement.
      var shift = point.shift;
      return shift ? { x: point.pixel.x + shift[0], y: point.pixel.y + shift[1] } : point.pixel;
    },

    _isAlert: function (point) {
      return !!(this.options.alertPane && point.properties.alert);
    },

    _draw: function () {
      if (!this._map || !this._sheets.length) return;
      this._project();
      if (this._picturesFor !== this._version) {
        this._sheets.forEach(function (sheet) { sheet.picture = null; });
        this._picturesFor = this._version;
      }
      // The canvas's top-left corner in the map's projected pixels at this zoom.
      var topLeft = this._map.getPixelOrigin().add(this._origin);
      for (var i = 0; i < this._sheets.length; i++) {
        var sheet = this._sheets[i];
        var ctx = sheet.canvas.getContext("2d");
        ctx.setTransform(this._ratio, 0, 0, this._ratio, 0, 0);
        ctx.clearRect(0, 0, this._width, this._height);
        if (!sheet.picture || sheet.picture.zoom !== this._projected) sheet.picture = this._paintPicture(sheet);
        var picture = sheet.picture;
        if (picture.canvas) {
          // A pan at the same zoom only moves the picture: one copy, whatever the point count.
          ctx.drawImage(picture.canvas, picture.x - topLeft.x, picture.y - topLeft.y, picture.width, picture.height);
        } else if (!picture.empty) {
          this._paintPoints(ctx, topLeft, { width: this._width, height: this._height }, sheet.alert);
        }
      }
      this._paintSelection(this._sheets[this._sheets.length - 1].canvas.getContext("2d"), topLeft);
    },

    _paintPicture: function (sheet) {
      // All shown points of the sheet painted once into a picture of their extent at this
      // zoom, when that picture is small enough to keep; at close zoom only the view is
      // painted, each time.
      var min = L.point(Infinity, Infinity);
      var max = L.point(-Infinity, -Infinity);
      for (var id in this._points) {
        var point = this._points[id];
        if (!point.shown || this._isAlert(point) !== sheet.alert) continue;
        var at = this._at(point);
        min.x = Math.min(min.x, at.x); min.y = Math.min(min.y, at.y);
        max.x = Math.max(max.x, at.x); max.y = Math.max(max.y, at.y);
      }
      var picture = { zoom: this._projected, canvas: null, empty: min.x === Infinity };
      if (picture.empty) return picture;
      var margin = 16;
      var width = Math.ceil(max.x - min.x) + 2 * margin;
      var height = Math.ceil(max.y - min.y) + 2 * margin;
      if (width * height * this._ratio * this._ratio > PICTURE_PIXELS) return picture;
      // One picture canvas per sheet, reused: allocating one per change costs more than clearing.
      var canvas = sheet.pictureCanvas || (sheet.pictureCanvas = document.createElement("canvas"));
      if (canvas.width !== width * this._ratio || canvas.height !== height * this._ratio) {
        canvas.width = width * this._ratio;
        canvas.height = height * this._ratio;
      }
      var ctx = canvas.getContext("2d");
      ctx.setTransform(this._ratio, 0, 0, this._ratio, 0, 0);
      ctx.clearRect(0, 0, width, height);
      var origin = L.point(Math.floor(min.x) - margin, Math.floor(min.y) - margin);
      this._paintPoints(ctx, origin, { width: width, height: height }, sheet.alert);
      picture.canvas = canvas;
      picture.x = origin.x;
      picture.y = origin.y;
      picture.width = width;
      picture.height = height;
      return picture;
    },

    _paintPoints: function (ctx, origin, size, alert) {
      // origin: projected pixel of the context's (0, 0); points outside size are skipped.
      var groups = {}; // symbol key -> {style, points: [x, y, ...]}
      var order = [];
      for (var id in this._points) {
        var point = this._points[id];
        if (!point.shown || this._isAlert(point) !== alert) continue;
        var at = this._at(point);
        var x = at.x - origin.x;
        var y = at.y - origin.y;
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
      var at = this._at(point);
      ctx.arc(at.x - topLeft.x, at.y - topLeft.y, radius, 0, Math.PI * 2);
      ctx.lineWidth = 3;
      ctx.strokeStyle = "#00b8d4";
      ctx.stroke();
    },

    // -- hit testing, tooltip, popup -------------------------------------------------------

    _hitGrid: function () {
      // Built when the mouse first needs it after a change, not on every redraw.
      var grid = this._grid;
      if (grid && grid.version === this._version && grid.zoom === this._projected) return grid.cells;
      var cells = {};
      for (var id in this._points) {
        var point = this._points[id];
        if (!point.shown || !point.pixel) continue;
        var style = this.options.styleOf(point.properties);
        if (style) remember(cells, point, this._at(point), style.radius, this._isAlert(point));
      }
      this._grid = { version: this._version, zoom: this._projected, cells: cells };
      return cells;
    },

    _hit: function (containerPoint) {
      if (!this._map || this._projected === null) return null;
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
            // An alert is drawn over ordinary points, so it is the one under the mouse.
            var score = distance - (candidate.alert ? 1e6 : 0);
            if (distance <= candidate.r && score < bestDistance) {
              best = candidate.point;
              bestDistance = score;
            }
          }
        }
      }
      return best;
    },

    hitAt: function (containerPoint) {
      // The point drawn at a place of the map (alerts first), or null.
      var point = this._hit(L.point(containerPoint));
      return point ? point.id : null;
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
      var shift = point.shift || [0, 0];
      this._tooltip = L.tooltip({ direction: "top", offset: [shift[0], shift[1] - 6] })
        .setLatLng(point.latlng).setContent(this.options.tooltipOf(point)).openOn(this._map);
      return this._tooltip.getElement();
    },

    openPopup: function (id) {
      var point = this._points[id];
      if (!point || !this._map) return null;
      var shift = point.shift || [0, 0];
      var options = { maxWidth: 320, offset: [shift[0], shift[1] - 4] };
      // The page's popups keep clear of its title and legend when they pan into view.
      var popup = (this.options.newPopup ? this.options.newPopup(options) : L.popup(options))
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
