"""The salon admin (/admin) in a real browser: an owner signs up, builds the catalogue (a service,
a staff member with a lunch break), sets the policy, books and cancels from the dashboard, meets
the plan check on the free tier, then (on Growth) connects Facebook & Instagram through the
sandbox's login dialog and the page picker, and reads analytics and operations. Every screen is
scanned with axe and photographed at phone and desktop sizes."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.e2e.conftest import Server, axe_violations, new_page, snap
from tests.integration.servers import texted_codes

TZ = "Asia/Kolkata"
SALON = "Glow & Co's <Studio>"


def nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Admin sections").get_by_role("link", name=name).click()


def heading(page: Page, text: str | re.Pattern[str]) -> None:
    expect(page.locator("#main h1")).to_have_text(text)


def shot(page: Page, name: str) -> None:
    page.evaluate("window.scrollTo(0, 0)")
    snap(page, name)


def no_axe_findings(page: Page, screen: str) -> None:
    found = axe_violations(page)
    assert found == [], f"{screen}: {found}"


def set_tier(server: Server, salon_id: str, tier: str) -> None:
    server.cli("salon", "set-tier", salon_id, tier)


def customer_books_from_instagram(browser: Browser, server: Server, salon_id: str) -> str:
    """A customer taps the Instagram link of this salon and books the first free time (a new
    number: the code comes from the embedded outbox). Answers the booking's start."""
    with server.api() as api:
        slug = api.get(f"/api/book/social/{salon_id}").json()["salon"]["slug"]
    page = new_page(browser, phone=True)
    try:
        page.goto(f"{server.url}/book/{slug}?src=instagram")
        page.get_by_role("button", name=re.compile("Haircut")).click()
        slot = page.locator("button.slot").first
        start = slot.get_attribute("data-to") or ""
        slot.click()
        phone = f"98{uuid.uuid4().int % 10**8:08d}"
        page.get_by_label("Your name").fill("Insta Customer")
        page.get_by_label("Mobile number").fill(phone)
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("button", name="Confirm booking").click()
        expect(page.get_by_role("heading", name="Verify your number")).to_be_visible()
        with server.api() as api:
            code = texted_codes(api, salon_id, "+91" + phone)[0]["code"]
        page.get_by_label("6-digit code").fill(code)
        page.get_by_role("button", name="Verify and book").click()
        expect(page.get_by_role("heading", name="You’re booked!")).to_be_visible()
        return start
    finally:
        page.context.close()


def instagram_booking_and_funnel(page: Page) -> None:
    """The owner sees the widget's booking with its Instagram badge, and the funnel counted."""
    nav(page, "Dashboard")
    heading(page, "Dashboard")
    badge = page.locator(".badge.badge-instagram")
    expect(badge.first).to_have_text("Instagram")
    expect(page.locator("#main")).to_contain_text("Insta Customer")
    nav(page, "Analytics")
    heading(page, "Analytics")
    views = page.locator('[data-source="instagram"][data-metric="views"] .num')
    bookings = page.locator('[data-source="instagram"][data-metric="bookings"] .num')
    expect(bookings).to_have_text("1")
    assert int(views.inner_text()) >= 1
    assert (
        int(page.locator('[data-source="instagram"][data-metric="slot_views"] .num').inner_text())
        >= 1
    )


@pytest.fixture
def owner_page(browser: Browser) -> Iterator[Page]:
    page = new_page(browser, phone=False)
    yield page
    page.context.close()


def sign_up(page: Page, server: Server) -> str:
    page.goto(f"{server.url}/admin")
    expect(page).to_have_url(re.compile(r"/admin/login\?next=%2Fadmin$"))
    heading(page, "Log in")
    shot(page, "admin-login")
    no_axe_findings(page, "login")
    page.get_by_role("link", name="Create your salon").click()
    heading(page, "Create your salon")
    no_axe_findings(page, "signup")
    page.get_by_label("Email").fill(f"owner-{uuid.uuid4().hex[:8]}@example.com")
    page.get_by_label("Password").fill("short")
    page.get_by_label("Salon name").fill(SALON)
    page.get_by_label("Time zone").select_option(TZ)
    page.get_by_role("button", name="Create salon").click()
    expect(page.locator(".field-error", has_text="at least 10 characters")).to_be_visible()
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Create salon").click()
    heading(page, "Dashboard")
    # The untrusted salon name is text, not markup.
    expect(page.locator("#salon-switch option")).to_have_text(SALON)
    salon_id = str(page.evaluate("window.SH.salonId"))
    assert re.fullmatch(r"[0-9a-f-]{36}", salon_id)
    return salon_id


