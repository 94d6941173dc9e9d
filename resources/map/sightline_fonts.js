/* Sightline map page: the shipped CJK font (resources/fonts, family "Sightline CJK").
 *
 * Style sheets list it last in every font stack (sightline_fonts.css), after the system's
 * sans-serif, so Latin text is unchanged and 北京 or 臺北 never draw as boxes. The label
 * canvas draws with whatever font is loaded at the time, and a web font loads only when
 * something asks for it: ask now, and draw the labels again once it is in.
 */
(function () {
  'use strict';

  var S = window.Sightline;
  var FAMILY = 'Sightline CJK';
  S.fonts = {family: FAMILY, status: 'loading'};
  if (!document.fonts || !document.fonts.load) {
    S.fonts.status = 'unsupported';
    return;
  }
  // at the map's start: by then the style sheets (and their @font-face) are parsed
  S.addTool(function () {
    document.fonts.load('12px "' + FAMILY + '"', '\u5317\u4eac\u81fa\u5317').then(
      function (faces) {
        S.fonts.status = faces.length ? 'loaded' : 'missing';
        S.redrawLabels();
      },
      function (error) { S.fonts.status = 'error: ' + error; }
    );
  });
}());
