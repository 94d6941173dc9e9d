/* Sightline map page: the heatmap layer (leaflet.heat, vendor/leaflet-heat.js).
 *
 * Each 'features' message carries events.heat: null (the heatmap is off) or
 * [[lat, lon, events], ...], one weighted point per small square of the view holding
 * visible events (computed in Python from the visible events: it follows the filters,
 * the time window and playback).
 */
(function () {
  'use strict';

  var S = window.Sightline;
  var map = null;
  var heat = null;
  var points = 0;

  // simpleheat reads its canvas back on every draw: ask for a canvas made for that
  // first (the context's first request fixes its options), as Chromium advises
  var simpleheat = window.simpleheat;
  window.simpleheat = function (canvas) {
    canvas.getContext('2d', {willReadFrequently: true});
    return simpleheat(canvas);
  };

  function draw(data) {
    if (data === null || data === undefined) {
      if (heat) { map.removeLayer(heat); heat = null; }
      points = 0;
      return;
    }
    var max = 1;
    for (var i = 0; i < data.length; i++) { if (data[i][2] > max) { max = data[i][2]; } }
    // a square of a few events still shows; the densest is full red
    var options = {radius: 18, blur: 14, minOpacity: 0.25, max: Math.max(1, max * 0.6),
                   maxZoom: map.getZoom()};  // drawn in the overlay pane: under labels, events
    if (!heat) {
      heat = L.heatLayer(data, options).addTo(map);
    } else {
      heat.setOptions(options);
      heat.setLatLngs(data);
    }
    points = data.length;
  }

  S.plugins.push(function (m) { map = m; });

  /* Over the heat, markers in one dark grey (unless coloured by a facet), so the heat's
     colours are the only ones that mean density. */
  S.painters.push(function (marker, kind, i, events) {
    if (!events.heat || events.colour) { return; }
    marker.setStyle(kind === 'cell' ? {fillColor: '#334155', color: '#f8fafc', fillOpacity: 0.6}
                                    : {fillColor: '#334155', color: '#f8fafc'});
  });

  S.listeners.push(function (msg) {
    if (msg.kind === 'features') { draw(msg.events.heat); }
  });

  /* For tests: is the heatmap drawn, and from how many squares. */
  S.heat = function () { return {on: !!heat && map.hasLayer(heat), points: points}; };
}());
