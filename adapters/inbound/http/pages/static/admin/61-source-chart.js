/* Bookings by source over time: stacked bars, a legend, the numbers as a table. */
(function () {
  "use strict";
  var SH = window.SH;
  var esc = SH.esc;
  var chart = SH.chart;
  var swatch = chart.swatch;
  var label = chart.label;
  var sourcesIn = chart.sourcesIn;
  var dates = chart.dates;

  function seriesChart(data) {
    var days = dates(data.from, data.to);
    var sources = sourcesIn(data.bookings_by_source).filter(function (s) {
      return data.bookings_by_source[s] > 0;
    });
    var grid = {};
    data.series.forEach(function (p) {
      grid[p.date] = grid[p.date] || {};
      grid[p.date][p.source] = (grid[p.date][p.source] || 0) + p.bookings;
      if (p.bookings > 0 && sources.indexOf(p.source) < 0) sources.push(p.source);
    });
    var max = 1;
    days.forEach(function (d) {
      var t = 0;
      sources.forEach(function (s) {
        t += (grid[d] && grid[d][s]) || 0;
      });
      max = Math.max(max, t);
    });
    var W = 720, H = 240, L = 34, B = 24, T = 16;
    var bw = (W - L - 4) / Math.max(days.length, 1);
    var y = function (v) {
      return ((H - B - T) * v) / max;
    };
    var bars = days
      .map(function (d, i) {
        var acc = 0;
        var x = L + i * bw;
        var segs = sources
          .map(function (s) {
            var v = (grid[d] && grid[d][s]) || 0;
            if (!v) return "";
            var h = y(v);
            acc += h;
            return (
              '<rect x="' + (x + bw * 0.12).toFixed(1) + '" y="' + (H - B - acc).toFixed(1) + '" width="' + (bw * 0.76).toFixed(1) +
              '" height="' + h.toFixed(1) + '" fill="url(#pat-' + esc(s) + ')" class="seg"><title>' + esc(d + ": " + label(s) + " " + v) + "</title></rect>"
            );
          })
          .join("");
        var total = 0;
        sources.forEach(function (s) {
          total += (grid[d] && grid[d][s]) || 0;
        });
        var tick = days.length <= 14 || i % Math.ceil(days.length / 10) === 0;
        return (
          segs +
          (total && bw >= 14 ? '<text x="' + (x + bw / 2).toFixed(1) + '" y="' + (H - B - acc - 3).toFixed(1) + '" class="val">' + total + "</text>" : "") +
          (tick ? '<text x="' + (x + bw / 2).toFixed(1) + '" y="' + (H - 6) + '" class="tick">' + esc(d.slice(5)) + "</text>" : "")
        );
      })
      .join("");
    var axis =
      '<line x1="' + L + '" y1="' + (H - B) + '" x2="' + W + '" y2="' + (H - B) + '" class="axis"/>' +
      '<text x="' + (L - 6) + '" y="' + (T + 4) + '" class="ytick">' + max + "</text>" +
      '<text x="' + (L - 6) + '" y="' + (H - B) + '" class="ytick">0</text>';
    var legend =
      '<ul class="legend">' +
      sources
        .map(function (s) {
          return "<li>" + swatch(s) + " " + esc(label(s)) + ": " + (data.bookings_by_source[s] || 0) + "</li>";
        })
        .join("") +
      "</ul>";
    var table =
      '<details><summary>Show the numbers</summary><div class="table-wrap"><table><caption>Bookings per day and source</caption><thead><tr><th scope="col">Date</th>' +
      sources
        .map(function (s) {
          return '<th scope="col">' + esc(label(s)) + "</th>";
        })
        .join("") +
      "</tr></thead><tbody>" +
      days
        .filter(function (d) {
          return grid[d];
        })
        .map(function (d) {
          return (
            '<tr><th scope="row">' + esc(d) + "</th>" +
            sources
              .map(function (s) {
                return "<td>" + ((grid[d] && grid[d][s]) || 0) + "</td>";
              })
              .join("") +
            "</tr>"
          );
        })
        .join("") +
      "</tbody></table></div></details>";
    var summary = sources.length
      ? "Bookings per day, stacked by source. Totals: " +
        sources
          .map(function (s) {
            return label(s) + " " + (data.bookings_by_source[s] || 0);
          })
          .join(", ") + "."
      : "No bookings in this period.";
    return (
      legend +
      '<svg class="chart" viewBox="0 0 ' + W + " " + H + '" role="img" aria-label="' + esc(summary) + '">' + axis + bars + "</svg>" +
      table
    );
  }

  chart.series = seriesChart;
})();
