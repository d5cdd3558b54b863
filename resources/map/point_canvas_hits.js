/* What is under the mouse on the point canvas (point_canvas.js): a grid of the shown points
 * by screen cell, built when the mouse first needs it after a change or a move, the point
 * under a pixel (alerts first, as they are drawn on top), its tooltip and its popup. Loaded
 * after point_canvas.js, whose class it adds these methods to.
 */
(function (global) {
  "use strict";

  var HIT_SLOP = 3; // pixels added to a symbol's radius when hit-testing
  var CELL = 24; // hit-test grid cell size, pixels
  var BITS = global.SituationPointCanvas.BITS;
  var SHOWN = BITS.SHOWN;
  var ALERT = BITS.ALERT;
  var NONE = BITS.NONE;

  global.SituationPointCanvas.include({
    _hitGrid: function () {
      // The shown points in the drawn area by screen cell (rows in typed arrays), built when
      // the mouse first needs it after a change or a move, not on every redraw.
      var topLeft = this._map.getPixelOrigin().add(this._origin);
      var grid = this._grid;
      if (grid && grid.version === this._version && grid.zoom === this._projected
          && grid.x === topLeft.x && grid.y === topLeft.y) return grid;
      var scale = this._scale();
      var columns = Math.ceil(this._width / CELL) + 2;
      var rows = Math.ceil(this._height / CELL) + 2;
      var x0 = topLeft.x - CELL;
      var y0 = topLeft.y - CELL;
      var starts = new Uint32Array(columns * rows + 1);
      var cellOf = new Int32Array(this._n);
      var i;
      for (i = 0; i < this._n; i++) {
        cellOf[i] = -1;
        if (!(this._flags[i] & SHOWN) || this._cls[i] === NONE) continue;
        var cx = Math.floor((this._x(i, scale) - x0) / CELL);
        var cy = Math.floor((this._y(i, scale) - y0) / CELL);
        if (cx < 0 || cy < 0 || cx >= columns || cy >= rows) continue;
        cellOf[i] = cy * columns + cx;
        starts[cellOf[i] + 1] += 1;
      }
      for (var c = 0; c < columns * rows; c++) starts[c + 1] += starts[c];
      var filled = starts.slice(0, columns * rows);
      var members = new Int32Array(starts[columns * rows]);
      for (i = 0; i < this._n; i++) if (cellOf[i] >= 0) members[filled[cellOf[i]]++] = i;
      this._grid = {
        version: this._version, zoom: this._projected, x: topLeft.x, y: topLeft.y,
        x0: x0, y0: y0, columns: columns, rows: rows, starts: starts, members: members,
      };
      return this._grid;
    },

    _hit: function (containerPoint) {
      // The row of the point drawn under a container pixel (alerts first), or -1.
      if (!this._map || this._projected === null || !this._sheets.length) return -1;
      var grid = this._hitGrid();
      var scale = this._scale();
      var projected = this._map.containerPointToLayerPoint(containerPoint).add(this._map.getPixelOrigin());
      var x = projected.x;
      var y = projected.y;
      var cx = Math.floor((x - grid.x0) / CELL);
      var cy = Math.floor((y - grid.y0) / CELL);
      var best = -1;
      var bestScore = Infinity;
      for (var i = -1; i <= 1; i++) {
        for (var j = -1; j <= 1; j++) {
          var col = cx + i;
          var row = cy + j;
          if (col < 0 || row < 0 || col >= grid.columns || row >= grid.rows) continue;
          var cell = row * grid.columns + col;
          for (var k = grid.starts[cell]; k < grid.starts[cell + 1]; k++) {
            var p = grid.members[k];
            var style = this._styles[this._cls[p]];
            var distance = Math.hypot(this._x(p, scale) - x, this._y(p, scale) - y);
            // An alert is drawn over ordinary points, so it is the one under the mouse.
            var score = distance - (this._flags[p] & ALERT ? 1e6 : 0);
            if (distance <= style.radius + HIT_SLOP && score < bestScore) {
              best = p;
              bestScore = score;
            }
          }
        }
      }
      return best;
    },

    hitAt: function (containerPoint) {
      // The point drawn at a place of the map (alerts first), or null.
      var i = this._hit(L.point(containerPoint));
      return i >= 0 ? this._ids[i] : null;
    },

    _onMouseMove: function (event) {
      var i = this._hit(event.containerPoint);
      var id = i >= 0 ? this._ids[i] : null;
      if (id === this._hoverId) return;
      this._hoverId = id;
      this._map.getContainer().style.cursor = id !== null ? "pointer" : "";
      this._hideTooltip();
      if (id !== null) this.openTooltip(id);
    },

    _onClick: function (event) {
      var i = this._hit(event.containerPoint);
      if (i < 0) return;
      var id = this._ids[i];
      this.openPopup(id);
      if (this.options.onClick) this.options.onClick(id);
    },

    openTooltip: function (id) {
      var point = this.point(id);
      if (!point || !this._map) return null;
      this._hideTooltip();
      var shift = point.shift || [0, 0];
      this._tooltip = L.tooltip({ direction: "top", offset: [shift[0], shift[1] - 6] })
        .setLatLng(point.latlng).setContent(this.options.tooltipOf(point)).openOn(this._map);
      return this._tooltip.getElement();
    },

    openPopup: function (id) {
      var point = this.point(id);
      if (!point || !this._map) return null;
      var shift = point.shift || [0, 0];
      var options = { maxWidth: 320, offset: [shift[0], shift[1] - 4] };
      // The page's popups keep clear of its title and legend when they pan into view.
      var popup = (this.options.newPopup ? this.options.newPopup(options) : L.popup(options))
        .setLatLng(point.latlng).setContent(this.options.popupOf(point)).openOn(this._map);
      this._popup = popup;
      this._popupId = id;
      return popup.getElement();
    },

    refreshPopup: function (id) {
      // The popup of id, if still open, written again (its details arrived).
      if (!this._popup || this._popupId !== id || !this._popup.isOpen()) return;
      var point = this.point(id);
      if (point) this._popup.setContent(this.options.popupOf(point));
    },

    _hideTooltip: function () {
      if (this._tooltip && this._map) this._map.closeTooltip(this._tooltip);
      this._tooltip = null;
    }
  });
})(window);
