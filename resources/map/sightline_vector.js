/* Sightline map page: vector basemaps (MBTiles/PMTiles of MVT tiles), drawn with
 * protomaps-leaflet (vendor/protomaps-leaflet.js) in the style that fits the file.
 *
 * S.vectorLayer(options, dark) -> a Leaflet layer (dark: the window's dark theme);
 * options: those of a tile basemap plus
 *   schema  'protomaps' | 'openmaptiles' | 'generic' (named by Python from the layers)
 *   layers  the file's layer names, in its order (the generic style draws each)
 * The tiles come from Python (sightline-tiles:, unpacked and checked there); no label
 * of the file is drawn: Sightline's own labels (sightline_map.js), which never collide
 * with each other or hide an event, are the map's only names, over every basemap.
 */
(function () {
  'use strict';

  var S = window.Sightline;
  var P = window.protomapsL;
  // the colours of the Protomaps "light" and "dark" flavours, so that both known schemas
  // look alike, and follow the window's theme as Sightline's labels do
  var LIGHT = {
    background: '#cccccc', earth: '#e2dfda', water: '#80deea', park: '#9cd3b4',
    wood: '#a0d9a0', scrub: '#99d2bb', grass: '#cfddd5', glacier: '#e7e7e7',
    sand: '#e2e0d7', farmland: '#d9e2cf', urban: '#e4ded7', industrial: '#d1dde1',
    hospital: '#e4dad9', school: '#e4ded7', military: '#dcdcdc', aerodrome: '#dadbdf',
    buildings: '#cccccc', casing: '#c4bfb6', major: '#ffffff', minor: '#f6f5f2',
    railway: '#a7b1b3', boundaries: '#9e9e9e', generic: '#f4f1ea'
  };
  var DARK = {
    background: '#34373d', earth: '#1f1f1f', water: '#31353f', park: '#192a24',
    wood: '#202121', scrub: '#222323', grass: '#1c2421', glacier: '#1c1c1c',
    sand: '#212123', farmland: '#1e2320', urban: '#262323', industrial: '#222222',
    hospital: '#252424', school: '#262323', military: '#242323', aerodrome: '#1e1e1e',
    buildings: '#111111', casing: '#141414', major: '#474747', minor: '#333333',
    railway: '#000000', boundaries: '#5b6374', generic: '#1f2329'
  };
  var C = LIGHT;
  var POLYGON = 3, LINE = 2, POINT = 1;

  function kind(f) { return f.props['class']; }
  function is(geomType) { return function (z, f) { return f.geomType === geomType; }; }
  function classIn(list, geomType) {
    return function (z, f) {
      return (geomType === undefined || f.geomType === geomType) &&
        list.indexOf(kind(f)) >= 0;
    };
  }
  function fill(layer, colour, filter, minzoom) {
    return {dataLayer: layer, symbolizer: new P.PolygonSymbolizer({fill: colour}),
            filter: filter || is(POLYGON), minzoom: minzoom};
  }
  function line(layer, colour, width, filter, extra) {
    var options = {color: colour, width: width, lineCap: 'round', lineJoin: 'round'};
    Object.keys(extra || {}).forEach(function (k) { options[k] = extra[k]; });
    return {dataLayer: layer, symbolizer: new P.LineSymbolizer(options), filter: filter};
  }

  /* OpenMapTiles (openmaptiles.org/schema): land is the background; layers by class. */
  function openMapTiles() {
    var majorRoads = ['motorway', 'trunk', 'primary'];
    var midRoads = ['secondary', 'tertiary'];
    var minorRoads = ['minor', 'service', 'track', 'raceway', 'busway'];
    var wide = P.exp(1.6, [[4, 0.6], [8, 1.6], [12, 3], [15, 8], [18, 20]]);
    var mid = P.exp(1.6, [[7, 0.4], [10, 1.2], [13, 2.5], [15, 6], [18, 16]]);
    var thin = P.exp(1.6, [[11, 0.3], [13, 1], [15, 3], [18, 10]]);
    function casing(w) { return function (z, f) { return w(z, f) + (z >= 8 ? 1.5 : 0.8); }; }
    return [
      fill('landcover', C.wood, classIn(['wood', 'forest'], POLYGON)),
      fill('landcover', C.grass, classIn(['grass', 'farmland'], POLYGON)),
      fill('landcover', C.scrub, classIn(['wetland', 'scrub'], POLYGON)),
      fill('landcover', C.glacier, classIn(['ice', 'glacier'], POLYGON)),
      fill('landcover', C.sand, classIn(['sand', 'rock'], POLYGON)),
      fill('landuse', C.urban, classIn(['residential', 'suburb', 'neighbourhood',
                                        'commercial', 'retail'], POLYGON)),
      fill('landuse', C.industrial, classIn(['industrial', 'railway', 'quarry'], POLYGON)),
      fill('landuse', C.hospital, classIn(['hospital'], POLYGON)),
      fill('landuse', C.school, classIn(['school', 'university', 'college'], POLYGON)),
      fill('landuse', C.military, classIn(['military'], POLYGON)),
      fill('landuse', C.park, classIn(['cemetery', 'stadium', 'pitch', 'playground'],
                                      POLYGON)),
      fill('park', C.park),
      fill('aeroway', C.aerodrome),
      fill('water', C.water),
      line('waterway', C.water, P.exp(1.6, [[8, 0.5], [12, 1.5], [18, 8]]), is(LINE)),
      fill('building', C.buildings, undefined, 13),
      line('boundary', C.boundaries, 1, function (z, f) {
        return f.geomType === LINE && f.props.admin_level <= 2 && !f.props.maritime;
      }),
      line('boundary', C.boundaries, 0.6, function (z, f) {
        return f.geomType === LINE && f.props.admin_level > 2 && !f.props.maritime;
      }, {dash: [3, 2], dashColor: C.boundaries, dashWidth: 0.6}),
      line('transportation', C.casing, casing(thin), classIn(minorRoads, LINE)),
      line('transportation', C.minor, thin, classIn(minorRoads, LINE)),
      line('transportation', C.casing, casing(mid), classIn(midRoads, LINE)),
      line('transportation', C.major, mid, classIn(midRoads, LINE)),
      line('transportation', C.casing, casing(wide), classIn(majorRoads, LINE)),
      line('transportation', C.major, wide, classIn(majorRoads, LINE)),
      line('transportation', C.railway, P.exp(1.6, [[8, 0.5], [14, 1.5], [18, 4]]),
           classIn(['rail', 'transit'], LINE))
    ];
  }

  /* Any other schema: each layer in a colour of its own, in the file's order (a layer
     whose name says water is blue); polygons filled, lines stroked, points dotted. */
  var PALETTE = ['#b9a88f', '#8fb996', '#a38fb9', '#b98f9f', '#8fa9b9', '#b9b48f',
                 '#7f8c8d', '#c08a5b'];
  var WATERY = /water|ocean|sea|lake|river|coast/i;

  function generic(layers) {
    var rules = [];
    layers.forEach(function (name, i) {
      var colour = WATERY.test(name) ? C.water : PALETTE[i % PALETTE.length];
      rules.push({dataLayer: name, filter: is(POLYGON), symbolizer: new P.PolygonSymbolizer(
        {fill: colour, opacity: 0.55, stroke: colour, width: 0.5})});
      rules.push(line(name, colour, 1.2, is(LINE)));
      rules.push({dataLayer: name, filter: is(POINT), symbolizer: new P.CircleSymbolizer(
        {radius: 2.5, fill: colour, stroke: '#ffffff', width: 0.8})});
    });
    return rules;
  }

  /* options: those of the raster tile layer (sightline_basemaps.js) plus url, schema
     and layers; the file's top zoom becomes the zoom its data is drawn from beyond. */
  S.vectorLayer = function (given, dark) {
    C = dark ? DARK : LIGHT;
    var options = {
      url: given.url, maxDataZoom: given.maxNativeZoom, attribution: given.attribution,
      maxZoom: given.maxZoom, keepBuffer: given.keepBuffer, labelRules: []
    };
    if (given.bounds) { options.bounds = given.bounds; }
    var msg = given;
    var layer;
    if (msg.schema === 'protomaps') {
      options.flavor = dark ? 'dark' : 'light';  // the library's own rules for its schema
      layer = P.leafletLayer(options);
      layer.labelRules = [];  // its names are dropped: see above
      layer.clearLayout();
    } else if (msg.schema === 'openmaptiles') {
      options.paintRules = openMapTiles();
      options.backgroundColor = C.earth;
      layer = P.leafletLayer(options);
    } else {
      options.paintRules = generic(msg.layers || []);
      options.backgroundColor = C.generic;
      layer = P.leafletLayer(options);
    }
    // the file's deepest zoom, also when it is 0 (the library reads 0 as "unset")
    layer.views.forEach(function (view) { view.maxDataLevel = given.maxNativeZoom; });
    layer.schema = msg.schema;
    layer.dark = !!dark;
    return layer;
  };
}());
