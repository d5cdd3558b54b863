/* How the point canvas (point_canvas.js) paints: each point as its class's sprite, points in
 * groups of one style, a dense view as shaded cells in the colour of most of their points
 * (the darker the more there are: a city's million households stay readable at township
 * scale), and the selected point's ring. Loaded after point_canvas.js, whose class it adds
 * these methods to.
 */
(function (global) {
  "use strict";

  var DENSITY_CELL = 3; // pixels a side of the smallest shaded cell
  var DENSITY_FULL = 48; // points in a cell at which its shade is darkest
  var BITS = global.SituationPointCanvas.BITS;
  var SHOWN = BITS.SHOWN;
  var ALERT = BITS.ALERT;
  var NONE = BITS.NONE;

  global.SituationPointCanvas.include({
    _paintPoints: function (ctx, origin, size, alert) {
      // origin: projected pixel of the context's (0, 0); points outside size are skipped.
      var scale = this._scale();
      var want = this._sheetFlags(alert);
      var groups = []; // symbol class -> [x, y, ...]
      for (var i = 0; i < this._n; i++) {
        var cls = this._cls[i];
        if ((this._flags[i] & (SHOWN | ALERT)) !== want || cls === NONE) continue;
        var x = this._x(i, scale) - origin.x;
        var y = this._y(i, scale) - origin.y;
        if (!(x >= -20 && y >= -20 && x <= size.width + 20 && y <= size.height + 20)) continue;
        (groups[cls] = groups[cls] || []).push(x, y);
      }
      var styles = this._styles;
      var order = [];
      groups.forEach(function (points, cls) { if (points) order.push(cls); });
      order.sort(function (a, b) { return styles[a].rank - styles[b].rank; });
      for (var k = 0; k < order.length; k++) this._paintGroup(ctx, styles[order[k]], groups[order[k]]);
    },

    _paintGroup: function (ctx, style, xy) {
      // Stamping a pre-drawn symbol is far cheaper to rasterise than one arc per point,
      // which matters when Chromium draws the canvas in software (no GPU).
      var sprite = this._sprite(style);
      var half = sprite.width / (2 * this._ratio);
      var size = sprite.width / this._ratio;
      for (var i = 0; i < xy.length; i += 2) {
        ctx.drawImage(sprite, Math.round(xy[i] - half), Math.round(xy[i + 1] - half), size, size);
      }
    },

    _densityCells: function (origin, size, count) {
      // Each DENSITY_CELL square of the view: its shown points (totals) and, per sheet, their
      // number per symbol class. One pass over the points for both sheets (a pass over a
      // million points is a tenth of a change's time).
      var scale = this._scale();
      var classes = Math.max(1, this._styles.length);
      // Cells large enough to hold several points each: a sparse view in small cells would be
      // a speckle of chance majorities, not a density.
      var side = Math.max(DENSITY_CELL, Math.min(12, Math.round(Math.sqrt((8 * size.width * size.height) / count))));
      var columns = Math.ceil(size.width / side);
      var rows = Math.ceil(size.height / side);
      var cells = columns * rows;
      if (!this._density || this._density[0].length < cells * classes) {
        this._density = [new Uint16Array(cells * classes), new Uint16Array(cells * classes)];
      }
      if (!this._densityTotals || this._densityTotals.length < cells) this._densityTotals = new Uint32Array(cells);
      var others = this._density[0];
      var alerts = this._density[1];
      var totals = this._densityTotals;
      others.fill(0, 0, cells * classes);
      alerts.fill(0, 0, cells * classes);
      totals.fill(0, 0, cells);
      var flags = this._flags;
      var classOf = this._cls;
      var mx = this._mx;
      var my = this._my;
      var left = origin.x;
      var top = origin.y;
      var width = size.width;
      var height = size.height;
      var n = this._n;
      for (var i = 0; i < n; i++) {
        var cls = classOf[i];
        var f = flags[i];
        if (!(f & SHOWN) || cls === NONE) continue;
        var x = mx[i] * scale - left;
        var y = my[i] * scale - top;
        if (!(x >= 0 && y >= 0 && x < width && y < height)) continue;
        var cell = ((y / side) | 0) * columns + ((x / side) | 0);
        totals[cell] += 1;
        var counts = f & ALERT ? alerts : others;
        var at = cell * classes + cls;
        if (counts[at] < 65535) counts[at] += 1;
      }
      return {
        side: side, columns: columns, rows: rows, cells: cells, classes: classes, totals: totals, counts: this._density,
      };
    },

    _paintDensity: function (ctx, density, alert) {
      // Each cell in the colour of most of its points, its shade growing with their number;
      // on the alert sheet, red as deep as the share of alerts among all the points there (so
      // alerts stand out where they gather, not everywhere some are).
      var styles = this._styles;
      var side = density.side;
      var columns = density.columns;
      var rows = density.rows;
      var cells = density.cells;
      var classes = density.classes;
      var totals = density.totals;
      var counts = density.counts[alert ? 1 : 0];
      var image = new ImageData(columns, rows);
      var pixels = image.data;
      var full = Math.log(1 + DENSITY_FULL);
      for (var c = 0; c < cells; c++) {
        var total = 0;
        var best = -1;
        var bestCount = 0;
        for (var k = 0; k < classes; k++) {
          var n = counts[c * classes + k];
          if (!n) continue;
          total += n;
          if (n > bestCount || (n === bestCount && styles[k].rank > styles[best].rank)) {
            best = k;
            bestCount = n;
          }
        }
        if (!total) continue;
        var colour = styles[best].rgb;
        var shade = alert ? Math.min(1, 0.1 + (2 * total) / totals[c]) : Math.min(1, Math.log(1 + total) / full);
        var dim = 1 - 0.3 * shade; // more points, darker and more opaque
        pixels[4 * c] = colour[0] * dim;
        pixels[4 * c + 1] = colour[1] * dim;
        pixels[4 * c + 2] = colour[2] * dim;
        pixels[4 * c + 3] = alert ? 235 * shade : 60 + 170 * shade;
      }
      var cellsCanvas = this._densityCanvas || (this._densityCanvas = document.createElement("canvas"));
      cellsCanvas.width = columns;
      cellsCanvas.height = rows;
      cellsCanvas.getContext("2d").putImageData(image, 0, 0);
      ctx.save();
      ctx.imageSmoothingEnabled = true; // cells blend into a surface: density, not a mosaic
      ctx.drawImage(cellsCanvas, 0, 0, columns * side, rows * side);
      ctx.restore();
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
      var i = this._selectedId === null ? -1 : this.rowOf(this._selectedId);
      if (i < 0 || !(this._flags[i] & SHOWN)) return;
      var style = this._styles[this._cls[i]];
      var radius = (style ? style.radius : 5) + 4;
      var scale = this._scale();
      ctx.beginPath();
      ctx.arc(this._x(i, scale) - topLeft.x, this._y(i, scale) - topLeft.y, radius, 0, Math.PI * 2);
      ctx.lineWidth = 3;
      ctx.strokeStyle = "#00b8d4";
      ctx.stroke();
    }
  });
})(window);
