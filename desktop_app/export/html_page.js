/* Sightline offline export: map, timeline and event list of a view or a story.
 * Event text only ever goes in with textContent (never innerHTML); URLs are text. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("sl-data").textContent);
  var basemap = JSON.parse(document.getElementById("sl-basemap").textContent);
  var byId = new Map();
  data.events.forEach(function (e) { byId.set(e.id, e); });
  var SVGNS = "http://www.w3.org/2000/svg";
  var state = { step: -1, selected: new Set(), active: null, shown: [], marks: 0,
                spots: null, items: null, picked: [], drawn: null, drawnZoom: null, clusterMs: 0,
                drawMs: 0 };

  // the CJK font the page carries (html_font.py; only when it shows CJK text)
  var fonts = { cjk: "unsupported" };

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function svg(tag, attrs) {
    var node = document.createElementNS(SVGNS, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  // ------------------------------------------------------------------ map
  var map = L.map("sl-map", { preferCanvas: true, zoomSnap: 0.25, minZoom: 1, maxZoom: 14,
                              worldCopyJump: false, attributionControl: true });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Natural Earth (public domain)");
  L.geoJSON(basemap, { interactive: false, style: { color: "#9aa5b1", weight: 0.6,
    fillColor: "#f1efe9", fillOpacity: 1 } }).addTo(map);
  var markerLayer = L.layerGroup().addTo(map);
  var annotationLayer = L.layerGroup().addTo(map);
  var annotationRenderer = L.svg();

  // the analyst's annotations a step shows (all of them when it says nothing)
  function drawAnnotations(shown) {
    annotationLayer.clearLayers();
    if (!window.SightlineShapes) return;
    (data.annotations || []).forEach(function (a) {
      if (shown && shown.indexOf(a.id) < 0) return;
      var layer = window.SightlineShapes.layerOf(a, { renderer: annotationRenderer });
      if (layer) annotationLayer.addLayer(layer);
    });
  }
  map.setView([30, 60], 2);
  L.control.scale({ position: "bottomleft" }).addTo(map);
  function addLegend() {
    if (data.legend) {  // the map's colour by a facet: its values, as text
      var legend = L.control({ position: "bottomright" });
      legend.onAdd = function () {
        var box = el("div", "sl-legend");
        box.appendChild(el("div", "sl-legend-title", data.legend.facet));
        data.legend.rows.forEach(function (r) {
          var row = el("div", "sl-legend-row");
          var swatch = el("span", "sl-legend-swatch");
          swatch.style.background = r[2];
          row.appendChild(swatch);
          row.appendChild(el("span", "sl-legend-name", r[0]));
          row.appendChild(el("span", "sl-legend-count", Number(r[1]).toLocaleString()));
          box.appendChild(row);
        });
        return box;
      };
      legend.addTo(map);
    }
  }

  function tooltipOf(e) {
    var box = el("div", "sl-tip");
    box.appendChild(el("strong", null, e.title));
    box.appendChild(el("div", null, e.date));
    if (e.place) box.appendChild(el("div", null, e.place));
    return box;
  }

  // ------------------------------------------------------------------ clusters
  // markers that would touch are count bubbles (html_clusters.js: the rule and the merge)
  var clustering = window.SightlineClusters, LONE_R = clustering.LONE_R;
  var spotsOf = clustering.spotsOf, clusters = clustering.clusters;
  var NEUTRAL = "#8a94a0", PLAIN = "#4f83b6";
  var COLOUR = /^#[0-9a-fA-F]{3,8}$/;
  function colourOf(e) { return e.colour && COLOUR.test(e.colour) ? e.colour : PLAIN; }

  // a bubble's face: filled with its events' colour when they share one, else neutral
  // and ringed with each colour's share (the app's colour mix); its count as text
  function bubbleNode(item) {
    var shares = {};
    item.ids.forEach(function (id) {
      var colour = colourOf(byId.get(id));
      shares[colour] = (shares[colour] || 0) + 1;
    });
    var names = Object.keys(shares).sort(function (p, q) {
      return shares[q] - shares[p] || (p < q ? -1 : 1);
    });
    var size = 2 * item.r;
    var node = el("div", "sl-bubble");
    node.style.width = size + "px";
    node.style.height = size + "px";
    var face = el("span", "sl-bubble-face", item.c.toLocaleString());
    if (names.length === 1) {
      face.style.background = names[0];
      node.style.background = "#1f4e79";
    } else {
      face.style.background = NEUTRAL;
      var stops = [], from = 0;
      names.forEach(function (name) {
        var to = from + shares[name] / item.c * 360;
        stops.push(name + " " + from.toFixed(2) + "deg " + to.toFixed(2) + "deg");
        from = to;
      });
      node.style.background = "conic-gradient(" + stops.join(", ") + ")";
      node.classList.add("sl-mixed");
    }
    if (item.c >= 1000) face.classList.add("sl-small-text");
    node.appendChild(face);
    node.title = item.c.toLocaleString() + " events: click to zoom in";
    return node;
  }

  // picked events go over the bubbles (markerPane, 600) in a pane of their own
  map.createPane("sl-picked").style.zIndex = "620";
  var pickedRenderer = L.canvas({ pane: "sl-picked" });
  var pickedLayer = L.layerGroup().addTo(map);

  function eventMarker(e, picked) {
    var marker = L.circleMarker([e.lat, e.lon], {
      radius: picked ? 8 : 6, weight: picked ? 2.5 : 1.2,
      color: picked ? "#b3261e" : "#1f4e79",
      fillColor: picked ? "#f28b82" : (e.colour || PLAIN),  // colour by a facet
      fillOpacity: 0.85, renderer: picked ? pickedRenderer : undefined });
    marker.bindTooltip(tooltipOf(e));  // a DOM node: Leaflet does not parse it as HTML
    marker.on("click", function () { choose(e.id); });
    return marker;
  }

  // a click on a bubble zooms in to its events (at least two steps); events that cannot
  // come apart (one spot, or the deepest zoom) are chosen instead, the first in the list
  function openBubble(item) {
    var bounds = L.latLngBounds(item.ids.map(function (id) {
      var e = byId.get(id);
      return [e.lat, e.lon];
    }));
    var zoom = map.getZoom(), top = map.getMaxZoom();
    if (bounds.getNorthEast().equals(bounds.getSouthWest()) || zoom >= top) {
      choose(item.ids.slice().sort(function (p, q) { return byId.get(p).s - byId.get(q).s; })[0]);
      return;
    }
    var target = Math.min(top, Math.max(map.getBoundsZoom(bounds, false, L.point(80, 80)),
                                        zoom + 2));
    map.setView(bounds.getCenter(), target);
  }

  // the step's events to draw: picked ones alone, the rest as spots to cluster
  function placeEvents(ids) {
    var rest = [], picked = [];
    ids.forEach(function (id) {
      var e = byId.get(id);
      if (!e || e.lat === null || e.lon === null) return;
      (state.selected.has(id) ? picked : rest).push(e);
    });
    state.spots = spotsOf(rest);
    state.picked = picked;
    state.marks = rest.length + picked.length;  // every located event is drawn, alone or counted
    state.drawnZoom = null;
    layout();
    drawView();
  }

  // the zoom's clusters (worked out on each zoom), then the markers of those in and around
  // the view (drawn on each move: 50,000 markers at street zoom would take seconds)
  var VIEW_PAD = 300;
  function layout() {
    var zoom = map.getZoom();
    if (!state.spots || state.drawnZoom === zoom) return;
    var started = performance.now();
    state.drawnZoom = zoom;
    state.items = clusters(state.spots, zoom).map(function (item) {
      if (item.c === 1) {
        var e = byId.get(item.ids[0]);
        return { item: item, at: L.latLng(e.lat, e.lon), r: LONE_R, id: e.id, layer: null };
      }
      return { item: item, at: map.unproject([item.x, item.y], zoom), r: item.r, c: item.c,
               layer: null };
    });
    state.clusterMs = performance.now() - started;
  }

  function drawView() {
    if (!state.items) return;
    var started = performance.now();
    markerLayer.clearLayers();
    pickedLayer.clearLayers();
    var view = map.getPixelBounds(), pad = L.point(VIEW_PAD, VIEW_PAD);
    var area = L.bounds(view.min.subtract(pad), view.max.add(pad));
    state.items.forEach(function (row) {
      row.drawn = area.contains([row.item.x, row.item.y]);
      if (!row.drawn) return;
      if (!row.layer) row.layer = row.id !== undefined ? eventMarker(byId.get(row.id), false)
                                                       : bubbleMarker(row);
      row.layer.addTo(markerLayer);
    });
    state.drawn = {
      bubbles: state.items.filter(function (row) { return row.id === undefined; }),
      lones: state.items.filter(function (row) { return row.id !== undefined; }),
      picked: state.picked.map(function (e) {
        eventMarker(e, true).addTo(pickedLayer);
        return { at: L.latLng(e.lat, e.lon), r: 8 + 1.25, id: e.id, drawn: true };
      })
    };
    state.drawMs = performance.now() - started;
  }
  function bubbleMarker(row) {
    var size = 2 * row.r;
    var icon = L.divIcon({ html: bubbleNode(row.item), className: "sl-bubble-icon",
                           iconSize: [size, size], iconAnchor: [size / 2, size / 2] });
    var marker = L.marker(row.at, { icon: icon, keyboard: true });
    marker.on("click", function () { openBubble(row.item); });
    return marker;
  }
  map.on("zoomend", layout);
  map.on("moveend resize", drawView);

  // ------------------------------------------------------------------ timeline
  var timeline = document.getElementById("sl-timeline");
  var drawnMarks = 0;
  function years(t0, t1) {
    var a = new Date(t0 * 1000).getUTCFullYear(), b = new Date(t1 * 1000).getUTCFullYear();
    var step = Math.max(1, Math.ceil((b - a + 1) / 12));
    var out = [];
    for (var y = a; y <= b + 1; y += step) out.push([y, Date.UTC(y, 0, 1) / 1000]);
    return out;
  }
  function drawTimeline(ids, range, win) {
    while (timeline.firstChild) timeline.removeChild(timeline.firstChild);
    var width = timeline.clientWidth || 800, height = timeline.clientHeight || 150;
    timeline.setAttribute("viewBox", "0 0 " + width + " " + height);
    var events = ids.map(function (id) { return byId.get(id); }).filter(Boolean);
    var t0, t1;
    if (range) { t0 = range[0]; t1 = range[1]; }
    else if (events.length) {
      t0 = Math.min.apply(null, events.map(function (e) { return e.s; }));
      t1 = Math.max.apply(null, events.map(function (e) { return e.e; }));
      var pad = Math.max((t1 - t0) * 0.05, 86400);
      t0 -= pad; t1 += pad;
    } else { t0 = 0; t1 = 86400 * 365; }
    var left = 10, right = width - 10, axisY = height - 22;
    function x(t) { return left + (t - t0) / (t1 - t0) * (right - left); }
    if (win && (win[0] !== null || win[1] !== null)) {
      var a = Math.max(left, x(win[0] === null ? t0 : win[0]));
      var b = Math.min(right, x(win[1] === null ? t1 : win[1]));
      if (b > a) timeline.appendChild(svg("rect", { x: a, y: 2, width: b - a,
        height: axisY - 2, "class": "sl-window" }));
    }
    timeline.appendChild(svg("line", { x1: left, x2: right, y1: axisY, y2: axisY,
                                       "class": "sl-axis" }));
    years(t0, t1).forEach(function (pair) {
      var px = x(pair[1]);
      if (px < left || px > right) return;
      timeline.appendChild(svg("line", { x1: px, x2: px, y1: axisY, y2: axisY + 5,
                                         "class": "sl-axis" }));
      var label = svg("text", { x: px + 2, y: axisY + 16, "class": "sl-tick" });
      label.textContent = String(pair[0]);
      timeline.appendChild(label);
    });
    // events packed into lanes in time order; a span shows a year- or month-only date
    var laneEnds = [], laneH = 14, maxLanes = Math.max(1, Math.floor((axisY - 8) / laneH)), n = 0;
    events.slice().sort(function (p, q) { return p.s - q.s; }).forEach(function (e) {
      if (e.e <= t0 || e.s >= t1) return;
      var a = Math.max(left, x(e.s)), b = Math.min(right, x(e.e));
      var lane = 0;
      while (lane < laneEnds.length && laneEnds[lane] > a - 2) lane += 1;
      if (lane >= maxLanes) lane = n % maxLanes;  // crowded: overlap rather than drop
      laneEnds[lane] = Math.max(b, a + 3);
      var picked = state.selected.has(e.id);
      var mark = svg("rect", { x: a, y: 4 + lane * laneH, width: Math.max(3, b - a),
        height: laneH - 4, rx: 2, "class": "sl-mark" + (picked ? " sl-picked" : "") +
        (b - a > 6 ? " sl-span" : ""), "data-id": e.id });
      var tip = svg("title", {});
      tip.textContent = e.date + " \u2014 " + e.title;
      mark.appendChild(tip);
      mark.addEventListener("click", function () { choose(e.id); });
      timeline.appendChild(mark);
      n += 1;
    });
    drawnMarks = n;
  }

  // ------------------------------------------------------------------ list
  var list = document.getElementById("sl-list");
  var detail = document.getElementById("sl-detail");
  function sourceLine(s) {
    var li = el("li", "sl-source");
    li.appendChild(el("span", "sl-source-title", s.title));
    var extra = [s.publisher, s.date].filter(Boolean).join(", ");
    if (extra) li.appendChild(el("span", "sl-muted", " (" + extra + ")"));
    if (s.url) li.appendChild(el("div", "sl-url", s.url));  // text, never a link
    return li;
  }
  function drawList(ids) {
    while (list.firstChild) list.removeChild(list.firstChild);
    var events = ids.map(function (id) { return byId.get(id); }).filter(Boolean);
    events.sort(function (a, b) { return a.s - b.s; });
    events.forEach(function (e) {
      var li = el("li", "sl-event" + (state.selected.has(e.id) ? " sl-picked" : ""));
      li.dataset.id = String(e.id);
      li.appendChild(el("div", "sl-date", e.date));
      li.appendChild(el("div", "sl-event-title", e.title));
      li.appendChild(el("div", "sl-muted", e.place || "no location"));
      if (e.sources.length) {
        var ul = el("ul", "sl-sources");
        e.sources.forEach(function (s) { ul.appendChild(sourceLine(s)); });
        li.appendChild(ul);
      }
      li.addEventListener("click", function () { choose(e.id); });
      list.appendChild(li);
    });
    document.getElementById("sl-count").textContent = "(" + events.length + ")";
  }
  function choose(id) {
    var e = byId.get(id);
    state.active = id;
    while (detail.firstChild) detail.removeChild(detail.firstChild);
    if (!e) return;
    detail.appendChild(el("div", "sl-date", e.date));
    detail.appendChild(el("h4", null, e.title));
    if (e.place) detail.appendChild(el("div", "sl-muted", e.place));
    if (e.description) detail.appendChild(el("p", null, e.description));
    Array.prototype.forEach.call(list.children, function (li) {
      li.classList.toggle("sl-active", li.dataset.id === String(id));
    });
    if (e.lat !== null && e.lon !== null) map.panTo([e.lat, e.lon]);
  }

  // ------------------------------------------------------------------ steps
  function go(index, animate) {
    var steps = data.steps;
    if (!steps.length) return;
    index = Math.max(0, Math.min(steps.length - 1, index));
    var step = steps[index];
    state.step = index;
    state.selected = new Set(step.selection);
    state.shown = step.ids;
    document.getElementById("sl-step-title").textContent = step.title;
    document.getElementById("sl-step-note").textContent = step.note;
    document.getElementById("sl-caption").hidden = !(step.title || step.note);
    document.getElementById("sl-stepno").textContent = data.story ?
      "Step " + (index + 1) + " of " + steps.length : "";
    document.getElementById("sl-prev").disabled = index === 0;
    document.getElementById("sl-next").disabled = index === steps.length - 1;
    placeEvents(step.ids);
    drawAnnotations(step.annotations);
    drawTimeline(step.ids, step.timeline, step.window);
    drawList(step.ids);
    if (step.map) {
      if (animate) map.flyTo([step.map[0], step.map[1]], step.map[2], { duration: 1.0 });
      else map.setView([step.map[0], step.map[1]], step.map[2], { animate: false });
    } else {
      var located = step.ids.map(function (id) { return byId.get(id); })
        .filter(function (e) { return e && e.lat !== null; });
      if (located.length) map.fitBounds(located.map(function (e) { return [e.lat, e.lon]; }),
                                        { padding: [30, 30], maxZoom: 6, animate: false });
    }
  }

  function pixels(rows, last) {
    return rows.map(function (row) {
      // unrounded (latLngToContainerPoint rounds to the pixel)
      var p = map.layerPointToContainerPoint(map.project(row.at).subtract(map.getPixelOrigin()));
      return [p.x, p.y, row.r, row[last], row.drawn];
    });
  }

  function start() {
    var chart = document.getElementById("sl-links");
    if (chart) chart.hidden = false;
    addLegend();
    document.getElementById("sl-title").textContent = data.title;
    ["sl-class-top", "sl-class-bottom"].forEach(function (id) {
      document.getElementById(id).textContent = data.classification;
    });
    document.getElementById("sl-nav").hidden = !data.story || data.steps.length < 2;
    document.getElementById("sl-prev").addEventListener("click", function () { go(state.step - 1, true); });
    document.getElementById("sl-next").addEventListener("click", function () { go(state.step + 1, true); });
    document.addEventListener("keydown", function (ev) {
      if (["ArrowRight", "PageDown", " "].indexOf(ev.key) >= 0) { go(state.step + 1, true); ev.preventDefault(); }
      if (["ArrowLeft", "PageUp"].indexOf(ev.key) >= 0) { go(state.step - 1, true); ev.preventDefault(); }
    });
    window.addEventListener("resize", function () {
      var step = data.steps[state.step];
      if (step) drawTimeline(step.ids, step.timeline, step.window);
    });
    var foot = "Exported from Sightline: " + data.events.length + " events";
    if (data.total > data.events.length) foot += " (the first " + data.events.length + " of " + data.total + ")";
    document.getElementById("sl-footnote").textContent = foot + ". Works offline: nothing is fetched.";
    go(0, false);

    // what tests and curious readers can ask the page
    window.SightlineExport = {
      markerCount: function () { return state.marks; },
      // the map's markers at this zoom, in container pixels: bubbles [x, y, r, count, drawn],
      // lone events [x, y, r, id, drawn], the picked events over them [x, y, r, id, true]
      // (drawn: in or near the view, so made; the rest are made when the view comes to them)
      bubbles: function () { return pixels(state.drawn ? state.drawn.bubbles : [], "c"); },
      lones: function () { return pixels(state.drawn ? state.drawn.lones : [], "id"); },
      picked: function () { return pixels(state.drawn ? state.drawn.picked : [], "id"); },
      clusterMs: function () { return [state.clusterMs, state.drawMs]; },
      zoomTo: function (lat, lon, zoom) { map.setView([lat, lon], zoom, { animate: false }); return map.getZoom(); },
      annotations: function () {
        var texts = [];
        annotationLayer.eachLayer(function collect(l) {
          var t = l.getTooltip && l.getTooltip();
          if (t && t.getElement()) texts.push(t.getElement().textContent);
          if (l.getElement && l.getElement() && l.getElement().textContent) texts.push(l.getElement().textContent);
          if (l.eachLayer) l.eachLayer(collect);
        });
        return texts;
      },
      timelineMarks: function () { return drawnMarks; },
      step: function () { return state.step; },
      steps: function () { return data.steps.length; },
      listCount: function () { return list.children.length; },
      go: function (i) { go(i, false); return state.step; },
      center: function () { var c = map.getCenter(); return [c.lat, c.lng, map.getZoom()]; },
      fonts: function () { return fonts.cjk; }
    };
  }

  // The page's text goes in once the font it carries is loaded: Chromium keeps the
  // fallback it found for text laid out while the font loaded (boxes, for good), so the
  // markup holds no text of the events and nothing is written before this.
  if (document.fonts && document.fonts.load) {
    fonts.cjk = "loading";
    document.fonts.load('14px "Sightline CJK"').then(function (faces) {
      fonts.cjk = faces.length ? "loaded" : "none";
      start();
    }, function (error) { fonts.cjk = "error: " + error; start(); });
  } else start();
})();
