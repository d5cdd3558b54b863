/*
 * How the situation map page draws one feature: its symbol from the style table Python wrote,
 * its marker icon and stacking rank, its tooltip and popup. A part of the page situation.js
 * makes; every text from data goes in with textContent, never as HTML.
 *
 *   var symbols = SituationSymbols.create(ctx)   ctx: the page's shared state (situation.js)
 *   symbols.el(tag, className, text) / svgNode(svg) / lang() / t(word)
 *   symbols.symbolFor / pathStyle / iconKey / iconSize / markerIcon / markerRank (layer, properties)
 *   symbols.changeIconInPlace(marker, icon) / tagIcon(marker, layer, id)
 *   symbols.tooltipContent / popupContent (layer, feature), new symbols.FreePopup(options)
 */
(function (global) {
  "use strict";

  function create(ctx) {
    function el(tag, className, text) {
      var node = document.createElement(tag);
      if (className) node.className = className;
      if (text !== undefined && text !== null) node.textContent = String(text);
      return node;
    }

    function svgNode(svgText) {
      // SVG markup comes from the style table in Python, never from data.
      var holder = el("span", "sm-swatch");
      holder.innerHTML = svgText;
      return holder;
    }

    function lang() {
      return ctx.data.page.lang || "zh";
    }

    function t(key) {
      var words = ctx.data.page.words || {};
      return words[key] !== undefined ? words[key] : key;
    }

    // -- symbols ------------------------------------------------------------------------------

    function layerStyle(name) {
      return ctx.styles.layers[name];
    }

    function symbolFor(name, properties) {
      var style = layerStyle(name);
      var key = properties[style.classifiedBy];
      return style.symbols[key] || null;
    }

    function pathStyle(name, properties) {
      var symbol = symbolFor(name, properties);
      if (!symbol) return { opacity: 0, fillOpacity: 0 };
      if (symbol.shape === "area") {
        return {
          color: symbol.stroke, weight: symbol.size, fillColor: symbol.fill,
          fillOpacity: symbol.fill_opacity, opacity: 1,
        };
      }
      if (symbol.shape === "line") {
        return { color: symbol.fill, weight: symbol.size, opacity: 1, lineCap: "round" };
      }
      return {
        radius: symbol.size / 2, color: symbol.stroke, weight: symbol.stroke_width,
        fillColor: symbol.fill, fillOpacity: symbol.fill_opacity, opacity: 1,
      };
    }

    function iconKey(name, properties, shift) {
      var symbol = symbolFor(name, properties);
      return [symbol ? symbol.key : "", properties.status_on_day || "", !!properties.alert, shift || ""].join("|");
    }

    function iconSize(name, properties) {
      var symbol = symbolFor(name, properties);
      return symbol ? Math.max(symbol.size, 14) : 14;
    }

    function markerIcon(name, properties, shift) {
      // shift: [dx, dy] pixels from the feature's place to where its symbol is drawn.
      var symbol = symbolFor(name, properties);
      var size = iconSize(name, properties);
      var dx = shift ? shift[0] : 0;
      var dy = shift ? shift[1] : 0;
      var status = properties.status_on_day ? " sm-status-" + properties.status_on_day : "";
      return L.divIcon({
        html: symbol ? symbol.svg : "",
        className: "sm-marker sm-" + name + status + (properties.alert ? " sm-alert" : ""),
        iconSize: [size, size],
        iconAnchor: [size / 2 - dx, size / 2 - dy],
        popupAnchor: [dx, dy],
        tooltipAnchor: [dx, dy],
      });
    }

    function layerRank(name) {
      // Within a pane, markers stack in the style table's draw order, then from north to south:
      // the same order whenever a layer is shown again (not the order markers were added in).
      return 100000 * Math.max(0, ctx.styles.drawOrder.indexOf(name));
    }

    function markerRank(name, properties) {
      // Alerts above every ordinary marker of any layer (ranks reach 400,000 plus a few thousand
      // pixels of latitude order); alert households are on their own sheet above all markers.
      return layerRank(name) + (properties.alert ? 1000000 : 0);
    }

    function changeIconInPlace(leaflet, icon) {
      // A status, an alert or a displacement changed but not the drawing: the element keeps its
      // SVG and gets the new classes and offset. setIcon would build a new element each time,
      // garbage a wall refreshing all day piles up faster than the page collects it.
      var element = leaflet._icon;
      leaflet.options.icon.options.className.split(" ").forEach(function (c) { if (c) element.classList.remove(c); });
      icon.options.className.split(" ").forEach(function (c) { if (c) element.classList.add(c); });
      element.style.marginLeft = -icon.options.iconAnchor[0] + "px";
      element.style.marginTop = -icon.options.iconAnchor[1] + "px";
      leaflet.options.icon = icon; // for a later add, the popup's and the tooltip's anchors
    }

    function tagIcon(leaflet, name, id) {
      // Which feature a marker draws, for whoever reads the page (tests, the printed page).
      var icon = leaflet.getElement && leaflet.getElement();
      if (!icon) return;
      icon.setAttribute("data-layer", name);
      icon.setAttribute("data-feature-id", id);
    }

    // -- tooltips and popups ----------------------------------------------------------------

    function displayValue(name, field, value) {
      if (value === null || value === undefined || value === "") return "—";
      var labels = (ctx.data.page.valueLabels[name] || {})[field];
      if (labels && labels[value] !== undefined) return labels[value];
      if (value === true) return t("yes");
      if (value === false) return t("no");
      return value;
    }

    function featureTitle(name, properties) {
      return properties.name || properties.id || properties.code || "";
    }

    function tooltipContent(name, feature) {
      var box = el("div", "sm-tooltip");
      box.appendChild(el("strong", null, featureTitle(name, feature.properties)));
      var symbol = symbolFor(name, feature.properties);
      if (symbol) box.appendChild(el("div", "sm-tooltip-class", lang() === "zh" ? symbol.label_zh : symbol.label_en));
      return box;
    }

    // A popup that pans into the part of the map the title and the legend leave free.
    var FreePopup = L.Popup.extend({
      _adjustPan: function () {
        var free = freeMargins();
        this.options.autoPanPaddingTopLeft = free.topLeft;
        this.options.autoPanPaddingBottomRight = free.bottomRight;
        return L.Popup.prototype._adjustPan.apply(this, arguments);
      },
    });

    function freeMargins() {
      var size = ctx.map.getSize();
      var top = ctx.titleBox && ctx.titleBox.offsetHeight ? ctx.titleBox.offsetTop + ctx.titleBox.offsetHeight + 8 : 8;
      var legend = ctx.legendControl && ctx.legendControl.getContainer();
      var right = legend && legend.offsetWidth ? Math.min(legend.offsetWidth + 20, size.x / 3) : 8;
      return { topLeft: L.point(8, top), bottomRight: L.point(right, 8) };
    }

    function popupContent(name, feature) {
      var box = el("div", "sm-popup");
      box.appendChild(el("div", "sm-popup-title", featureTitle(name, feature.properties)));
      var table = el("table");
      (ctx.data.page.popupFields[name] || []).forEach(function (pair) {
        var value = feature.properties[pair[0]];
        if (value === null || value === undefined || value === "") return;
        var row = el("tr");
        row.appendChild(el("th", null, pair[1]));
        row.appendChild(el("td", null, displayValue(name, pair[0], value)));
        table.appendChild(row);
      });
      box.appendChild(table);
      return box;
    }

    return {
      el: el, svgNode: svgNode, lang: lang, t: t, layerStyle: layerStyle, symbolFor: symbolFor,
      pathStyle: pathStyle, iconKey: iconKey, iconSize: iconSize, markerIcon: markerIcon,
      markerRank: markerRank, changeIconInPlace: changeIconInPlace, tagIcon: tagIcon,
      tooltipContent: tooltipContent, popupContent: popupContent, FreePopup: FreePopup,
    };
  }

  global.SituationSymbols = { create: create };
})(window);