def add_service(page: Page) -> None:
    nav(page, "Services")
    heading(page, "Services")
    form = page.locator("#service-form")
    form.get_by_label("Name").fill("Haircut")
    form.get_by_label("Duration (minutes)").fill("45")
    form.get_by_label("Price").fill("499")
    form.get_by_role("button", name="Add service").click()
    expect(page.locator("#service-list tbody tr")).to_have_count(1)
    expect(page.locator("#service-list")).to_contain_text("Haircut")
    expect(page.locator("#service-list")).to_contain_text("45 min")
    shot(page, "admin-services")
    no_axe_findings(page, "services")


def add_staff_with_hours(page: Page) -> None:
    nav(page, "Staff")
    heading(page, "Staff")
    form = page.locator("#staff-form")
    form.get_by_label("Name").fill("Asha")
    form.get_by_label("Haircut").check()
    form.get_by_role("button", name="Add staff member").click()
    expect(page.locator(".staff-item")).to_have_count(1)
    no_axe_findings(page, "staff")
    page.get_by_role("link", name="Hours and time off for Asha").click()
    heading(page, "Hours for Asha")
    monday = page.locator('fieldset.day[data-day="0"]')
    for start, end in (("09:00", "13:00"), ("14:00", "19:00")):
        monday.get_by_role("button", name="Add hours on Monday").click()
        monday.locator(".iv-start").last.fill(start)
        monday.locator(".iv-end").last.fill(end)
    page.get_by_role("button", name="Copy Monday to every day").click()
    page.get_by_role("button", name="Save hours").click()
    expect(page.locator(".list-flash")).to_contain_text("Hours saved.")
    page.reload()
    heading(page, "Hours for Asha")
    for day in range(7):
        block = page.locator(f'fieldset.day[data-day="{day}"]')
        expect(block.locator(".iv-start")).to_have_count(2)
        assert [x.input_value() for x in block.locator("input[type=time]").all()] == [
            "09:00",
            "13:00",
            "14:00",
            "19:00",
        ]
    # Time off: add one, see it listed.
    off = page.locator("#time-off-form")
    next_year = str(datetime.now(ZoneInfo(TZ)).year + 1)
    off.get_by_label("From date").fill(f"{next_year}-01-02")
    off.get_by_label("To date").fill(f"{next_year}-01-03")
    off.get_by_label("Reason (optional)").fill("Holiday")
    off.get_by_role("button", name="Add time off").click()
    expect(page.locator("#time-off-list li")).to_have_count(1)
    expect(page.locator("#time-off-list")).to_contain_text("Holiday")
    shot(page, "admin-staff-hours")
    no_axe_findings(page, "staff hours")


def set_policy(page: Page) -> None:
    nav(page, "Settings")
    heading(page, "Settings")
    page.get_by_label("Booking horizon (days)").fill("90")
    page.get_by_label("Confirm new bookings automatically").uncheck()
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".list-flash")).to_contain_text("Settings saved.")
    page.reload()
    heading(page, "Settings")
    expect(page.get_by_label("Booking horizon (days)")).to_have_value("90")
    expect(page.get_by_label("Confirm new bookings automatically")).not_to_be_checked()
    expect(page.locator("#booking-page")).to_contain_text("Your booking page")
    links = [x.input_value() for x in page.locator("#booking-page input").all()]
    assert any(v.endswith("?src=story") for v in links) and "/book/" in links[0]
    shot(page, "admin-settings")
    no_axe_findings(page, "settings")


