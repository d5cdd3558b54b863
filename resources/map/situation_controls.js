/*
 * The situation map page's title box, legend and north arrow. A part of the page situation.js
 * makes; texts go in with textContent, SVG comes from the style table in Python, never data.
 *
 *   var controls = SituationControls.create(ctx, symbols)   ctx: the page's shared state
 *   controls.renderTitle() / renderLegend() / keepLegendClearOfTheTop()
 *   new controls.Legend(), new controls.NorthArrow()   Leaflet controls
 */
(function (global) {
  "use strict";

  function create(ctx, symbols) {
    var el = symbols.el;
    var svgNode = symbols.svgNode;
    var t = symbols.t;

    // -- title, legend, north arrow --------------------------------------------------------------

    function renderTitle() {
      ctx.titleBox.textContent = "";
      ctx.titleBox.appendChild(el("div", "sm-title-main", ctx.data.page.title));
      if (ctx.data.page.subtitle) ctx.titleBox.appendChild(el("div", "sm-title-sub", ctx.data.page.subtitle));
    }

    function keepLegendClearOfTheTop() {
      // The legend grows upward from the bottom right: where it shares columns with the title
      // box (a two-line English title on a narrow map) or the north arrow it must end below
      // them, scrolling if need be.
      if (!ctx.legendControl || !ctx.titleBox) return;
      var legend = ctx.legendControl.getContainer();
      var container = ctx.map.getContainer();
      if (!container.contains(legend) || !ctx.titleBox.offsetHeight) {
        // A printed map has no title box and sets its legend beside the map: no limit here.
        legend.style.maxHeight = "";
        return;
      }
      var frame = container.getBoundingClientRect();
      var box = legend.getBoundingClientRect();
      var top = 10;
      // What hangs from the top of the map in the legend's columns: the title, the north arrow.
      [ctx.titleBox, container.querySelector(".sm-north")].forEach(function (above) {
        if (!above || !above.offsetHeight) return;
        var r = above.getBoundingClientRect();
        if (box.left < r.right && r.left < box.right) top = Math.max(top, r.bottom - frame.top + 8);
      });
      legend.style.maxHeight = Math.max(60, frame.bottom - box.bottom > 0
        ? frame.height - top - (frame.bottom - box.bottom) : frame.height - top) + "px";
    }

    function renderLegend() {
      var box = ctx.legendControl.getContainer();
      box.textContent = "";
      box.appendChild(el("div", "sm-legend-title", t("legend")));
      ctx.data.page.legend.forEach(function (section) {
        if (!ctx.layers[section.layer] || !ctx.layers[section.layer].visible) return;
        var block = el("div", "sm-legend-section");
        block.appendChild(el("div", "sm-legend-heading", section.title));
        section.items.forEach(function (item) {
          var row = el("div", "sm-legend-row");
          row.appendChild(svgNode(item.svg));
          row.appendChild(el("span", null, item.label));
          block.appendChild(row);
        });
        box.appendChild(block);
      });
      if (ctx.data.page.disclaimer) box.appendChild(el("div", "sm-legend-note", ctx.data.page.disclaimer));
    }

    var Legend = L.Control.extend({
      options: { position: "bottomright" },
      onAdd: function () {
        var box = el("div", "sm-legend leaflet-bar");
        L.DomEvent.disableScrollPropagation(box);
        return box;
      },
    });

    var NorthArrow = L.Control.extend({
      options: { position: "topright" },
      onAdd: function () {
        var box = el("div", "sm-north");
        box.innerHTML =
          '<svg width="34" height="46" viewBox="0 0 34 46" aria-label="north">' +
          '<polygon points="17,2 30,40 17,31 4,40" fill="#ffffff" stroke="#222" stroke-width="2"/>' +
          '<polygon points="17,2 17,31 4,40" fill="#222"/></svg>';
        box.appendChild(el("div", "sm-north-label", t("north")));
        return box;
      },
    });

    return {
      renderTitle: renderTitle, keepLegendClearOfTheTop: keepLegendClearOfTheTop,
      renderLegend: renderLegend, Legend: Legend, NorthArrow: NorthArrow,
    };
  }

  global.SituationControls = { create: create };
})(window);
