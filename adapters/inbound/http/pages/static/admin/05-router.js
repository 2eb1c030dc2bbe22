/* The router: history.pushState between /admin paths, one render function per route; focus,
   announcements and status lines. */
(function () {
  "use strict";
  var SH = window.SH;
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
      SH.layout();
      main.innerHTML = '<h1 tabindex="-1">Page not found</h1><p><a href="/admin">Back to the dashboard</a></p>';
      return focusHeading("Page not found");
    }
    if (!found.route.opts.public && !SH.session) return SH.toLogin();
    if (!found.route.opts.public && !SH.salonId) {
      SH.layout();
      main.innerHTML = '<h1 tabindex="-1">No salon yet</h1><p>This account has no salon.</p>';
      return focusHeading("No salon");
    }
    SH.layout();
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
})();