def book_and_cancel(page: Page) -> None:
    nav(page, "Dashboard")
    heading(page, "Dashboard")
    tomorrow = (datetime.now(ZoneInfo(TZ)) + timedelta(days=1)).date().isoformat()
    form = page.locator("#new-booking")

    def book(name: str, phone: str) -> None:
        form.get_by_label("Service").select_option(label="Haircut")
        form.get_by_label("Staff member").select_option(label="Asha")
        form.get_by_label("Date").fill(tomorrow)
        form.get_by_label("Time").fill("10:00")
        form.get_by_label("Customer name").fill(name)
        form.get_by_label("Customer phone").fill(phone)
        form.get_by_role("button", name="Create booking").click()

    book("Riya <b>Sharma</b>", "98765 43210")
    expect(page.locator("#dash-flash")).to_contain_text("Booked Riya <b>Sharma</b>")
    week = page.locator("#week")
    expect(week.locator("li.booking")).to_have_count(1)
    first = week.locator("li.booking").first
    expect(first.locator(".badge.badge-staff")).to_have_text("Staff")
    expect(first).to_contain_text("Haircut")
    expect(first).to_contain_text("10:00–10:45")
    # The same time again is taken: the alternatives are offered as buttons.
    book("Arjun Mehta", "98765 43211")
    choices = form.locator(".alternatives button")
    expect(choices.first).to_be_visible()
    choices.first.click()
    expect(page.locator("#dash-flash")).to_contain_text("Booked Arjun Mehta")
    expect(week.locator("li.booking")).to_have_count(2)
    arjun = week.locator("li.booking", has_text="Arjun Mehta")
    arjun.get_by_role("button", name="Cancel booking").click()
    expect(page.locator("#dash-flash")).to_contain_text("is now cancelled")
    expect(week.locator("li.booking", has_text="Arjun Mehta").locator(".status")).to_have_text(
        "Cancelled"
    )
    # Move Riya an hour later.
    riya = week.locator("li.booking", has_text="Riya")
    riya.get_by_role("button", name="Move").click()
    riya.get_by_label("New time").fill("11:00")
    riya.get_by_role("button", name="Move booking").click()
    expect(page.locator("#dash-flash")).to_contain_text("Moved Riya")
    expect(week.locator("li.booking", has_text="Riya")).to_contain_text("11:00–11:45")
    shot(page, "admin-dashboard")
    no_axe_findings(page, "dashboard")


def connect_meta(page: Page, server: Server, salon_id: str) -> None:
    nav(page, "Facebook & Instagram")
    heading(page, "Facebook & Instagram")
    prompt = page.locator(".plan-check")
    expect(prompt).to_contain_text("Available on Growth and Elite")
    expect(page.locator(".flash-error")).to_have_count(0)
    no_axe_findings(page, "integrations (free)")

    set_tier(server, salon_id, "growth")
    page.reload()
    heading(page, "Facebook & Instagram")
    expect(page.locator("#meta-status")).to_contain_text("Not connected")
    page.get_by_role("button", name="Connect Facebook & Instagram").click()
    # The sandbox's login dialog: grant every Page offered, then continue.
    expect(page.get_by_role("heading", name=re.compile("is requesting access"))).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/admin/integrations/meta\?"))
    expect(page.locator("#result")).to_be_visible()
    status = page.locator("#meta-status")
    if "result=select_page" in page.url:
        picker = page.locator("#page-picker")
        picker.locator("input[type=radio]:not([disabled])").first.check()
        picker.get_by_role("button", name="Connect this Page").click()
    expect(status).to_contain_text("Connected")
    expect(status).to_contain_text(re.compile(r"Glow Studio (Bandra|Annex)"))
    expect(page.get_by_role("button", name="Disconnect")).to_be_visible()
    links = [x.input_value() for x in page.locator("#meta-links input").all()]
    assert len(links) == 4 and all("/book/" in v for v in links)
    expect(page.locator("#review")).to_contain_text("Haircut")
    shot(page, "admin-integrations")
    no_axe_findings(page, "integrations")


