/* The salon's wall clock: dates and times in the salon's zone (SH.instant, SH.today, SH.when...). */
(function () {
  "use strict";
  var SH = window.SH;
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
  SH.addDays = window.SHFormat.addDays;
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
})();
