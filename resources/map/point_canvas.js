/*
 * A Leaflet layer that draws many point features on one canvas: the households layer, which
 * may hold 1,000,000 points. One Leaflet object per point (L.circleMarker) costs seconds to
 * create and to filter at that size; here the points are typed arrays (place, symbol class,
 * shown and alert flags), a redraw paints every shown point grouped by symbol, and a grid of
 * screen cells answers "which point is under the mouse" for tooltips, popups and clicks.
 *
 *   var cloud = new SituationPointCanvas({pane, alertPane, styleOf, tooltipOf, popupOf, newPopup, onClick});
 *   cloud.addPoint(id, lat, lng, properties); cloud.setShown(id, true); cloud.changed();
 *   cloud.setColumns({ids, lng, lat, state}, stageStyles, propertiesOf)   a whole layer at once
 *   cloud.setStates(state)   one state byte per point (page_columns.py): class, alert, shown
 *   cloud.setShownBits(bits)   one bit per point: shown
 *   cloud.setShifts({id: [dx, dy]})   draw points displaced by so many screen pixels
 *
 * Points that are alerts are drawn on a second canvas in alertPane, above the point markers;
 * the others in pane, under them. Where more points fall in the view than can be told apart
 * (DENSE_AT), each few pixels are shaded in the colour of most of their points, the darker the
 * more there are: a city's million households stay readable at township scale.
 */
