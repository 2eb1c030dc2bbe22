/* Time zones: the browser's list (IANA names, modernised) for the zone pickers. */
(function () {
  "use strict";
  var SH = window.SH;
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
})();
