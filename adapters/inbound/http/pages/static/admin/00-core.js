/* SalonHub admin: the core shared by every screen (window.SH), in numbered parts joined in name
   order (assets.py): 00 the namespace and text/HTML formatting, 01 the salon's wall clock, 02 time
   zones, 03 the API client, 04 the session, 05 the router, 06 forms, 07 the layout, 08 the boot.
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

  // --- text and html (esc, minorDigits, money: shared/format.js, the widget's too) -----------
  var F = window.SHFormat;
  SH.esc = F.esc;
  SH.minorDigits = F.minorDigits;
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
  SH.money = function (minor, currency) {
    return F.money(minor, currency); // in the browser's locale
  };
  SH.pct = function (x) {
    return (Math.round((x || 0) * 1000) / 10).toString() + "%";
  };
})();
