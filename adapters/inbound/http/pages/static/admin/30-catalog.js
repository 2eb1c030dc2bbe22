/* Services (/admin/services), staff (/admin/staff), a staff member's weekly hours with breaks
   and time off (/admin/staff/{id}/hours). */
(function () {
  "use strict";
  var SH = window.SH;
  var esc = SH.esc;
  var WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
  var CURRENCY = { IN: "INR", US: "USD", GB: "GBP", AE: "AED", AU: "AUD", CA: "CAD", SG: "SGD" };

  function defaultCurrency() {
    var c = SH.salon().country;
    return CURRENCY[c] || (/^(DE|FR|ES|IT|NL|IE|PT|BE|AT|FI)$/.test(c) ? "EUR" : "INR");
  }

  /** A list + add/edit form screen: the form switches between "Add" and "Edit <name>". */
  function editor(main, opts) {
    var form = SH.$("form", SH.$("#" + opts.formId, main));
    var heading = SH.$("#" + opts.formId + " h2", main);
    var editing = null;
    function reset() {
      editing = null;
      form.reset();
      SH.clearErrors(form);
      heading.textContent = opts.addTitle;
      SH.$('[type="submit"]', form).textContent = opts.addTitle;
      SH.$(".cancel-edit", form).hidden = true;
      if (opts.onReset) opts.onReset(form);
    }
    SH.$(".cancel-edit", form).addEventListener("click", reset);
    SH.onSubmit(form, function (v) {
      var body = opts.body(v);
      var call = editing
        ? SH.api("PATCH", SH.salonPath(opts.path + "/" + encodeURIComponent(editing.id)), body)
        : SH.api("POST", SH.salonPath(opts.path), body);
      return call.then(function (saved) {
        SH.notice(SH.$(".list-flash", main), (editing ? "Saved " : "Added ") + saved.name + ".");
        reset();
        return opts.reload();
      });
    });
    return {
      edit: function (item) {
        editing = item;
        SH.clearErrors(form);
        opts.fill(form, item);
        heading.textContent = "Edit " + item.name;
        SH.$('[type="submit"]', form).textContent = "Save changes";
        SH.$(".cancel-edit", form).hidden = false;
        SH.$("input", form).focus();
      },
    };
  }

  function formButtons(label) {
    return (
      '<div class="form-actions"><button type="submit" class="btn">' + esc(label) + "</button>" +
      '<button type="button" class="btn btn-secondary cancel-edit" hidden>Cancel editing</button></div>'
    );
  }

  function setActive(main, path, item, active, reload) {
    var url = SH.salonPath(path + "/" + encodeURIComponent(item.id));
    var call = active ? SH.api("PATCH", url, { active: true }) : SH.api("DELETE", url);
    return call.then(
      function () {
        SH.notice(SH.$(".list-flash", main), item.name + (active ? " is active again." : " is deactivated."));
        return reload();
      },
      function (e) {
        SH.notice(SH.$(".list-flash", main), e.message, "error");
      }
    );
  }

  // --- services -------------------------------------------------------------------------------
  function services(main) {
    main.innerHTML =
      '<h1 tabindex="-1">Services</h1><div class="list-flash"></div>' +
      SH.section("Your services", '<div id="service-list"></div>') +
      '<section class="card" id="service-form"><h2>Add service</h2><form novalidate class="grid-form">' +
      SH.field({ name: "name", label: "Name", required: true }) +
      SH.field({ name: "duration_minutes", label: "Duration (minutes)", type: "number", value: 30, required: true, attrs: ' min="5" max="720"' }) +
      SH.field({ name: "buffer_after_minutes", label: "Buffer after (minutes)", type: "number", value: 0, attrs: ' min="0" max="240"' }) +
      SH.field({ name: "price", label: "Price", type: "number", required: true, attrs: ' min="0" step="0.01"' }) +
      SH.field({ name: "currency", label: "Currency", value: defaultCurrency(), required: true, attrs: ' maxlength="3"' }) +
      SH.field({ name: "description", label: "Description (optional)" }) +
      SH.field({ name: "category", label: "Category (optional, groups services on the booking page)", attrs: ' maxlength="60"' }) +
      formButtons("Add service") + "</form></section>";
    var items = [];
    var ed = editor(main, {
      formId: "service-form",
      addTitle: "Add service",
      path: "/services",
      body: function (v) {
        var body = {
          name: v.name,
          duration_minutes: v.duration_minutes,
          buffer_after_minutes: v.buffer_after_minutes || 0,
          price_minor: v.price === null ? null : Math.round(v.price * Math.pow(10, SH.minorDigits((v.currency || "").toUpperCase()))),
          currency: (v.currency || "").toUpperCase(),
        };
        if (v.description) body.description = v.description;
        body.category = v.category || "";
        return body;
      },
      fill: function (form, s) {
        form.elements.name.value = s.name;
        form.elements.duration_minutes.value = s.duration_minutes;
        form.elements.buffer_after_minutes.value = s.buffer_after_minutes;
        var digits = SH.minorDigits(s.currency);
        form.elements.price.value = (s.price_minor / Math.pow(10, digits)).toFixed(digits);
        form.elements.currency.value = s.currency;
        form.elements.description.value = s.description || "";
        form.elements.category.value = s.category || "";
      },
      onReset: function (form) {
        form.elements.currency.value = defaultCurrency();
      },
      reload: load,
    });
    function load() {
      return SH.api("GET", SH.salonPath("/services?include_inactive=true")).then(function (r) {
        items = r.items;
        SH.$("#service-list", main).innerHTML = items.length
          ? '<div class="table-wrap"><table><caption class="visually-hidden">Services</caption><thead><tr><th scope="col">Name</th><th scope="col">Duration</th>' +
            '<th scope="col">Price</th><th scope="col">Status</th><th scope="col">Actions</th></tr></thead><tbody>' +
            items
              .map(function (s, i) {
                return (
                  '<tr data-id="' + esc(s.id) + '"><th scope="row">' + esc(s.name) + "</th><td>" + s.duration_minutes + " min" +
                  (s.buffer_after_minutes ? " + " + s.buffer_after_minutes + " min buffer" : "") + "</td><td>" +
                  esc(SH.money(s.price_minor, s.currency)) + "</td><td>" + (s.active ? "Active" : "Inactive") + "</td><td>" +
                  '<button type="button" class="btn btn-small" data-action="edit" data-i="' + i + '">Edit<span class="visually-hidden"> ' + esc(s.name) + "</span></button>" +
                  (s.active
                    ? '<button type="button" class="btn btn-small btn-danger" data-action="off" data-i="' + i + '">Deactivate<span class="visually-hidden"> ' + esc(s.name) + "</span></button>"
                    : '<button type="button" class="btn btn-small" data-action="on" data-i="' + i + '">Activate<span class="visually-hidden"> ' + esc(s.name) + "</span></button>") +
                  "</td></tr>"
                );
              })
              .join("") +
            "</tbody></table></div>"
          : '<p class="empty">No services yet. Add your first one below.</p>';
      });
    }
    SH.actions(SH.$("#service-list", main), {
      edit: function (b) {
        ed.edit(items[+b.dataset.i]);
      },
      off: function (b) {
        setActive(main, "/services", items[+b.dataset.i], false, load);
      },
      on: function (b) {
        setActive(main, "/services", items[+b.dataset.i], true, load);
      },
    });
    return load();
  }

  // --- staff ----------------------------------------------------------------------------------
  function serviceChecks(list) {
    if (!list.length) return '<p>Add <a href="/admin/services">services</a> first.</p>';
    return (
      '<fieldset class="checks"><legend>Qualified for</legend>' +
      list
        .map(function (s) {
          var id = "q-" + s.id;
          return '<div class="field-check"><input type="checkbox" name="service_ids[]" id="' + id + '" value="' + esc(s.id) + '"><label for="' + id + '">' + esc(s.name) + "</label></div>";
        })
        .join("") +
      '<p class="field-error" data-for="service_ids"></p></fieldset>'
    );
  }

  function staff(main) {
    return SH.api("GET", SH.salonPath("/services")).then(function (svc) {
      var names = {};
      svc.items.forEach(function (s) {
        names[s.id] = s.name;
      });
      main.innerHTML =
        '<h1 tabindex="-1">Staff</h1><div class="list-flash"></div>' +
        SH.section("Your team", '<div id="staff-list"></div>') +
        '<section class="card" id="staff-form"><h2>Add staff member</h2><form novalidate>' +
        SH.field({ name: "name", label: "Name", required: true }) + serviceChecks(svc.items) +
        formButtons("Add staff member") + "</form></section>";
      var items = [];
      var ed = editor(main, {
        formId: "staff-form",
        addTitle: "Add staff member",
        path: "/staff",
        body: function (v) {
          return { name: v.name, service_ids: v.service_ids || [] };
        },
        fill: function (form, m) {
          form.elements.name.value = m.name;
          SH.$$('[name="service_ids[]"]', form).forEach(function (c) {
            c.checked = m.service_ids.indexOf(c.value) >= 0;
          });
        },
        reload: load,
      });
      function load() {
        return SH.api("GET", SH.salonPath("/staff")).then(function (r) {
          items = r.items;
          SH.$("#staff-list", main).innerHTML = items.length
            ? '<ul class="staff-list">' +
              items
                .map(function (m, i) {
                  var quals = m.service_ids
                    .map(function (id) {
                      return names[id];
                    })
                    .filter(Boolean);
                  return (
                    '<li class="staff-item"><div><strong>' + esc(m.name) + "</strong>" + (m.active ? "" : " (inactive)") +
                    '<p class="hint">' + (quals.length ? esc(quals.join(", ")) : "No services yet") + "</p></div>" +
                    '<div class="row-actions"><a class="btn btn-small" href="/admin/staff/' + esc(m.id) + '/hours">Hours and time off<span class="visually-hidden"> for ' + esc(m.name) + "</span></a>" +
                    '<button type="button" class="btn btn-small" data-action="edit" data-i="' + i + '">Edit<span class="visually-hidden"> ' + esc(m.name) + "</span></button>" +
                    (m.active
                      ? '<button type="button" class="btn btn-small btn-danger" data-action="off" data-i="' + i + '">Deactivate<span class="visually-hidden"> ' + esc(m.name) + "</span></button>"
                      : '<button type="button" class="btn btn-small" data-action="on" data-i="' + i + '">Activate<span class="visually-hidden"> ' + esc(m.name) + "</span></button>") +
                    "</div></li>"
                  );
                })
                .join("") +
              "</ul>"
            : '<p class="empty">No staff yet. Add the first person below.</p>';
        });
      }
      SH.actions(SH.$("#staff-list", main), {
        edit: function (b) {
          ed.edit(items[+b.dataset.i]);
        },
        off: function (b) {
          setActive(main, "/staff", items[+b.dataset.i], false, load);
        },
        on: function (b) {
          setActive(main, "/staff", items[+b.dataset.i], true, load);
        },
      });
      return load();
    });
  }

  // --- weekly hours ---------------------------------------------------------------------------
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

  SH.route("/admin/services", "Services", services);
  SH.route("/admin/staff", "Staff", staff);
  SH.route(/^\/admin\/staff\/([^/]+)\/hours\/?$/, "Working hours", hours);
})();
