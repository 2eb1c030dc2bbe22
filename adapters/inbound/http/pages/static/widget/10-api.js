// A part of the booking widget's one script (see 00-state.js).
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
