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
 * The page is made of parts, each a script that makes its part for one page from the context
 * object (ctx) this script creates: what they all share (the map, the page data, the layers,
 * what is selected, whether the layout is dirty). situation_symbols.js draws one feature,
 * situation_layers.js holds the two kinds of layer, situation_layout.js displaces symbols and
 * places labels (with placement.js), situation_controls.js makes the title, legend and north
 * arrow. They load before this script.
 *
 * Every text that comes from data is put into the page with textContent, never as HTML: a
 * note holding markup shows as text and runs nothing (the page's bridge can call into the
 * application).
 */
(function (global) {
  "use strict";

  var listeners = [];
  var pendingFit = null; // bounds to fit once the map has a size
  // What the page's parts share: made here, handed to each part, which reads it when it runs.
  var ctx = {
    map: null,
    data: null,
    styles: null,
    layers: {}, // name -> VectorLayer or CloudLayer (the same interface)
    labelGroup: null,
    legendControl: null,
    titleBox: null,
    selected: null, // {layer, id}
    editable: false,
    leaderGroup: null, // the leader lines of displaced symbols
    leaderRenderer: null,
    viewSet: false, // relayout waits for the page's first view
    // Whether something that places symbols or labels changed since the last layout: a place, a
    // size, what is shown. A wall's refresh that only restyles (staff on shift, a name) lays out
    // nothing, so it makes no garbage for the page to collect.
    layoutDirty: true,
    shifts: {}, // layer -> id -> [dx, dy]: how far a symbol is drawn from its place, pixels
    select: select, // a click on a feature selects it
    emit: emit, // tells the application (select, moved)
  };
  var symbols = global.SituationSymbols.create(ctx);
  var kinds = global.SituationLayers.create(ctx, symbols);
  var layout = global.SituationLayout.create(ctx, symbols, kinds);
  var controls = global.SituationControls.create(ctx, symbols);

  // -- selection ----------------------------------------------------------------------------

  function select(name, id, fly, quiet) {
    // quiet: the application asked for it, so it need not be told back.
    if (ctx.selected && ctx.layers[ctx.selected.layer]) ctx.layers[ctx.selected.layer].highlight(ctx.selected.id, false);
    ctx.selected = null;
    var layer = ctx.layers[name];
    if (!layer || !layer.has(id)) return false;
    ctx.selected = { layer: name, id: id };
    layer.highlight(id, true);
    if (fly) layer.flyTo(id);
    if (!quiet) emit("select", { layer: name, id: id });
    return true;
  }

  function setEditable(on) {
    // Point markers can be dragged to a new place; the application saves the move.
    ctx.editable = on;
    ["checkpoints", "disinfection_points"].forEach(function (name) {
      var layer = ctx.layers[name];
      if (!layer) return;
      Object.keys(layer.entries).forEach(function (id) { layer.setDraggable(id, on); });
    });
  }

  function flyTo(name, id) {
    var layer = ctx.layers[name];
    if (!layer || !layer.has(id)) return false;
    layer.flyTo(id);
    return true;
  }

  // -- public API ---------------------------------------------------------------------------

  function fitTo(bounds) {
    // bounds: [west, south, east, north]; leave room for the title and the legend.
    var box = L.latLngBounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]]);
    var size = ctx.map.getSize();
    if (!size.x || !size.y) {
      // A window not laid out yet has no size: Leaflet would compute a NaN zoom. Look at
      // the place now and fit it properly when the map is given a size.
      pendingFit = bounds;
      ctx.map.setView(box.getCenter(), 12, { animate: false });
      return;
    }
    pendingFit = null;
    var legendWidth = ctx.legendControl ? ctx.legendControl.getContainer().offsetWidth : 0;
    ctx.map.fitBounds(box, {
      paddingTopLeft: [30, 80], paddingBottomRight: [Math.min(legendWidth, size.x / 3) + 30, 30], animate: false,
    });
  }

  function setView(view) {
    if (view.center) ctx.map.setView(view.center, view.zoom, { animate: false });
    else if (view.bounds) fitTo(view.bounds);
  }

  function applyLayerUpdate(name, change) {
    var layer = ctx.layers[name];
    if (!layer) return;
    (change.remove || []).forEach(function (id) { layer.remove(id); });
    (change.upsert || []).forEach(function (feature) { layer.add(feature); });
    if (change.state !== undefined && layer.applyState) layer.applyState(change.state);
    if (change.shown !== undefined && layer.applyShown) layer.applyShown(change.shown);
    var props = change.props || {};
    Object.keys(props).forEach(function (id) {
      var properties = layer.properties(id);
      if (!properties) return;
      Object.assign(properties, props[id]);
      layer.restyle(id);
    });
    (change.hide || []).forEach(function (id) { layer.setShown(id, false); });
    (change.show || []).forEach(function (id) { layer.setShown(id, true); });
    if (change.visible !== undefined) kinds.setLayerVisible(name, change.visible);
  }

  function apply(update) {
    var started = performance.now();
    var layerChanges = update.layers || {};
    Object.keys(layerChanges).forEach(function (name) { applyLayerUpdate(name, layerChanges[name]); });
    ["title", "subtitle", "labels", "legend", "disclaimer"].forEach(function (key) {
      if (update[key] !== undefined) ctx.data.page[key] = update[key];
    });
    if (update.title !== undefined || update.subtitle !== undefined) controls.renderTitle();
    var labelsChanged = layout.rebuildLabels();
    var visibilityChanged = Object.keys(layerChanges).some(function (name) {
      return layerChanges[name].visible !== undefined;
    });
    if (update.legend !== undefined || update.disclaimer !== undefined || visibilityChanged) controls.renderLegend();
    if (update.title !== undefined || update.subtitle !== undefined || update.legend !== undefined
        || visibilityChanged) controls.keepLegendClearOfTheTop();
    if (update.view) setView(update.view);
    if (ctx.layoutDirty && layout.changesLayout(layerChanges)) layout.relayout();
    else if (labelsChanged || update.legend !== undefined || update.title !== undefined) layout.placeLabels();
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
    Object.keys(ctx.layers).forEach(function (name) {
      shown[name] = ctx.layers[name].visible ? ctx.layers[name].shownCount() : 0;
    });
    return { shown: shown, milliseconds: milliseconds || 0 };
  }

  function state() {
    var result = summary();
    result.ids = {};
    Object.keys(ctx.layers).forEach(function (name) {
      result.ids[name] = ctx.layers[name].visible ? ctx.layers[name].shownIds().sort() : [];
    });
    result.labels = ctx.labelGroup.getLayers().map(function (label) { return label.getElement() ? label.getElement().textContent : ""; });
    result.title = ctx.data.page.title;
    result.subtitle = ctx.data.page.subtitle;
    var b = ctx.map.getBounds();
    result.view = { center: [ctx.map.getCenter().lat, ctx.map.getCenter().lng], zoom: ctx.map.getZoom(),
      bounds: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()] };
    result.selected = ctx.selected;
    return result;
  }

  function openPopup(name, id) {
    // Opens the feature's popup and tooltip; returns their text (what the user reads).
    var layer = ctx.layers[name];
    if (!layer || !layer.has(id)) return null;
    var opened = layer.open(id);
    return {
      popup: opened.popup ? opened.popup.textContent : "",
      tooltip: opened.tooltip ? opened.tooltip.textContent : "",
    };
  }

  function properties(name, id) {
    var layer = ctx.layers[name];
    return layer && layer.has(id) ? Object.assign({}, layer.properties(id)) : null;
  }

  function whenDrawn() {
    afterPaint(function () {
      SituationMap.drawn = true;
      emit("drawn", summary());
    });
  }

  function init(leafletMap, pageData) {
    global.SituationBasemap.prepare(leafletMap, pageData.page.basemap); // its CRS before any layer
    ctx.map = leafletMap;
    ctx.data = pageData;
    ctx.styles = pageData.styles;
    Object.keys(kinds.PANE_Z).forEach(function (pane) { ctx.map.createPane(pane).style.zIndex = kinds.PANE_Z[pane]; });
    ctx.map.attributionControl.setPrefix(false);
    ctx.labelGroup = L.layerGroup().addTo(ctx.map);
    ctx.leaderRenderer = L.svg({ pane: "sm-leaders" });
    ctx.leaderGroup = L.layerGroup().addTo(ctx.map);
    ctx.map.on("zoomend viewreset", layout.relayout);

    ctx.titleBox = symbols.el("div", "sm-title");
    ctx.map.getContainer().appendChild(ctx.titleBox);
    controls.renderTitle();
    ctx.legendControl = new controls.Legend().addTo(ctx.map);
    new controls.NorthArrow().addTo(ctx.map);
    L.control.scale({ metric: true, imperial: false, maxWidth: 160, position: "bottomleft" }).addTo(ctx.map);

    Object.keys(pageData.layers).forEach(function (name) { kinds.buildLayer(name, pageData.layers[name]); });
    apply(pageData.initial);
    if (pageData.page.basemap) {
      ctx.basemap = global.SituationBasemap.layer(pageData.page.basemap).addTo(ctx.map).bringToBack();
    }
    setView(pageData.view);
    // Leaflet adds layers only to a map with a view: a page with nothing to show gets one too.
    if (!ctx.map._loaded) ctx.map.setView([0, 0], 1, { animate: false });
    ctx.viewSet = true;
    layout.relayout();
    if (pageData.page.planning && SituationMap.showPlanning) SituationMap.showPlanning(pageData.page.planning);
    ctx.map.on("mousemove", function (event) { emit("cursor", { lat: event.latlng.lat, lng: event.latlng.lng }); });
    ctx.map.on("click", function (event) { emit("map_click", { lat: event.latlng.lat, lng: event.latlng.lng }); });
    ctx.map.on("moveend", function () { emit("view", state().view); });
    ctx.map.on("resize", function () {
      controls.keepLegendClearOfTheTop();
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
      layout.placeLabels();
      return !!on;
    },
    setTheme: function (name) {
      // The wall display's dark theme for projectors; the desk and print pages stay light.
      document.body.classList.toggle("sm-theme-dark", name === "dark");
      layout.placeLabels(); // the halo takes the theme's colour
      return name;
    },
    relayout: layout.relayout,
    displacement: function (name, id) {
      // [dx, dy]: how many pixels from its place the feature's symbol is drawn.
      var shift = (ctx.shifts[name] || {})[id];
      return shift ? shift.slice() : [0, 0];
    },
    pick: function (x, y) {
      // The household dot drawn at map pixel (x, y), as the mouse finds it, or null.
      var names = Object.keys(ctx.layers);
      for (var i = 0; i < names.length; i++) {
        var layer = ctx.layers[names[i]];
        if (!(layer instanceof kinds.CloudLayer) || !layer.visible) continue;
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
      var layer = ctx.layers[name];
      return layer && layer.has(id) ? layer.position(id) : null;
    },
    on: function (callback) { listeners.push(callback); },
    map: function () { return ctx.map; },
  };
  global.SituationMap = SituationMap;
})(window);
