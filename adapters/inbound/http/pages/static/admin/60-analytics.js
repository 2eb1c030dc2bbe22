/* Analytics (/admin/analytics): hand-drawn SVG charts, each with its data as a table or text,
   readable without colour (patterns, direct labels). Growth/Elite only (plan prompt otherwise). */
(function () {
  "use strict";
  var SH = window.SH;
  var esc = SH.esc;
  var DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
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

  // --- bookings by source over time (stacked bars) ---------------------------------------------
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

  // --- funnel ----------------------------------------------------------------------------------
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

  function rates(r) {
    return (
      '<dl class="stats"><div><dt>Bookings</dt><dd>' + r.bookings + "</dd></div>" +
      "<div><dt>Cancelled</dt><dd>" + r.cancelled + ' <span class="rate">(' + SH.pct(r.cancellation_rate) + ")</span></dd></div>" +
      "<div><dt>No-shows</dt><dd>" + r.no_show + ' <span class="rate">(' + SH.pct(r.no_show_rate) + ")</span></dd></div></dl>"
    );
  }

  function rangeForm(from, to) {
    return (
      '<form id="range" class="range" novalidate>' +
      SH.field({ name: "from", label: "From", type: "date", value: from, required: true }) +
      SH.field({ name: "to", label: "To", type: "date", value: to, required: true }) +
      '<div class="form-actions"><button type="submit" class="btn">Show</button>' +
      '<button type="button" class="btn btn-secondary" data-days="7">Last 7 days</button>' +
      '<button type="button" class="btn btn-secondary" data-days="30">Last 30 days</button>' +
      '<button type="button" class="btn btn-secondary" data-days="90">Last 90 days</button></div></form>'
    );
  }

  function analytics(main) {
    var day = function (v) {
      return v && /^\d{4}-\d{2}-\d{2}$/.test(v) && !isNaN(Date.parse(v + "T00:00:00Z")) ? v : "";
    };
    var to = day(SH.param("to")) || SH.today();
    var from = day(SH.param("from")) || SH.addDays(to, -29);
    var q = SH.qs({ salon_id: SH.salonId, from: from, to: to });
    return SH.api("GET", "/api/meta/analytics" + q).then(
      function (data) {
        main.innerHTML =
          '<h1 tabindex="-1">Analytics</h1>' + patterns() + rangeForm(from, to) +
          '<p><a class="btn btn-secondary" href="/api/meta/analytics/export' + esc(q) + '" download>Download CSV<span class="visually-hidden"> for ' + esc(from + " to " + to) + "</span></a></p>" +
          SH.section("Cancellations and no-shows", rates(data.rates), "rates") +
          SH.section("Bookings by source", seriesChart(data), "by-source") +
          SH.section("Funnel by source", funnelTable(data.funnel), "funnel") +
          SH.section("Most booked services from social media", servicesChart(data.popular_services), "popular") +
          SH.section("Peak hours", heatmap(data.peak_hours), "peaks");
        SH.$$(".bar[data-w]", main).forEach(function (el) {
          el.style.width = el.dataset.w + "%";
        });
        wireRange(main);
      },
      function (e) {
        if (e.code === "plan_required") {
          main.innerHTML = '<h1 tabindex="-1">Analytics</h1>' + SH.planPrompt("Analytics of bookings from Instagram, Facebook and Messenger are part of the Growth and Elite plans.");
          return;
        }
        if (e.status === 404) e.message = "Analytics are not available on this server yet.";
        main.innerHTML = '<h1 tabindex="-1">Analytics</h1>' + rangeForm(from, to);
        wireRange(main);
        throw e;
      }
    );
  }

  function wireRange(main) {
    var form = SH.$("#range", main);
    SH.onSubmit(form, function (v) {
      if (!v.from || !v.to || v.from > v.to)
        throw new SH.ApiError(422, { error: { message: "Choose a start date before the end date.", details: { fields: { from: "before To" } } } });
      SH.go("/admin/analytics" + SH.qs({ from: v.from, to: v.to }));
    });
    SH.$$("[data-days]", form).forEach(function (b) {
      b.addEventListener("click", function () {
        var to = SH.today();
        SH.go("/admin/analytics" + SH.qs({ from: SH.addDays(to, 1 - +b.dataset.days), to: to }));
      });
    });
  }

  SH.route("/admin/analytics", "Analytics", analytics);
})();
