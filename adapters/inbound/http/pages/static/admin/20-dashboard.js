/* The dashboard (/admin): today's and this week's bookings per staff member; create, move,
   cancel, complete, no-show. A taken slot (409) offers its alternatives as buttons. */
(function () {
  "use strict";
  var SH = window.SH;
  var esc = SH.esc;
  var ACTIVE = { pending: true, confirmed: true };
  var STATUS = {
    pending: "Pending",
    confirmed: "Confirmed",
    cancelled: "Cancelled",
    completed: "Completed",
    no_show: "No-show",
  };

  /** Services (all, for names) and staff of the current salon. */
  SH.catalog = function () {
    return Promise.all([
      SH.api("GET", SH.salonPath("/services?include_inactive=true")),
      SH.api("GET", SH.salonPath("/staff")),
    ]).then(function (r) {
      var byId = {};
      r[0].items.concat(r[1].items).forEach(function (x) {
        byId[x.id] = x;
      });
      return { services: r[0].items, staff: r[1].items, byId: byId };
    });
  };

  function options(items, selected, blank) {
    return (
      (blank ? '<option value="">' + esc(blank) + "</option>" : "") +
      items
        .map(function (x) {
          return '<option value="' + esc(x.id) + '"' + (x.id === selected ? " selected" : "") + ">" + esc(x.name) + "</option>";
        })
        .join("")
    );
  }
  SH.options = options;

  /** Buttons for a 409's alternatives; pick(slot) books or moves to it. */
  SH.alternatives = function (box, e, cat, pick) {
    var alts = (e.details && e.details.alternatives) || [];
    if (!alts.length) {
      box.innerHTML = '<p class="flash flash-error" role="alert">' + esc(e.message) + " No nearby time is free.</p>";
      return;
    }
    box.innerHTML =
      '<div class="alternatives" role="alert"><p>' + esc(e.message) + " Free times nearby:</p><ul class=\"choices\">" +
      alts
        .map(function (s, i) {
          var who = s.staff_ids.length && cat.byId[s.staff_ids[0]] ? " with " + cat.byId[s.staff_ids[0]].name : "";
          return (
            '<li><button type="button" class="btn btn-small" data-alt="' + i + '">' +
            esc(SH.weekdayName(SH.dateOf(s.start)) + " " + SH.timeOf(s.start) + who) + "</button></li>"
          );
        })
        .join("") +
      "</ul></div>";
    SH.$$("[data-alt]", box).forEach(function (b) {
      b.addEventListener("click", function () {
        pick(alts[+b.dataset.alt]);
      });
    });
    var first = SH.$("[data-alt]", box);
    if (first) first.focus();
  };

  function bookingItem(b, cat, withDate) {
    var svc = cat.byId[b.service_id];
    var staff = cat.byId[b.staff_id];
    var actions = ACTIVE[b.status]
      ? '<div class="row-actions">' +
        '<button type="button" class="btn btn-small btn-secondary" data-action="move">Move</button>' +
        '<button type="button" class="btn btn-small btn-secondary" data-action="status" data-status="completed">Completed</button>' +
        '<button type="button" class="btn btn-small btn-secondary" data-action="status" data-status="no_show">No-show</button>' +
        '<button type="button" class="btn btn-small btn-danger" data-action="status" data-status="cancelled">Cancel booking</button>' +
        "</div>"
      : "";
    return (
      '<li class="booking status-' + esc(b.status) + '" data-id="' + esc(b.id) + '" data-staff="' + esc(b.staff_id) + '" data-start="' + esc(b.start) + '">' +
      '<div class="booking-main"><span class="time">' +
      (withDate ? esc(SH.weekdayName(SH.dateOf(b.start))) + " · " : "") +
      esc(SH.timeOf(b.start) + "–" + SH.timeOf(b.end)) + "</span> " +
      '<span class="svc">' + esc(svc ? svc.name : "Unknown service") + "</span> " +
      '<span class="cust">' + esc(b.customer.name) + (b.customer.phone ? " · " + esc(b.customer.phone) : "") + "</span> " +
      '<span class="status">' + esc(STATUS[b.status] || b.status) + "</span> " + SH.badge(b.source) +
      (staff ? '<span class="visually-hidden"> with ' + esc(staff.name) + "</span>" : "") +
      "</div>" + actions + '<div class="move-box"></div></li>'
    );
  }

  function groupByStaff(items, cat, withDate) {
    if (!items.length) return '<p class="empty">No bookings.</p>';
    var groups = {};
    var order = [];
    items.forEach(function (b) {
      if (!groups[b.staff_id]) {
        groups[b.staff_id] = [];
        order.push(b.staff_id);
      }
      groups[b.staff_id].push(b);
    });
    return order
      .map(function (sid) {
        var name = cat.byId[sid] ? cat.byId[sid].name : "Staff member";
        return (
          '<div class="staff-group"><h3>' + esc(name) + '</h3><ul class="bookings">' +
          groups[sid]
            .map(function (b) {
              return bookingItem(b, cat, withDate);
            })
            .join("") +
          "</ul></div>"
        );
      })
      .join("");
  }

  function newBookingForm(cat) {
    var tz = SH.salon().timezone;
    return (
      '<form id="new-booking" class="grid-form" novalidate>' +
      SH.field({ name: "service_id", label: "Service", type: "select", options: options(cat.services, null), required: true }) +
      SH.field({ name: "staff_id", label: "Staff member", type: "select", options: options(cat.staff, null, "Anyone free") }) +
      SH.field({ name: "date", label: "Date", type: "date", value: SH.today(tz), required: true }) +
      SH.field({ name: "time", label: "Time", type: "time", value: "10:00", required: true }) +
      SH.field({ name: "name", label: "Customer name", required: true }) +
      SH.field({ name: "phone", label: "Customer phone", type: "tel", required: true }) +
      '<div class="form-actions"><button type="submit" class="btn">Create booking</button></div>' +
      '<div class="alt-box"></div></form>'
    );
  }

  function dashboard(main) {
    var tz = SH.salon().timezone;
    return SH.catalog().then(function (cat) {
      main.innerHTML =
        '<h1 tabindex="-1">Dashboard</h1>' +
        '<div id="dash-flash"></div>' +
        SH.section("Today", '<div id="today"></div>', "today-card") +
        SH.section("This week", '<p class="hint">The next six days.</p><div id="week"></div>', "week-card") +
        SH.section(
          "New booking",
          cat.services.length && cat.staff.length
            ? newBookingForm(cat)
            : '<p>Add a <a href="/admin/services">service</a> and a <a href="/admin/staff">staff member</a> first.</p>',
          "new-booking-card"
        );
      wireForm(main, cat);
      SH.actions(main, {
        status: function (btn) {
          setStatus(main, cat, btn);
        },
        move: function (btn) {
          openMove(main, cat, btn.closest(".booking"));
        },
      });
      return refresh(main, cat, tz);
    });
  }

  function refresh(main, cat, tz) {
    var today = SH.today(tz);
    var from = SH.instant(today, "00:00", tz);
    var end = SH.instant(SH.addDays(today, 7), "00:00", tz);
    return SH.api("GET", SH.salonPath("/bookings" + SH.qs({ from: from, to: end }))).then(function (r) {
      var todays = r.items.filter(function (b) {
        return SH.dateOf(b.start) === today;
      });
      var later = r.items.filter(function (b) {
        return todays.indexOf(b) < 0;
      });
      SH.$("#today", main).innerHTML = groupByStaff(todays, cat, false);
      SH.$("#week", main).innerHTML = groupByStaff(later, cat, true);
    });
  }

  function wireForm(main, cat) {
    var form = SH.$("#new-booking", main);
    if (!form) return;
    var tz = SH.salon().timezone;
    function create(v, start, staffId) {
      var body = {
        service_id: v.service_id,
        start: start,
        customer: { name: v.name, phone: v.phone },
      };
      if (staffId) body.staff_id = staffId;
      return SH.api("POST", SH.salonPath("/bookings"), body).then(
        function (r) {
          form.reset();
          SH.$(".alt-box", form).innerHTML = "";
          SH.notice(SH.$("#dash-flash", main), "Booked " + r.booking.customer.name + " on " + SH.when(r.booking.start) + ".");
          return refresh(main, cat, tz);
        },
        function (e) {
          if (e.code !== "slot_unavailable") throw e;
          SH.alternatives(SH.$(".alt-box", form), e, cat, function (slot) {
            create(v, slot.start, staffId && slot.staff_ids.indexOf(staffId) >= 0 ? staffId : slot.staff_ids[0]).catch(function (err) {
              SH.showErrors(form, err);
            });
          });
        }
      );
    }
    SH.onSubmit(form, function (v) {
      SH.$(".alt-box", form).innerHTML = "";
      if (!v.date || !v.time)
        throw new SH.ApiError(422, { error: { message: "Choose a date and time.", details: { fields: { date: "required" } } } });
      return create(v, SH.instant(v.date, v.time, tz), v.staff_id);
    });
  }

  function setStatus(main, cat, btn) {
    var li = btn.closest(".booking");
    var status = btn.dataset.status;
    btn.disabled = true;
    SH.api("PATCH", SH.salonPath("/bookings/" + encodeURIComponent(li.dataset.id)), { status: status }).then(
      function (b) {
        SH.notice(SH.$("#dash-flash", main), "Booking for " + b.customer.name + " is now " + STATUS[b.status].toLowerCase() + ".");
        return refresh(main, cat, SH.salon().timezone);
      },
      function (e) {
        btn.disabled = false;
        SH.notice(SH.$("#dash-flash", main), e.message, "error");
      }
    );
  }

  function openMove(main, cat, li) {
    var box = SH.$(".move-box", li);
    if (box.firstChild) {
      box.innerHTML = "";
      return;
    }
    var tz = SH.salon().timezone;
    var start = li.dataset.start;
    box.innerHTML =
      '<form class="grid-form move-form" novalidate>' +
      SH.field({ name: "date", label: "New date", type: "date", value: SH.dateOf(start), required: true }) +
      SH.field({ name: "time", label: "New time", type: "time", value: SH.timeOf(start), required: true }) +
      SH.field({ name: "staff_id", label: "Staff member", type: "select", options: options(cat.staff, li.dataset.staff) }) +
      '<div class="form-actions"><button type="submit" class="btn">Move booking</button></div><div class="alt-box"></div></form>';
    var form = SH.$("form", box);
    function move(start, staffId) {
      var body = { start: start };
      if (staffId) body.staff_id = staffId;
      return SH.api("PATCH", SH.salonPath("/bookings/" + encodeURIComponent(li.dataset.id)), body).then(
        function (b) {
          SH.notice(SH.$("#dash-flash", main), "Moved " + b.customer.name + " to " + SH.when(b.start) + ".");
          return refresh(main, cat, tz);
        },
        function (e) {
          if (e.code !== "slot_unavailable") throw e;
          SH.alternatives(SH.$(".alt-box", form), e, cat, function (slot) {
            move(slot.start, slot.staff_ids.indexOf(staffId) >= 0 ? staffId : slot.staff_ids[0]).catch(function (err) {
              SH.showErrors(form, err);
            });
          });
        }
      );
    }
    SH.onSubmit(form, function (v) {
      return move(SH.instant(v.date, v.time, tz), v.staff_id);
    });
    SH.$("input", form).focus();
  }

  SH.route("/admin", "Dashboard", dashboard);
})();
