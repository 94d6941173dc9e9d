/* Sightline offline export: the clustering of the page's markers (html_page.js draws them).
 * Plain ES5 with no library, like the page; it goes into the page's script before it. */
(function () {
  "use strict";
  // Events whose markers would touch merge into count bubbles, as on the app's map
  // (desktop_app/frame/bubbles.py): a bubble of n events has radius min(8 + 3.2 log10 n, 22)
  // px; a lone event is its marker, radius 6 plus half its 1.2 px stroke (LONE_R); two
  // touch when their centres are closer than r1 + r2 + GAP px. Events at one spot are one
  // item of their count from the start (a bubble: they never separate). Biggest first (ties
  // in order of the events), each item not yet absorbed absorbs the touching ones not yet
  // absorbed, at their events' pixel centroid; passes repeat until none touch. Pixels are
  // the world's at the current zoom; a grid hash of squares as wide as the farthest reach
  // keeps each pass near linear. No DOM and no map here: html_page.js draws what these give.
  var GAP = 2, LONE_R = 6.6, MAX_PASSES = 200;
  function bubbleRadius(count) {  // to the half pixel its icon is drawn at
    return Math.round(2 * Math.min(8 + 3.2 * Math.log(Math.max(count, 1)) / Math.LN10, 22)) / 2;
  }

  // the located, unpicked events as spots: one per distinct position, with its place in
  // Web Mercator's unit square (zoom 0 pixels / 256, as Leaflet projects it)
  var MAX_LAT = 85.0511287798;
  function spotsOf(events) {
    var at = new Map(), spots = [];
    events.forEach(function (e) {
      var key = e.lat + "," + e.lon, spot = at.get(key);
      if (!spot) {
        var s = Math.sin(Math.max(Math.min(e.lat, MAX_LAT), -MAX_LAT) * Math.PI / 180);
        spot = { mx: e.lon / 360 + 0.5, my: 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI),
                 ids: [] };
        at.set(key, spot);
        spots.push(spot);
      }
      spot.ids.push(e.id);
    });
    return spots;
  }

  // the grid: squares hashed into a table of 2^k buckets, each a linked list of items in
  // typed arrays (nothing allocated per item); squares sharing a bucket only add items the
  // distance test leaves alone
  function cellKey(gx, gy) { return Math.imul(gx, 73856093) ^ Math.imul(gy, 19349663); }
  function bucketsOf(n, bucket, keep, size) {
    var head = new Int32Array(size).fill(-1), next = new Int32Array(n);
    for (var i = 0; i < n; i++) {
      if (keep && !keep[i]) continue;
      next[i] = head[bucket[i]];
      head[bucket[i]] = i;
    }
    return { head: head, next: next };
  }

  // one pass: biggest first, each item not yet taken takes the touching ones not yet taken;
  // returns the owner of each item, or null when none touch. Two items the last pass left
  // as they were (``fresh`` 0) do not touch (else one had taken the other), so an old item
  // looks only among the fresh ones: after the first passes most items are old.
  function owners(n, x, y, c, r, fresh) {
    var rmax = 0, i, j, size = 1024;
    for (i = 0; i < n; i++) if (r[i] > rmax) rmax = r[i];
    while (size < 2 * n) size *= 2;
    var mask = size - 1, side = 2 * rmax + GAP + 1;
    var gx = new Int32Array(n), gy = new Int32Array(n), bucket = new Int32Array(n);
    for (i = 0; i < n; i++) {
      gx[i] = Math.floor(x[i] / side);
      gy[i] = Math.floor(y[i] / side);
      bucket[i] = cellKey(gx[i], gy[i]) & mask;
    }
    var all = bucketsOf(n, bucket, null, size), young = bucketsOf(n, bucket, fresh, size);
    var order = new Array(n);
    for (i = 0; i < n; i++) order[i] = i;
    order.sort(function (a, b) { return c[b] - c[a] || a - b; });
    var owner = new Int32Array(n).fill(-1), touched = false;
    for (var k = 0; k < n; k++) {
      i = order[k];
      if (owner[i] >= 0) continue;
      owner[i] = i;
      var among = fresh[i] ? all : young, head = among.head, next = among.next;
      for (var dx = -1; dx <= 1; dx++) {
        for (var dy = -1; dy <= 1; dy++) {
          for (j = head[cellKey(gx[i] + dx, gy[i] + dy) & mask]; j >= 0; j = next[j]) {
            if (owner[j] >= 0) continue;
            var reach = r[i] + r[j] + GAP, ex = x[i] - x[j], ey = y[i] - y[j];
            if (ex * ex + ey * ey < reach * reach) { owner[j] = i; touched = true; }
          }
        }
      }
    }
    return touched ? owner : null;
  }

  // the spots merged at ``zoom`` until no two touch: [{x, y, c, r, ids}] in world pixels
  function clusters(spots, zoom) {
    var n = spots.length, world = 256 * Math.pow(2, zoom), i;
    var x = new Float64Array(n), y = new Float64Array(n), c = new Float64Array(n);
    var r = new Float64Array(n), group = new Int32Array(n), fresh = new Uint8Array(n).fill(1);
    for (i = 0; i < n; i++) {
      x[i] = spots[i].mx * world;
      y[i] = spots[i].my * world;
      c[i] = spots[i].ids.length;
      r[i] = c[i] > 1 ? bubbleRadius(c[i]) : LONE_R;
      group[i] = i;
    }
    for (var pass = 0; pass < MAX_PASSES && n > 1; pass++) {
      var owner = owners(n, x, y, c, r, fresh);
      if (!owner) break;
      var index = new Int32Array(n).fill(-1), m = 0;
      for (i = 0; i < n; i++) if (owner[i] === i) index[i] = m++;
      var nx = new Float64Array(m), ny = new Float64Array(m), nc = new Float64Array(m);
      var nr = new Float64Array(m), parts = new Int32Array(m);
      for (i = 0; i < n; i++) {
        var to = index[owner[i]];
        nx[to] += x[i] * c[i];
        ny[to] += y[i] * c[i];
        nc[to] += c[i];
        parts[to] += 1;
        if (owner[i] === i) nr[to] = r[i];
      }
      fresh = new Uint8Array(m);
      for (i = 0; i < m; i++) {
        nx[i] /= nc[i];
        ny[i] /= nc[i];
        if (parts[i] > 1) { nr[i] = bubbleRadius(nc[i]); fresh[i] = 1; }
      }
      for (i = 0; i < group.length; i++) group[i] = index[owner[group[i]]];
      x = nx; y = ny; c = nc; r = nr; n = m;
    }
    var items = [];
    for (i = 0; i < n; i++) items.push({ x: x[i], y: y[i], c: c[i], r: r[i], ids: [] });
    spots.forEach(function (spot, s) {
      var ids = items[group[s]].ids;
      for (var k = 0; k < spot.ids.length; k++) ids.push(spot.ids[k]);
    });
    return items;
  }

  window.SightlineClusters = { GAP: GAP, LONE_R: LONE_R, bubbleRadius: bubbleRadius,
                               spotsOf: spotsOf, clusters: clusters };
})();
