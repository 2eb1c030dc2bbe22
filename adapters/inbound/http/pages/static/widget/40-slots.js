// A part of the booking widget's one script (see 00-state.js).
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
