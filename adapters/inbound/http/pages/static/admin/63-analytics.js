/* Analytics (/admin/analytics): hand-drawn SVG charts, each with its data as a table or text,
   readable without colour (patterns, direct labels). Growth/Elite only (plan prompt otherwise). */
(function () {
  "use strict";
  var SH = window.SH;
  var esc = SH.esc;
  var chart = SH.chart;

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
          '<h1 tabindex="-1">Analytics</h1>' + chart.patterns() + rangeForm(from, to) +
          '<p><a class="btn btn-secondary" href="/api/meta/analytics/export' + esc(q) + '" download>Download CSV<span class="visually-hidden"> for ' + esc(from + " to " + to) + "</span></a></p>" +
          SH.section("Cancellations and no-shows", rates(data.rates), "rates") +
          SH.section("Bookings by source", chart.series(data), "by-source") +
          SH.section("Funnel by source", chart.funnel(data.funnel), "funnel") +
          SH.section("Most booked services from social media", chart.services(data.popular_services), "popular") +
          SH.section("Peak hours", chart.heatmap(data.peak_hours), "peaks");
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
