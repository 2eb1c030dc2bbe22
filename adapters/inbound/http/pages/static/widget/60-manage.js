// A part of the booking widget's one script (see 00-state.js).
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
