/* The basemap outlines' zoom cost, made small (loaded before sightline_map.js, which
 * applies it to the Natural Earth layer and its canvas).
 *
 * The outlines are ~100,000 points. Leaflet 1.9 projects every point through the CRS
 * again at every zoom, clips and simplifies every ring, and, on a zoom without
 * animation (setZoom, setView), does the clip-and-simplify pass three times: on
 * moveend, and twice more on the viewreset that follows (the renderer's update, then
 * each layer's reset). Here:
 *  - every point goes through the projection once, to the unit square of Web Mercator,
 *    and is only scaled at each zoom;
 *  - every point gets, once, its Douglas-Peucker significance (the tolerance under
 *    which the simplification keeps it, in unit coordinates, never above its parent
 *    split's), so a zoom keeps the points that matter at one pixel with one comparison
 *    each instead of projecting, clipping and simplifying them all: the same outline
 *    Leaflet's own 1-pixel simplification draws, from a tenth of the points at world zoom;
 *  - the basemap canvas's viewreset does not project and update every ring a second
 *    time when the zoomend just projected them for the same view.
 */
(function () {
  'use strict';

  var MAX_LAT = 85.0511287798;
  var SMOOTH_PX = 1;  // Leaflet's default smoothFactor: the same outline

  function unitRing(latlngs) {
    var unit = new Float64Array(2 * latlngs.length);
    for (var i = 0; i < latlngs.length; i++) {
      var lat = Math.max(-MAX_LAT, Math.min(MAX_LAT, latlngs[i].lat)) * Math.PI / 180;
      unit[2 * i] = (latlngs[i].lng + 180) / 360;
      unit[2 * i + 1] = 0.5 - Math.log(Math.tan(Math.PI / 4 + lat / 2)) / (2 * Math.PI);
    }
    return unit;
  }

  /* Distance of point i from the segment a-b (all in the unit array xy). */
  function segmentDistance(xy, i, a, b) {
    var x = xy[2 * i], y = xy[2 * i + 1];
    var ax = xy[2 * a], ay = xy[2 * a + 1];
    var dx = xy[2 * b] - ax, dy = xy[2 * b + 1] - ay;
    var len = dx * dx + dy * dy;
    var t = len > 0 ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len)) : 0;
    var ex = x - (ax + t * dx), ey = y - (ay + t * dy);
    return Math.sqrt(ex * ex + ey * ey);
  }

  /* Each point's significance: Douglas-Peucker splits the span at its farthest point;
     that point's value is its distance, capped by the span's own, so keeping the points
     whose value is at least tol gives exactly the simplification at tol. The ends are
     always kept (Infinity). Iterative: rings have thousands of points. */
  function significance(xy) {
    var n = xy.length / 2;
    var sig = new Float64Array(n);
    if (n === 0) { return sig; }
    sig[0] = Infinity;
    sig[n - 1] = Infinity;
    var stack = [0, n - 1, Infinity];
    while (stack.length) {
      var cap = stack.pop(), b = stack.pop(), a = stack.pop();
      if (b - a < 2) { continue; }
      var far = -1, best = -1;
      for (var i = a + 1; i < b; i++) {
        var d = segmentDistance(xy, i, a, b);
        if (d > best) { best = d; far = i; }
      }
      var value = Math.min(best, cap);
      sig[far] = value;
      stack.push(a, far, value, far, b, value);
    }
    return sig;
  }

  /* Replace the layer's projection (Polyline._projectLatlngs) by the unit points scaled
     to the zoom, keeping only those significant at one pixel of it. */
  function projectOnce(layer) {
    layer._projectLatlngs = function (latlngs, result, bounds) {
      if (!(latlngs[0] instanceof L.LatLng)) {
        for (var k = 0; k < latlngs.length; k++) {
          this._projectLatlngs(latlngs[k], result, bounds);
        }
        return;
      }
      var unit = latlngs._slUnit || (latlngs._slUnit = unitRing(latlngs));
      var sig = latlngs._slSig || (latlngs._slSig = significance(unit));
      var pool = latlngs._slPool || (latlngs._slPool = new Array(latlngs.length));
      var scale = this._map.options.crs.scale(this._map.getZoom());
      var tol = SMOOTH_PX / scale;
      var origin = this._map.getPixelOrigin();
      var ring = [];
      for (var i = 0; i < latlngs.length; i++) {
        if (sig[i] < tol) { continue; }
        var x = Math.round(unit[2 * i] * scale) - origin.x;
        var y = Math.round(unit[2 * i + 1] * scale) - origin.y;
        var p = pool[i];
        if (p) { p.x = x; p.y = y; } else { p = pool[i] = L.point(x, y); }
        bounds.extend(p);
        ring.push(p);
      }
      result.push(ring);
    };
  }

  /* The canvas of the outlines: a zoom without animation projects them at zoomend,
     then Leaflet's viewreset projects and updates every layer again before its own
     postponed update and redraw. When the layers were projected for this very view
     (zoom and pixel origin), the reset keeps the canvas's placing, update and redraw
     and drops the layers' second projection and update. */
  function quietReset(renderer) {
    var reset = renderer._reset;
    var onZoomEnd = renderer._onZoomEnd;
    var projected = null;  // the view the layers were last projected for

    function view(r) {
      var o = r._map.getPixelOrigin();
      return r._map.getZoom() + ',' + o.x + ',' + o.y;
    }

    renderer._onZoomEnd = function () {
      onZoomEnd.apply(this, arguments);
      projected = view(this);
    };
    renderer._reset = function () {
      if (projected !== view(this)) {
        reset.apply(this, arguments);
        projected = view(this);
        return;
      }
      this._update();
      this._updateTransform(this._center, this._zoom);
      this._postponeUpdatePaths = false;
      this._updatePaths();
    };
  }

  window.SightlineOutlines = {projectOnce: projectOnce, quietReset: quietReset,
                              significance: significance};
}());
