(() => {
"use strict";
// The booking widget. State lives in the URL (step, service, staff, date, start, loc; src and
// utm_* ride along untouched), so reload and back/forward keep the step. Name and phone stay
// in sessionStorage, never in the URL. Everything else comes from the public JSON API.
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

// ---- API -------------------------------------------------------------------------------
async function call(method, url, body, headers) {
  let r;
  try {
    r = await fetch(url, {method, headers: Object.assign(body ? {"Content-Type": "application/json"} : {}, headers || {}), body: body ? JSON.stringify(body) : undefined});
  } catch (e) {
    return {status: 0, error: {code: "offline", message: "No connection. Check your signal and try again."}};
  }
  const data = r.status === 204 ? null : await r.json().catch(() => null);
  if (r.ok) return {status: r.status, data};
  const error = (data && data.error) || {code: "error", message: "Something went wrong. Try again."};
  if (r.status === 429) error.message = "Too many tries. Wait " + (r.headers.get("Retry-After") || "a few") + " seconds and try again.";
  return {status: r.status, error};
}
const cache = {};
if (B.avail) cache[B.avail.key] = {at: Date.now(), slots: B.avail.slots};
async function week(service, staff, first, fresh) {
  const key = service + "|" + (staff || "any") + "|" + first, hit = cache[key];
  if (hit && !fresh && Date.now() - hit.at < 30e3) return hit.slots;
  const q = new URLSearchParams({service_id: service, date: first, days: "7"});
  if (staff) q.set("staff_id", staff);
  const r = await call("GET", API + "/social/" + S.id + "/availability?" + q);
  if (r.error) throw r.error;
  cache[key] = {at: Date.now(), slots: r.data.slots};
  return r.data.slots;
}
const marks = {};
const mark = (name) => { if (!marks[name] && performance.mark) { marks[name] = 1; performance.mark(name); } };
let counted = false;
function countSlotView() {
  if (counted || B.mode !== "book") return;
  counted = true;
  fetch(API + "/social/" + S.id + "/funnel", {method: "POST", keepalive: true, headers: {"Content-Type": "application/json"}, body: JSON.stringify({step: "slot_view", source: B.src})}).catch(() => {});
}

// ---- what the customer picked ------------------------------------------------------------
const manage = () => B.mode === "manage";
const locStaff = (st) => B.staff.filter((x) => B.locations.length < 2 || x.loc === st.loc || !x.loc);
const qualified = (svc, st) => locStaff(st).filter((x) => x.service_ids.includes(svc.id));
const servicesAt = (st) => B.services.filter((svc) => qualified(svc, st).length > 0);
function picked(st) {
  const svc = byId(B.services, manage() ? B.booking.service_id : st.service);
  const staff = st.staff && st.staff !== "any" ? byId(B.staff, st.staff) : null;
  return {svc, staff};
}
function stepOf(st) {
  if (st.start && isNaN(Date.parse(st.start))) st.start = "";  // (mutates: render reads it after)
  if (manage()) {
    if (!active() || !["time", "move", "cancel"].includes(st.step)) return "view";
    if (st.step !== "cancel" && !byId(B.services, B.booking.service_id)) return "view";
    return st.step === "move" && !st.start ? "time" : st.step;
  }
  if (B.locations.length > 1 && !byId(B.locations, st.loc)) return "location";
  const p = picked(st);
  if (!p.svc || !qualified(p.svc, st).length) return "service";
  if (!st.staff || (st.staff !== "any" && !(p.staff && qualified(p.svc, st).includes(p.staff)))) return "staff";
  if (!st.start || !["details", "confirm"].includes(st.step)) return "time";
  if (st.step === "confirm" && !store.get("details")) return "details";
  return st.step;
}
const STEPS = ["location", "service", "staff", "time", "details", "confirm"];

// ---- rendering -------------------------------------------------------------------------
let timer = null, lastStep = null;
function render(moved) {
  clearInterval(timer);
  const st = state(), step = stepOf(st);
  const steps = STEPS.filter((s) => s !== "location" || B.locations.length > 1);
  const n = steps.indexOf(step);
  document.getElementById("progress").textContent = n >= 0 ? "Step " + (n + 1) + " of " + steps.length : "";
  const view = VIEWS[step](st);
  app.innerHTML = view;
  if (step === "time") slotsInto(st);
  if (moved || (lastStep && lastStep !== step)) {
    const h = app.querySelector("h2");
    if (h) { h.setAttribute("tabindex", "-1"); h.focus(); }
    window.scrollTo(0, 0);
  }
  lastStep = step;
  mark("first-screen");
}
const head = (title, backTo) => (backTo ? '<button type="button" class="link" data-act="back" data-to="' + esc(backTo) + '">← Back</button>' : "") + "<h2>" + esc(title) + "</h2>";
const choice = (act, id, name, meta, desc) => '<li><button type="button" class="choice" data-act="' + act + '" data-id="' + esc(id) + '"><span><span class="name">' + esc(name) + "</span>" + (desc ? '<span class="desc">' + esc(desc) + "</span>" : "") + '</span><span class="meta">' + meta + "</span></button></li>";

const VIEWS = {
  location(st) {
    return head("Choose a location") + '<ul class="list">' + B.locations.map((l) => choice("loc", l.id, l.name, "", l.address)).join("") + "</ul>";
  },
  service(st) {
    const groups = new Map();
    servicesAt(st).forEach((s) => { const g = s.category || ""; if (!groups.has(g)) groups.set(g, []); groups.get(g).push(s); });
    const names = Array.from(groups.keys());
    if (!names.length) return head("Choose a service") + "<p>No services can be booked online right now.</p>";
    return head("Choose a service", B.locations.length > 1 ? "location" : "") + names.map((g) =>
      (g ? "<h3>" + esc(g) + "</h3>" : "") + '<ul class="list">' + groups.get(g).map((s) =>
        choice("service", s.id, s.name, esc(money(s.price_minor, s.currency)) + " · " + esc(mins(s.duration_minutes)), s.description)).join("") + "</ul>").join("");
  },
  staff(st) {
    const svc = picked(st).svc;
    return head("Who would you like?", "service") + '<ul class="list">' + choice("staff", "any", "Anyone available", "", "The first free team member") +
      qualified(svc, st).map((x) => choice("staff", x.id, x.name, "", "")).join("") + "</ul>";
  },
  time(st) {
    const {svc} = picked(st);
    const title = manage() ? "Pick a new time" : "Pick a time";
    return head(title, manage() ? "view" : "staff") + '<p class="hint">' + esc(svc ? svc.name + " · " + mins(svc.duration_minutes) : "") + ' · times in the salon’s time zone</p><div id="week"><p class="loading">Loading times…</p></div>';
  },
  details(st) {
    const d = store.get("details") || {}, err = store.get("detailsError");
    return head("Your details", "time") + '<form id="details" novalidate>' +
      '<label for="name">Your name</label><input id="name" name="name" autocomplete="name" required maxlength="200" value="' + esc(d.name) + '">' +
      '<label for="phone">Mobile number</label><input id="phone" name="phone" type="tel" inputmode="tel" autocomplete="tel" required maxlength="40" aria-describedby="phone-hint' + (err ? " phone-err" : "") + '" value="' + esc(d.phone) + '">' +
      '<p class="hint" id="phone-hint">We text your confirmation here. New numbers get a 6-digit code.</p>' +
      (err ? '<p class="err" id="phone-err" role="alert">' + esc(err) + "</p>" : "") +
      '<label for="email">Email (optional)</label><input id="email" name="email" type="email" autocomplete="email" maxlength="320" value="' + esc(d.email) + '">' +
      '<p class="err" id="form-err" role="alert"></p><button class="primary" type="submit">Continue</button></form>';
  },
  confirm(st) {
    const {svc, staff} = picked(st), d = store.get("details") || {};
    return head("Confirm your booking", "details") + summary(svc, staff, st.start, d) +
      '<div id="alts"></div><div id="otp"></div><p class="err" id="book-err" role="alert"></p>' +
      '<button class="primary" type="button" data-act="book" id="book">Confirm booking</button>';
  },
  view() { return bookingView(); },
  move(st) {
    const b = B.booking;
    return head("Move your appointment?", "time") + '<div class="card"><dl><dt>From</dt><dd>' + esc(when(b.start)) + "</dd><dt>To</dt><dd>" + esc(when(st.start)) + "</dd></dl></div>" +
      '<div id="alts"></div><p class="err" id="book-err" role="alert"></p><button class="primary" type="button" data-act="move">Confirm new time</button>';
  },
  cancel() {
    return head("Cancel your appointment?", "view") + '<p>' + esc(when(B.booking.start)) + "</p>" +
      '<p class="err" id="book-err" role="alert"></p><div class="row"><button class="primary" type="button" data-act="cancel">Yes, cancel it</button><button type="button" data-act="back" data-to="view">Keep it</button></div>';
  },
};

function summary(svc, staff, start, d) {
  return '<div class="card"><dl>' +
    "<dt>Service</dt><dd>" + esc(svc ? svc.name : "Appointment") + "</dd>" +
    (svc ? "<dt>Price</dt><dd>" + esc(money(svc.price_minor, svc.currency)) + " · " + esc(mins(svc.duration_minutes)) + "</dd>" : "") +
    "<dt>With</dt><dd>" + esc(staff ? staff.name : "Anyone available") + "</dd>" +
    '<dt>When</dt><dd id="when">' + esc(when(start)) + "</dd>" +
    (d ? "<dt>Name</dt><dd>" + esc(d.name) + "</dd><dt>Phone</dt><dd>" + esc(d.phone) + "</dd>" : "") +
    "</dl></div>";
}

// ---- the slot picker -----------------------------------------------------------------------
async function slotsInto(st) {
  const {svc, staff} = picked(st), box = document.getElementById("week");
  const first = B.today, horizon = B.policy.horizon_days;
  const wanted = st.date && dayDiff(first, st.date) >= 0 && dayDiff(first, st.date) <= horizon ? st.date : first;
  const start = addDays(first, Math.floor(dayDiff(first, wanted) / 7) * 7);
  const staffId = manage() ? B.booking.staff_id : staff ? staff.id : null;  // a move keeps the stylist
  const draw = async (fresh) => {
    let slots;
    box.setAttribute("aria-busy", "true");
    try { slots = await week(svc.id, staffId, start, fresh); } catch (e) {
      box.innerHTML = '<p class="err" role="alert">' + esc(e.message || "Could not load times.") + '</p><button type="button" data-act="retry">Try again</button>';
      box.removeAttribute("aria-busy");
      return;
    }
    if (!manage()) {
      const here = new Set(locStaff(st).map((x) => x.id));
      slots = slots.filter((s) => s.staff_ids.some((id) => here.has(id)));
    }
    const perDay = {};
    slots.forEach((s) => { (perDay[s.start.slice(0, 10)] = perDay[s.start.slice(0, 10)] || []).push(s); });
    const days = Array.from({length: 7}, (_, i) => addDays(start, i)).filter((d) => dayDiff(first, d) <= horizon);
    let day = st.date && perDay[st.date] !== undefined ? st.date : st.date && days.includes(st.date) ? st.date : days.find((d) => perDay[d]) || days[0];
    const html = '<div class="days"><button type="button" class="nav" data-act="week" data-to="' + addDays(start, -7) + '" aria-label="Earlier dates"' + (start <= first ? " disabled" : "") + '>‹</button>' +
      '<div class="strip" role="group" aria-label="Dates">' + days.map((d) => {
        const n = (perDay[d] || []).length;
        return '<button type="button" class="day" data-act="day" data-to="' + d + '" aria-pressed="' + (d === day) + '"><span>' + esc(dShort.format(utc(d))) + " </span><b>" + esc(dNum.format(utc(d))) + '</b><span class="sr"> ' + esc(dMonth.format(utc(d))) + ', </span><span class="n">' + (n ? n + '<span class="sr"> times</span>' : '–<span class="sr">no times</span>') + "</span></button>";
      }).join("") + "</div>" +
      '<button type="button" class="nav" data-act="week" data-to="' + addDays(start, 7) + '" aria-label="Later dates"' + (dayDiff(first, addDays(start, 7)) > horizon ? " disabled" : "") + ">›</button></div>" +
      '<h3 id="day-title">' + esc(dayName(day)) + "</h3>" + slotList(perDay[day] || [], days.filter((d) => perDay[d] && d > day)[0], start);
    box.innerHTML = html;
    box.removeAttribute("aria-busy");
    const count = (perDay[day] || []).length;
    const news = count ? count + " times available on " + dayName(day) : "No times on " + dayName(day);
    if (news !== said) say(said = news);  // the 30 s refresh speaks only when something changed
    if (count) { mark("slots-visible"); countSlotView(); }
  };
  let said = "";
  await draw(false);
  timer = setInterval(async () => {  // live: taken times disappear while the customer looks
    if (document.hidden || box.contains(document.activeElement) || !document.body.contains(box)) return;
    await draw(true);
  }, 30e3);
}
function slotList(slots, nextDay, start) {
  if (!slots.length) {
    return "<p>No free times this day.</p>" + (nextDay ? '<button type="button" data-act="day" data-to="' + nextDay + '">Next free day: ' + esc(dayName(nextDay)) + "</button>" : '<button type="button" data-act="week" data-to="' + addDays(start, 7) + '">See the next week</button>');
  }
  return '<div class="slots" role="list" aria-labelledby="day-title">' + slots.map((s) =>
    '<span role="listitem"><button type="button" class="slot" data-act="slot" data-to="' + esc(s.start) + '" data-staff="' + esc(s.staff_ids.join(" ")) + '" aria-label="' + esc(when(s.start)) + '">' + esc(time(s.start)) + "</button></span>").join("") + "</div>";
}

// ---- booking, OTP, alternatives ------------------------------------------------------------
// The key outlives a reload (Back then Confirm again replays the first booking, never a second).
let otpToken = null, idem = store.get("idem") || {body: "", key: ""};
const errBox = (text) => { const e = document.getElementById("book-err"); if (e) e.textContent = text || ""; };
function busy(on) {
  app.querySelectorAll("button.primary").forEach((b) => { b.disabled = on; });
  app.setAttribute("aria-busy", String(on));
}
async function book() {
  const st = state(), {svc, staff} = picked(st), d = store.get("details");
  let staffId = staff ? staff.id : null;
  // "Anyone" at one of several locations: someone free at that location, not anywhere.
  if (!staffId && B.locations.length > 1) staffId = (store.get("slotStaff") || [])[0] || null;
  const body = {salon_id: S.id, service_id: svc.id, staff_id: staffId, start: st.start, source: B.src,
    customer: Object.assign({name: d.name, phone: d.phone}, d.email ? {email: d.email} : {})};
  if (otpToken) body.otp_token = otpToken;
  const text = JSON.stringify(body);
  if (idem.body !== text) {
    idem = {body: text, key: crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random()};
    store.set("idem", idem);
  }
  busy(true); errBox("");
  const r = await call("POST", API + "/social/create", body, {"Idempotency-Key": idem.key});
  busy(false);
  if (r.data) return booked(r.data);
  const e = r.error;
  if (e.code === "verification_required") return otpPanel(d.phone);
  if (e.code === "slot_unavailable") return alternatives((e.details && e.details.alternatives) || []);
  if (e.code === "validation_error" && e.details && e.details.fields) {
    const f = e.details.fields;
    if (f["customer.phone"] || f["customer.name"] || f["customer.email"]) {
      store.set("detailsError", f["customer.phone"] ? "That phone number does not look right." : e.message);
      return go({step: "details"}, false);
    }
  }
  errBox(e.message);
}
function booked(receipt) {
  store.set("detailsError", null);
  B.mode = "manage"; B.booking = receipt.booking; B.token = receipt.manage_token; B.fresh = true;
  const q = new URLSearchParams(location.search), keep = new URLSearchParams({new: "1"});
  q.forEach((v, k) => { if (k === "src" || k.startsWith("utm_")) keep.set(k, v); });
  history.replaceState({depth: 0}, "", "/book/manage/" + encodeURIComponent(B.token) + "?" + keep);
  render(true);
  say("Booked. " + when(B.booking.start));
}
function alternatives(alts) {
  const box = document.getElementById("alts");
  if (!alts.length) { errBox("That time was just taken and nothing close is free. Go back to pick another day."); return; }
  box.innerHTML = '<div class="card" role="alert"><p class="err">That time was just taken. These are free:</p><ul class="list">' +
    alts.map((a) => '<li><button type="button" class="choice" data-act="alt" data-to="' + esc(a.start) + '" data-staff="' + esc(a.staff_ids.join(" ")) + '"><span class="name">' + esc(when(a.start)) + "</span></button></li>").join("") + "</ul></div>";
  const first = box.querySelector("button");
  if (first) first.focus();
}
function keepSlotStaff(ids) {
  const here = new Set(locStaff(state()).map((x) => x.id));
  store.set("slotStaff", String(ids || "").split(" ").filter((id) => here.has(id)));
}
function pickAlternative(btn) {
  const st = state(), start = btn.dataset.to, free = btn.dataset.staff.split(" ");
  keepSlotStaff(btn.dataset.staff);
  const patch = {start, date: start.slice(0, 10)};
  if (!manage() && st.staff !== "any" && !free.includes(st.staff)) patch.staff = "any";
  go(patch, true);
  const w = document.getElementById("when");
  say("Time changed to " + when(start) + ". Confirm to book it.");
  if (w) w.insertAdjacentHTML("beforeend", ' <span class="ok">(new time)</span>');
  const b = app.querySelector("button.primary");
  if (b) b.focus();
}
let countdown = null;
function otpPanel(phone) {
  const box = document.getElementById("otp");
  box.innerHTML = '<form class="card" id="otp-form" novalidate><h3>Verify your number</h3><p>We sent a 6-digit code to <b>' + esc(phone) + '</b>.</p>' +
    '<label for="code">6-digit code</label><input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required>' +
    '<p class="err" id="otp-err" role="alert"></p><div class="row"><button class="primary" type="submit">Verify and book</button>' +
    '<button type="button" data-act="resend" id="resend" disabled>Resend code</button></div></form>';
  document.getElementById("book").hidden = true;
  sendCode(phone);
  document.getElementById("code").focus();
}
async function sendCode(phone) {
  const r = await call("POST", API + "/otp/start", {salon_id: S.id, phone});
  const out = document.getElementById("otp-err");
  if (r.error && out) out.textContent = r.error.message;
  let left = 30;
  const resend = document.getElementById("resend");
  clearInterval(countdown);
  const tick = () => {
    if (!document.body.contains(resend)) return clearInterval(countdown);
    resend.disabled = left > 0;
    resend.textContent = left > 0 ? "Resend code in " + left + " s" : "Resend code";
    if (left-- <= 0) clearInterval(countdown);
  };
  tick();
  countdown = setInterval(tick, 1000);
}
async function verify(form) {
  const code = form.code.value.replace(/\D/g, ""), out = document.getElementById("otp-err");
  if (code.length !== 6) { out.textContent = "Enter the 6 digits from the text message."; form.code.focus(); return; }
  const d = store.get("details");
  busy(true);
  const r = await call("POST", API + "/otp/verify", {salon_id: S.id, phone: d.phone, code});
  busy(false);
  if (r.error) { out.textContent = r.status === 422 ? "That code is not right. Check the text message and try again." : r.error.message; form.code.focus(); return; }
  otpToken = r.data.otp_token;
  document.getElementById("otp").innerHTML = '<p class="ok">Number verified.</p>';
  document.getElementById("book").hidden = false;
  await book();
}

// ---- the manage page -----------------------------------------------------------------------
const active = () => ["pending", "confirmed"].includes(B.booking.status);
const changeable = () => active() && new Date(B.booking.start) - Date.now() > B.policy.cancellation_window_hours * 36e5;
function bookingView() {
  const b = B.booking, svc = byId(B.services, b.service_id), staff = byId(B.staff, b.staff_id);
  const fresh = B.fresh || new URLSearchParams(location.search).get("new") === "1";
  const url = location.origin + "/book/manage/" + encodeURIComponent(B.token);
  const title = b.status === "cancelled" ? "Appointment cancelled" : fresh && active() ? "You’re booked!" : "Your appointment";
  let h = '<div class="' + (fresh && active() ? "done" : "") + '"><h2>' + esc(title) + "</h2>" +
    '<p>Status: <span class="status" id="status">' + esc(b.status) + "</span></p>" + summary(svc, staff, b.start, null);
  if (active()) {
    h += '<div class="row"><a class="btn" href="' + esc(url) + '/booking.ics" download="appointment.ics">Add to calendar</a>' +
      '<button type="button" data-act="copy" data-to="' + esc(url) + '">Copy manage link</button></div>' +
      '<div class="row" id="msgr"></div>';
    h += changeable() ? '<div class="row"><button type="button" data-act="resched">Reschedule</button><button type="button" data-act="ask-cancel">Cancel appointment</button></div>'
      : "<p>Changes are possible until " + esc(B.policy.cancellation_window_hours) + " hours before the appointment. To change it now, contact " + esc(S.name) + ".</p>";
  }
  h += '<p class="hint">Keep this page’s link to change or cancel later.</p></div>';
  if (active()) setTimeout(messengerButtons, 0);
  return h;
}
async function messengerButtons() {
  const box = document.getElementById("msgr");
  if (!box || box.dataset.done) return;
  box.dataset.done = "1";
  const r = await call("GET", API + "/manage/" + encodeURIComponent(B.token) + "/messenger-links");
  if (!r.data || !document.body.contains(box)) return;
  const a = (href, cls, text) => href ? '<a class="btn ' + cls + '" href="' + esc(href) + '" target="_blank" rel="noopener">' + text + "</a>" : "";
  box.innerHTML = a(r.data.messenger, "msgr", "Get my confirmation on Messenger") + a(r.data.instagram, "insta", "Get my confirmation on Instagram");
}
async function move() {
  const st = state();
  busy(true); errBox("");
  const r = await call("POST", API + "/manage/" + encodeURIComponent(B.token) + "/reschedule", {start: st.start, staff_id: B.booking.staff_id});
  busy(false);
  if (r.data) { B.booking = r.data; B.fresh = false; go({step: "", start: "", date: ""}, false); say("Moved to " + when(r.data.start)); return; }
  if (r.error.code === "slot_unavailable") return alternatives((r.error.details && r.error.details.alternatives) || []);
  errBox(r.error.message);
}
async function cancel() {
  busy(true); errBox("");
  const r = await call("POST", API + "/manage/" + encodeURIComponent(B.token) + "/cancel");
  busy(false);
  if (r.data) { B.booking = r.data; go({step: ""}, false); say("Your appointment is cancelled."); return; }
  errBox(r.error.message);
}

// ---- events --------------------------------------------------------------------------------
const ACTS = {
  back: (b) => back({step: b.dataset.to === "view" ? "" : b.dataset.to}),
  loc: (b) => go({loc: b.dataset.id, service: "", staff: "", start: "", step: "service"}),
  service: (b) => {
    const st = state(), svc = byId(B.services, b.dataset.id), one = qualified(svc, st).length < 2;
    go({service: svc.id, staff: one ? "any" : "", start: "", step: one ? "time" : "staff"});
  },
  staff: (b) => go({staff: b.dataset.id, start: "", step: "time"}),
  week: (b) => go({date: b.dataset.to}, true),
  day: (b) => { go({date: b.dataset.to}, true); const p = app.querySelector('[aria-pressed="true"]'); if (p) p.focus(); },
  slot: (b) => {
    keepSlotStaff(b.dataset.staff);
    go({start: b.dataset.to, date: b.dataset.to.slice(0, 10), step: manage() ? "move" : "details"});
  },
  retry: () => render(false),
  book, move, cancel,
  alt: pickAlternative,
  resend: () => sendCode(store.get("details").phone),
  resched: () => go({step: "time"}),
  "ask-cancel": () => go({step: "cancel"}),
  copy: (b) => {
    const done = () => { b.textContent = "Link copied"; say("Link copied"); };
    if (navigator.clipboard) navigator.clipboard.writeText(b.dataset.to).then(done, () => window.prompt("Copy this link", b.dataset.to));
    else window.prompt("Copy this link", b.dataset.to);
  },
};
app.addEventListener("click", (ev) => {
  const b = ev.target.closest("[data-act]");
  if (!b || b.disabled || !ACTS[b.dataset.act]) return;
  ev.preventDefault();
  ACTS[b.dataset.act](b);
});
app.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const f = ev.target;
  if (f.id === "otp-form") return verify(f);
  if (f.id !== "details") return;
  const field = (id) => f.querySelector("#" + id);
  const name = field("name").value.trim(), phone = field("phone").value.trim(), email = field("email").value.trim();
  const out = document.getElementById("form-err");
  if (!name) { out.textContent = "Enter your name."; field("name").focus(); return; }
  if ((phone.match(/\d/g) || []).length < 7) { out.textContent = "Enter your mobile number."; field("phone").focus(); return; }
  store.set("details", {name, phone, email});
  store.set("detailsError", null);
  otpToken = null;
  go({step: "confirm"});
});
window.addEventListener("popstate", () => {
  // Back from the confirmation to the booking steps (or forward again): the page of that URL.
  if (location.pathname.startsWith("/book/manage/") !== manage()) return location.reload();
  render(true);
});
document.addEventListener("visibilitychange", () => { if (!document.hidden && stepOf(state()) === "time") render(false); });
render(false);
})();
