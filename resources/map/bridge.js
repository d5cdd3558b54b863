/*
 * Connects the map page to the desktop window through Qt's web channel. The window registers
 * an object named "bridge"; the page reports what happens (drawn, select, cursor, view) to it
 * as an event name and a JSON text, and the window calls SituationMap.apply(...) back.
 */
(function () {
  "use strict";
  if (typeof QWebChannel === "undefined" || !window.qt || !qt.webChannelTransport) return;
  new QWebChannel(qt.webChannelTransport, function (channel) {
    var bridge = channel.objects.bridge;
    if (!bridge) return;
    var report = function (kind, detail) { bridge.pageEvent(kind, JSON.stringify(detail)); };
    SituationMap.on(report);
    if (SituationMap.drawn) report("drawn", SituationMap.state());
  });
})();
