/* Sightline map page: draws what Python sends over the QWebChannel bridge.
 *
 * The page is built once; afterwards only JSON messages flow:
 *   Python -> JS  bridge.message(json): features | selection | fit | view | fly | present
 *                 | pick (one-shot: the next click on the map reports a place) | chrome
 *                 | theme
 *   JS -> Python  bridge.pageReady(), viewportChanged(json), eventClicked(json),
 *                 boxSelected(json), drawn(json), locationPicked(json)
 * Event text is data: titles arrive HTML-escaped and are put in the page only through
 * textContent (after turning the entities back into the characters they stand for).
 */
(function () {
  'use strict';

  var STYLE = {
    land: {fillColor: '#f1efe9', fillOpacity: 1, color: '#a9a49a', weight: 0.7,
           opacity: 1, interactive: false},
    point: {radius: 5.5, fillColor: '#d9480f', fillOpacity: 0.9, color: '#ffffff',
            weight: 1.2, opacity: 1},
    cell: {fillColor: '#c2410c', fillOpacity: 0.62, color: '#7c2d12', weight: 1,
           opacity: 0.9},
    selected: {radius: 7, fillColor: '#1971c2', fillOpacity: 1, color: '#0b2545',
               weight: 2, opacity: 1},
    selectedCell: {fillColor: '#1971c2', fillOpacity: 0.85, color: '#0b2545', weight: 2,
                   opacity: 1}
  };
  var VIEWPORT_DEBOUNCE_MS = 10;

  var S = {};
  window.Sightline = S;
  // the layer scripts loaded after this one (sightline_basemaps/heat/colour.js) hook in:
  // each plugin runs once with the map; each listener sees every message after it ran;
  // each painter(marker, 'cell' | 'point', index, events message) styles a marker as made
  S.plugins = [];
  S.listeners = [];
  S.painters = [];
  var map = null;
  var bridge = null;
  var eventsRenderer = null;
  var selectedRenderer = null;
  var eventsLayer = null;
  var selectedLayer = null;
  var tip = null;
  var noteBox = null;
  var boxButton = null;
  var boxMode = false;
  var viewportTimer = null;  // the quiet interval after a viewport report
  var viewportMoved = false;  // the map moved again within it
  var suppressClick = false;
  var byId = {};  // event id -> layer, for tests and zoom-to
  var stacks = {};  // "lat,lon" -> the point markers drawn at exactly that spot (2 or more)
  var badgeLayer = null;  // the count of each stack, over its markers (not clickable)
  var spiderLayer = null;  // the legs of a fanned-out stack
  var spidered = null;  // the key of the stack fanned out, if any
  var markerScale = 1;  // presentation mode draws bigger markers
  var pickMode = false;  // the next click reports where it landed instead of selecting
  var trailCount = 0;  // markers of the playback trail drawn (tests read it)
  var outsideBox = null;  // "N results outside the view · Show" (follow the analyst)
  var outside = {results: 0, selected: 0};
  // hooks for the page's tool scripts (sightline_fonts/measure/pointer.js): message kinds
  // they handle, their start functions, and the click a tool takes (measure)
  var handlers = {};
  var tools = [];
  S.handle = function (kind, fn) { handlers[kind] = fn; };
  S.addTool = function (start) { tools.push(start); };
  S.bridge = function () { return bridge; };
  S.clickCapture = null;  // function (latlng) -> true when a tool took the click
  S.redrawLabels = function () { drawLabels(); };
  var FONT_STACK = '"Segoe UI", "Helvetica Neue", Arial, sans-serif, "Sightline CJK"';

  /* Entities Python escaped (&amp; &lt; &gt; &quot; &#x27;) back to the characters. */
  function unescapeEntities(s) {
    return String(s).replace(/&(amp|lt|gt|quot|#x27|#39);/g, function (_, e) {
      return {amp: '&', lt: '<', gt: '>', quot: '"', '#x27': "'", '#39': "'"}[e];
    });
  }

  function textElement(tag, className, text) {
    var el = document.createElement(tag);
    el.className = className;
    el.textContent = text;
    return el;
  }

  /* A circle marker that writes its count in its middle (canvas renderer only). */
  var CellMarker = L.CircleMarker.extend({
    _updatePath: function () {
      L.CircleMarker.prototype._updatePath.call(this);
      var ctx = this._renderer && this._renderer._ctx;
      if (!ctx || this._empty() || this.options.trail) { return; }  // a trail has no count
      var p = this._point;
      ctx.save();
      ctx.font = '600 ' + Math.round(11 * markerScale) +
        'px "Segoe UI", "Helvetica Neue", Arial, sans-serif';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillStyle = '#ffffff';
      ctx.fillText(this.options.label, p.x, p.y + 0.5);
      ctx.restore();
    }
  });

  function compact(n) {
    if (n >= 1e6) { return (n / 1e6).toFixed(n >= 1e7 ? 0 : 1) + 'M'; }
    if (n >= 1e4) { return Math.round(n / 1e3) + 'k'; }
    if (n >= 1e3) { return (n / 1e3).toFixed(1) + 'k'; }
    return String(n);
  }

  function cellRadius(count) {
    return Math.min(8 + 3.2 * Math.log10(count), 22) * markerScale;
  }

  function pointMarker(p, style, renderer) {
    var m = L.circleMarker([p[1], p[2]], L.extend({renderer: renderer}, style,
      {radius: style.radius * markerScale, weight: style.weight * Math.sqrt(markerScale)}));
    m.options.eventId = p[0];
    m.options.title = p[3];
    return m;
  }

  function cellMarker(c, style, renderer) {
    var m = new CellMarker([c[0], c[1]], L.extend(
      {renderer: renderer, radius: cellRadius(c[2]), label: compact(c[2])}, style));
    m.options.count = c[2];
    return m;
  }

  /* ------------------------------------------------------------------ labels */
  /* Countries, capitals, cities and seas (window.SIGHTLINE_LABELS: [text, lat, lon, kind,
     first zoom, rank], best first), drawn on a canvas under the events. Placed greedily:
     a label that would touch a placed one or any drawn marker is left out, so labels
     never collide and never hide an event. Text goes through fillText: data, not markup. */
  var labelCanvas = null;
  var placedLabels = [];
  var LABEL_FONT = {
    country: '600 12px', capital: '600 11px', city: '11px', sea: 'italic 12px',
    place: '600 11px'
  };
  var LIGHT_LABELS = {country: '#5b5346', capital: '#1f2933', city: '#39424e', sea: '#4d7a9e',
                      place: '#7c2d12'};
  var DARK_LABELS = {country: '#c9c2b4', capital: '#f0f2f5', city: '#d3d8de', sea: '#8fb3d1',
                     place: '#fdba74'};
  var projectPlaces = [];  // the project's own places (views/map/places.py), placed first
  var LABEL_COLOUR = LIGHT_LABELS;
  var labelHalo = 'rgba(255,255,255,0.85)';
  var basemapLayer = null;
  var dark = false;

  /* A dark look for a dark window (View ▸ Theme); pictures for exports ask for light. */
  function setTheme(on) {
    dark = on;
    LABEL_COLOUR = on ? DARK_LABELS : LIGHT_LABELS;
    labelHalo = on ? 'rgba(21,28,36,0.85)' : 'rgba(255,255,255,0.85)';
    map.getContainer().style.background = on ? '#15202b' : '';
    if (basemapLayer) {
      basemapLayer.setStyle(on ? {fillColor: '#2b3038', color: '#59606b'}
                               : {fillColor: STYLE.land.fillColor, color: STYLE.land.color});
    }
    drawLabels();
  }

  function installLabels() {
    var pane = map.createPane('labels');
    pane.style.zIndex = 420;  // over the basemap, under the events
    pane.style.pointerEvents = 'none';
    labelCanvas = L.DomUtil.create('canvas', 'sl-labels', pane);
    // every zoomend and viewreset is followed (or preceded, in the same task) by a
    // moveend: one drawing per move, not three
    map.on('moveend resize', drawLabels);
  }

  function markerBoxes() {
    var boxes = [];
    [eventsLayer, selectedLayer].forEach(function (group) {
      group.eachLayer(function (l) {
        if (!l.getLatLng) { return; }
        var p = map.latLngToContainerPoint(l.getLatLng());
        var r = (l.options.radius || 6) + 2;
        boxes.push([p.x - r, p.y - r, p.x + r, p.y + r]);
      });
    });
    Object.keys(stacks).forEach(function (key) {  // the count badge beside a stack
      var p = map.latLngToContainerPoint(stacks[key][0].getLatLng());
      boxes.push([p.x + 2, p.y - 18, p.x + 30, p.y]);
    });
    return boxes;
  }

  function hits(box, boxes) {
    for (var i = 0; i < boxes.length; i++) {
      var b = boxes[i];
      if (box[0] < b[2] && box[2] > b[0] && box[1] < b[3] && box[3] > b[1]) { return true; }
    }
    return false;
  }

  function drawLabels() {
    if (!labelCanvas) { return; }
    var size = map.getSize();
    var ratio = window.devicePixelRatio || 1;
    labelCanvas.width = size.x * ratio;
    labelCanvas.height = size.y * ratio;
    labelCanvas.style.width = size.x + 'px';
    labelCanvas.style.height = size.y + 'px';
    L.DomUtil.setPosition(labelCanvas, map.containerPointToLayerPoint([0, 0]));
    var ctx = labelCanvas.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.textBaseline = 'middle';
    ctx.lineJoin = 'round';
    var zoom = map.getZoom();
    var bounds = map.getBounds().pad(0.05);
    var taken = markerBoxes();
    placedLabels = [];
    var all = projectPlaces.concat(window.SIGHTLINE_LABELS || []);
    var named = {};  // a gazetteer label repeating a project place's name is left out
    for (var i = 0; i < all.length; i++) {
      var label = all[i];
      var kind = label[3];
      if (label[4] > zoom || (kind === 'country' && zoom > 7)) { continue; }
      if (kind !== 'place' && kind !== 'country' && kind !== 'sea' && named[label[0]]) {
        continue;
      }
      if (!bounds.contains([label[1], label[2]])) { continue; }
      var p = map.latLngToContainerPoint([label[1], label[2]]);
      ctx.font = LABEL_FONT[kind] + ' ' + FONT_STACK;
      var w = ctx.measureText(label[0]).width;
      var town = kind === 'city' || kind === 'capital';
      // a town's name beside its dot: right, then clear of a marker there, left, above,
      // below; the first place that touches nothing wins (a project place: its markers)
      var spots = town ? [[p.x + 5, p.y], [p.x + 11, p.y], [p.x - 5 - w, p.y],
                          [p.x - w / 2, p.y - 13], [p.x - w / 2, p.y + 13]]
                : kind === 'place' ? [[p.x + 10, p.y], [p.x - 10 - w, p.y],
                                      [p.x - w / 2, p.y - 15], [p.x - w / 2, p.y + 15]]
                : [[p.x - w / 2, p.y]];
      var x = null, y = p.y, box = null;
      for (var k = 0; k < spots.length && x === null; k++) {
        var b = [spots[k][0] - 2, spots[k][1] - 8, spots[k][0] + w + 2, spots[k][1] + 8];
        if (!hits(b, taken)) { x = spots[k][0]; y = spots[k][1]; box = b; }
      }
      if (x === null) { continue; }
      taken.push(box);
      if (kind === 'place') { named[label[0]] = true; }
      placedLabels.push({text: label[0], kind: kind, box: box});
      if (town) {
        ctx.fillStyle = LABEL_COLOUR[kind];
        ctx.beginPath();
        ctx.arc(p.x, p.y, kind === 'capital' ? 3 : 2.2, 0, 2 * Math.PI);
        ctx.fill();
      }
      ctx.strokeStyle = labelHalo;
      ctx.lineWidth = 3;
      ctx.strokeText(label[0], x, y);
      ctx.fillStyle = LABEL_COLOUR[kind];
      ctx.fillText(label[0], x, y);
    }
  }

  /* ------------------------------------------------------------------ stacks */
  /* Events at exactly one spot: a count beside their dot, and a click fans them out
     around it (spiderfy) so each can be picked; a click elsewhere or a zoom folds them. */
  function stackBadge(latlng, n) {
    var label = document.createElement('span');
    label.textContent = compact(n);
    return L.marker(latlng, {
      interactive: false, keyboard: false, pane: 'markerPane',
      icon: L.divIcon({className: 'sl-stack', html: label, iconSize: null,
                       iconAnchor: [-4, 16]})
    });
  }

  /* Where each stack's count goes: beside its dot, up-right if free, else the first of
     the other corners, above or below, so two stacks a few pixels apart never hide
     each other's counts. */
  var BADGE_SPOTS = [[4, -16], [-4, -16], [4, 0], [-4, 0], [0, -26], [0, 10]];
  /* Move each count (already drawn, up-right of its dot) to the first of the spots
     above that touches no count placed before it, biggest stacks first, measured as
     the page lays them out; a count with no free spot stays up-right. */
  function placeBadges(badges) {
    var sized = badges.map(function (b) {
      var el = b.marker.getElement();
      return {b: b, el: el, w: el ? el.offsetWidth + 1 : 0, h: el ? el.offsetHeight + 1 : 0,
              p: map.latLngToContainerPoint(b.marker.getLatLng())};
    }).filter(function (s) { return s.el; });
    sized.sort(function (a, b) { return b.b.count - a.b.count; });
    var placed = [];
    sized.forEach(function (s) {
      var chosen = null;
      BADGE_SPOTS.some(function (spot) {
        var x = spot[0] >= 0 ? s.p.x + spot[0] : s.p.x + spot[0] - s.w;
        if (spot[1] === -26 || spot[1] === 10) { x = s.p.x - s.w / 2; }
        var box = [x, s.p.y + spot[1], x + s.w, s.p.y + spot[1] + s.h];
        var free = placed.every(function (o) {
          return box[2] <= o[0] || box[0] >= o[2] || box[3] <= o[1] || box[1] >= o[3];
        });
        if (free) { chosen = box; }
        return free;
      });
      var box = chosen || [s.p.x + 4, s.p.y - 16, s.p.x + 4 + s.w, s.p.y];
      placed.push(box);
      s.el.style.marginLeft = Math.round(box[0] - s.p.x) + 'px';
      s.el.style.marginTop = Math.round(box[1] - s.p.y) + 'px';
    });
  }

  function spiderfy(key) {
    unspiderfy();
    var markers = stacks[key];
    if (!markers) { return; }
    var centre = markers[0].getLatLng();
    var c = map.latLngToContainerPoint(centre);
    var n = markers.length;
    var radius = Math.min(16 + 4 * n, 90) * markerScale;
    markers.forEach(function (m, k) {
      var angle = 2 * Math.PI * k / n - Math.PI / 2;
      var p = L.point(c.x + radius * Math.cos(angle), c.y + radius * Math.sin(angle));
      var at = map.containerPointToLatLng(p);
      m.options.home = centre;
      m.setLatLng(at);
      spiderLayer.addLayer(L.polyline([centre, at], {
        color: '#7c2d12', weight: 1, opacity: 0.7, interactive: false, renderer: eventsRenderer
      }));
      m.bringToFront();
    });
    spidered = key;
    badgeLayer.eachLayer(function (b) { b.setOpacity(0); });
  }

  function unspiderfy() {
    if (spidered === null) { return; }
    (stacks[spidered] || []).forEach(function (m) {
      if (m.options.home) { m.setLatLng(m.options.home); m.options.home = null; }
    });
    spiderLayer.clearLayers();
    badgeLayer.eachLayer(function (b) { b.setOpacity(1); });
    spidered = null;
  }

  /* ------------------------------------------------------------------ drawing */
  /* A playback's trail: the windows just played, drawn first (under the events) and
     fading with age; not clickable, so a click always reaches a current event. */
  function drawTrail(bands) {
    bands.forEach(function (band) {
      var o = band.opacity;
      var dot = L.extend({}, STYLE.point, {fillOpacity: o, opacity: o * 0.6,
                                           radius: STYLE.point.radius * 0.8,
                                           interactive: false});
      var bubble = L.extend({}, STYLE.cell, {fillOpacity: o * 0.7, opacity: o,
                                             interactive: false, trail: true});
      band.cells.forEach(function (c) {
        eventsLayer.addLayer(cellMarker(c, bubble, eventsRenderer));
      });
      band.points.forEach(function (p) {
        eventsLayer.addLayer(pointMarker([null, p[0], p[1], ''], dot, eventsRenderer));
      });
    });
    trailCount = bands.reduce(function (n, b) { return n + b.points.length + b.cells.length; }, 0);
  }

  function drawEvents(msg, trail) {
    var t0 = performance.now();
    unspiderfy();
    eventsLayer.clearLayers();
    badgeLayer.clearLayers();
    byId = {};
    stacks = {};
    var i;
    drawTrail(trail || []);
    for (i = 0; i < msg.cells.length; i++) {
      var cm = cellMarker(msg.cells[i], STYLE.cell, eventsRenderer);
      S.painters.forEach(function (paint) { paint(cm, 'cell', i, msg); });
      eventsLayer.addLayer(cm);
    }
    var spots = {};
    for (i = 0; i < msg.points.length; i++) {
      var m = pointMarker(msg.points[i], STYLE.point, eventsRenderer);
      S.painters.forEach(function (paint) { paint(m, 'point', i, msg); });
      byId[msg.points[i][0]] = m;
      eventsLayer.addLayer(m);
      var key = msg.points[i][1] + ',' + msg.points[i][2];
      (spots[key] = spots[key] || []).push(m);
    }
    Object.keys(spots).forEach(function (key) {
      if (spots[key].length < 2) { return; }
      stacks[key] = spots[key];
      spots[key].forEach(function (m) { m.options.stack = key; });
    });
    var badges = Object.keys(stacks).map(function (key) {
      var marker = stackBadge(stacks[key][0].getLatLng(), stacks[key].length);
      badgeLayer.addLayer(marker);
      return {marker: marker, count: stacks[key].length};
    });
    placeBadges(badges);
    setNote(msg.note);
    drawLabels();  // they make way for the markers just drawn
    selectedLayer.eachLayer(function (l) { l.bringToFront(); });
    flush(eventsRenderer);
    return performance.now() - t0;
  }

  function drawSelection(msg) {
    var t0 = performance.now();
    selectedLayer.clearLayers();
    var i;
    for (i = 0; i < msg.cells.length; i++) {
      selectedLayer.addLayer(cellMarker(msg.cells[i], STYLE.selectedCell, selectedRenderer));
    }
    for (i = 0; i < msg.points.length; i++) {
      selectedLayer.addLayer(pointMarker(msg.points[i], STYLE.selected, selectedRenderer));
    }
    flush(selectedRenderer);
    return performance.now() - t0;
  }

  /* Paint now rather than on the next animation frame, so the time measured is the
   * real cost of the draw. */
  function flush(renderer) {
    if (renderer._redrawRequest) {
      L.Util.cancelAnimFrame(renderer._redrawRequest);
      renderer._redraw();
    }
  }

  function setNote(text) {
    noteBox.textContent = text || '';
    noteBox.style.display = text && chromeOn ? '' : 'none';
  }

  /* ------------------------------------------------------------------ messages */
  /* A move asked for while Leaflet is still animating a zoom can be dropped by it:
     run it when the animation has ended. */
  function whenIdle(move) {
    if (map._animatingZoom) {
      map.once('zoomend', function () { setTimeout(move, 0); });
    } else {
      move();
    }
  }

  function onMessage(json) {
    var msg = JSON.parse(json);
    var ms = null;
    if (msg.kind === 'features') {
      ms = drawEvents(msg.events, msg.trail) + drawSelection(msg.selected);
      setOutside(msg.outside);
    } else if (msg.kind === 'selection') {
      ms = drawSelection(msg.selected);
      setOutside(msg.outside);
    } else if (msg.kind === 'fit') {
      whenIdle(function () {
        map.fitBounds(msg.bounds, {maxZoom: msg.maxZoom, padding: [40, 40]});
      });
    } else if (msg.kind === 'view') {
      whenIdle(function () { map.setView([msg.lat, msg.lon], msg.zoom); });
    } else if (msg.kind === 'fly') {
      map.flyTo([msg.lat, msg.lon], msg.zoom, {duration: msg.duration});
    } else if (msg.kind === 'present') {
      setPresenting(msg.scale);
    } else if (msg.kind === 'pick') {
      setPickMode(!!msg.on);
    } else if (msg.kind === 'chrome') {
      setChrome(!!msg.on);
    } else if (msg.kind === 'places') {
      projectPlaces = msg.labels || [];
      drawLabels();
    } else if (msg.kind === 'theme') {
      setTheme(!!msg.dark);
    } else if (handlers[msg.kind]) {
      handlers[msg.kind](msg);
    }
    S.listeners.forEach(function (listen) { listen(msg); });
    if (ms !== null) {
      bridge.drawn(JSON.stringify({kind: msg.kind, ms: ms, seq: msg.seq}));
    }
  }

  /* Presentation: bigger markers, no editing controls (scale 1 restores both). */
  function setPresenting(scale) {
    markerScale = scale;
    var hidden = scale !== 1;
    var controls = map.getContainer().querySelectorAll('.leaflet-control-zoom, .sl-tools');
    Array.prototype.forEach.call(controls, function (el) {
      el.style.display = hidden ? 'none' : '';
    });
    setOutside(outside);  // a projector shows the story, not the notice
  }

  /* The map's own controls and its "no location" note; off for a picture of the map. */
  var chromeOn = true;
  function setChrome(on) {
    chromeOn = on;
    var controls = map.getContainer().querySelectorAll(
      '.leaflet-control-zoom, .sl-tools');  // the scale bar stays: a picture needs it
    Array.prototype.forEach.call(controls, function (el) {
      el.style.display = on ? '' : 'none';
    });
    setNote(noteBox.textContent);
    setOutside(outside);
  }

  /* The bounds Leaflet will report after setZoom(zoom) about centre c (the +/- buttons,
     the keys): its pixel origin rounded, the map pane back at 0 (Map._resetView). */
  function viewAt(c, zoom) {
    var size = map.getSize();
    var origin = map.project(c, zoom)._subtract(size.divideBy(2))._round();
    var sw = map.unproject(L.point(origin.x, origin.y + size.y), zoom);
    var ne = map.unproject(L.point(origin.x + size.x, origin.y), zoom);
    return {south: sw.lat, west: sw.lng, north: ne.lat, east: ne.lng, zoom: zoom};
  }

  function reportViewport() {
    if (!bridge) { return; }
    var b = map.getBounds();
    var c = map.getCenter();
    var z = map.getZoom();
    // the views one zoom in and out about this centre: Python works them out while the
    // map is idle, so such a zoom finds its answer ready
    var next = [z + 1, z - 1].filter(function (n) {
      return n === Math.round(n) && n >= map.getMinZoom() && n <= map.getMaxZoom();
    }).map(function (n) { return viewAt(c, n); });
    bridge.viewportChanged(JSON.stringify({
      south: b.getSouth(), west: b.getWest(), north: b.getNorth(), east: b.getEast(),
      zoom: z, lat: c.lat, lon: c.lng, next: next
    }));
  }

  /* A move is reported at once, from the first moveend listener (before the outlines'
     canvas and the labels redraw), so Python aggregates the new view while the page
     paints; further moves within the next VIEWPORT_DEBOUNCE_MS fold into one report
     at its end. */
  function scheduleViewport() {
    if (viewportTimer !== null) { viewportMoved = true; return; }
    reportViewport();
    viewportTimer = setTimeout(function () {
      viewportTimer = null;
      if (viewportMoved) { viewportMoved = false; scheduleViewport(); }
    }, VIEWPORT_DEBOUNCE_MS);
  }

  /* ------------------------------------------------------------------ interaction */
  /* Pick mode: a crosshair; the next click on the map (or on a marker) is reported. */
  function setPickMode(on) {
    pickMode = on;
    L.DomUtil[on ? 'addClass' : 'removeClass'](map.getContainer(), 'sl-pick-mode');
    map.getContainer().style.cursor = on ? 'crosshair' : '';
  }

  function reportPick(latlng) {
    setPickMode(false);
    bridge.locationPicked(JSON.stringify({lat: latlng.lat, lon: latlng.lng}));
  }

  function onMapClick(e) {
    if (S.clickCapture && !suppressClick && S.clickCapture(e.latlng)) { return; }
    unspiderfy();
    if (pickMode && bridge && !suppressClick) { reportPick(e.latlng); }
  }

  function onLayerClick(e) {
    L.DomEvent.stop(e);
    if (suppressClick) { return; }
    if (S.clickCapture && S.clickCapture(e.latlng)) { return; }
    if (pickMode) { reportPick(e.latlng); return; }
    var o = e.layer.options;
    if (o.stack !== undefined && spidered !== o.stack) {
      spiderfy(o.stack);  // several events here: fan them out, then a click picks one
    } else if (o.eventId !== undefined) {
      bridge.eventClicked(JSON.stringify({id: o.eventId}));
    } else if (o.count !== undefined) {
      map.setView(e.layer.getLatLng(), Math.min(map.getZoom() + 2, map.getMaxZoom()));
    }
  }

  function onLayerOver(e) {
    var o = e.layer.options;
    var box = document.createElement('div');
    if (o.eventId !== undefined) {
      box.appendChild(textElement('div', 'sl-tip-title', unescapeEntities(o.title)));
    } else {
      box.appendChild(textElement('div', 'sl-tip-title',
        o.count.toLocaleString() + ' events'));
      box.appendChild(textElement('div', 'sl-tip-hint', 'click to zoom in'));
    }
    tip.setLatLng(e.layer.getLatLng()).setContent(box);
    tip.options.offset = [0, -(o.radius || 5)];
    map.openTooltip(tip);
  }

  function onLayerOut() {
    map.closeTooltip(tip);
  }

  function installBoxSelect() {
    var container = map.getContainer();
    var start = null;
    var box = null;

    function point(e) { return map.mouseEventToContainerPoint(e); }

    function onMove(e) {
      var p = point(e);
      var min = L.point(Math.min(p.x, start.x), Math.min(p.y, start.y));
      var max = L.point(Math.max(p.x, start.x), Math.max(p.y, start.y));
      L.DomUtil.setPosition(box, min);
      box.style.width = (max.x - min.x) + 'px';
      box.style.height = (max.y - min.y) + 'px';
    }

    function onUp(e) {
      L.DomEvent.off(document, 'mousemove', onMove);
      L.DomEvent.off(document, 'mouseup', onUp);
      L.DomUtil.enableTextSelection();
      var end = point(e);
      L.DomUtil.remove(box);
      if (start.distanceTo(end) > 4) {
        suppressClick = true;
        setTimeout(function () { suppressClick = false; }, 0);
        var a = map.containerPointToLatLng(start);
        var b = map.containerPointToLatLng(end);
        bridge.boxSelected(JSON.stringify({
          south: Math.min(a.lat, b.lat), north: Math.max(a.lat, b.lat),
          west: Math.min(a.lng, b.lng), east: Math.max(a.lng, b.lng)
        }));
      }
      start = null;
    }

    L.DomEvent.on(container, 'mousedown', function (e) {
      if (!(e.shiftKey || boxMode) || e.button !== 0 || !bridge) { return; }
      L.DomEvent.stop(e);
      L.DomUtil.disableTextSelection();
      start = point(e);
      box = L.DomUtil.create('div', 'sl-box', map.getPanes().overlayPane.parentNode);
      box.style.position = 'absolute';
      var origin = map.containerPointToLayerPoint([0, 0]);
      box.style.marginLeft = origin.x + 'px';
      box.style.marginTop = origin.y + 'px';
      onMove(e);
      L.DomEvent.on(document, 'mousemove', onMove);
      L.DomEvent.on(document, 'mouseup', onUp);
    });
  }

  function setBoxMode(on) {
    boxMode = on;
    if (on) { map.dragging.disable(); } else { map.dragging.enable(); }
    L.DomUtil[on ? 'addClass' : 'removeClass'](boxButton, 'sl-on');
    L.DomUtil[on ? 'addClass' : 'removeClass'](map.getContainer(), 'sl-box-mode');
  }

  function button(bar, text, title, onClick) {
    var b = L.DomUtil.create('a', 'sl-button', bar);
    b.href = '#';
    b.title = title;
    b.textContent = text;
    b.setAttribute('role', 'button');
    L.DomEvent.on(b, 'click', function (e) { L.DomEvent.stop(e); onClick(); });
    return b;
  }

  function installControls() {
    var Tools = L.Control.extend({
      options: {position: 'topleft'},
      onAdd: function () {
        var bar = L.DomUtil.create('div', 'leaflet-bar sl-tools');
        button(bar, '\u2922', 'Fit all events', function () {
          if (bridge) { bridge.fitAllRequested(); }
        });
        boxButton = button(bar, '\u2b1a', 'Box select (or shift-drag)', function () {
          setBoxMode(!boxMode);
        });
        L.DomEvent.disableClickPropagation(bar);
        return bar;
      }
    });
    new Tools().addTo(map);
    var Note = L.Control.extend({
      options: {position: 'bottomleft'},
      onAdd: function () {
        noteBox = L.DomUtil.create('div', 'sl-note');
        noteBox.style.display = 'none';
        return noteBox;
      }
    });
    new Note().addTo(map);
    installOutside();
  }

  /* What the analyst is after but cannot see: selected events, or a filter's results,
     outside the view. The notice offers to go there (text only, never markup). */
  function installOutside() {
    outsideBox = L.DomUtil.create('div', 'sl-outside', map.getContainer());
    outsideBox.style.display = 'none';
    var text = L.DomUtil.create('span', '', outsideBox);
    var show = L.DomUtil.create('button', '', outsideBox);
    show.type = 'button';
    L.DomEvent.disableClickPropagation(outsideBox);
    L.DomEvent.on(show, 'click', function (e) {
      L.DomEvent.stop(e);
      if (outside.selected) { bridge.showSelectionRequested(); } else { bridge.fitAllRequested(); }
    });
    outsideBox.sl = {text: text, show: show};
  }

  function setOutside(counts) {
    outside = counts || {results: 0, selected: 0};
    if (!outsideBox) { return; }
    var n = outside.selected || outside.results;
    if (!n || !chromeOn || markerScale !== 1) { outsideBox.style.display = 'none'; return; }
    outsideBox.sl.text.textContent = outside.selected
      ? outside.selected.toLocaleString('en') + ' selected event' +
        (outside.selected === 1 ? ' is' : 's are') + ' outside the view'
      : outside.results.toLocaleString('en') + ' result' +
        (outside.results === 1 ? ' is' : 's are') + ' outside the view';
    outsideBox.sl.show.textContent = outside.selected ? 'Show them' : 'Show all';
    outsideBox.style.display = '';
  }

  /* ------------------------------------------------------------------ basemap */
  /* The outlines are projected once and simplified per zoom from their precomputed
     Douglas-Peucker significance, and their canvas does a zoom's work once, not three
     times: sightline_outlines.js. */
  var outlines = window.SightlineOutlines;

  /* ------------------------------------------------------------------ start */
  S.init = function (leafletMap, config) {
    map = leafletMap;
    map.on('moveend', scheduleViewport);  // first of the moveend listeners
    // an animated zoom (the wheel, the +/- buttons) knows where it lands: Python works
    // that view out while the animation runs, and its report at the end finds it ready
    map.on('zoomanim', function (e) {
      if (bridge) { bridge.viewsAhead(JSON.stringify([viewAt(e.center, e.zoom)])); }
    });
    map.boxZoom.disable();  // shift-drag selects instead
    map.attributionControl.setPrefix(false);
    L.DomUtil.addClass(map.getContainer(), 'sl-map');
    map.createPane('basemap').style.zIndex = 250;
    map.createPane('events').style.zIndex = 450;
    if (config.onlineUrl) {
      L.tileLayer(config.onlineUrl, {maxZoom: 19, attribution: config.onlineAttribution})
        .addTo(map);
    } else if (window.SIGHTLINE_BASEMAP) {
      var outlineCanvas = L.canvas({pane: 'basemap', padding: 0.3});
      outlines.quietReset(outlineCanvas);
      basemapLayer = L.geoJSON(window.SIGHTLINE_BASEMAP, {
        pane: 'basemap', interactive: false, style: STYLE.land, renderer: outlineCanvas
      });
      basemapLayer.eachLayer(outlines.projectOnce);
      basemapLayer.addTo(map);
      map.attributionControl.addAttribution('Natural Earth');
    }
    // one canvas for events and selection: a second canvas on top would swallow every
    // mouse event meant for the first; selected markers are kept last, so on top
    eventsRenderer = L.canvas({pane: 'events', padding: 0.3, tolerance: 3});
    selectedRenderer = eventsRenderer;
    eventsLayer = L.featureGroup().addTo(map);
    selectedLayer = L.featureGroup().addTo(map);
    badgeLayer = L.layerGroup().addTo(map);
    spiderLayer = L.layerGroup().addTo(map);
    map.on('zoomstart', unspiderfy);
    [eventsLayer, selectedLayer].forEach(function (g) {
      g.on('click', onLayerClick).on('mouseover', onLayerOver).on('mouseout', onLayerOut);
    });
    tip = L.tooltip({direction: 'top', className: 'sl-tip', opacity: 1});
    installLabels();
    installControls();
    installBoxSelect();
    tools.forEach(function (start) { start(map); });
    S.plugins.forEach(function (plugin) { plugin(map); });
    map.on('click', onMapClick);
    new QWebChannel(qt.webChannelTransport, function (channel) {
      bridge = channel.objects.bridge;
      bridge.message.connect(onMessage);
      bridge.pageReady();
      reportViewport();
    });
  };

  /* For tests and benchmarks: where an event is drawn, in container pixels. */
  S.eventPixel = function (id) {
    var m = byId[id];
    if (!m) { return null; }
    var p = map.latLngToContainerPoint(m.getLatLng());
    var r = map.getContainer().getBoundingClientRect();
    return {x: p.x + r.left, y: p.y + r.top};
  };
  /* Each stack's dot, in container pixels, by stack key (tests place its count). */
  S.stackPoints = function () {
    var out = {};
    Object.keys(stacks).forEach(function (key) {
      out[key] = map.latLngToContainerPoint(stacks[key][0].getLatLng());
    });
    return out;
  };
  /* The events the drawn markers stand for (a dot one, a bubble its count; no trail),
     and how many markers that takes. */
  function shownEvents() {
    var n = {events: 0, markers: 0};
    eventsLayer.eachLayer(function (l) {
      var o = l.options;
      if (o.trail || (o.count === undefined && (o.eventId === undefined || o.eventId === null))) {
        return;
      }
      n.events += o.count === undefined ? 1 : o.count;
      n.markers += 1;
    });
    return n;
  }
  S.counts = function () {
    var shown = shownEvents();
    return {events: shown.events, markers: shown.markers, trail: trailCount,
            selected: selectedLayer.getLayers().length,
            selectedIds: selectedLayer.getLayers().map(function (l) {
              return l.options.eventId;
            }).filter(function (v) { return v !== undefined; }),
            note: noteBox.textContent, tooltip: tip.isOpen() ? tip.getElement().textContent : null,
            stacks: Object.keys(stacks).map(function (k) { return stacks[k].length; }),
            labels: placedLabels, dark: dark,
            spidered: spidered,
            outside: outsideBox && outsideBox.style.display !== 'none' ?
              outsideBox.sl.text.textContent : null};
  };
  /* The event whose marker is under a container point (the topmost), or null. */
  S.eventAt = function (point) {
    var found = null;
    [eventsLayer, selectedLayer].forEach(function (group) {
      group.eachLayer(function (l) {
        if (l.options.eventId === undefined) { return; }
        var p = map.latLngToContainerPoint(l.getLatLng());
        if (p.distanceTo(point) <= (l.options.radius || 5) + 3) { found = l.options.eventId; }
      });
    });
    return found;
  };
  S.map = function () { return map; };
  S.picking = function () { return pickMode; };
  /* True when the map is not moving and has reported where it is. */
  S.settled = function () {
    return viewportTimer === null && !map._animatingZoom &&
      !(map._panAnim && map._panAnim._inProgress);
  };
}());
