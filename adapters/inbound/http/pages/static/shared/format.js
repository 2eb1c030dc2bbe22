/* Formatting shared by the admin and the booking widget (window.SHFormat): HTML escaping, money
   from minor units, calendar-day arithmetic. assets.py puts this file before each page's own code
   (the admin bundle, the widget's inline script), so both pages format the same way.
   - esc: text for HTML (elements and quoted attributes); null and undefined are "".
   - money: minor units scaled by the currency's digits (INR 2, JPY 0, KWD 3), formatted by Intl
     in `locale` (the widget passes the salon's, the admin leaves the browser's); when Intl
     cannot format it, the amount with the currency's digits and the code ("1500 JPY").
   - addDays: "YYYY-MM-DD" plus n calendar days (UTC arithmetic, so no DST shift). */
(function () {
  "use strict";

  var ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  function esc(value) {
    if (value === null || value === undefined) return "";
    return String(value).replace(/[&<>"']/g, function (c) {
      return ESC[c];
    });
  }

  /** Digits after the point in `currency` (INR 2, JPY 0, KWD 3): minor units per major. */
  function minorDigits(currency) {
    try {
      return new Intl.NumberFormat("en", { style: "currency", currency: currency }).resolvedOptions().maximumFractionDigits;
    } catch (e) {
      return 2;
    }
  }

  function money(minor, currency, locale) {
    var digits = minorDigits(currency);
    var major = minor / Math.pow(10, digits);
    try {
      return new Intl.NumberFormat(locale, { style: "currency", currency: currency }).format(major);
    } catch (e) {
      return major.toFixed(digits) + " " + currency;
    }
  }

  function addDays(dateStr, days) {
    var d = dateStr.split("-").map(Number);
    return new Date(Date.UTC(d[0], d[1] - 1, d[2] + days)).toISOString().slice(0, 10);
  }

  window.SHFormat = { esc: esc, minorDigits: minorDigits, money: money, addDays: addDays };
})();
