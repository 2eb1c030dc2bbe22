"""The booking widget in a real Chromium at a phone viewport, against a real `salonhub serve`.

A customer arrives from Instagram, picks a time that someone else takes meanwhile, verifies the
phone, picks one of the offered alternatives, gets the confirmation, then reschedules from the
manage link. Also: back/forward and reload keep the step, keyboard-only booking, 320 px, the
first-load budget and axe-core's serious findings.
"""

from __future__ import annotations

import gzip
import re
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.integration.servers import SalonFixture, make_salon, texted_codes

from .conftest import SCREENSHOTS, Server, axe_violations, new_page, snap

TZ = "Asia/Kolkata"


@pytest.fixture
def api(server: Server) -> Iterator[httpx.Client]:
    with server.api() as client:
        yield client


def salon_with_slug(api: httpx.Client, *, verify: bool = True) -> tuple[SalonFixture, str]:
    s = make_salon(api, staff=2, timezone=TZ, verify=verify)
    slug = api.get(f"/api/salons/{s.salon_id}", headers=s.auth).json()["slug"]
    return s, slug


def local_day(offset: int) -> date:
    return (datetime.now(ZoneInfo(TZ)) + timedelta(days=offset)).date()


def at(day: date, hhmm: str) -> str:
    hour, minute = map(int, hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(TZ)).isoformat()


def clean(page: Page) -> None:
    found = axe_violations(page)
    assert found == [], found


def pick_day(page: Page, day: date) -> None:
    button = page.locator(f'button.day[data-to="{day.isoformat()}"]')
    expect(page.locator("button.day").first).to_be_visible()
    if button.count() == 0:
        page.get_by_role("button", name="Later dates").click()
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#day-title")).to_have_text(re.compile(day.strftime("%A")))


def slot_button(page: Page, start: str) -> Any:
    return page.locator(f'button.slot[data-to="{start}"]')


def otp_code(api: httpx.Client, salon_id: str, phone: str) -> str:
    return texted_codes(api, salon_id, phone)[0]["code"]


