/*
 * Where the map page draws what would otherwise hide something: symbols at one place spread on
 * a ring (as QGIS's point displacement renderer does), village labels put where they cover no
 * symbol and stay inside their village, and each label's halo. Pure geometry in screen pixels:
 * situation_layout.js gathers the symbols and labels and applies what this computes.
 *
 *   SituationPlacement.overlappingGroups(items, cell, collide, crowd) -> [[item, ...], ...]
 *   SituationPlacement.ringShifts(members, gap)                 -> [[dx, dy], ...] (sorts members)
 *   SituationPlacement.bestLabelPlace({at, width, height, frame, obstacles, placed, rings, ringOrigin})
 *   SituationPlacement.drawHalo(labelElement, haloWidth)
 */
(function (global) {
  "use strict";

  function Grid(cell) {
    this.cell = cell;
    this.cells = {};
  }
  Grid.prototype = {
    add: function (item) {
      var key = Math.floor(item.x / this.cell) + ":" + Math.floor(item.y / this.cell);
      (this.cells[key] = this.cells[key] || []).push(item);
    },
    near: function (x, y) {
      var cx = Math.floor(x / this.cell);
      var cy = Math.floor(y / this.cell);
      var found = [];
      for (var i = -1; i <= 1; i++) {
        for (var j = -1; j <= 1; j++) {
          var items = this.cells[(cx + i) + ":" + (cy + j)];
          if (items) found.push.apply(found, items);
        }
      }
      return found;
    },
    countNear: function (x, y) {
      // How many items near() would return, without gathering them (crowd tests, misses).
      var cx = Math.floor(x / this.cell);
      var cy = Math.floor(y / this.cell);
      var count = 0;
      for (var i = -1; i <= 1; i++) {
        for (var j = -1; j <= 1; j++) {
          var items = this.cells[(cx + i) + ":" + (cy + j)];
          if (items) count += items.length;
        }
      }
      return count;
    },
  };

  function overlappingGroups(items, cell, collide, crowd) {
    // Items joined by any chain of collisions form one group (union-find with path halving,
    // over a grid). An item with more than ``crowd`` others around it is in a crowd: all such
    // items form one group without being compared pairwise (a dense city of households would
    // otherwise cost n² comparisons, seconds), so the caller can leave crowds in place.
    var grid = new Grid(cell);
    items.forEach(function (item, index) { item.index = index; item.root = index; grid.add(item); });
    function root(item) {
      while (items[item.root] !== item) {
        item.root = items[item.root].root; // path halving: chains stay short
        item = items[item.root];
      }
      return item;
    }
    function join(a, b) {
      a = root(a);
      b = root(b);
      if (a !== b) b.root = Math.min(a.index, b.index), a.root = b.root;
    }
    var crowded = null;
    items.forEach(function (item) {
      if (crowd !== undefined && grid.countNear(item.x, item.y) > crowd) {
        if (crowded) join(crowded, item);
        else crowded = item;
        return;
      }
      grid.near(item.x, item.y).forEach(function (other) {
        if (other !== item && collide(item, other)) join(item, other);
      });
    });
    var byRoot = {};
    items.forEach(function (item) { (byRoot[root(item).index] = byRoot[root(item).index] || []).push(item); });
    return Object.keys(byRoot).map(function (key) { return byRoot[key]; });
  }

  function ringShifts(members, gap) {
    // The members on a ring around their centre, in the order of their bearings (so each stays
    // on its side), the ring just large enough for none to cover another. Sorts ``members``
    // into ring order; returns each one's whole-pixel shift, in that order.
    var n = members.length;
    var cx = 0, cy = 0, widest = 0;
    members.forEach(function (m) { cx += m.x / n; cy += m.y / n; widest = Math.max(widest, 2 * m.r); });
    members.forEach(function (m) {
      var dx = m.x - cx, dy = m.y - cy;
      m.bearing = Math.hypot(dx, dy) < 0.5 ? Infinity : Math.atan2(dy, dx);
    });
    members.sort(function (a, b) {
      return (a.bearing - b.bearing) || (a.layer < b.layer ? -1 : a.layer > b.layer ? 1 : 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    });
    var radius = (widest + gap) / (2 * Math.sin(Math.PI / n));
    var start = isFinite(members[0].bearing) ? members[0].bearing : -Math.PI / 2;
    return members.map(function (m, k) {
      var angle = start + 2 * Math.PI * k / n;
      return [Math.round(cx + radius * Math.cos(angle) - m.x), Math.round(cy + radius * Math.sin(angle) - m.y)];
    });
  }

  function overlap(a, b) {
    var w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
    var h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
    return w > 0 && h > 0 ? w * h : 0;
  }

  function insideRings(rings, x, y) {
    // Even-odd rule over every ring: holes and separate parts come out right.
    var inside = false;
    for (var r = 0; r < rings.length; r++) {
      var ring = rings[r];
      for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        var a = ring[i], b = ring[j];
        if ((a[1] > y) !== (b[1] > y) && x < (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]) + a[0]) inside = !inside;
      }
    }
    return inside;
  }

  // A label box's edge points, as fractions of its width and height from its top-left corner.
  var EDGE_POINTS = [[0, 0], [0.5, 0], [1, 0], [0, 0.5], [1, 0.5], [0, 1], [0.5, 1], [1, 1]];

  function outsideCost(rings, box, origin) {
    // A label names the village it sits in: its centre outside the village is ruled out
    // (unless every place is outside), each of its edge points outside weighs like
    // covering part of a symbol. ``origin`` moves the box into the rings' frame.
    if (!rings || !rings.length) return 0;
    var ox = origin ? origin[0] : 0, oy = origin ? origin[1] : 0;
    var x = box[0] + ox, y = box[1] + oy, w = box[2] - box[0], h = box[3] - box[1];
    var cost = insideRings(rings, x + w / 2, y + h / 2) ? 0 : 1e12;
    for (var i = 0; i < EDGE_POINTS.length; i++) {
      if (!insideRings(rings, x + EDGE_POINTS[i][0] * w, y + EDGE_POINTS[i][1] * h)) cost += 2e5;
    }
    return cost;
  }

  // Label centres relative to the label point, in half label sizes (plus a margin).
  var LABEL_CANDIDATES = [
    [0, 0], [0, -0.5], [0, 0.5], [0.5, 0], [-0.5, 0],
    [0, -1], [0, 1], [1, 0], [-1, 0], [1, -1], [-1, -1], [1, 1], [-1, 1],
    [0, -1.5], [0, 1.5], [1.5, 0], [-1.5, 0],
    [0, -2], [0, 2], [2, 0], [-2, 0], [2, -2], [-2, -2], [2, 2], [-2, 2],
    [0, -3], [0, 3], [3, 0], [-3, 0],
  ];

  function bestLabelPlace(o) {
    // The first candidate place around ``o.at`` inside the village (``o.rings``) that covers no
    // obstacle and no label placed before; when none is free, the one costing least. Returns
    // {box, dx, dy}: the label's box and its centre relative to ``o.at``.
    var w = o.width, h = o.height;
    // Only obstacles within reach of the farthest candidate can cost anything: filtered once
    // here, not for each of the thirty candidates (thousands of households at city scale).
    var reachX = 3 * (w / 2 + 12) + w / 2, reachY = 3 * (h / 2 + 10) + h / 2;
    var region = [o.at[0] - reachX, o.at[1] - reachY, o.at[0] + reachX, o.at[1] + reachY];
    var obstacles = o.obstacles.filter(function (obstacle) { return overlap(region, obstacle.box) > 0; });
    var best = null;
    LABEL_CANDIDATES.forEach(function (c, order) {
      var cx = o.at[0] + c[0] * (w / 2 + 12);
      var cy = o.at[1] + c[1] * (h / 2 + 10);
      var box = [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
      var cost = order * 0.01 + 2000 * (w * h - overlap(box, o.frame)); // the part off the map
      obstacles.forEach(function (obstacle) { cost += obstacle.weight * overlap(box, obstacle.box); });
      o.placed.forEach(function (other) { cost += 1000 * overlap(box, other); });
      cost += outsideCost(o.rings, box, o.ringOrigin);
      if (!best || cost < best.cost) best = { cost: cost, box: box, dx: cx - o.at[0], dy: cy - o.at[1] };
    });
    return best;
  }

  function drawHalo(label, haloWidth) {
    // The halo is stroked where the page laid out each character (a Range per character, the
    // baseline from an empty inline box), not where a canvas would guess from font metrics:
    // at the wall's page zoom the two differ by pixels and the halo slid off its text.
    var text = label.querySelector(".sm-label-text");
    var canvas = label.querySelector(".sm-label-halo");
    var node = text && text.firstChild;
    if (!text || !canvas || !node || node.nodeType !== Node.TEXT_NODE) return;
    var style = getComputedStyle(text);
    // Drawn again only when what it looks like can change: placing labels after every filter
    // change would otherwise measure every character again.
    var key = [node.data, style.font, style.letterSpacing, style.getPropertyValue("--sm-halo"),
      global.devicePixelRatio, haloWidth].join("|");
    if (canvas.dataset.halo === key) return;
    canvas.dataset.halo = key;
    var pad = Math.ceil(haloWidth) + 2;
    var width = text.offsetWidth + 2 * pad;
    var height = text.offsetHeight + 2 * pad;
    var ratio = global.devicePixelRatio || 1;
    canvas.width = Math.ceil(width * ratio);
    canvas.height = Math.ceil(height * ratio);
    canvas.style.width = width + "px";
    canvas.style.height = height + "px";
    var origin = text.getBoundingClientRect();
    if (!origin.width || !origin.height) return;
    // Client rects include any CSS transform of the map (a zoom animation): back to layout px.
    var scaleX = text.offsetWidth / origin.width;
    var scaleY = text.offsetHeight / origin.height;
    // Where the text sits in its box, to the fraction of a pixel (a line box may put it
    // below the box's top; offsetTop would round).
    var holder = canvas.offsetParent.getBoundingClientRect();
    canvas.style.left = (origin.left - holder.left) * scaleX - pad + "px";
    canvas.style.top = (origin.top - holder.top) * scaleY - pad + "px";
    var probe = document.createElement("span");
    probe.style.cssText = "display:inline-block;width:0;height:0;vertical-align:baseline";
    text.appendChild(probe);
    var baseline = (probe.getBoundingClientRect().top - origin.top) * scaleY;
    text.removeChild(probe);
    var ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.font = style.font;
    ctx.lineJoin = "round";
    ctx.lineWidth = 2 * haloWidth;
    ctx.strokeStyle = style.getPropertyValue("--sm-halo").trim() || "#ffffff";
    ctx.textBaseline = "alphabetic";
    var range = document.createRange();
    var offset = 0;
    Array.from(node.data).forEach(function (character) {
      range.setStart(node, offset);
      range.setEnd(node, offset + character.length);
      offset += character.length;
      var box = range.getBoundingClientRect();
      ctx.strokeText(character, pad + (box.left - origin.left) * scaleX, pad + baseline);
    });
  }

  global.SituationPlacement = {
    Grid: Grid,
    overlappingGroups: overlappingGroups,
    ringShifts: ringShifts,
    overlap: overlap,
    insideRings: insideRings,
    bestLabelPlace: bestLabelPlace,
    drawHalo: drawHalo,
  };
})(window);
