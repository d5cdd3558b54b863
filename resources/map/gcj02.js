/*
 * A basemap drawn in GCJ-02 (Gaode/AMap and Tencent tiles, issue 18): its roads lie a few hundred
 * metres from where the WGS-84 data puts them. The page then uses L.CRS.GCJ02, spherical
 * Mercator of the point shifted to GCJ-02: every overlay (vector layers, the household canvas
 * through map.options.crs) is drawn where the basemap has its place, and every latlng Leaflet
 * gives back (a click, the view's centre, a dragged marker) is WGS-84 again, since unproject()
 * undoes the shift. The shift is geodata/chinese_crs.py's; its inverse is found as there, by
 * fixed-point iteration (a few steps reach a millimetre). Outside China nothing is shifted.
 *
 *   SituationGCJ02.toGcj(lat, lng) -> [lat, lng]      SituationGCJ02.toWgs(lat, lng) -> [lat, lng]
 *   L.CRS.GCJ02
 */
(function (global) {
  "use strict";

  if (global.SituationGCJ02) return; // the briefing loads the map's scripts once per map: one CRS

  var A = 6378245.0; // Krasovsky 1940, the ellipsoid the GCJ-02 formula was written for
  var EE = 0.00669342162296594323;
  var PI = Math.PI;
  var MAX_STEPS = 30;
  var TOLERANCE = 1e-10; // degrees: about 0.01 mm

  function inChina(lat, lng) {
    return lng >= 72.004 && lng <= 137.8347 && lat >= 0.8293 && lat <= 55.8271;
  }

  function shiftLat(x, y) {
    var value = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    value += ((20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0) / 3.0;
    value += ((20.0 * Math.sin(y * PI) + 40.0 * Math.sin((y / 3.0) * PI)) * 2.0) / 3.0;
    value += ((160.0 * Math.sin((y / 12.0) * PI) + 320 * Math.sin((y * PI) / 30.0)) * 2.0) / 3.0;
    return value;
  }

  function shiftLng(x, y) {
    var value = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    value += ((20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0) / 3.0;
    value += ((20.0 * Math.sin(x * PI) + 40.0 * Math.sin((x / 3.0) * PI)) * 2.0) / 3.0;
    value += ((150.0 * Math.sin((x / 12.0) * PI) + 300.0 * Math.sin((x / 30.0) * PI)) * 2.0) / 3.0;
    return value;
  }

  function toGcj(lat, lng) {
    if (!inChina(lat, lng)) return [lat, lng];
    var x = lng - 105.0;
    var y = lat - 35.0;
    var radLat = (lat / 180.0) * PI;
    var magic = 1 - EE * Math.sin(radLat) * Math.sin(radLat);
    var sqrtMagic = Math.sqrt(magic);
    var dLat = (shiftLat(x, y) * 180.0) / (((A * (1 - EE)) / (magic * sqrtMagic)) * PI);
    var dLng = (shiftLng(x, y) * 180.0) / ((A / sqrtMagic) * Math.cos(radLat) * PI);
    return [lat + dLat, lng + dLng];
  }

  function toWgs(lat, lng) {
    var guessLat = lat;
    var guessLng = lng;
    for (var step = 0; step < MAX_STEPS; step++) {
      var there = toGcj(guessLat, guessLng);
      var missLat = there[0] - lat;
      var missLng = there[1] - lng;
      guessLat -= missLat;
      guessLng -= missLng;
      if (Math.abs(missLat) < TOLERANCE && Math.abs(missLng) < TOLERANCE) break;
    }
    return [guessLat, guessLng];
  }

  var mercator = L.Projection.SphericalMercator;
  var projection = {
    R: mercator.R,
    MAX_LATITUDE: mercator.MAX_LATITUDE,
    bounds: mercator.bounds,
    project: function (latlng) {
      var shifted = toGcj(latlng.lat, latlng.lng);
      return mercator.project(L.latLng(shifted[0], shifted[1]));
    },
    unproject: function (point) {
      var shifted = mercator.unproject(point);
      var back = toWgs(shifted.lat, shifted.lng);
      return L.latLng(back[0], back[1]);
    },
  };

  L.CRS.GCJ02 = L.Util.extend({}, L.CRS.EPSG3857, { code: "GCJ02", projection: projection });

  global.SituationGCJ02 = { toGcj: toGcj, toWgs: toWgs, crs: L.CRS.GCJ02 };
})(window);
