// A part of the booking widget's one script (see 00-state.js).
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
