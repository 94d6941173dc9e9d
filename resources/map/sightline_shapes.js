/* Sightline annotations as Leaflet layers: the one drawing of the analyst's points,
 * lines, polygons, text notes and range rings, used by the window's map page and by the
 * offline HTML export alike.
 *
 * An annotation is {id, kind, label, geometry, style} (desktop_app/store/annotations.py).
 * Its label is data: it goes into the page with textContent only, never as HTML.
 */
(function () {
  'use strict';

  var METRES = {km: 1000, nm: 1852, mi: 1609.344};

  function labelBox(text, cls) {
    var box = document.createElement('span');
    box.className = cls;
    box.textContent = text;
    // the family is the map's (its stack ends with the shipped CJK font: 北京 in a label)
    box.style.fontWeight = '600';
    box.style.fontSize = '12px';
    box.style.color = '#2e1065';
    box.style.whiteSpace = 'nowrap';
    return box;
  }

  function tipped(layer, text, direction, offset) {
    if (!text) { return layer; }
    // a DOM node as content: Leaflet puts it in as it is, nothing is parsed as HTML
    layer.bindTooltip(labelBox(text, 'sl-annotation-label'), {
      permanent: true, direction: direction || 'right', offset: offset || [8, 0],
      className: 'sl-annotation-tip', interactive: false, opacity: 0.95
    });
    return layer;
  }

  function ringText(radius, unit) {
    var r = Math.round(radius * 100) / 100;
    return r + ' ' + unit;
  }

  /* The layer of one annotation; ``opts.pane`` (optional) and ``opts.renderer``. */
  function layerOf(a, opts) {
    opts = opts || {};
    var color = (a.style && a.style.color) || '#6d28d9';
    var g = a.geometry;
    var base = {color: color, weight: 2.5, opacity: 0.95, pane: opts.pane || 'overlayPane'};
    if (opts.renderer) { base.renderer = opts.renderer; }
    var layer;
    if (a.kind === 'point') {
      layer = L.circleMarker([g.lat, g.lon], L.extend({}, base, {
        radius: 6, fillColor: color, fillOpacity: 0.9, color: '#ffffff', weight: 2
      }));
      tipped(layer, a.label);
    } else if (a.kind === 'text') {
      var note = labelBox(a.label, 'sl-annotation-text');
      note.style.background = 'rgba(255,255,255,0.88)';
      note.style.border = '1px solid ' + color;
      note.style.borderRadius = '3px';
      note.style.padding = '2px 5px';
      note.style.color = color;
      layer = L.marker([g.lat, g.lon], {
        pane: opts.markerPane || 'markerPane', interactive: !!opts.interactive,
        icon: L.divIcon({className: 'sl-annotation-note', html: note, iconSize: null,
                         iconAnchor: [0, 10]})
      });
    } else if (a.kind === 'line') {
      layer = L.polyline(g.points, base);
      tipped(layer, a.label, 'center', [0, 0]);
    } else if (a.kind === 'polygon') {
      // only its outline takes the mouse: events inside stay clickable
      layer = L.polygon(g.points, L.extend({}, base, {fillColor: color, fillOpacity: 0.08,
                                                      className: 'sl-annotation-area'}));
      tipped(layer, a.label, 'center', [0, 0]);
    } else if (a.kind === 'ring') {
      layer = L.featureGroup();
      var unit = g.unit || 'km';
      g.radii.forEach(function (r) {
        var circle = L.circle([g.lat, g.lon], L.extend({}, base, {
          radius: r * METRES[unit], fill: false, weight: 2, dashArray: '6 4',
          className: 'sl-annotation-area'
        }));
        layer.addLayer(circle);
        // the ring's distance at its top, where no other ring's text is
        var top = L.circleMarker([g.lat, g.lon], {radius: 0, opacity: 0, fillOpacity: 0,
                                                  interactive: false, pane: base.pane,
                                                  renderer: opts.renderer});
        top.setLatLng(northOf(g.lat, g.lon, r * METRES[unit]));
        tipped(top, ringText(r, unit), 'top', [0, -2]);
        layer.addLayer(top);
      });
      var centre = L.circleMarker([g.lat, g.lon], L.extend({}, base, {
        radius: 3, fillColor: color, fillOpacity: 1, weight: 1
      }));
      tipped(centre, a.label);
      layer.addLayer(centre);
    } else {
      return null;
    }
    return layer;
  }

  /* The point ``metres`` north of a place (on a sphere). */
  function northOf(lat, lon, metres) {
    var d = metres / 6371008.8 * 180 / Math.PI;
    return [Math.min(lat + d, 89.9), lon];
  }

  window.SightlineShapes = {layerOf: layerOf, metres: METRES};
}());
