/* The session (who is logged in, with the CSRF token) and the chosen salon. */
(function () {
  "use strict";
  var SH = window.SH;
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
})();