def test_a_customer_from_instagram_books_around_a_taken_slot_and_reschedules(
    server: Server, browser: Browser, api: httpx.Client
) -> None:
    s, slug = salon_with_slug(api)
    server.cli("salon", "set-tier", s.salon_id, "growth")
    day = local_day(2)
    wanted = at(day, "11:00")
    page = new_page(browser, phone=True)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    page.goto(f"{server.url}/book/{slug}?src=instagram&utm_campaign=spring")
    expect(page.get_by_role("heading", name="Choose a service")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Cut"))).to_contain_text("₹500.00")
    expect(page.get_by_role("button", name=re.compile("Cut"))).to_contain_text("1 h")
    snap(page, "widget-1-service")
    clean(page)
    page.get_by_role("button", name=re.compile("Cut")).click()

    expect(page.get_by_role("heading", name="Who would you like?")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Stylist 1"))).to_be_visible()
    snap(page, "widget-2-staff")
    page.get_by_role("button", name=re.compile("Anyone available")).click()

    expect(page.get_by_role("heading", name="Pick a time")).to_be_visible()
    pick_day(page, day)
    expect(slot_button(page, wanted)).to_have_text(re.compile(r"^11:00\s?am$", re.I))
    expect(page.locator("#live")).to_contain_text("times available on")
    snap(page, "widget-3-time")
    clean(page)
    slot_button(page, wanted).click()

    expect(page.get_by_role("heading", name="Your details")).to_be_visible()
    phone = f"98{uuid.uuid4().int % 10**8:08d}"
    page.get_by_label("Your name").fill("Asha Rao")
    page.get_by_label("Mobile number").fill(phone)
    snap(page, "widget-4-details")
    clean(page)
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Confirm your booking")).to_be_visible()
    expect(page.locator("#when")).to_contain_text("11:00")
    assert "utm_campaign=spring" in page.url and "src=instagram" in page.url
    assert "Asha" not in page.url and phone not in page.url  # personal data stays out of URLs
    snap(page, "widget-5-confirm")
    clean(page)

    # Meanwhile both stylists' 11:00 is taken at the desk.
    for staff_id in s.staff:
        r = api.post(
            f"/api/salons/{s.salon_id}/bookings",
            headers=s.auth,
            json={
                "service_id": s.cut,
                "staff_id": staff_id,
                "start": wanted,
                "customer": {"name": "Walk-in", "phone": f"97{uuid.uuid4().int % 10**8:08d}"},
            },
        )
        assert r.status_code == 201, r.text

    page.get_by_role("button", name="Confirm booking").click()
    # A new number: the code is texted first (read from the embedded outbox).
    expect(page.get_by_role("heading", name="Verify your number")).to_be_visible()
    expect(page.locator("#resend")).to_be_disabled()
    expect(page.locator("#resend")).to_contain_text("Resend code in")
    snap(page, "widget-6-otp")
    clean(page)
    code = otp_code(api, s.salon_id, "+91" + phone)
    page.get_by_label("6-digit code").fill("000000" if code != "000000" else "111111")
    page.get_by_role("button", name="Verify and book").click()
    expect(page.locator("#otp-err")).to_contain_text("not right")
    page.get_by_label("6-digit code").fill(code)
    page.get_by_role("button", name="Verify and book").click()

    # The time was taken: alternatives inline, no dead end.
    alternatives = page.locator("#alts button.choice")
    expect(alternatives.first).to_be_visible()
    expect(page.locator("#alts")).to_contain_text("just taken")
    snap(page, "widget-7-alternatives")
    clean(page)
    chosen = alternatives.first.get_attribute("data-to")
    assert chosen and chosen != wanted
    alternatives.first.click()
    expect(page.locator("#when")).to_contain_text("new time")
    page.get_by_role("button", name="Confirm booking").click()

    expect(page.get_by_role("heading", name="You’re booked!")).to_be_visible()
    assert re.search(r"/book/manage/[^/?]+\?new=1&src=instagram", page.url), page.url
    expect(page.get_by_role("link", name="Add to calendar")).to_be_visible()
    expect(page.get_by_role("button", name="Copy manage link")).to_be_visible()
    snap(page, "widget-8-booked")
    clean(page)
    assert errors == []

    token = page.url.split("/book/manage/")[1].split("?")[0]
    booking = api.get(f"/api/book/manage/{token}").json()
    assert booking["source"] == "instagram"
    assert booking["start"] == chosen
    assert booking["customer"]["name"] == "Asha Rao"
    assert booking["customer"]["phone"] == "+91" + phone
    ics = api.get(f"/book/manage/{token}/booking.ics")
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    unfolded = ics.text.replace("\r\n ", "")  # RFC 5545 folds lines over 75 octets
    assert "SUMMARY:Cut at Glow" in unfolded and f"URL:{server.url}/book/manage/{token}" in unfolded
    assert all(len(line.encode()) <= 75 for line in ics.text.split("\r\n"))

    # Reload keeps the confirmation; the manage link lets the customer move the appointment.
    page.reload()
    expect(page.get_by_role("heading", name="You’re booked!")).to_be_visible()
    page.goto(f"{server.url}/book/manage/{token}")
    expect(page.get_by_role("heading", name="Your appointment")).to_be_visible()
    snap(page, "widget-9-manage")
    clean(page)
    page.get_by_role("button", name="Reschedule").click()
    expect(page.get_by_role("heading", name="Pick a new time")).to_be_visible()
    later = local_day(3)
    pick_day(page, later)
    new_start = at(later, "15:00")
    slot_button(page, new_start).click()
    expect(page.get_by_role("heading", name="Move your appointment?")).to_be_visible()
    snap(page, "widget-10-move")
    page.get_by_role("button", name="Confirm new time").click()
    expect(page.get_by_role("heading", name="Your appointment")).to_be_visible()
    expect(page.locator("#live")).to_contain_text("Moved to")
    moved = api.get(f"/api/book/manage/{token}").json()
    assert moved["id"] == booking["id"] and moved["start"] == new_start

    # The funnel counted the visit, the slot view and the booking under Instagram.
    report = api.get("/api/meta/analytics", params={"salon_id": s.salon_id}, headers=s.auth).json()
    funnel = report["funnel"]["instagram"]
    assert funnel["views"] >= 1 and funnel["slot_views"] >= 1 and funnel["bookings"] == 1
    assert report["bookings_by_source"]["instagram"] == 1
    assert errors == []
    page.context.close()


def test_back_forward_and_reload_keep_the_step(
    server: Server, phone_page: Page, api: httpx.Client
) -> None:
    _, slug = salon_with_slug(api)
    page = phone_page
    page.goto(f"{server.url}/book/{slug}?src=facebook")
    page.get_by_role("button", name=re.compile("Colour")).click()
    page.get_by_role("button", name=re.compile("Stylist 0")).click()
    expect(page.get_by_role("heading", name="Pick a time")).to_be_visible()
    page.go_back()
    expect(page.get_by_role("heading", name="Who would you like?")).to_be_visible()
    page.go_back()
    expect(page.get_by_role("heading", name="Choose a service")).to_be_visible()
    page.go_forward()
    page.go_forward()
    expect(page.get_by_role("heading", name="Pick a time")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="Pick a time")).to_be_visible()
    expect(page.locator("p.hint").first).to_contain_text("Colour")
    assert "src=facebook" in page.url
    # The in-page Back button goes back a step too.
    page.get_by_role("button", name="← Back").click()
    expect(page.get_by_role("heading", name="Who would you like?")).to_be_visible()


def test_keyboard_only_booking(server: Server, browser: Browser, api: httpx.Client) -> None:
    _, slug = salon_with_slug(api, verify=False)
    page = new_page(browser, phone=False)
    page.goto(f"{server.url}/book/{slug}?src=story")
    day = local_day(2)

    def tab_to(pattern: str, limit: int = 60) -> None:
        wanted = re.compile(pattern)
        for _ in range(limit):
            page.keyboard.press("Tab")
            label = page.evaluate(
                "() => { const e = document.activeElement; return [e.getAttribute('aria-label'),"
                " e.dataset.to, (e.textContent || '').trim()].filter(Boolean).join(' | ') }"
            )
            if wanted.search(label):
                return
        raise AssertionError(f"Tab never reached {pattern!r}")

    tab_to("^Cut")
    page.keyboard.press("Enter")
    tab_to("^Anyone available")
    page.keyboard.press("Enter")
    expect(page.locator("button.slot").first).to_be_visible()
    tab_to(rf"^{day.isoformat()} \|")
    page.keyboard.press("Enter")
    expect(page.locator("#day-title")).to_contain_text(day.strftime("%A"))
    tab_to(r"10:00")
    page.keyboard.press("Space")
    expect(page.get_by_role("heading", name="Your details")).to_be_visible()
    tab_to("^$")  # the first field, "Your name" (empty: no label text of its own)
    page.keyboard.type("Keyboard User")
    page.keyboard.press("Tab")
    page.keyboard.type("9812345670")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Confirm your booking")).to_be_visible()
    tab_to("^Confirm booking$")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="You’re booked!")).to_be_visible()
    token = page.url.split("/book/manage/")[1].split("?")[0]
    booking = api.get(f"/api/book/manage/{token}").json()
    assert booking["source"] == "story" and booking["start"] == at(day, "10:00")
    page.context.close()