def analytics(page: Page) -> None:
    nav(page, "Analytics")
    heading(page, "Analytics")
    expect(page.locator("#range")).to_be_visible()
    expect(page.locator("#rates")).to_contain_text("Cancelled")
    expect(page.locator("#by-source svg.chart")).to_be_visible()
    expect(page.locator("#peaks svg.heatmap rect.heat")).to_have_count(7 * 24)
    page.get_by_role("button", name="Last 7 days").click()
    expect(page).to_have_url(re.compile(r"/admin/analytics\?from="))
    heading(page, "Analytics")
    export = page.get_by_role("link", name=re.compile("Download CSV"))
    assert "/api/meta/analytics/export?" in (export.get_attribute("href") or "")
    shot(page, "admin-analytics")
    no_axe_findings(page, "analytics")


def operations(page: Page) -> None:
    nav(page, "Operations")
    heading(page, "Operations")
    expect(page.locator("#audit tbody tr").first).to_be_visible()
    expect(page.locator("#audit")).to_contain_text("booking")
    expect(page.locator("#messages table, #messages .empty")).to_be_visible()
    expect(page.locator("#events")).not_to_contain_text("Loading")
    shot(page, "admin-operations")
    no_axe_findings(page, "operations")


def a_late_answer_does_not_overwrite_the_screen_shown(page: Page) -> None:
    """Back to Analytics while its data is slow, then forward to Operations before it arrives:
    the late Analytics answer must not replace the Operations screen."""
    held: list[Route] = []

    def hold(route: Route) -> None:
        held.append(route)

    page.route("**/api/meta/analytics?*", hold)
    page.evaluate("history.back()")
    expect(page.locator("#main .loading")).to_be_visible()
    while not held:
        page.wait_for_timeout(10)
    page.evaluate("history.forward()")
    heading(page, "Operations")
    expect(page.locator("#audit tbody tr").first).to_be_visible()
    for route in held:
        route.continue_()
    page.unroute("**/api/meta/analytics?*")
    page.wait_for_load_state("networkidle")
    heading(page, "Operations")
    expect(page.locator("#audit tbody tr").first).to_be_visible()


def test_owner_runs_the_salon_from_the_admin(
    owner_page: Page, server: Server, browser: Browser
) -> None:
    page = owner_page
    salon_id = sign_up(page, server)
    add_service(page)
    add_staff_with_hours(page)
    set_policy(page)
    book_and_cancel(page)
    connect_meta(page, server, salon_id)
    customer_books_from_instagram(browser, server, salon_id)
    instagram_booking_and_funnel(page)
    analytics(page)
    operations(page)
    # Back and forward move between screens without reloading the page.
    page.evaluate("history.back()")
    heading(page, "Analytics")
    expect(page).to_have_url(re.compile(r"/admin/analytics\?from="))
    page.evaluate("history.forward()")
    heading(page, "Operations")
    a_late_answer_does_not_overwrite_the_screen_shown(page)
    page.get_by_role("button", name="Log out").click()
    heading(page, "Log in")
    page.goto(f"{server.url}/admin/settings")
    expect(page).to_have_url(re.compile(r"/admin/login\?next=%2Fadmin%2Fsettings$"))


def test_phone_signup_wrong_login_and_unknown_path(browser: Browser, server: Server) -> None:
    page = new_page(browser, phone=True)
    try:
        page.goto(f"{server.url}/admin/signup")
        heading(page, "Create your salon")
        tz = page.get_by_label("Time zone").input_value()
        assert tz  # prefilled from the browser's zone
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the signup page scrolls sideways at 390 px ({width})"
        no_axe_findings(page, "signup (phone)")
        page.get_by_role("link", name="Log in").click()
        heading(page, "Log in")
        page.get_by_label("Email").fill("nobody@example.com")
        page.get_by_label("Password").fill("wrong password!")
        page.get_by_role("button", name="Log in").click()
        expect(page.locator("#login-form .form-error")).to_be_visible()
        expect(page).to_have_url(re.compile(r"/admin/login"))
        page.goto(f"{server.url}/admin/no-such-screen")
        heading(page, "Page not found")
    finally:
        page.context.close()
