/* Sightline map page, the analyst's drawing: annotations, area selection, right-click.
 *
 * A tool of sightline_map.js (Sightline.addTool / Sightline.handle). Its toolbar
 * (top right, hidden with the other controls in pictures and presentations) has:
 *   point, line, polygon, text note, range rings: drawn shapes are reported to Python,
 *     which asks for the label (rings: the radii) and saves them;
 *   select by polygon (click corners, double-click or Enter to finish) and lasso
 *     (drag): the corners are reported and Python selects the events inside
 *     (frame/area.py); shift while finishing adds to the selection.
 * While a tool is on, a transparent sheet over the map takes the mouse, so nothing
 * beneath is selected or dragged; Escape cancels, Backspace takes the last corner back.
 *
 *   Python -> JS  annotations {items}: draw these (the shown ones)
 *                 area {points|null}: outline the area (selection or filter), or none
 *                 edit_annotation {id|null}: show draggable handles on one annotation
 *                 draw_tool {name|null}: switch a tool on (or off)
 *   JS -> Python  bridge.toolReport(json): {tool: 'draw', kind: drawn|area|moved|context}
 *                 and {tool: 'draw', kind: 'tool', name|null} whenever the tool changes
 *                 (a button, a shape finished, Esc, the measure starting)
 *
 * A right-click anywhere on the map is reported as {kind: 'context', lat, lon, x, y,
 * event, annotation}; the browser's own menu never shows. Labels are data: textContent.
 */
