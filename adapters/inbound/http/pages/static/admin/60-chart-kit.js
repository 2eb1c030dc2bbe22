/* The analytics charts' kit (SH.chart): a pattern per source on top of its colour, the legend's
   swatches, source labels and order, the days of a range. The charts: 61-source-chart,
   62-analytics-charts; the screen: 63-analytics. */
(function () {
  "use strict";
  var SH = window.SH;
  // A distinct mark per source on top of its colour: stripes, dots, cross-hatch...
  var MARKS = {
    instagram: '<path d="M0 8L8 0" class="mark"/>',
    facebook: '<path d="M0 4H8" class="mark"/>',
    messenger: '<circle cx="4" cy="4" r="1.6" class="mark-dot"/>',
    story: '<path d="M0 0L8 8M0 8L8 0" class="mark"/>',
    web: '<path d="M4 0V8" class="mark"/>',
    staff: "",
    google: '<path d="M0 0H8V8" class="mark"/>',
  };

  function patterns() {
    return (
      '<svg class="defs" width="0" height="0" aria-hidden="true" focusable="false"><defs>' +
      SH.SOURCE_KEYS.map(function (s) {
        return (
          '<pattern id="pat-' + s + '" width="8" height="8" patternUnits="userSpaceOnUse">' +
          '<rect width="8" height="8" class="fill-' + s + '"/>' + MARKS[s] + "</pattern>"
        );
      }).join("") +
      "</defs></svg>"
    );
  }
  function swatch(source) {
    return '<svg class="swatch" width="16" height="16" aria-hidden="true" focusable="false"><rect width="16" height="16" fill="url(#pat-' + source + ')"/></svg>';
  }
  function label(source) {
    return SH.SOURCES[source] || source;
  }
  function sourcesIn(obj) {
    var keys = Object.keys(obj || {});
    return SH.SOURCE_KEYS.filter(function (s) {
      return keys.indexOf(s) >= 0;
    }).concat(
      keys.filter(function (k) {
        return SH.SOURCE_KEYS.indexOf(k) < 0;
      })
    );
  }
  function dates(from, to) {
    var out = [];
    for (var d = from; d <= to && out.length < 400; d = SH.addDays(d, 1)) out.push(d);
    return out;
  }

  SH.chart = { patterns: patterns, swatch: swatch, label: label, sourcesIn: sourcesIn, dates: dates };
})();
