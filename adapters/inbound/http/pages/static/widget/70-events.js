// A part of the booking widget's one script (see 00-state.js).
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
