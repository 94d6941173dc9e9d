/* Sightline map page: colour by a facet, and its legend (loaded after sightline_map.js).
 *
 * Each 'features' message carries events.colour: null (one colour for all) or
 * {facet, points: [slot per point], cells: [slot per bubble], mix: [[events per slot]
 * per bubble], legend: [[value, count]], other: the slot of "other values", palette:
 * the colours (frame/map_overlays.py PALETTE), "other" last}. Slots index the palette. A bubble is filled with the colour most of its
 * events have and ringed with the share of each.
 * Values are data: they reach the page only through textContent.
 */
(function () {
  'use strict';

  var S = window.Sightline;
  // the palette comes with each message (frame/map_overlays.py); "other" is its last
  var PALETTE = [];
  var OTHER = '#8a8f98';
  var map = null;
  var legendBox = null;
  var shown = null;  // the legend drawn: [[value, count, colour]]

  function usePalette(palette) {
    PALETTE = palette.slice(0, -1);
    OTHER = palette[palette.length - 1];
  }

  function colourOf(slot, other) {
    return slot === other || slot >= PALETTE.length ? OTHER : PALETTE[slot];
  }

  /* The ring of a bubble: one arc per slot, as long as its share of the events. */
  function drawRing(marker) {
    var ctx = marker._renderer && marker._renderer._ctx;
    var mix = marker.options.mix;
    if (!ctx || !mix || marker._empty()) { return; }
    var total = 0;
    mix.forEach(function (n) { total += n; });
    if (!total) { return; }
    var p = marker._point;
    var width = Math.max(3, marker._radius * 0.28);
    var r = marker._radius - width / 2;
    var angle = -Math.PI / 2;
    ctx.save();
    ctx.lineWidth = width;
    ctx.globalAlpha = 0.95;
    mix.forEach(function (n, slot) {
      if (!n) { return; }
      var sweep = 2 * Math.PI * n / total;
      ctx.beginPath();
      ctx.arc(p.x, p.y, r, angle, angle + sweep);
      ctx.strokeStyle = colourOf(slot, marker.options.otherSlot);
      ctx.stroke();
      angle += sweep;
    });
    ctx.restore();
  }

  S.painters.push(function (marker, kind, i, events) {
    var c = events.colour;
    if (!c) { return; }
    if (i === 0) { usePalette(c.palette); }
    var slot = kind === 'cell' ? c.cells[i] : c.points[i];
    var fill = colourOf(slot, c.other);
    if (kind !== 'cell') {
      marker.setStyle({fillColor: fill});
      return;
    }
    marker.setStyle({fillColor: fill, color: '#1f2933', fillOpacity: 0.8});
    marker.options.mix = c.mix[i];
    marker.options.otherSlot = c.other;
    var draw = marker._updatePath;  // the bubble and its count, then the ring on its rim
    marker._updatePath = function () {
      draw.call(this);
      drawRing(this);
    };
  });

  function drawLegend(c) {
    legendBox.textContent = '';
    if (!c || !c.legend.length) {
      legendBox.style.display = 'none';
      shown = null;
      return;
    }
    shown = [];
    usePalette(c.palette);
    var title = document.createElement('div');
    title.className = 'sl-legend-title';
    title.textContent = c.facet;
    legendBox.appendChild(title);
    c.legend.forEach(function (entry, slot) {
      var colour = colourOf(slot, c.other);
      var row = document.createElement('div');
      row.className = 'sl-legend-row';
      var swatch = document.createElement('span');
      swatch.className = 'sl-legend-swatch';
      swatch.style.background = colour;
      var name = document.createElement('span');
      name.className = 'sl-legend-name';
      name.textContent = entry[0];
      var n = document.createElement('span');
      n.className = 'sl-legend-count';
      n.textContent = entry[1].toLocaleString();
      row.appendChild(swatch);
      row.appendChild(name);
      row.appendChild(n);
      legendBox.appendChild(row);
      shown.push([entry[0], entry[1], colour]);
    });
    legendBox.style.display = '';
  }

  S.plugins.push(function (m) {
    map = m;
    var Legend = L.Control.extend({
      options: {position: 'bottomright'},
      onAdd: function () {
        legendBox = L.DomUtil.create('div', 'sl-legend');
        legendBox.style.display = 'none';
        L.DomEvent.disableClickPropagation(legendBox);
        L.DomEvent.disableScrollPropagation(legendBox);
        return legendBox;
      }
    });
    new Legend().addTo(map);
  });

  S.listeners.push(function (msg) {
    if (msg.kind === 'features') { drawLegend(msg.events.colour); }
  });

  /* For tests: the legend shown ([value, count, colour] rows) or null. */
  S.legend = function () { return shown; };
  S.palette = function () { return PALETTE.concat([OTHER]); };
}());