(function (global) {
  "use strict";

  var PADDING = 0.1; // draw beyond the view so a pan shows points before the redraw
  var PICTURE_PIXELS = 4096 * 4096; // the largest picture of all points kept for panning
  var DENSE_AT = 30000; // more points in the drawn area than this: density shading
  var STAMP_AT = 2000; // in a dense view, a sheet with more points than this is shaded too
  var NONE = 255; // no symbol class: not drawn
  var SHOWN = 1;
  var ALERT = 2;
  var PRESENT = 4;

  function mercatorX(lng) {
    return lng / 360 + 0.5; // Leaflet's spherical Mercator, as a share of the world's width
  }

  function mercatorY(lat) {
    var max = L.Projection.SphericalMercator.MAX_LATITUDE;
    var sin = Math.sin((Math.max(Math.min(max, lat), -max) * Math.PI) / 180);
    return 0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI);
  }

  function datumShift(map) {
    // A map on a GCJ-02 basemap (gcj02.js) draws every point moved onto that datum.
    return map && map.options.crs.code === "GCJ02" && global.SituationGCJ02 ? global.SituationGCJ02.toGcj : null;
  }

  function rgb(colour) {
    var hex = String(colour || "#000").replace("#", "");
    if (hex.length === 3) hex = hex[0] + hex[0] + hex[1] + hex[1] + hex[2] + hex[2];
    var value = parseInt(hex, 16) || 0;
    return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
  }

  var SituationPointCanvas = L.Layer.extend({
    initialize: function (options) {
      L.setOptions(this, options);
      this._n = 0;
      this._capacity = 0;
      this._lng = new Float64Array(0);
      this._lat = new Float64Array(0);
      this._mx = new Float64Array(0);
      this._my = new Float64Array(0);
      this._flags = new Uint8Array(0);
      this._cls = new Uint8Array(0);
      this._ids = [];
      this._props = []; // per point its properties (GeoJSON points); columns ask propertiesOf
      this._index = null; // id -> row, made when first needed
      this._styles = []; // symbol class -> canvas style
      this._styleSlots = {}; // style key -> symbol class
      this._shifts = new Map(); // row -> [dx, dy]
      this._shownCount = 0;
      this._projected = null; // zoom the layer was last drawn at
      this._selectedId = null;
      this._hoverId = null;
      this._frame = null;
      this._version = 0; // counts changes to what is drawn: pictures and hit grid follow it
      this._sheets = [];
    },

    // -- points ---------------------------------------------------------------------------

    _grow: function (need) {
      if (need <= this._capacity) return;
      var capacity = Math.max(need, 2 * this._capacity, 1024);
      var self = this;
      ["_lng", "_lat", "_mx", "_my"].forEach(function (key) {
        var next = new Float64Array(capacity);
        next.set(self[key].subarray(0, self._n));
        self[key] = next;
      });
      ["_flags", "_cls"].forEach(function (key) {
        var next = new Uint8Array(capacity);
        next.set(self[key].subarray(0, self._n));
        self[key] = next;
      });
      this._capacity = capacity;
    },

    _rows: function () {
      if (!this._index) {
        this._index = new Map();
        for (var i = 0; i < this._n; i++) if (this._flags[i] & PRESENT) this._index.set(this._ids[i], i);
      }
      return this._index;
    },

    rowOf: function (id) {
      var row = this._rows().get(id);
      return row === undefined ? -1 : row;
    },

    _styleSlot: function (style) {
      if (!style) return NONE;
      var slot = this._styleSlots[style.key];
      if (slot === undefined) {
        slot = this._styleSlots[style.key] = this._styles.length;
        this._styles.push(Object.assign({ rgb: rgb(style.fill) }, style));
      }
      return slot;
    },

    _place: function (i, lat, lng) {
      this._lat[i] = lat;
      this._lng[i] = lng;
      var at = this._datum ? this._datum(lat, lng) : null;
      this._mx[i] = mercatorX(at ? at[1] : lng);
      this._my[i] = mercatorY(at ? at[0] : lat);
    },

    addPoint: function (id, lat, lng, properties) {
      // A point added again keeps whether it is shown; its place and properties are the new ones.
      var i = this.rowOf(id);
      if (i < 0) {
        this._grow(this._n + 1);
        i = this._n++;
        this._ids[i] = id;
        this._flags[i] = PRESENT;
        this._rows().set(id, i);
      }
      this._place(i, lat, lng);
      this._props[i] = properties;
      this.restylePoint(id);
    },

    removePoint: function (id) {
      var i = this.rowOf(id);
      if (i < 0) return;
      if (this._flags[i] & SHOWN) this._shownCount -= 1;
      this._flags[i] = 0;
      this._props[i] = null;
      this._shifts.delete(i);
      this._rows().delete(id);
      this.changed();
    },

    restylePoint: function (id) {
      // The point's properties changed: its symbol class and whether it is an alert.
      var i = this.rowOf(id);
      if (i < 0) return;
      var properties = this.properties(id) || {};
      this._cls[i] = this._styleSlot(this.options.styleOf(properties));
      var alert = this.options.alertPane && properties.alert;
      this._flags[i] = alert ? this._flags[i] | ALERT : this._flags[i] & ~ALERT;
      this.changed();
    },

    setColumns: function (columns, stageStyles, propertiesOf) {
      // A whole layer from typed columns (point_columns.js): the arrays are kept as they are.
      var n = columns.count;
      this._n = this._capacity = n;
      this._lng = columns.lng;
      this._lat = columns.lat;
      this._mx = new Float64Array(n);
      this._my = new Float64Array(n);
      for (var i = 0; i < n; i++) this._place(i, columns.lat[i], columns.lng[i]);
      this._ids = columns.ids;
      this._props = [];
      this._index = null;
      this._flags = new Uint8Array(n);
      this._cls = new Uint8Array(n);
      this._stageSlots = stageStyles.map(this._styleSlot, this);
      this.options.propertiesOf = propertiesOf;
      this.setStates(columns.state);
    },

    setStates: function (state) {
      // One byte per point: symbol class (bits 0-5, 63 none), alert (bit 6), shown (bit 7).
      var n = Math.min(state.length, this._n);
      var alerts = !!this.options.alertPane;
      var shown = 0;
      // The arrays in locals: read through `this` at every point, a day's change at a million
      // households spent 23 ms in this loop.
      var all = this._flags;
      var classes = this._cls;
      var slots = this._stageSlots;
      var props = this._props;
      for (var i = 0; i < n; i++) {
        if (!(all[i] & PRESENT) && props[i] === null) continue; // removed
        var s = state[i];
        var code = s & 63;
        classes[i] = code === 63 ? NONE : slots[code];
        var flags = PRESENT | (s & 128 ? SHOWN : 0) | (alerts && s & 64 ? ALERT : 0);
        all[i] = flags;
        if (flags & SHOWN) shown += 1;
      }
      this._shownCount = shown;
      this.changed();
    },

    setShownBits: function (bits) {
      // One bit per point, least significant first: whether it is shown.
      var shown = 0;
      var flags = this._flags;
      for (var i = 0; i < this._n; i++) {
        if (!(flags[i] & PRESENT)) continue;
        if ((bits[i >> 3] >> (i & 7)) & 1) {
          flags[i] |= SHOWN;
          shown += 1;
        } else {
          flags[i] &= ~SHOWN;
        }
      }
      this._shownCount = shown;
      this.changed();
    },

    setShown: function (id, shown) {
      var i = this.rowOf(id);
      if (i < 0 || !!(this._flags[i] & SHOWN) === shown) return;
      this._flags[i] = shown ? this._flags[i] | SHOWN : this._flags[i] & ~SHOWN;
      this._shownCount += shown ? 1 : -1;
      this.changed();
    },

    has: function (id) { return this.rowOf(id) >= 0; },
    isShown: function (id) {
      var i = this.rowOf(id);
      return i >= 0 && !!(this._flags[i] & SHOWN);
    },
    shownCount: function () { return this._shownCount; },
    shownIds: function () {
      var ids = [];
      for (var i = 0; i < this._n; i++) if (this._flags[i] & SHOWN) ids.push(this._ids[i]);
      return ids;
    },
    properties: function (id) {
      var i = typeof id === "number" ? id : this.rowOf(id);
      if (i < 0) return null;
      return this.options.propertiesOf ? this.options.propertiesOf(i) : this._props[i];
    },
    point: function (id) {
      var i = this.rowOf(id);
      if (i < 0) return null;
      return {
        id: id, row: i, latlng: L.latLng(this._lat[i], this._lng[i]), properties: this.properties(i),
        shown: !!(this._flags[i] & SHOWN), shift: this._shifts.get(i) || null,
      };
    },

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
      var datum = datumShift(map);
      if (datum !== (this._datum || null)) {
        this._datum = datum; // the points were placed for another datum: place them again
        for (var row = 0; row < this._n; row++) this._place(row, this._lat[row], this._lng[row]);
      }
      // Two sheets: ordinary points under the point markers, alerts in a pane above them. The
      // alert sheet lets the mouse through to what is under it (the hit test is the map's).
      this._sheets = [this._sheet(map, this.options.pane || "overlayPane", false)];
      if (this.options.alertPane) this._sheets.push(this._sheet(map, this.options.alertPane, true));
      map.on("moveend viewreset resize", this._reset, this);
      map.on("zoomend", this._onZoomEnd, this);
      map.on("mousemove", this._onMouseMove, this);
      map.on("click", this._onClick, this);
      this._picturesFor = null;
      this._drawnFor = null; // new sheets, blank
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
      // A view set at once fires viewreset, zoomend and moveend (and the first one load too):
      // what was drawn for the first is what the others would draw again, three times over
      // 100,000 households before the page's first paint.
      if (this._drawnFor !== this._drawKey()) this._draw();
    },

    _drawKey: function () {
      // Everything a drawing depends on that the layer does not count in its version.
      var map = this._map;
      var topLeft = map.getPixelOrigin().add(this._origin);
      return [map.getZoom(), topLeft.x, topLeft.y, this._width, this._height, this._ratio, this._version,
        this._selectedId].join(" ");
    },

    // -- drawing -------------------------------------------------------------------------

    _scale: function () {
      return this._map.options.crs.scale(this._projected);
    },

    _sheetFlags: function (alert) {
      // What a point's flags must be to be drawn on a sheet.
      return alert ? SHOWN | ALERT : SHOWN;
    },

    _x: function (i, scale) {
      var shift = this._shifts.size ? this._shifts.get(i) : undefined;
      return this._mx[i] * scale + (shift ? shift[0] : 0);
    },

    _y: function (i, scale) {
      var shift = this._shifts.size ? this._shifts.get(i) : undefined;
      return this._my[i] * scale + (shift ? shift[1] : 0);
    },

    projected: function () {
      // The shown points with their projected pixels at the map's zoom (for the page's
      // displacement, which takes part only below a few thousand points).
      var result = {};
      if (!this._map) return result;
      var zoom = this._map.getZoom();
      var scale = this._map.options.crs.scale(zoom);
      for (var i = 0; i < this._n; i++) {
        if (!(this._flags[i] & SHOWN) || this._cls[i] === NONE) continue;
        result[this._ids[i]] = {
          id: this._ids[i], shown: true, latlng: L.latLng(this._lat[i], this._lng[i]),
          pixel: L.point(this._mx[i] * scale, this._my[i] * scale), properties: this.properties(i),
        };
      }
      return result;
    },

    setShifts: function (shifts) {
      // shifts: id -> [dx, dy] screen pixels from where the point is to where it is drawn.
      var next = new Map();
      var self = this;
      Object.keys(shifts).forEach(function (id) {
        var i = self.rowOf(id);
        if (i >= 0) next.set(i, shifts[id]);
      });
      var changed = next.size !== this._shifts.size;
      if (!changed) {
        next.forEach(function (shift, i) {
          var before = self._shifts.get(i);
          if (!before || before[0] !== shift[0] || before[1] !== shift[1]) changed = true;
        });
      }
      this._shifts = next;
      if (changed) this.changed();
    },

    _draw: function () {
      if (!this._map || !this._sheets.length) return;
      this._projected = this._map.getZoom();
      if (this._picturesFor !== this._version) {
        this._sheets.forEach(function (sheet) { sheet.picture = null; });
        this._picturesFor = this._version;
      }
      // The canvas's top-left corner in the map's projected pixels at this zoom.
      var topLeft = this._map.getPixelOrigin().add(this._origin);
      var area = { width: this._width, height: this._height };
      var inView = null; // shown points of every sheet in the drawn area, counted when needed
      var density = null; // the points of both sheets counted per cell, when one is shaded
      for (var i = 0; i < this._sheets.length; i++) {
        var sheet = this._sheets[i];
        var ctx = sheet.canvas.getContext("2d");
        ctx.setTransform(this._ratio, 0, 0, this._ratio, 0, 0);
        ctx.clearRect(0, 0, this._width, this._height);
        if (!sheet.picture || sheet.picture.zoom !== this._projected) {
          // Every sheet measured in one pass over the points (a pass is 5-10 ms at a million),
          // which counts the points in this view on the way.
          var measured = this._measure(topLeft, area);
          this._sheets.forEach(function (other) {
            if (!other.picture || other.picture.zoom !== measured.zoom) other.picture = measured[other.alert ? 1 : 0];
          });
          inView = measured.inView;
        }
        var picture = sheet.picture;
        if (picture.empty) continue;
        if (picture.count > STAMP_AT) {
          // A view holding more points than can be told apart is shaded, on each sheet with
          // more than a few (alerts among a million households too: tens of thousands of
          // symbols cost as long to stamp as the whole shading).
          if (inView === null) inView = this._countIn(topLeft, area);
          var mine = sheet.alert ? inView.alerts : inView.all;
          if (inView.all > DENSE_AT && mine > STAMP_AT) {
            if (density === null) density = this._densityCells(topLeft, area, inView.all);
            this._paintDensity(ctx, density, sheet.alert);
            continue;
          }
        }
        if (picture.fits && !picture.canvas) this._paintPicture(sheet, picture);
        if (picture.canvas) {
          // A pan at the same zoom only moves the picture: one copy, whatever the point count.
          ctx.drawImage(picture.canvas, picture.x - topLeft.x, picture.y - topLeft.y, picture.width, picture.height);
        } else {
          this._paintPoints(ctx, topLeft, area, sheet.alert);
        }
      }
      this._paintSelection(this._sheets[this._sheets.length - 1].canvas.getContext("2d"), topLeft);
      this._drawnFor = this._drawKey();
    },

    _measure: function (origin, size) {
      // How many shown points each sheet has and their extent at this zoom: whether a picture
      // of them all is small enough to keep (painted when first needed). Index 0 is the sheet
      // of the other points, 1 that of the alerts; inView counts them in the area as _countIn.
      var scale = this._scale();
      var all = 0;
      var alerts = 0;
      var left = origin.x;
      var top = origin.y;
      var width = size.width;
      var height = size.height;
      var box = [[Infinity, Infinity, -Infinity, -Infinity, 0], [Infinity, Infinity, -Infinity, -Infinity, 0]];
      var shifted = this._shifts.size > 0;
      var flags = this._flags;
      var classes = this._cls;
      var mx = this._mx;
      var my = this._my;
      var n = this._n;
      for (var i = 0; i < n; i++) {
        var kind = flags[i] & (SHOWN | ALERT);
        if (!(kind & SHOWN) || classes[i] === NONE) continue;
        // Inline arithmetic, no call per point: this loop runs over a million points per change.
        var px = mx[i] * scale;
        var py = my[i] * scale;
        var inX = px - left;
        var inY = py - top;
        if (inX >= 0 && inY >= 0 && inX < width && inY < height) {
          all += 1;
          if (kind & ALERT) alerts += 1;
        }
        var x = shifted ? this._x(i, scale) : px;
        var y = shifted ? this._y(i, scale) : py;
        if (x !== x || y !== y) continue; // no place
        var b = box[kind === SHOWN ? 0 : 1];
        b[4] += 1;
        if (x < b[0]) b[0] = x;
        if (y < b[1]) b[1] = y;
        if (x > b[2]) b[2] = x;
        if (y > b[3]) b[3] = y;
      }
      var margin = 16;
      var self = this;
      var measured = box.map(function (b) {
        var count = b[4];
        var width = Math.ceil(b[2] - b[0]) + 2 * margin;
        var height = Math.ceil(b[3] - b[1]) + 2 * margin;
        return {
          zoom: self._projected, canvas: null, empty: count === 0, count: count,
          fits: count > 0 && count <= DENSE_AT && width * height * self._ratio * self._ratio <= PICTURE_PIXELS,
          x: Math.floor(b[0]) - margin, y: Math.floor(b[1]) - margin, width: width, height: height,
        };
      });
      measured.zoom = this._projected;
      measured.inView = { all: all, alerts: alerts };
      return measured;
    },

    _paintPicture: function (sheet, picture) {
      // All shown points of the sheet painted once into a picture of their extent: a pan at
      // the same zoom then only moves it.
      var width = picture.width;
      var height = picture.height;
      // One picture canvas per sheet, reused: allocating one per change costs more than clearing.
      var canvas = sheet.pictureCanvas || (sheet.pictureCanvas = document.createElement("canvas"));
      if (canvas.width !== width * this._ratio || canvas.height !== height * this._ratio) {
        canvas.width = width * this._ratio;
        canvas.height = height * this._ratio;
      }
      var ctx = canvas.getContext("2d");
      ctx.setTransform(this._ratio, 0, 0, this._ratio, 0, 0);
      ctx.clearRect(0, 0, width, height);
      this._paintPoints(ctx, L.point(picture.x, picture.y), { width: width, height: height }, sheet.alert);
      picture.canvas = canvas;
    },

    _countIn: function (origin, size) {
      // Shown points in the area: all of them, and those on the alert sheet; one pass.
      var scale = this._scale();
      var all = 0;
      var alerts = 0;
      // The arrays and bounds in locals, as in setStates: read through the layer at every
      // point, the counts of each draw cost 40 ms at a million.
      var flags = this._flags;
      var classes = this._cls;
      var mx = this._mx;
      var my = this._my;
      var left = origin.x;
      var top = origin.y;
      var width = size.width;
      var height = size.height;
      for (var i = 0; i < this._n; i++) {
        var f = flags[i];
        if (!(f & SHOWN) || classes[i] === NONE) continue;
        var x = mx[i] * scale - left;
        var y = my[i] * scale - top;
        if (x >= 0 && y >= 0 && x < width && y < height) {
          all += 1;
          if (f & ALERT) alerts += 1;
        }
      }
      return { all: all, alerts: alerts };
    }
  });

  // The bits of a point's flags and the class of a point not drawn, for the files that add to
  // this class (point_canvas_paint.js, point_canvas_hits.js).
  SituationPointCanvas.BITS = { SHOWN: SHOWN, ALERT: ALERT, PRESENT: PRESENT, NONE: NONE };
  global.SituationPointCanvas = SituationPointCanvas;
})(window);
