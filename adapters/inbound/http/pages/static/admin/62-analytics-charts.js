/* The funnel per source (a table with bars), the most booked services (labelled bars) and the
   peak hours heatmap. */
(function () {
  "use strict";
  var SH = window.SH;
  var esc = SH.esc;
  var DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
  var chart = SH.chart;
  var swatch = chart.swatch;
  var label = chart.label;
  var sourcesIn = chart.sourcesIn;

  function funnelTable(funnel) {
    var sources = sourcesIn(funnel);
    if (!sources.length) return '<p class="empty">No visits recorded yet.</p>';
    var metrics = [["views", "Page views"], ["slot_views", "Viewed times"], ["bookings", "Bookings"]];
    return (
      '<div class="table-wrap"><table class="funnel"><caption>From a visit to a booking, per source</caption><thead><tr><th scope="col">Source</th>' +
      metrics
        .map(function (m) {
          return '<th scope="col">' + m[1] + "</th>";
        })
        .join("") +
      '<th scope="col">Conversion</th></tr></thead><tbody>' +
      sources
        .map(function (s) {
          var f = funnel[s];
          var top = Math.max(f.views, 1);
          return (
            '<tr><th scope="row">' + swatch(s) + " " + esc(label(s)) + "</th>" +
            metrics
              .map(function (m) {
                return (
                  '<td data-source="' + esc(s) + '" data-metric="' + m[0] + '"><span class="num">' + f[m[0]] + "</span>" +
                  '<span class="bar" aria-hidden="true" data-w="' + Math.min(100, (100 * f[m[0]]) / top).toFixed(1) + '"></span></td>'
                );
              })
              .join("") +
            '<td data-source="' + esc(s) + '" data-metric="conversion">' + SH.pct(f.conversion) + "</td></tr>"
          );
        })
        .join("") +
      "</tbody></table></div>"
    );
  }

  // --- popular services (horizontal bars with labels) -----------------------------------------
  function servicesChart(list) {
    if (!list.length) return '<p class="empty">No bookings from social media yet.</p>';
    var max = Math.max.apply(null, list.map(function (s) { return s.bookings; }).concat([1]));
    var row = 30, W = 720, LBL = 220;
    var H = list.length * row + 4;
    var text = list
      .map(function (s) {
        return s.name + " " + s.bookings;
      })
      .join(", ");
    return (
      '<svg class="chart" viewBox="0 0 ' + W + " " + H + '" role="img" aria-label="' + esc("Most booked services: " + text) + '">' +
      list
        .map(function (s, i) {
          var w = ((W - LBL - 50) * s.bookings) / max;
          var yy = i * row + 4;
          return (
            '<text x="' + (LBL - 8) + '" y="' + (yy + 17) + '" class="lbl">' + esc(s.name.length > 28 ? s.name.slice(0, 27) + "…" : s.name) + "</text>" +
            '<rect x="' + LBL + '" y="' + yy + '" width="' + Math.max(w, 2).toFixed(1) + '" height="22" class="bar-fill"/>' +
            '<text x="' + (LBL + w + 6).toFixed(1) + '" y="' + (yy + 17) + '" class="val-l">' + s.bookings + "</text>"
          );
        })
        .join("") +
      "</svg>"
    );
  }

  // --- peak hours heatmap ----------------------------------------------------------------------
  function heatmap(peaks) {
    var cells = {};
    var max = 0;
    peaks.forEach(function (p) {
      cells[p.weekday + ":" + p.hour] = (cells[p.weekday + ":" + p.hour] || 0) + p.bookings;
      max = Math.max(max, cells[p.weekday + ":" + p.hour]);
    });
    var cw = 28, ch = 24, L = 44, T = 18;
    var out = "";
    for (var h = 0; h < 24; h += 3) out += '<text x="' + (L + h * cw + cw / 2) + '" y="12" class="tick">' + SH.pad(h) + "</text>";
    for (var d = 0; d < 7; d++) {
      out += '<text x="' + (L - 6) + '" y="' + (T + d * ch + 16) + '" class="ytick">' + DAYS[d].slice(0, 3) + "</text>";
      for (h = 0; h < 24; h++) {
        var v = cells[d + ":" + h] || 0;
        var level = v ? Math.min(5, Math.ceil((5 * v) / max)) : 0;
        var x = L + h * cw, yy = T + d * ch;
        out +=
          '<g><rect x="' + x + '" y="' + yy + '" width="' + (cw - 2) + '" height="' + (ch - 2) + '" class="heat heat-' + level + '">' +
          "<title>" + esc(DAYS[d] + " " + SH.pad(h) + ":00: " + v + (v === 1 ? " booking" : " bookings")) + "</title></rect>" +
          (v ? '<text x="' + (x + cw / 2 - 1) + '" y="' + (yy + 16) + '" class="heat-n heat-n-' + level + '" aria-hidden="true">' + v + "</text>" : "") +
          "</g>";
      }
    }
    var top = peaks
      .slice()
      .sort(function (a, b) {
        return b.bookings - a.bookings;
      })
      .filter(function (p) {
        return p.bookings > 0;
      })
      .slice(0, 3)
      .map(function (p) {
        return DAYS[p.weekday] + " " + SH.pad(p.hour) + ":00 (" + p.bookings + ")";
      });
    var summary = top.length ? "Busiest hours: " + top.join(", ") + "." : "No bookings in this period.";
    return (
      '<p id="peak-summary">' + esc(summary) + "</p>" +
      '<div class="scroll-x"><svg class="chart heatmap" viewBox="0 0 ' + (L + 24 * cw) + " " + (T + 7 * ch) + '" role="img" aria-label="' +
      esc("Bookings by weekday and hour. " + summary) + '">' + out + "</svg></div>"
    );
  }

  chart.funnel = funnelTable;
  chart.services = servicesChart;
  chart.heatmap = heatmap;
})();
