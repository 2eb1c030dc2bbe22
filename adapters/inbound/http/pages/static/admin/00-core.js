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
})();
