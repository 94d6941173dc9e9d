/* Sightline map page: where the pointer is, in the analyst's coordinate format, and the
 * "go to" marker.
 *
 * The readout sits in the map's bottom-right corner, where the eye already is, and
 * follows the pointer. The page does not format coordinates itself: it reports the
 * pointer (at most every 40 ms) and Python answers with the text written by
 * desktop_app/domain/coords.py, the one formatter of DD, DMS and MGRS that the Details
 * pane and "Copy coordinates" also use.
 *
 * JS -> Python   bridge.toolReport({tool: 'pointer', lat, lon}) (lon brought into ±180)
 * Python -> JS   {kind: 'pointer', text}   the readout ('' hides it)
 *                {kind: 'goto', lat, lon, label}   a temporary marker there (the map is
 *                flown there by MapView.fly_to)
 */
(function () {
  'use strict';

  var S = window.Sightline;
  var THROTTLE_MS = 40;
  var MARKER_MS = 15000;
  var map = null;
  var readout = null;
  var pending = null;
  var timer = null;
  var marker = null;
  var markerTimer = null;

  function wrap(lon) { return ((lon + 180) % 360 + 360) % 360 - 180; }

  function report() {
    timer = null;
    var b = S.bridge();
    if (!b || !b.toolReport || pending === null) { return; }
    var p = pending;
    pending = null;
    b.toolReport(JSON.stringify({tool: 'pointer', lat: p.lat, lon: wrap(p.lng)}));
  }

  function clearMarker() {
    if (marker) { map.removeLayer(marker); marker = null; }
    if (markerTimer !== null) { clearTimeout(markerTimer); markerTimer = null; }
  }

  function dropMarker(msg) {
    clearMarker();
    var label = document.createElement('span');
    label.textContent = msg.label || '';
    marker = L.layerGroup([
      L.circleMarker([msg.lat, msg.lon], {pane: 'measure', interactive: false, radius: 9,
        color: '#e03131', weight: 2.5, fillColor: '#e03131', fillOpacity: 0.15}),
      L.circleMarker([msg.lat, msg.lon], {pane: 'measure', interactive: false, radius: 2,
        color: '#e03131', weight: 2, fillColor: '#e03131', fillOpacity: 1}),
      L.tooltip({permanent: true, direction: 'right', offset: [10, 0],
                 className: 'sl-goto-label', interactive: false})
        .setLatLng([msg.lat, msg.lon]).setContent(label)
    ]).addTo(map);
    markerTimer = setTimeout(clearMarker, MARKER_MS);
  }

  S.addTool(function (leafletMap) {
    map = leafletMap;
    var Readout = L.Control.extend({
      options: {position: 'bottomright'},
      onAdd: function () {
        readout = L.DomUtil.create('div', 'sl-pointer sl-tools');
        readout.setAttribute('aria-live', 'off');
        return readout;
      }
    });
    new Readout().addTo(map);
    map.on('mousemove', function (e) {
      pending = e.latlng;
      if (timer === null) { timer = setTimeout(report, THROTTLE_MS); }
    });
    map.getContainer().addEventListener('mouseleave', function () {
      pending = null;
      readout.textContent = '';
    });
  });
  S.handle('pointer', function (msg) { if (readout) { readout.textContent = msg.text || ''; } });
  S.handle('goto', dropMarker);
  S.pointer = {
    text: function () { return readout ? readout.textContent : null; },
    marker: function () {
      if (!marker) { return null; }
      var ll = marker.getLayers()[0].getLatLng();
      return {lat: ll.lat, lon: ll.lng, label: marker.getLayers()[2].getElement() ?
        marker.getLayers()[2].getElement().textContent : null};
    }
  };
}());
