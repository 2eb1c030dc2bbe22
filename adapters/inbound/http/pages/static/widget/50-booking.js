// A part of the booking widget's one script (see 00-state.js).
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
