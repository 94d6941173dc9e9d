/* Sightline map page: the basemap and the north arrow (loaded after sightline_map.js).
 *
 * Python -> JS  basemap {mode: 'outlines' | 'tiles' | 'vector', url, minNativeZoom,
 *               maxNativeZoom, bounds [s, w, n, e] | null, attribution (escaped text),
 *               labels, and for 'vector' schema and layers (sightline_vector.js)}
 * A tile basemap is the analyst's own MBTiles/PMTiles file (sightline-tiles: URLs,
 * answered by Python from the file) or an online XYZ URL the analyst opted into; a
 * vector file's tiles are drawn on the page in a shipped style. The shipped outlines
 * are hidden under tiles, and shown again with 'outlines'.
 * The north arrow shows in pictures of the map (chrome off) and while presenting.
 */
(function () {
  'use strict';

  var S = window.Sightline;
  var map = null;
  var tiles = null;
  var loaded = 0;
  var failed = 0;
  var arrow = null;
  var chromeOn = true;
  var dark = false;  // the window's theme: a vector basemap follows it
  var vectorOptions = null;
  var presenting = false;
  var OUTLINES_CREDIT = 'Natural Earth';
  var credited = true;  // sightline_map.js credits the outlines as it draws them

  function credit(on) {
    if (on === credited) { return; }
    credited = on;
    if (on) { map.attributionControl.addAttribution(OUTLINES_CREDIT); }
    else { map.attributionControl.removeAttribution(OUTLINES_CREDIT); }
  }

  function setBasemap(msg) {
    if (tiles) {
      map.removeLayer(tiles);
      tiles = null;
    }
    var outlines = msg.mode !== 'tiles' && msg.mode !== 'vector';
    var pane = map.getPane('basemap');
    if (pane) { pane.style.display = outlines ? '' : 'none'; }
    var labels = map.getPane('labels');
    if (labels) { labels.style.display = msg.labels ? '' : 'none'; }
    credit(outlines);
    if (outlines) { return; }
    var options = {
      maxZoom: map.getMaxZoom(), minNativeZoom: msg.minNativeZoom,
      maxNativeZoom: msg.maxNativeZoom, attribution: msg.attribution, keepBuffer: 1
    };
    if (msg.bounds) {
      options.bounds = L.latLngBounds([msg.bounds[0], msg.bounds[1]],
                                      [msg.bounds[2], msg.bounds[3]]);
    }
    vectorOptions = null;
    if (msg.mode === 'vector') {
      options.schema = msg.schema;
      options.layers = msg.layers;
      options.url = msg.url;
      vectorOptions = options;
      tiles = S.vectorLayer(options, dark);
    } else {
      tiles = L.tileLayer(msg.url, options);
    }
    show(tiles);
  }

  function show(layer) {
    layer.on('tileload', function () { loaded += 1; });
    layer.on('tileerror', function () { failed += 1; });
    layer.addTo(map);
  }

  function setTheme(on) {
    if (on === dark) { return; }
    dark = on;
    if (tiles && vectorOptions) {  // drawn again in the theme's colours
      map.removeLayer(tiles);
      tiles = S.vectorLayer(vectorOptions, dark);
      show(tiles);
    }
  }

  function showArrow() {
    if (arrow) { arrow.style.display = (!chromeOn || presenting) ? '' : 'none'; }
  }

  function installArrow() {
    var North = L.Control.extend({
      options: {position: 'topright'},
      onAdd: function () {
        arrow = L.DomUtil.create('div', 'sl-north');
        arrow.title = 'North';
        var svg = '<svg xmlns="http://www.w3.org/2000/svg" width="26" height="40" ' +
          'viewBox="0 0 26 40"><text x="13" y="11" text-anchor="middle" ' +
          'font-family="Arial, sans-serif" font-weight="700" font-size="11" ' +
          'fill="#1f2933">N</text><path d="M13 14 L21 37 L13 31 L5 37 Z" ' +
          'fill="#1f2933" stroke="#ffffff" stroke-width="1"/>' +
          '<path d="M13 14 L13 31 L5 37 Z" fill="#ffffff" stroke="#1f2933" ' +
          'stroke-width="1"/></svg>';
        arrow.innerHTML = svg;  // a fixed picture, no data in it
        return arrow;
      }
    });
    new North().addTo(map);
    showArrow();
  }

  S.plugins.push(function (m) {
    map = m;
    installArrow();
  });

  S.listeners.push(function (msg) {
    if (msg.kind === 'basemap') {
      setBasemap(msg);
    } else if (msg.kind === 'chrome') {
      chromeOn = !!msg.on;
      showArrow();
    } else if (msg.kind === 'theme') {
      setTheme(!!msg.dark);
    } else if (msg.kind === 'present') {
      presenting = msg.scale !== 1;
      showArrow();
    }
  });

  /* Settled also means the basemap's tiles have come (or failed): a picture of the map
     (PNG, PDF pack, screenshot) waits for them. */
  var moving = S.settled;
  S.settled = function () { return moving() && !(tiles && tiles.isLoading()); };

  function msgUrl(layer) { return layer.options.url || null; }

  /* For tests: what the basemap is and how many tiles it has drawn. */
  S.basemap = function () {
    return {tiles: !!tiles, url: tiles ? (tiles._url || msgUrl(tiles)) : null,
            vector: tiles ? tiles.schema || null : null, dark: !!(tiles && tiles.dark),
            loaded: loaded, failed: failed,
            outlines: map.getPane('basemap').style.display !== 'none',
            arrow: !!arrow && arrow.style.display !== 'none'};
  };
}());
