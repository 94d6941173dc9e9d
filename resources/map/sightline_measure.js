/* Sightline map page: the measure tool (distance along a path of clicks, area of a
 * polygon), great-circle, in km / nm / mi.
 *
 * The formulas are those of desktop_app/domain/geodesy.py (a test holds the two
 * together): haversine on a sphere of the IUGG mean radius for distances; spherical
 * excess (each edge's signed area to the equator) for areas. Legs are drawn along their
 * great circle, not as straight Mercator lines.
 *
 * Python -> JS   {kind: 'measure', on: bool, mode?: 'distance'|'area', unit?: 'km'|'nm'|'mi'}
 *                {kind: 'measure', restore: {on, mode, unit, points, finished}}: show that
 *                measure (a picture of another map: MapView.copy_tools_from)
 * JS -> Python   bridge.toolReport({tool: 'measure', on: bool, restore: {...}}) on every
 *                change
 * In the page: a click adds a point, a double-click or Enter finishes, Backspace takes
 * the last point back, Esc cancels (and ends the tool); a click after a finished
 * measure starts a new one. The result panel and the lines stay in a picture of the
 * map (PNG export); the tool's buttons do not (they carry .sl-tools).
 */
(function () {
  'use strict';

  var S = window.Sightline;
  var EARTH_RADIUS_KM = 6371.0088;
  var KM_PER_UNIT = {km: 1, nm: 1.852, mi: 1.609344};
  var COLOUR = '#7048e8';

  var map = null;
  var layer = null;
  var renderer = null;
  var panel = null;
  var totalBox = null;
  var legsBox = null;
  var hintBox = null;
  var unitSelect = null;
  var modeButtons = {};
  var toolButton = null;
  var state = {on: false, mode: 'distance', unit: 'km', points: [], finished: false};

  function rad(d) { return d * Math.PI / 180; }
  function deg(r) { return r * 180 / Math.PI; }

  /* Great-circle distance in km (haversine), as geodesy.distance_km. */
  function distanceKm(a, b) {
    var lat1 = rad(a[0]), lat2 = rad(b[0]);
    var h = Math.pow(Math.sin((lat2 - lat1) / 2), 2) +
      Math.cos(lat1) * Math.cos(lat2) * Math.pow(Math.sin(rad(b[1] - a[1]) / 2), 2);
    return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  function wrapRad(r) {
    var w = ((r + Math.PI) % (2 * Math.PI) + 2 * Math.PI) % (2 * Math.PI) - Math.PI;
    return w === -Math.PI ? Math.PI : w;
  }

  /* Polygon area in km² by spherical excess, as geodesy.area_km2. */
  function areaKm2(points) {
    if (points.length < 3) { return 0; }
    var excess = 0, turn = 0;
    for (var i = 0; i < points.length; i++) {
      var a = points[i], b = points[(i + 1) % points.length];
      var t1 = Math.tan(rad(a[0]) / 2), t2 = Math.tan(rad(b[0]) / 2);
      var dlon = wrapRad(rad(b[1] - a[1]));
      turn += dlon;
      excess += 2 * Math.atan2(Math.tan(dlon / 2) * (t1 + t2), 1 + t1 * t2);
    }
    excess = Math.abs(excess);
    if (Math.abs(turn) > Math.PI) { excess = Math.abs(2 * Math.PI - excess); }
    return Math.min(excess, 4 * Math.PI - excess) * EARTH_RADIUS_KM * EARTH_RADIUS_KM;
  }

  /* Points along the great circle from a to b (for drawing), longitudes kept continuous. */
  function greatCircle(a, b) {
    var d = distanceKm(a, b) / EARTH_RADIUS_KM;
    var steps = Math.max(1, Math.min(64, Math.ceil(deg(d))));
    var lat1 = rad(a[0]), lon1 = rad(a[1]), lat2 = rad(b[0]), lon2 = rad(b[1]);
    var out = [];
    var previous = a[1];
    for (var k = 0; k <= steps; k++) {
      var f = k / steps;
      var lat, lon;
      if (d < 1e-9) {
        lat = a[0]; lon = a[1];
      } else {
        var A = Math.sin((1 - f) * d) / Math.sin(d), B = Math.sin(f * d) / Math.sin(d);
        var x = A * Math.cos(lat1) * Math.cos(lon1) + B * Math.cos(lat2) * Math.cos(lon2);
        var y = A * Math.cos(lat1) * Math.sin(lon1) + B * Math.cos(lat2) * Math.sin(lon2);
        var z = A * Math.sin(lat1) + B * Math.sin(lat2);
        lat = deg(Math.atan2(z, Math.sqrt(x * x + y * y)));
        lon = deg(Math.atan2(y, x));
      }
      while (lon - previous > 180) { lon -= 360; }
      while (lon - previous < -180) { lon += 360; }
      previous = lon;
      out.push([lat, lon]);
    }
    return out;
  }

  function textSpan(text) {
    var span = document.createElement('span');
    span.textContent = text;
    return span;
  }

  function number(value) {
    var digits = value < 10 ? 2 : value < 1000 ? 1 : 0;
    return value.toLocaleString('en-GB', {minimumFractionDigits: digits,
                                          maximumFractionDigits: digits});
  }

  function length(km) { return number(km / KM_PER_UNIT[state.unit]) + ' ' + state.unit; }
  function surface(km2) {
    return number(km2 / Math.pow(KM_PER_UNIT[state.unit], 2)) + ' ' + state.unit + '\u00b2';
  }

  function legsKm() {
    var legs = [];
    var p = state.points;
    for (var i = 0; i + 1 < p.length; i++) { legs.push(distanceKm(p[i], p[i + 1])); }
    if (state.mode === 'area' && p.length >= 3) { legs.push(distanceKm(p[p.length - 1], p[0])); }
    return legs;
  }

  /* What the tool shows, as numbers (for the panel, and for tests). */
  function result() {
    var legs = legsKm();
    var total = legs.reduce(function (s, v) { return s + v; }, 0);
    return {on: state.on, mode: state.mode, unit: state.unit, finished: state.finished,
            points: state.points.map(function (p) { return [p[0], p[1]]; }),
            legsKm: legs, totalKm: total,
            areaKm2: state.mode === 'area' ? areaKm2(state.points) : 0,
            total: totalBox ? totalBox.textContent : '',
            shown: !!panel && panel.style.display !== 'none'};
  }

  /* ------------------------------------------------------------------ drawing */
  function draw() {
    layer.clearLayers();
    var p = state.points;
    var path = [];
    for (var i = 0; i + 1 < p.length; i++) {
      var piece = greatCircle(p[i], p[i + 1]);
      path = path.concat(i ? piece.slice(1) : piece);
    }
    if (state.mode === 'area' && p.length >= 3) {
      var closing = greatCircle(p[p.length - 1], p[0]);
      layer.addLayer(L.polygon(path.concat(closing.slice(1)), {
        renderer: renderer, interactive: false, color: COLOUR, weight: 2.5, dashArray: '6 4',
        fillColor: COLOUR, fillOpacity: 0.15
      }));
    } else if (path.length) {
      layer.addLayer(L.polyline(path, {renderer: renderer, interactive: false,
                                       color: COLOUR, weight: 2.5, dashArray: '6 4'}));
    }
    p.forEach(function (point) {
      layer.addLayer(L.circleMarker(point, {renderer: renderer, interactive: false, radius: 4,
        color: '#ffffff', weight: 1.5, fillColor: COLOUR, fillOpacity: 1}));
    });
    var legs = legsKm();
    legs.forEach(function (km, k) {
      var a = p[k], b = p[(k + 1) % p.length];
      var middle = greatCircle(a, b);
      var at = middle[Math.floor(middle.length / 2)];
      layer.addLayer(L.tooltip({permanent: true, direction: 'center', className: 'sl-measure-leg',
                                interactive: false, pane: 'measureLabels'})
        .setLatLng(at).setContent(textSpan(length(km))));
    });
    showResult(legs);
    report();
  }

  function showResult(legs) {
    var total = legs.reduce(function (s, v) { return s + v; }, 0);
    var text;
    if (state.mode === 'area') {
      text = state.points.length >= 3
        ? 'Area ' + surface(areaKm2(state.points)) + ' \u00b7 perimeter ' + length(total)
        : 'Area: click three or more points';
    } else {
      text = state.points.length >= 2 ? 'Distance ' + length(total)
                                      : 'Distance: click two or more points';
    }
    totalBox.textContent = text;
    legsBox.textContent = '';
    if (state.mode === 'distance' && legs.length > 1) {
      var run = 0;
      legs.forEach(function (km, k) {
        run += km;
        var row = document.createElement('div');
        row.textContent = 'Leg ' + (k + 1) + ': ' + length(km) + ' (total ' + length(run) + ')';
        legsBox.appendChild(row);
      });
    }
    hintBox.textContent = state.finished
      ? 'Finished. Click to start again; Esc ends the tool.'
      : 'Click to add points; double-click or Enter finishes; Esc cancels.';
  }

  /* ------------------------------------------------------------------ tool state */
  function report() {
    var b = S.bridge();
    if (!b || !b.toolReport) { return; }
    b.toolReport(JSON.stringify({tool: 'measure', on: state.on, restore: {
      on: state.on, mode: state.mode, unit: state.unit, finished: state.finished,
      points: state.points
    }}));
  }

  function setOn(on) {
    if (on && S.stopDrawing) { S.stopDrawing(); }  // one tool at a time (sightline_draw.js)
    state.on = on;
    state.points = [];
    state.finished = false;
    panel.style.display = on ? '' : 'none';
    L.DomUtil[on ? 'addClass' : 'removeClass'](toolButton, 'sl-on');
    L.DomUtil[on ? 'addClass' : 'removeClass'](map.getContainer(), 'sl-measuring');
    if (on) { map.doubleClickZoom.disable(); } else { map.doubleClickZoom.enable(); }
    S.clickCapture = on ? onClick : null;
    if (on) { draw(); } else { layer.clearLayers(); report(); }
  }

  function restore(saved) {
    setOn(!!saved.on);
    if (!saved.on) { return; }
    state.mode = saved.mode === 'area' ? 'area' : 'distance';
    state.unit = KM_PER_UNIT[saved.unit] ? saved.unit : 'km';
    unitSelect.value = state.unit;
    state.points = (saved.points || []).filter(function (p) {
      return p && isFinite(p[0]) && isFinite(p[1]);
    }).map(function (p) { return [+p[0], +p[1]]; });
    state.finished = !!saved.finished;
    setMode(state.mode);
  }

  function setMode(mode) {
    state.mode = mode === 'area' ? 'area' : 'distance';
    Object.keys(modeButtons).forEach(function (m) {
      L.DomUtil[m === state.mode ? 'addClass' : 'removeClass'](modeButtons[m], 'sl-on');
    });
    draw();
  }

  function setUnit(unit) {
    if (!KM_PER_UNIT[unit]) { return; }
    state.unit = unit;
    unitSelect.value = unit;
    draw();
  }

  function onClick(latlng) {
    if (!state.on) { return false; }
    if (state.finished) { state.points = []; state.finished = false; }
    state.points.push([latlng.lat, latlng.lng]);
    draw();
    return true;
  }

  function finish() {
    var p = state.points;
    if (p.length >= 2) {  // a double-click's two clicks landed on one spot
      var a = map.latLngToContainerPoint(p[p.length - 1]);
      var b = map.latLngToContainerPoint(p[p.length - 2]);
      if (a.distanceTo(b) < 4) { p.pop(); }
    }
    state.finished = p.length >= (state.mode === 'area' ? 3 : 2);
    draw();
  }

  function onKey(e) {
    if (!state.on) { return; }
    if (e.key === 'Escape') {
      setOn(false);
    } else if (e.key === 'Enter') {
      finish();
    } else if (e.key === 'Backspace' && !state.finished && state.points.length) {
      state.points.pop();
      draw();
    } else {
      return;
    }
    e.preventDefault();
    e.stopPropagation();
  }

  /* ------------------------------------------------------------------ controls */
  function button(bar, text, title, onPress, className) {
    var b = L.DomUtil.create('a', 'sl-button' + (className ? ' ' + className : ''), bar);
    b.href = '#';
    b.title = title;
    b.textContent = text;
    b.setAttribute('role', 'button');
    L.DomEvent.on(b, 'click', function (e) { L.DomEvent.stop(e); onPress(); });
    return b;
  }

  function install(leafletMap) {
    map = leafletMap;
    map.createPane('measure').style.zIndex = 610;  // over the events, under tooltips
    map.createPane('measureLabels').style.zIndex = 620;
    map.getPane('measure').style.pointerEvents = 'none';
    map.getPane('measureLabels').style.pointerEvents = 'none';
    renderer = L.svg({pane: 'measure', padding: 0.5});
    layer = L.layerGroup().addTo(map);

    var Tool = L.Control.extend({
      options: {position: 'topleft'},
      onAdd: function () {
        var bar = L.DomUtil.create('div', 'leaflet-bar sl-tools sl-measure-tool');
        toolButton = button(bar, '\u2194', 'Measure distance or area (M)', function () {
          setOn(!state.on);
        });
        L.DomEvent.disableClickPropagation(bar);
        return bar;
      }
    });
    new Tool().addTo(map);

    var Panel = L.Control.extend({
      options: {position: 'bottomright'},  // clear of the window's banners along the top
      onAdd: function () {
        panel = L.DomUtil.create('div', 'sl-measure');
        panel.style.display = 'none';
        var controls = L.DomUtil.create('div', 'sl-tools sl-measure-controls', panel);
        modeButtons.distance = button(controls, 'Distance', 'Measure along a path',
                                      function () { setMode('distance'); });
        modeButtons.area = button(controls, 'Area', 'Measure the area of a polygon',
                                  function () { setMode('area'); });
        unitSelect = L.DomUtil.create('select', 'sl-measure-unit', controls);
        unitSelect.title = 'Units';
        [['km', 'kilometres'], ['nm', 'nautical miles'], ['mi', 'miles']].forEach(function (u) {
          var option = document.createElement('option');
          option.value = u[0];
          option.textContent = u[0];
          option.title = u[1];
          unitSelect.appendChild(option);
        });
        L.DomEvent.on(unitSelect, 'change', function () { setUnit(unitSelect.value); });
        button(controls, '\u00d7', 'End the measure (Esc)', function () { setOn(false); },
               'sl-measure-close');
        totalBox = L.DomUtil.create('div', 'sl-measure-total', panel);
        legsBox = L.DomUtil.create('div', 'sl-measure-legs', panel);
        hintBox = L.DomUtil.create('div', 'sl-measure-hint sl-tools', panel);
        L.DomEvent.disableClickPropagation(panel);
        L.DomEvent.disableScrollPropagation(panel);
        return panel;
      }
    });
    new Panel().addTo(map);
    setMode('distance');
    map.on('dblclick', function () { if (state.on) { finish(); } });
    document.addEventListener('keydown', onKey, true);
  }

  S.addTool(install);
  S.handle('measure', function (msg) {
    if (msg.restore) { restore(msg.restore); return; }
    if (msg.mode) { setMode(msg.mode); }
    if (msg.unit) { setUnit(msg.unit); }
    if (msg.on !== undefined) { setOn(!!msg.on); }
  });
  S.measure = {
    state: result,
    distanceKm: distanceKm,
    areaKm2: areaKm2,
    finish: finish,
    stop: function () { if (state.on) { setOn(false); } }
  };
}());