(function () {
  'use strict';

  var S = window.Sightline;
  var Shapes = window.SightlineShapes;
  var map = null;
  var group = null;  // the annotations drawn
  var layers = {};  // annotation id -> its layer
  var items = {};  // annotation id -> the annotation
  var areaLayer = null;  // the last area drawn for selection, or the filter's
  var areaPoints = null;
  var tool = null;
  var sheet = null;  // the transparent sheet that takes the mouse while a tool is on
  var draft = [];  // corners of the shape being drawn
  var draftLayer = null;
  var cursorLine = null;
  var lasso = null;  // {points, last} while a lasso is dragged
  var buttons = {};
  var handles = null;  // the editing handles of one annotation
  var editingId = null;
  var contextTarget = null;  // the annotation a right-click landed on
  var svg = null;  // every vector of the annotations pane: a canvas there would take
                   // every mouse event meant for the events' canvas beneath
  var DRAFT = {color: '#1971c2', weight: 2, dashArray: '5 4', interactive: false};
  var AREA = {color: '#0b7285', weight: 2, dashArray: '8 5', fill: true,
              fillColor: '#0b7285', fillOpacity: 0.06, interactive: false};
  var TOOLS = [
    ['point', '\u25cf', 'Annotate: a labelled point'],
    ['line', '\u2571', 'Annotate: a line (double-click to finish)'],
    ['polygon', '\u2b20', 'Annotate: a polygon (double-click to finish)'],
    ['text', 'T', 'Annotate: a text note'],
    ['ring', '\u25ce', 'Annotate: range rings around a point'],
    ['select', '\u2b21', 'Select by polygon (double-click to finish; shift adds)'],
    ['lasso', '\u25cc', 'Select by lasso (drag; shift adds)']
  ];

  function report(payload) {
    var bridge = S.bridge();
    if (bridge) { bridge.toolReport(JSON.stringify(L.extend({tool: 'draw'}, payload))); }
  }

  function ll(latlng) { return [latlng.lat, latlng.lng]; }

  /* ------------------------------------------------------------------ annotations */
  function tag(layer, id) {
    layer.options.annotationId = id;
    if (layer.eachLayer) { layer.eachLayer(function (l) { tag(l, id); }); }
    layer.on('contextmenu', function () { contextTarget = id; });
  }

  function drawAnnotations(msg) {
    group.clearLayers();
    layers = {};
    items = {};
    (msg.items || []).forEach(function (a) {
      var layer = Shapes.layerOf(a, {pane: 'annotations', markerPane: 'annotationNotes',
                                     interactive: true, renderer: svg});
      if (!layer) { return; }
      tag(layer, a.id);
      group.addLayer(layer);
      layers[a.id] = layer;
      items[a.id] = a;
    });
    if (editingId !== null) { editAnnotation({id: items[editingId] ? editingId : null}); }
    return null;
  }

  /* Handles to drag: the centre of a point, note or rings, each corner of a shape. */
  function editAnnotation(msg) {
    if (handles) { handles.clearLayers(); }
    editingId = msg.id === undefined ? null : msg.id;
    var a = editingId === null ? null : items[editingId];
    if (!a) { editingId = null; return null; }
    var g = a.geometry;
    var spots = g.points ? g.points.slice() : [[g.lat, g.lon]];
    spots.forEach(function (spot, k) {
      var handle = L.marker(spot, {
        draggable: true, pane: 'annotationNotes', keyboard: false,
        icon: L.divIcon({className: 'sl-handle', iconSize: [10, 10]})
      });
      handle.on('dragend', function () {
        var at = handle.getLatLng();
        var moved = JSON.parse(JSON.stringify(g));
        if (moved.points) { moved.points[k] = ll(at); } else {
          moved.lat = at.lat; moved.lon = at.lng;
        }
        report({kind: 'moved', id: a.id, geometry: moved});
      });
      handles.addLayer(handle);
    });
    return null;
  }

  function showArea(msg) {
    areaPoints = msg.points || null;
    if (areaLayer) { map.removeLayer(areaLayer); areaLayer = null; }
    if (areaPoints && areaPoints.length >= 3) {
      areaLayer = L.polygon(areaPoints, L.extend({pane: 'annotations', renderer: svg}, AREA))
        .addTo(map);
    }
    return null;
  }

  /* ------------------------------------------------------------------ tools */
  function setTool(name) {
    var before = tool;
    if (name && S.measure && S.measure.stop) { S.measure.stop(); }  // one tool at a time
    tool = name || null;
    clearDraft();
    Object.keys(buttons).forEach(function (k) {
      L.DomUtil[k === tool ? 'addClass' : 'removeClass'](buttons[k], 'sl-on');
    });
    sheet.style.display = tool ? 'block' : 'none';
    sheet.style.cursor = tool === 'lasso' ? 'crosshair' : (tool ? 'cell' : '');
    if (tool !== before) { report({kind: 'tool', name: tool}); }  // the menu's check marks
    return null;
  }

  function clearDraft() {
    draft = [];
    lasso = null;
    if (draftLayer) { draftLayer.setLatLngs([]); }
    if (cursorLine) { cursorLine.setLatLngs([]); }
  }

  function latlngOf(e) { return map.mouseEventToLatLng(e); }

  function samePlace(a, b) {
    return map.latLngToContainerPoint(a).distanceTo(map.latLngToContainerPoint(b)) < 4;
  }

  function finish(add) {
    var corners = [];
    draft.forEach(function (p) {  // a double-click's two clicks leave one corner
      if (!corners.length || !samePlace(corners[corners.length - 1], p)) { corners.push(p); }
    });
    var need = tool === 'line' ? 2 : 3;
    if (corners.length < need) { return; }
    var points = corners.map(ll);
    if (tool === 'select' || tool === 'lasso') {
      report({kind: 'area', points: points, add: !!add});
      showArea({points: points});
    } else {
      report({kind: 'drawn', shape: tool, geometry: {points: points}});
    }
    setTool(null);
  }

  function onSheetClick(e) {
    L.DomEvent.stop(e);
    var at = latlngOf(e);
    if (tool === 'point' || tool === 'text' || tool === 'ring') {
      var shape = tool;
      setTool(null);
      report({kind: 'drawn', shape: shape, geometry: {lat: at.lat, lon: at.lng}});
    } else if (tool === 'line' || tool === 'polygon' || tool === 'select') {
      draft.push(at);
      draftLayer.setLatLngs(tool === 'line' ? draft : draft.concat([draft[0]]));
    }
  }

  function onSheetDblClick(e) {
    L.DomEvent.stop(e);
    if (tool === 'line' || tool === 'polygon' || tool === 'select') { finish(e.shiftKey); }
  }

  function onSheetDown(e) {
    if (e.button !== 0) { return; }
    L.DomEvent.stop(e);  // no map drag, no box select beneath
    if (tool === 'lasso') {
      lasso = {last: map.mouseEventToContainerPoint(e)};
      draft = [latlngOf(e)];
    }
  }

  function onSheetMove(e) {
    var at = latlngOf(e);
    if (lasso) {
      var p = map.mouseEventToContainerPoint(e);
      if (p.distanceTo(lasso.last) >= 3) {  // a corner every few pixels, not every event
        lasso.last = p;
        draft.push(at);
        draftLayer.setLatLngs(draft.concat([draft[0]]));
      }
    } else if (draft.length) {
      cursorLine.setLatLngs([draft[draft.length - 1], at]);
    }
  }

  function onSheetUp(e) {
    if (lasso) {
      L.DomEvent.stop(e);
      lasso = null;
      finish(e.shiftKey);
    }
  }

  function onKey(e) {
    if (!tool) { return; }
    if (e.key === 'Escape') { setTool(null); } else if (e.key === 'Enter') {
      finish(e.shiftKey);
    } else if (e.key === 'Backspace' && draft.length) {
      draft.pop();
      draftLayer.setLatLngs(tool === 'line' ? draft : draft.concat(draft.slice(0, 1)));
    } else { return; }
    e.preventDefault();
  }

  /* ------------------------------------------------------------------ right-click */
  function onContextMenu(e) {
    L.DomEvent.preventDefault(e);  // never the browser's own menu
    var point = map.mouseEventToContainerPoint(e);
    var at = map.containerPointToLatLng(point);
    var annotation = contextTarget;
    contextTarget = null;
    var rect = map.getContainer().getBoundingClientRect();
    report({kind: 'context', lat: at.lat, lon: at.lng, x: point.x + rect.left,
            y: point.y + rect.top, event: tool ? null : S.eventAt(point),
            annotation: annotation, drawing: tool});
  }

  /* ------------------------------------------------------------------ start */
  function installToolbar() {
    var Bar = L.Control.extend({
      options: {position: 'topright'},
      onAdd: function () {
        var bar = L.DomUtil.create('div', 'leaflet-bar sl-tools sl-draw');
        TOOLS.forEach(function (t) {
          var b = L.DomUtil.create('a', 'sl-button', bar);
          b.href = '#';
          b.title = t[2];
          b.textContent = t[1];
          b.setAttribute('role', 'button');
          b.setAttribute('aria-label', t[2]);
          L.DomEvent.on(b, 'click', function (e) {
            L.DomEvent.stop(e);
            setTool(tool === t[0] ? null : t[0]);
          });
          buttons[t[0]] = b;
        });
        L.DomEvent.disableClickPropagation(bar);
        return bar;
      }
    });
    new Bar().addTo(map);
  }

  function init(leafletMap) {
    map = leafletMap;
    map.createPane('annotations').style.zIndex = 460;  // over the events' canvas
    map.createPane('annotationNotes').style.zIndex = 620;
    svg = L.svg({pane: 'annotations', padding: 0.3}).addTo(map);
    svg._container.style.pointerEvents = 'none';  // only the shapes themselves take clicks
    var style = document.createElement('style');
    style.textContent = '.sl-annotation-area { pointer-events: stroke !important; }' +
      '.sl-handle { background: #fff; border: 2px solid #6d28d9; border-radius: 2px; }' +
      '.sl-annotation-tip { background: rgba(255,255,255,0.85); border: 0; ' +
      'box-shadow: none; padding: 1px 4px; }';
    document.head.appendChild(style);
    group = L.featureGroup().addTo(map);
    handles = L.layerGroup().addTo(map);
    draftLayer = L.polyline([], L.extend({pane: 'annotations', renderer: svg}, DRAFT))
      .addTo(map);
    cursorLine = L.polyline([], L.extend({pane: 'annotations', renderer: svg}, DRAFT,
                                         {opacity: 0.6})).addTo(map);
    sheet = L.DomUtil.create('div', 'sl-draw-sheet', map.getContainer());
    sheet.style.cssText = 'position:absolute;left:0;top:0;right:0;bottom:0;z-index:650;' +
      'display:none;background:transparent';
    L.DomEvent.on(sheet, 'click', onSheetClick);
    L.DomEvent.on(sheet, 'dblclick', onSheetDblClick);
    L.DomEvent.on(sheet, 'mousedown', onSheetDown);
    L.DomEvent.on(sheet, 'mousemove', onSheetMove);
    L.DomEvent.on(sheet, 'mouseup', onSheetUp);
    L.DomEvent.on(document, 'keydown', onKey);
    map.getContainer().addEventListener('contextmenu', onContextMenu);
    map.on('click', function () { if (editingId !== null) { editAnnotation({id: null}); } });
    installToolbar();
  }

  S.addTool(init);
  S.handle('annotations', drawAnnotations);
  S.handle('area', showArea);
  S.handle('edit_annotation', editAnnotation);
  S.handle('draw_tool', function (msg) { return setTool(msg.name); });
  S.stopDrawing = function () { if (tool) { setTool(null); } };

  /* For tests: what is drawn, and where a place is in page pixels. */
  S.annotations = function () {
    return Object.keys(items).map(function (id) {
      var layer = layers[id];
      var texts = [];
      var collect = function (l) {
        var t = l.getTooltip && l.getTooltip();
        if (t && t.getElement()) { texts.push(t.getElement().textContent); }
        if (l.getElement && l.getElement() && l.getElement().classList &&
            l.getElement().classList.contains('sl-annotation-note')) {
          texts.push(l.getElement().textContent);
        }
        if (l.eachLayer) { l.eachLayer(collect); }
      };
      collect(layer);
      return {id: Number(id), kind: items[id].kind, texts: texts};
    });
  };
  S.pagePixel = function (lat, lon) {
    var p = map.latLngToContainerPoint([lat, lon]);
    var r = map.getContainer().getBoundingClientRect();
    return {x: p.x + r.left, y: p.y + r.top};
  };
  S.drawing = function () {
    return {tool: tool, corners: draft.length, area: areaPoints, editing: editingId,
            handles: handles.getLayers().length};
  };
}());