def test_the_page_fits_320px_and_the_first_load_is_under_50_kb(
    server: Server, browser: Browser, api: httpx.Client
) -> None:
    s, slug = salon_with_slug(api)
    deep = f"/book/{slug}?src=instagram&service={s.cut}&staff=any&step=time"
    raw = api.get(deep, headers={"Accept-Encoding": "identity"})
    packed = api.get(deep, headers={"Accept-Encoding": "gzip"})
    assert raw.status_code == 200 and packed.headers["content-encoding"] == "gzip"
    wire = len(gzip.compress(raw.content, 6))
    assert wire < 50 * 1024, wire  # HTML + CSS + JS + the week's slots, all of the first load
    assert "<script src" not in raw.text and "<link" not in raw.text  # nothing else to fetch

    page = new_page(browser, phone=True, viewport={"width": 320, "height": 640})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(server.url + deep)
    expect(page.locator("button.slot").first).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 320
    # The slots came inline with the page: the only requests are the page and the funnel beacon.
    assert [u for u in requests if "/availability" in u] == []
    assert all(u.startswith(server.url) for u in requests)
    page.screenshot(path=str(SCREENSHOTS / "widget-time-320x640.png"))
    page.context.close()


def test_unknown_salon_and_bad_manage_links_are_plain_404_pages(api: httpx.Client) -> None:
    for path, says in (
        ("/book/no-such-salon", "There is no salon at this address."),
        ("/book/manage/not-a-token", "This booking link is not valid."),
        ("/book/manage/x/booking.ics", "This booking link is not valid."),
    ):
        r = api.get(path)
        assert r.status_code == 404 and r.headers["content-type"].startswith("text/html"), path
        assert "Not found" in r.text and says in r.text, path


