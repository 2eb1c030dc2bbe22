/* SalonHub admin: the core shared by every screen (window.SH).
   - api(): JSON over fetch with the session cookie and the CSRF token; errors as ApiError.
   - the router: history.pushState between /admin paths, one render function per route.
   - the layout: top bar (nav, salon switcher, log out), flash messages, focus management.
   No framework, no eval, no inline styles or handlers (the page's CSP forbids them). */
(function () {
  "use strict";

  var SH = (window.SH = {
    session: null, // {owner_id, csrf_token, salons:[...]}
    salonId: null,
    routes: [],
    timers: [],
  });

  var SOURCES = {
    instagram: "Instagram",
    facebook: "Facebook",
    messenger: "Messenger",
    story: "Story",
    web: "Web",
    staff: "Staff",
    google: "Google",
  };
  SH.SOURCES = SOURCES;
  SH.SOURCE_KEYS = Object.keys(SOURCES);

  // --- text and html ------------------------------------------------------------------------
  var ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  SH.esc = function (value) {
    if (value === null || value === undefined) return "";
    return String(value).replace(/[&<>"']/g, function (c) {
      return ESC[c];
    });
  };
  SH.$ = function (sel, root) {
    return (root || document).querySelector(sel);
  };
  SH.$$ = function (sel, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(sel));
  };
  SH.badge = function (source) {
    var key = SOURCES[source] ? source : "web";
    return '<span class="badge badge-' + key + '">' + SH.esc(SOURCES[key]) + "</span>";
  };
  /** Digits after the point in `currency` (INR 2, JPY 0, KWD 3): minor units per major. */
  SH.minorDigits = function (currency) {
    try {
      return new Intl.NumberFormat("en", { style: "currency", currency: currency }).resolvedOptions().maximumFractionDigits;
    } catch (e) {
      return 2;
    }
  };
  SH.money = function (minor, currency) {
    var scale = Math.pow(10, SH.minorDigits(currency));
    try {
      return new Intl.NumberFormat(undefined, { style: "currency", currency: currency }).format(minor / scale);
    } catch (e) {
      return (minor / scale).toFixed(2) + " " + currency;
    }
  };
  SH.pct = function (x) {
    return (Math.round((x || 0) * 1000) / 10).toString() + "%";
  };

  // --- time: the salon's wall clock ---------------------------------------------------------
  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }
  SH.pad = pad;
  /** {y,m,d,h,mi} of an instant in zone tz. */
  function parts(date, tz) {
    var out = {};
    new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    })
      .formatToParts(date)
      .forEach(function (p) {
        out[p.type] = p.value;
      });
    return { y: +out.year, m: +out.month, d: +out.day, h: +out.hour % 24, mi: +out.minute, s: +out.second };
  }
  /** Minutes the zone is ahead of UTC at that instant. */
  function offsetMinutes(date, tz) {
    var p = parts(date, tz);
    var asUtc = Date.UTC(p.y, p.m - 1, p.d, p.h, p.mi, p.s);
    return Math.round((asUtc - Math.floor(date.getTime() / 1000) * 1000) / 60000);
  }
  function offsetText(mins) {
    var sign = mins < 0 ? "-" : "+";
    mins = Math.abs(mins);
    return sign + pad(Math.floor(mins / 60)) + ":" + pad(mins % 60);
  }
  /** "YYYY-MM-DD" + "HH:MM" in zone tz → RFC 3339 with that zone's offset. */
  SH.instant = function (dateStr, timeStr, tz) {
    var d = dateStr.split("-").map(Number);
    var t = timeStr.split(":").map(Number);
    var guess = Date.UTC(d[0], d[1] - 1, d[2], t[0], t[1]);
    var off = offsetMinutes(new Date(guess), tz);
    off = offsetMinutes(new Date(guess - off * 60000), tz);
    return dateStr + "T" + pad(t[0]) + ":" + pad(t[1]) + ":00" + offsetText(off);
  };
  /** Today's date in zone tz, plus `days`. */
  SH.today = function (tz, days) {
    var p = parts(new Date(), tz || SH.salon().timezone);
    var d = new Date(Date.UTC(p.y, p.m - 1, p.d + (days || 0)));
    return d.toISOString().slice(0, 10);
  };
  SH.addDays = function (dateStr, days) {
    var d = dateStr.split("-").map(Number);
    return new Date(Date.UTC(d[0], d[1] - 1, d[2] + days)).toISOString().slice(0, 10);
  };
  /** Outputs carry the salon's offset, so their wall clock is the string itself. */
  SH.dateOf = function (instant) {
    return instant ? instant.slice(0, 10) : "";
  };
  SH.timeOf = function (instant) {
    return instant ? instant.slice(11, 16) : "";
  };
  SH.when = function (instant) {
    if (!instant) return "—";
    var d = new Date(instant);
    if (isNaN(d)) return instant;
    // Some logs are in UTC: show every instant on the salon's clock.
    var p = parts(d, SH.salon().timezone);
    return p.y + "-" + pad(p.m) + "-" + pad(p.d) + " " + pad(p.h) + ":" + pad(p.mi);
  };
  SH.weekdayName = function (dateStr) {
    var d = dateStr.split("-").map(Number);
    return new Intl.DateTimeFormat(undefined, { weekday: "long", month: "short", day: "numeric", timeZone: "UTC" }).format(
      new Date(Date.UTC(d[0], d[1] - 1, d[2]))
    );
  };
  // ICU still lists some zones under their old names; the server (tzdata) prefers the new ones.
  var MODERN = {
    "Asia/Calcutta": "Asia/Kolkata",
    "Asia/Saigon": "Asia/Ho_Chi_Minh",
    "Asia/Katmandu": "Asia/Kathmandu",
    "Asia/Rangoon": "Asia/Yangon",
    "Europe/Kiev": "Europe/Kyiv",
    "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
  };
  SH.modernZone = function (z) {
    return MODERN[z] || z;
  };
  SH.timezones = function () {
    var zones;
    try {
      zones = Intl.supportedValuesOf("timeZone");
    } catch (e) {
      zones = ["UTC", "Asia/Kolkata", "Europe/London", "America/New_York"];
    }
    return zones.map(SH.modernZone).sort();
  };
  SH.tzOptions = function (selected) {
    var zones = SH.timezones().slice();
    if (selected && zones.indexOf(selected) < 0) zones.unshift(selected);
    return zones
      .map(function (z) {
        return '<option value="' + SH.esc(z) + '"' + (z === selected ? " selected" : "") + ">" + SH.esc(z) + "</option>";
      })
      .join("");
  };

  // --- the API ------------------------------------------------------------------------------
  function ApiError(status, body) {
    var err = (body && body.error) || {};
    this.status = status;
    this.code = err.code || "http_" + status;
    this.message = err.message || "Something went wrong (" + status + "). Try again.";
    this.details = err.details || {};
    this.fields = this.details.fields || {};
  }
  SH.ApiError = ApiError;

  SH.api = function (method, path, body, opts) {
    opts = opts || {};
    var headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET" && SH.session) headers["X-CSRF-Token"] = SH.session.csrf_token;
    return fetch(path, {
      method: method,
      credentials: "same-origin",
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(
      function (r) {
        if (r.status === 204) return null;
        return r.text().then(function (text) {
          var data = null;
          try {
            data = text ? JSON.parse(text) : null;
          } catch (e) {
            data = null;
          }
          if (r.ok) return data;
          var err = new ApiError(r.status, data);
          if (r.status === 401 && !opts.allow401) {
            err.redirected = true;
            SH.toLogin();
          }
          throw err;
        });
      },
      function () {
        throw new ApiError(0, { error: { code: "network", message: "Cannot reach SalonHub. Check your connection and try again." } });
      }
    );
  };
  SH.salonPath = function (rest) {
    return "/api/salons/" + encodeURIComponent(SH.salonId) + (rest || "");
  };
  SH.qs = function (params) {
    var out = [];
    Object.keys(params).forEach(function (k) {
      if (params[k] !== null && params[k] !== undefined && params[k] !== "")
        out.push(encodeURIComponent(k) + "=" + encodeURIComponent(params[k]));
    });
    return out.length ? "?" + out.join("&") : "";
  };

  // --- session and salons -------------------------------------------------------------------
  SH.loadSession = function () {
    return SH.api("GET", "/api/auth/session", undefined, { allow401: true }).then(
      function (s) {
        SH.session = s;
        var stored = localStorage.getItem("sh.salon");
        var ids = s.salons.map(function (x) {
          return x.id;
        });
        SH.salonId = ids.indexOf(stored) >= 0 ? stored : ids[0] || null;
        return s;
      },
      function (e) {
        if (e.status !== 401) throw e;
        SH.session = null;
        return null;
      }
    );
  };
  SH.salon = function () {
    var found = null;
    (SH.session ? SH.session.salons : []).forEach(function (s) {
      if (s.id === SH.salonId) found = s;
    });
    return found || { id: null, name: "", timezone: "UTC", tier: "free", slug: "" };
  };
  SH.chooseSalon = function (id) {
    SH.salonId = id;
    localStorage.setItem("sh.salon", id);
  };
  SH.toLogin = function () {
    var here = location.pathname + location.search;
    var next = /^\/admin\/(login|signup)/.test(location.pathname) ? "/admin" : here;
    SH.session = null;
    SH.go("/admin/login?next=" + encodeURIComponent(next), true);
  };

  // --- router -------------------------------------------------------------------------------
  /** route(pattern, title, render, {public: true}) — pattern a string or RegExp. */
  SH.route = function (pattern, title, render, opts) {
    var re = typeof pattern === "string" ? new RegExp("^" + pattern.replace(/\//g, "\\/") + "\\/?$") : pattern;
    SH.routes.push({ re: re, title: title, render: render, opts: opts || {} });
  };
  function match(path) {
    for (var i = 0; i < SH.routes.length; i++) {
      var m = SH.routes[i].re.exec(path);
      if (m) {
        try {
          return { route: SH.routes[i], params: m.slice(1).map(decodeURIComponent) };
        } catch (e) {
          return null; // a malformed %-escape: "Page not found"
        }
      }
    }
    return null;
  }
  SH.go = function (url, replace) {
    if (replace) history.replaceState(null, "", url);
    else history.pushState(null, "", url);
    render(false);
  };
  SH.param = function (name) {
    return new URLSearchParams(location.search).get(name);
  };
  SH.onLeave = function (fn) {
    SH.timers.push(fn);
  };
  var firstRender = true;
  function render(initial) {
    SH.timers.splice(0).forEach(function (fn) {
      fn();
    });
    var path = location.pathname.replace(/\/+$/, "") || "/admin";
    var found = match(path);
    // Each screen draws into its own #main: a screen left before its data arrived writes into a
    // detached element, never over the screen shown now.
    var previous = SH.$("#main");
    var main = previous.cloneNode(false);
    previous.replaceWith(main);
    if (!initial && !firstRender) SH.$("#flash-area").textContent = "";
    firstRender = false;
    if (!found) {
      layout();
      main.innerHTML = '<h1 tabindex="-1">Page not found</h1><p><a href="/admin">Back to the dashboard</a></p>';
      return focusHeading("Page not found");
    }
    if (!found.route.opts.public && !SH.session) return SH.toLogin();
    if (!found.route.opts.public && !SH.salonId) {
      layout();
      main.innerHTML = '<h1 tabindex="-1">No salon yet</h1><p>This account has no salon.</p>';
      return focusHeading("No salon");
    }
    layout();
    document.title = found.route.title + " · SalonHub admin";
    main.innerHTML = '<h1 tabindex="-1">' + SH.esc(found.route.title) + '</h1><p class="loading">Loading…</p>';
    focusHeading(found.route.title);
    Promise.resolve(found.route.render(main, found.params)).then(
      function () {
        if (main.isConnected) focusHeading(found.route.title);
      },
      function (e) {
        if ((e && e.redirected) || !main.isConnected) return;
        SH.pageError(main, e);
      }
    );
  }
  SH.render = render;
  function focusHeading(title) {
    var h = SH.$("#main h1");
    if (h) {
      h.setAttribute("tabindex", "-1");
      if (document.activeElement !== h && !SH.$("#main").contains(document.activeElement)) h.focus();
    }
    SH.announce(title);
  }
  SH.pageError = function (main, e) {
    var msg = (e && e.message) || "Something went wrong.";
    var p = document.createElement("p");
    p.className = "flash flash-error";
    p.setAttribute("role", "alert");
    p.textContent = msg;
    var loading = SH.$(".loading", main);
    if (loading) loading.replaceWith(p);
    else main.appendChild(p);
  };
  SH.announce = function (text) {
    var box = SH.$("#announce");
    box.textContent = "";
    setTimeout(function () {
      box.textContent = text;
    }, 30);
  };
  /** A status line in `where` (role=status): ok/error. */
  SH.notice = function (where, text, kind) {
    var p = document.createElement("p");
    p.className = "flash flash-" + (kind || "ok");
    p.setAttribute("role", kind === "error" ? "alert" : "status");
    p.textContent = text;
    SH.$$(".flash", where).forEach(function (old) {
      if (old.parentNode === where) old.remove();
    });
    where.insertBefore(p, where.firstChild);
    SH.announce(text);
  };

  // --- forms --------------------------------------------------------------------------------
  var uid = 0;
  /** A labelled field: {name, label, type, value, required, attrs, options (for select), hint}. */
  SH.field = function (f) {
    var id = "f-" + f.name.replace(/[^a-z0-9_-]/gi, "-") + "-" + ++uid;
    var attrs = f.attrs || "";
    var req = f.required ? " required" : "";
    var described = ' aria-describedby="' + id + '-err' + (f.hint ? " " + id + "-hint" : "") + '"';
    var control;
    if (f.type === "select") {
      control = '<select id="' + id + '" name="' + SH.esc(f.name) + '"' + req + described + attrs + ">" + f.options + "</select>";
    } else if (f.type === "checkbox") {
      return (
        '<div class="field field-check"><input type="checkbox" id="' + id + '" name="' + SH.esc(f.name) + '"' +
        (f.value ? " checked" : "") + described + attrs + '><label for="' + id + '">' + SH.esc(f.label) + "</label>" +
        (f.hint ? '<p class="hint" id="' + id + '-hint">' + SH.esc(f.hint) + "</p>" : "") +
        '<p class="field-error" id="' + id + '-err" data-for="' + SH.esc(f.name) + '"></p></div>'
      );
    } else {
      control =
        '<input id="' + id + '" name="' + SH.esc(f.name) + '" type="' + (f.type || "text") + '" value="' +
        SH.esc(f.value === undefined || f.value === null ? "" : f.value) + '"' + req + described + attrs + ">";
    }
    return (
      '<div class="field"><label for="' + id + '">' + SH.esc(f.label) + "</label>" + control +
      (f.hint ? '<p class="hint" id="' + id + '-hint">' + SH.esc(f.hint) + "</p>" : "") +
      '<p class="field-error" id="' + id + '-err" data-for="' + SH.esc(f.name) + '"></p></div>'
    );
  };
  SH.values = function (form) {
    var out = {};
    SH.$$("input, select, textarea", form).forEach(function (el) {
      if (!el.name) return;
      if (el.type === "checkbox") {
        if (el.name.slice(-2) === "[]") {
          var key = el.name.slice(0, -2);
          out[key] = out[key] || [];
          if (el.checked) out[key].push(el.value);
        } else out[el.name] = el.checked;
      } else if (el.type === "number") out[el.name] = el.value === "" ? null : Number(el.value);
      else out[el.name] = el.value.trim();
    });
    return out;
  };
  SH.clearErrors = function (form) {
    SH.$$(".field-error", form).forEach(function (p) {
      p.textContent = "";
    });
    SH.$$("[aria-invalid]", form).forEach(function (el) {
      el.removeAttribute("aria-invalid");
    });
    var top = SH.$(".form-error", form);
    if (top) top.remove();
  };
  /** Show an ApiError on a form: the message on top, each field's reason next to it. */
  SH.showErrors = function (form, e) {
    SH.clearErrors(form);
    var top = document.createElement("p");
    top.className = "form-error flash flash-error";
    top.setAttribute("role", "alert");
    top.textContent = e.message || "Something went wrong.";
    form.insertBefore(top, form.firstChild);
    var first = null;
    Object.keys(e.fields || {}).forEach(function (key) {
      var name = key.split(".").pop().replace(/\[\d+\]$/, "");
      var p = SH.$('.field-error[data-for="' + name + '"]', form) || SH.$('.field-error[data-for="' + key + '"]', form);
      if (!p) {
        top.textContent += " " + key + ": " + e.fields[key] + ".";
        return;
      }
      p.textContent = e.fields[key];
      var input = SH.$('[name="' + name + '"]', form);
      if (input) {
        input.setAttribute("aria-invalid", "true");
        first = first || input;
      }
    });
    if (first) first.focus();
  };
  /** Wire a form: submit → handler(values) returning a promise; errors shown on the form. */
  SH.onSubmit = function (form, handler) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var button = SH.$('[type="submit"]', form);
      if (button) button.disabled = true;
      SH.clearErrors(form);
      Promise.resolve()
        .then(function () {
          return handler(SH.values(form), form);
        })
        .catch(function (e) {
          if (e && e.redirected) return;
          SH.showErrors(form, e instanceof ApiError ? e : { message: (e && e.message) || String(e) });
        })
        .then(function () {
          if (button) button.disabled = false;
        });
    });
  };
  /** Delegate clicks on [data-action] inside root to handlers[action](el, ev). */
  SH.actions = function (root, handlers) {
    root.addEventListener("click", function (ev) {
      var el = ev.target.closest("[data-action]");
      if (!el || !root.contains(el) || !handlers[el.dataset.action]) return;
      ev.preventDefault();
      handlers[el.dataset.action](el, ev);
    });
  };
  SH.section = function (title, body, id) {
    return '<section class="card"' + (id ? ' id="' + id + '"' : "") + "><h2>" + SH.esc(title) + "</h2>" + body + "</section>";
  };
  SH.planPrompt = function (what) {
    return (
      '<div class="plan-check" role="status"><h2>Available on Growth and Elite</h2>' +
      "<p>Your salon is on the <strong>Free</strong> plan. " + SH.esc(what) + "</p>" +
      "<ul><li><strong>Growth</strong>: connect your Facebook Page and Instagram account, Book buttons on both, " +
      "Messenger and Instagram confirmations, social booking analytics.</li>" +
      "<li><strong>Elite</strong>: everything in Growth for several locations, with priority support.</li></ul>" +
      "<p>To upgrade, contact SalonHub support from the email address you signed up with.</p></div>"
    );
  };

  // --- layout -------------------------------------------------------------------------------
  var NAV = [
    ["/admin", "Dashboard"],
    ["/admin/services", "Services"],
    ["/admin/staff", "Staff"],
    ["/admin/settings", "Settings"],
    ["/admin/integrations/meta", "Facebook & Instagram"],
    ["/admin/analytics", "Analytics"],
    ["/admin/operations", "Operations"],
  ];
  function current(href) {
    var path = location.pathname.replace(/\/+$/, "") || "/admin";
    if (href === "/admin") return path === "/admin";
    return path === href || path.indexOf(href + "/") === 0;
  }
  function layout() {
    var bar = SH.$("#topbar");
    if (!SH.session) {
      bar.innerHTML = '<a class="brand" href="/admin">SalonHub</a>';
      return;
    }
    var salons = SH.session.salons;
    var switcher =
      salons.length > 0
        ? '<div class="salon-switch"><label for="salon-switch">Salon</label><select id="salon-switch">' +
          salons
            .map(function (s) {
              return '<option value="' + SH.esc(s.id) + '"' + (s.id === SH.salonId ? " selected" : "") + ">" + SH.esc(s.name) + "</option>";
            })
            .join("") +
          "</select></div>"
        : "";
    var links = NAV.map(function (n) {
      return '<li><a href="' + n[0] + '"' + (current(n[0]) ? ' aria-current="page"' : "") + ">" + SH.esc(n[1]) + "</a></li>";
    }).join("");
    bar.innerHTML =
      '<div class="topbar-row"><a class="brand" href="/admin">SalonHub</a>' + switcher +
      '<button type="button" class="btn-link logout" id="logout">Log out</button></div>' +
      '<nav aria-label="Admin sections"><ul class="nav">' + links + "</ul></nav>";
    var sel = SH.$("#salon-switch");
    if (sel)
      sel.addEventListener("change", function () {
        SH.chooseSalon(sel.value);
        render(false);
      });
    SH.$("#logout").addEventListener("click", function () {
      SH.api("DELETE", "/api/auth/session").then(
        function () {
          SH.session = null;
          SH.go("/admin/login", true);
        },
        function () {
          SH.session = null;
          SH.go("/admin/login", true);
        }
      );
    });
  }
  SH.layout = layout;

  // --- boot ---------------------------------------------------------------------------------
  document.addEventListener("click", function (ev) {
    if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    var a = ev.target.closest("a[href]");
    if (!a || a.target || a.hasAttribute("download") || a.dataset.external !== undefined) return;
    var url = new URL(a.href, location.href);
    if (url.origin !== location.origin || !/^\/admin(\/|$)/.test(url.pathname) || /\.svg$/.test(url.pathname)) return;
    ev.preventDefault();
    SH.go(url.pathname + url.search);
  });
  window.addEventListener("popstate", function () {
    render(false);
  });
  document.addEventListener("DOMContentLoaded", function () {
    SH.loadSession().then(
      function () {
        render(true);
      },
      function (e) {
        SH.$("#main").innerHTML = "";
        SH.pageError(SH.$("#main"), e);
      }
    );
  });
})();
