// The booking widget. State lives in the URL (step, service, staff, date, start, loc; src and
// utm_* ride along untouched), so reload and back/forward keep the step. Name and phone stay
// in sessionStorage, never in the URL. Everything else comes from the public JSON API.
// Its parts (static/widget/*.js: 00 state, 10 API, 20 steps, 30 views, 40 slot picker, 50 booking,
// 60 manage page, 70 events) are joined in name order by assets.py inside one function (one
// scope, "use strict"), after shared/format.js; the page inlines the result.
const B = JSON.parse(document.getElementById("boot").textContent);
const app = document.getElementById("app"), live = document.getElementById("live");
const S = B.salon, LOC = S.locale, TZ = S.timezone, API = "/api/book";
// esc, money, addDays: shared/format.js (the admin's too); money in the salon's locale.
const F = window.SHFormat, esc = F.esc, addDays = F.addDays;
const byId = (list, id) => list.find((x) => x.id === id);
const fmt = (o) => new Intl.DateTimeFormat(LOC, o);
const tTime = fmt({timeZone: TZ, hour: "numeric", minute: "2-digit"});
const tWhen = fmt({timeZone: TZ, weekday: "long", day: "numeric", month: "long", hour: "numeric", minute: "2-digit"});
const dShort = fmt({timeZone: "UTC", weekday: "short"}), dNum = fmt({timeZone: "UTC", day: "numeric"});
const dMonth = fmt({timeZone: "UTC", month: "long"});
const dLong = fmt({timeZone: "UTC", weekday: "long", day: "numeric", month: "long"});
const utc = (d) => new Date(d + "T00:00:00Z");
const dayDiff = (a, b) => Math.round((utc(b) - utc(a)) / 864e5);
const time = (iso) => tTime.format(new Date(iso));
const when = (iso) => tWhen.format(new Date(iso));
const dayName = (d) => dLong.format(utc(d));
const money = (m, c) => F.money(m, c, LOC);
const mins = (m) => m < 60 ? m + " min" : Math.floor(m / 60) + " h" + (m % 60 ? " " + (m % 60) + " min" : "");
const say = (text) => { live.textContent = ""; setTimeout(() => { live.textContent = text; }, 30); };

// ---- URL state -------------------------------------------------------------------------
const KEYS = ["step", "loc", "service", "staff", "date", "start"];
function state() {
  const q = new URLSearchParams(location.search), s = {};
  KEYS.forEach((k) => { s[k] = q.get(k) || ""; });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s.date) || isNaN(utc(s.date))) s.date = "";  // a hand-edited URL
  return s;
}
function go(patch, replace) {
  const q = new URLSearchParams(location.search);
  Object.keys(patch).forEach((k) => { if (patch[k]) q.set(k, patch[k]); else q.delete(k); });
  const depth = (history.state && history.state.depth) || 0, url = location.pathname + (q.toString() ? "?" + q : "");
  if (replace) history.replaceState({depth}, "", url); else history.pushState({depth: depth + 1}, "", url);
  render(true);
}
function back(patch) {
  if (history.state && history.state.depth > 0) history.back(); else go(patch, true);
}
const store = {
  get: (k) => { try { return JSON.parse(sessionStorage.getItem("sh:" + k)); } catch (e) { return null; } },
  set: (k, v) => { try { sessionStorage.setItem("sh:" + k, JSON.stringify(v)); } catch (e) { /* private mode */ } },
};
