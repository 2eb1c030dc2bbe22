/* A staff member's weekly hours with breaks and time off (/admin/staff/{id}/hours). */
(function () {
  "use strict";
  var SH = window.SH;
  var esc = SH.esc;
  var WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

  var rowId = 0;
  function intervalRow(day, start, end) {
    var id = "iv-" + ++rowId;
    return (
      '<li class="interval"><label for="' + id + '-s">From</label><input type="time" id="' + id + '-s" class="iv-start" value="' + esc(start) + '" data-day="' + day + '">' +
      '<label for="' + id + '-e">to</label><input type="time" id="' + id + '-e" class="iv-end" value="' + esc(end) + '">' +
      '<button type="button" class="btn btn-small btn-secondary" data-action="remove">Remove<span class="visually-hidden"> ' + WEEKDAYS[day] + " " + esc(start) + "–" + esc(end) + "</span></button></li>"
    );
  }
  function dayBlock(day, intervals) {
    return (
      '<fieldset class="day" data-day="' + day + '"><legend>' + WEEKDAYS[day] + "</legend>" +
      '<ul class="intervals">' +
      intervals
        .map(function (iv) {
          return intervalRow(day, iv.start, iv.end);
        })
        .join("") +
      '</ul><p class="closed hint">Closed' + "</p>" +
      '<button type="button" class="btn btn-small btn-secondary" data-action="add" data-day="' + day + '">Add hours<span class="visually-hidden"> on ' + WEEKDAYS[day] + "</span></button></fieldset>"
    );
  }
  function readWeekly(form) {
    var weekly = [];
    SH.$$(".day", form).forEach(function (fs) {
      SH.$$(".interval", fs).forEach(function (li) {
        var s = SH.$(".iv-start", li).value;
        var e = SH.$(".iv-end", li).value;
        if (s || e) weekly.push({ weekday: +fs.dataset.day, start: s, end: e });
      });
    });
    return weekly;
  }

  function hours(main, params) {
    var sid = params[0];
    var base = SH.salonPath("/staff/" + encodeURIComponent(sid));
    return Promise.all([SH.api("GET", base), SH.api("GET", base + "/hours"), SH.api("GET", base + "/time-off")]).then(function (r) {
      var member = r[0];
      var byDay = [[], [], [], [], [], [], []];
      r[1].weekly.forEach(function (iv) {
        byDay[iv.weekday].push(iv);
      });
      main.innerHTML =
        '<p class="crumbs"><a href="/admin/staff">Staff</a> › ' + esc(member.name) + "</p>" +
        '<h1 tabindex="-1">Hours for ' + esc(member.name) + "</h1><div class=\"list-flash\"></div>" +
        '<section class="card"><h2>Weekly hours</h2><p class="hint">Times are in the salon\'s time zone (' + esc(SH.salon().timezone) +
        "). Add several intervals on a day for breaks: the gap between them is the break.</p>" +
        '<form id="hours-form" novalidate><div class="week">' +
        byDay
          .map(function (ivs, d) {
            return dayBlock(d, ivs);
          })
          .join("") +
        '</div><div class="form-actions"><button type="submit" class="btn">Save hours</button>' +
        '<button type="button" class="btn btn-secondary" data-action="copy">Copy Monday to every day</button></div></form></section>' +
        '<section class="card" id="time-off"><h2>Time off</h2><div id="time-off-list"></div>' +
        '<h3>Add time off</h3><form id="time-off-form" class="grid-form" novalidate>' +
        SH.field({ name: "start_date", label: "From date", type: "date", required: true, value: SH.today() }) +
        SH.field({ name: "start_time", label: "From time", type: "time", required: true, value: "09:00" }) +
        SH.field({ name: "end_date", label: "To date", type: "date", required: true, value: SH.today() }) +
        SH.field({ name: "end_time", label: "To time", type: "time", required: true, value: "19:00" }) +
        SH.field({ name: "reason", label: "Reason (optional)" }) +
        '<div class="form-actions"><button type="submit" class="btn">Add time off</button></div></form></section>';
      wireHours(main, base);
      wireTimeOff(main, base, r[2].items);
    });
  }

  function wireHours(main, base) {
    var form = SH.$("#hours-form", main);
    SH.actions(form, {
      add: function (b) {
        var d = +b.dataset.day;
        var ul = SH.$(".intervals", b.closest(".day"));
        var last = SH.$$(".iv-end", ul).pop();
        var start = last && last.value ? last.value : "09:00";
        ul.insertAdjacentHTML("beforeend", intervalRow(d, start, start < "18:00" ? "19:00" : "23:00"));
        SH.$$(".iv-start", ul).pop().focus();
      },
      remove: function (b) {
        var fs = b.closest(".day");
        b.closest(".interval").remove();
        SH.$("[data-action=add]", fs).focus();
      },
      copy: function () {
        var monday = readWeekly(form).filter(function (iv) {
          return iv.weekday === 0;
        });
        SH.$$(".day", form).forEach(function (fs) {
          var d = +fs.dataset.day;
          if (d === 0) return;
          SH.$(".intervals", fs).innerHTML = monday
            .map(function (iv) {
              return intervalRow(d, iv.start, iv.end);
            })
            .join("");
        });
        SH.announce("Monday's hours copied to every day. Save to keep them.");
      },
    });
    SH.onSubmit(form, function () {
      return SH.api("PUT", base + "/hours", { weekly: readWeekly(form) }).then(function () {
        SH.notice(SH.$(".list-flash", main), "Hours saved.");
      });
    });
  }

  function wireTimeOff(main, base, items) {
    var tz = SH.salon().timezone;
    function draw(list) {
      items = list;
      SH.$("#time-off-list", main).innerHTML = list.length
        ? '<ul class="time-off">' +
          list
            .map(function (t, i) {
              return (
                "<li><span>" + esc(SH.when(t.start)) + " – " + esc(SH.when(t.end)) + (t.reason ? " · " + esc(t.reason) : "") + "</span> " +
                '<button type="button" class="btn btn-small btn-danger" data-action="delete" data-i="' + i + '">Delete<span class="visually-hidden"> time off from ' + esc(SH.when(t.start)) + "</span></button></li>"
              );
            })
            .join("") +
          "</ul>"
        : '<p class="empty">No time off planned.</p>';
    }
    function load() {
      return SH.api("GET", base + "/time-off").then(function (r) {
        draw(r.items);
      });
    }
    draw(items);
    SH.actions(SH.$("#time-off-list", main), {
      delete: function (b) {
        var t = items[+b.dataset.i];
        SH.api("DELETE", base + "/time-off/" + encodeURIComponent(t.id)).then(
          function () {
            SH.notice(SH.$(".list-flash", main), "Time off deleted.");
            return load();
          },
          function (e) {
            SH.notice(SH.$(".list-flash", main), e.message, "error");
          }
        );
      },
    });
    var form = SH.$("#time-off-form", main);
    SH.onSubmit(form, function (v) {
      var body = { start: SH.instant(v.start_date, v.start_time, tz), end: SH.instant(v.end_date, v.end_time, tz) };
      if (v.reason) body.reason = v.reason;
      return SH.api("POST", base + "/time-off", body).then(function () {
        SH.notice(SH.$(".list-flash", main), "Time off added.");
        form.elements.reason.value = "";
        return load();
      });
    });
  }

  SH.route(/^\/admin\/staff\/([^/]+)\/hours\/?$/, "Working hours", hours);
})();
