// A part of the booking widget's one script (see 00-state.js).
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