def test_elite_branding_service_groups_and_the_location_picker(
    server: Server, phone_page: Page, api: httpx.Client
) -> None:
    s, slug = salon_with_slug(api, verify=False)
    for service_id, category in ((s.cut, "Hair"), (s.colour, "Colour & care")):
        r = api.patch(
            f"/api/salons/{s.salon_id}/services/{service_id}",
            headers=s.auth,
            json={"category": category},
        )
        assert r.status_code == 200 and r.json()["category"] == category, r.text
    brand = {"color": "#ffd1dc", "logo_url": "https://cdn.example/glow.png"}
    server.cli("salon", "set-tier", s.salon_id, "growth")
    refused = api.patch(f"/api/salons/{s.salon_id}", headers=s.auth, json={"branding": brand})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "plan_required"
    bad = api.patch(
        f"/api/salons/{s.salon_id}", headers=s.auth, json={"branding": {"color": "pink"}}
    )
    assert bad.status_code in (403, 422)
    server.cli("salon", "set-tier", s.salon_id, "elite")
    bad = api.patch(
        f"/api/salons/{s.salon_id}", headers=s.auth, json={"branding": {"color": "pink"}}
    )
    assert bad.status_code == 422 and "branding.color" in bad.json()["error"]["details"]["fields"]
    r = api.patch(f"/api/salons/{s.salon_id}", headers=s.auth, json={"branding": brand})
    assert r.status_code == 200 and r.json()["branding"] == brand, r.text

    # A second location with its own stylist; the first two work at the first location.
    first = api.get(f"/api/salons/{s.salon_id}/locations", headers=s.auth).json()["items"][0]
    for staff_id in s.staff:
        r = api.patch(
            f"/api/salons/{s.salon_id}/staff/{staff_id}",
            headers=s.auth,
            json={"location_id": first["id"]},
        )
        assert r.status_code == 200, r.text
    r = api.post(
        f"/api/salons/{s.salon_id}/locations",
        headers=s.auth,
        json={"name": "Andheri", "address": "Link Road"},
    )
    assert r.status_code == 201, r.text
    andheri = r.json()["id"]
    r = api.post(
        f"/api/salons/{s.salon_id}/staff",
        headers=s.auth,
        json={"name": "Andheri Stylist", "service_ids": [s.cut], "location_id": andheri},
    )
    assert r.status_code == 201, r.text
    local_stylist = r.json()["id"]
    week = {"weekly": [{"weekday": d, "start": "10:00", "end": "18:00"} for d in range(7)]}
    r = api.put(f"/api/salons/{s.salon_id}/staff/{local_stylist}/hours", headers=s.auth, json=week)
    assert r.status_code == 200, r.text

    page = phone_page
    page.goto(f"{server.url}/book/{slug}?src=web")
    expect(page.get_by_role("heading", name="Choose a location")).to_be_visible()
    expect(page.locator("img.logo")).to_have_attribute("src", brand["logo_url"])
    colour = page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--brand').trim()"
    )
    assert colour != "#ffd1dc" and colour.startswith("#")  # darkened to stay readable
    clean(page)
    snap(page, "widget-0-location")
    page.get_by_role("button", name=re.compile("Andheri")).click()
    # Only what Andheri's stylist does is offered there, under its category.
    expect(page.get_by_role("heading", name="Hair")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Colour"))).to_have_count(0)
    page.get_by_role("button", name=re.compile("Cut")).click()
    expect(page.get_by_role("heading", name="Pick a time")).to_be_visible()  # one stylist
    day = local_day(2)
    pick_day(page, day)
    start = at(day, "12:00")
    slot_button(page, start).click()
    page.get_by_label("Your name").fill("Branch Customer")
    page.get_by_label("Mobile number").fill(f"96{uuid.uuid4().int % 10**8:08d}")
    page.get_by_role("button", name="Continue").click()
    clean(page)  # the brand colour on the primary button passes contrast
    page.get_by_role("button", name="Confirm booking").click()
    expect(page.get_by_role("heading", name="You’re booked!")).to_be_visible()
    token = page.url.split("/book/manage/")[1].split("?")[0]
    booking = api.get(f"/api/book/manage/{token}").json()
    assert booking["staff_id"] == local_stylist and booking["source"] == "web"
    # The other location's customers still see both groups.
    page.goto(f"{server.url}/book/{slug}?loc={first['id']}&step=service")
    expect(page.get_by_role("heading", name="Colour & care")).to_be_visible()


def test_back_after_booking_and_confirming_again_books_once(
    server: Server, phone_page: Page, api: httpx.Client
) -> None:
    s, slug = salon_with_slug(api, verify=False)
    page = phone_page
    day = local_day(2)
    start = at(day, "13:00")
    page.goto(f"{server.url}/book/{slug}?src=facebook&service={s.cut}&staff=any&step=time")
    pick_day(page, day)
    slot_button(page, start).click()
    page.get_by_label("Your name").fill("Twice Tapper")
    page.get_by_label("Mobile number").fill(f"95{uuid.uuid4().int % 10**8:08d}")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Confirm booking").click()
    expect(page.get_by_role("heading", name="You’re booked!")).to_be_visible()
    first = page.url.split("/book/manage/")[1].split("?")[0]

    page.go_back()  # back to the booking steps: that page again, not a stale confirmation
    expect(page.get_by_role("heading", name="Your details")).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Confirm booking").click()
    expect(page.get_by_role("heading", name="You’re booked!")).to_be_visible()
    assert page.url.split("/book/manage/")[1].split("?")[0] == first  # the same booking replayed
    made = api.get(f"/api/salons/{s.salon_id}/bookings", headers=s.auth).json()["items"]
    assert [b["start"] for b in made] == [start]

    # A hand-edited URL never blanks the page.
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    for query in (
        "step=move&start=garbage",
        "step=time&date=__proto__",
        "step=time&date=2026-99-99",
    ):
        page.goto(f"{server.url}/book/manage/{first}?{query}")
        expect(page.locator("#app h2")).to_be_visible()
    page.goto(f"{server.url}/book/{slug}?service={s.cut}&staff=any&step=confirm&start=x")
    expect(page.get_by_role("heading", name="Pick a time")).to_be_visible()
    assert errors == []
