/*
 * Large point layers arrive as typed columns, not GeoJSON (layers/page_columns.py): Float32
 * longitude and latitude offsets from an origin, one state byte per feature (symbol class in
 * bits 0-5, alert in bit 6, shown in bit 7) and the ids, one a line. Popup details come later,
 * a chunk of rows at a time, when a popup needs them: each field as the chunk's values, or as
 * codes into its distinct values (a village, a reason, a day), decoded only for the chunk a
 * popup shows.
 *
 *   SituationColumns.read(layer, description) -> {count, lng, lat, state, ids}
 *   SituationColumns.details(layer, description, row, callback)   callback(properties) now or later
 *   SituationColumns.decodeState(base64 | {nibbles, count, alerts}) -> Uint8Array   state bytes
 *
 * Where the bytes come from: in the window, the application's URL scheme (a synchronous
 * binary request, so the page builds its layers in one go, as from GeoJSON); in a page written
 * by `situation-map map`, scripts beside the page calling deliver() and deliverDetails(), as a
 * browser refuses fetch() of files but runs the scripts of a page opened from disk.
 */
(function (global) {
  "use strict";

  var delivered = {}; // layer -> base64 of its columns (scripts beside the page)
  var chunks = {}; // layer -> chunk number -> {start, columns}
  var waiting = {}; // "layer/chunk" -> [callback]
  var generation = 0; // bumped when the window's details change (a new day, an edit)

  function fromBase64(text) {
    var binary = global.atob(text);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  function load(url) {
    // A synchronous request for bytes: the page's layers are built before its first paint.
    var request = new XMLHttpRequest();
    request.open("GET", url, false);
    request.overrideMimeType("text/plain; charset=x-user-defined");
    request.send();
    if (request.status !== 200 && request.status !== 0) throw new Error("columns not found: " + url);
    var text = request.responseText;
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
    return bytes;
  }

  function read(layer, description) {
    var bytes = description.url ? load(description.url) : fromBase64(delivered[layer] || "");
    delete delivered[layer];
    var n = description.count;
    var buffer = bytes.buffer.byteLength === bytes.length ? bytes.buffer : bytes.slice().buffer;
    var dx = new Float32Array(buffer, 0, n);
    var dy = new Float32Array(buffer, 4 * n, n);
    var lng = new Float64Array(n);
    var lat = new Float64Array(n);
    for (var i = 0; i < n; i++) {
      lng[i] = description.origin[0] + dx[i];
      lat[i] = description.origin[1] + dy[i];
    }
    var state = new Uint8Array(n);
    state.set(new Uint8Array(buffer, 8 * n, n));
    var text = new TextDecoder("utf-8").decode(new Uint8Array(buffer, 9 * n, description.idBytes));
    var ids = n ? text.split("\n") : [];
    return { count: n, lng: lng, lat: lat, state: state, ids: ids };
  }

  function decodeState(message) {
    // State bytes as they came (base64), or made from half a byte a feature (a layer of few
    // classes whose alerts are classes, page_model.py): class in bits 0-2 (7: none), shown in
    // bit 3; the alert bit follows from the class. Half the bytes through the page's script:
    // a day's change at a million households spent 15-25 ms reading a million.
    if (typeof message === "string") return fromBase64(message);
    var packed = fromBase64(message.nibbles);
    var count = message.count;
    var byNibble = new Uint8Array(16);
    for (var v = 0; v < 16; v++) {
      var code = v & 7;
      var alert = message.alerts.indexOf(code) >= 0 ? 64 : 0;
      byNibble[v] = (code === 7 ? 63 : code | alert) | (v & 8 ? 128 : 0);
    }
    var state = new Uint8Array(count);
    var pairs = count >> 1;
    for (var i = 0; i < pairs; i++) {
      var both = packed[i];
      state[2 * i] = byNibble[both & 15];
      state[2 * i + 1] = byNibble[both >> 4];
    }
    if (count & 1) state[count - 1] = byNibble[packed[pairs] & 15];
    return state;
  }

  function deliver(layer, text) {
    delivered[layer] = text;
  }

  function deliverDetails(layer, number, chunk) {
    (chunks[layer] = chunks[layer] || {})[number] = chunk;
    var key = layer + "/" + number;
    var callbacks = waiting[key] || [];
    delete waiting[key];
    callbacks.forEach(function (callback) { callback(); });
  }

  function value(column, at) {
    // A chunk's field: its values in rows, or codes into its distinct values (0: missing),
    // made typed once, when a popup first needs that chunk.
    if (column.list) return column.list[at];
    if (!column.decoded) {
      var bytes = fromBase64(column.codes);
      column.decoded = column.width === 2 ? new Uint16Array(bytes.buffer, 0, bytes.length >> 1) : bytes;
    }
    var code = column.decoded[at];
    return code ? column.values[code - 1] : null;
  }

  function row(chunk, index) {
    var properties = {};
    var at = index - chunk.start;
    Object.keys(chunk.fields).forEach(function (field) { properties[field] = value(chunk.fields[field], at); });
    return properties;
  }

  function cached(layer, description, index) {
    var chunk = (chunks[layer] || {})[Math.floor(index / description.detailRows)];
    return chunk ? row(chunk, index) : null;
  }

  function details(layer, description, index, callback) {
    // The properties of row index for its popup: at once when its chunk is here, else later.
    var number = Math.floor(index / description.detailRows);
    var have = cached(layer, description, index);
    if (have) return callback(have);
    var key = layer + "/" + number;
    var first = !waiting[key];
    (waiting[key] = waiting[key] || []).push(function () { callback(cached(layer, description, index)); });
    if (!first) return;
    var asked = generation;
    if (description.detailsUrl) {
      fetch(description.detailsUrl + number + "?g=" + asked)
        .then(function (response) { return response.json(); })
        .then(function (chunk) { if (asked === generation) deliverDetails(layer, number, chunk); })
        .catch(function () { delete waiting[key]; });
    } else {
      var script = document.createElement("script");
      script.src = description.detailsScript + number + ".js";
      script.onerror = function () { delete waiting[key]; };
      document.head.appendChild(script);
    }
  }

  function forget(layer) {
    // The window's details changed (another day, an edit): ask again when next needed.
    generation += 1;
    delete chunks[layer];
    Object.keys(waiting).forEach(function (key) { if (key.indexOf(layer + "/") === 0) delete waiting[key]; });
  }

  global.SituationColumns = {
    read: read, decodeState: decodeState, deliver: deliver, deliverDetails: deliverDetails,
    details: details, cached: cached, forget: forget,
  };
})(window);
