"""`salonhub demo`: a realistic salon to click through (Asia/Kolkata, INR, 4 services, 3 staff)."""

from __future__ import annotations

from datetime import time

from application.actor import Actor
from application.use_cases import UseCases
from domain.errors import Conflict
from domain.salon import Tier
from domain.schedule import WeeklyInterval

DEMO_EMAIL = "owner@demo.salonhub.test"
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - a published demo login, not a secret

SERVICES = [
    ("Haircut & Style", 45, 49900, 15, "Wash, cut and blow-dry."),
    ("Beard Trim", 20, 19900, 5, "Shape and line-up."),
    ("Hair Colour", 120, 249900, 15, "Global colour with a gloss finish."),
    ("Manicure", 40, 59900, 10, "Classic manicure with polish."),
]


def _week(days: range, spans: list[tuple[str, str]]) -> list[WeeklyInterval]:
    return [
        WeeklyInterval(d, time.fromisoformat(a), time.fromisoformat(b))
        for d in days
        for a, b in spans
    ]


async def seed_demo(use_cases: UseCases) -> dict[str, str]:
    """Create the demo salon once; later runs log in and return the same salon."""
    try:
        made = await use_cases.sign_up(
            email=DEMO_EMAIL,
            password=DEMO_PASSWORD,
            salon_name="Glow Studio Bandra",
            timezone="Asia/Kolkata",
            country="IN",
        )
    except Conflict:
        token = await use_cases.log_in(email=DEMO_EMAIL, password=DEMO_PASSWORD)
        actor = await use_cases.authenticate(token)
        return {"token": token, **await _existing(use_cases, actor)}
    actor = Actor(made.owner_id)
    salon_id = made.salon_id
    await use_cases.set_tier(salon_id, Tier.GROWTH)
    await use_cases.salons.update(actor, salon_id, policy={"verify_new_customers": True})
    ids = []
    for name, minutes, price, buffer, description in SERVICES:
        service = await use_cases.services.create(
            actor,
            salon_id,
            name=name,
            duration_minutes=minutes,
            price_minor=price,
            currency="INR",
            buffer_after_minutes=buffer,
            description=description,
        )
        ids.append(service.id)
    team = [
        ("Priya", ids, _week(range(0, 6), [("10:00", "14:00"), ("15:00", "19:00")])),
        ("Arjun", ids[:2], _week(range(1, 7), [("11:00", "20:00")])),
        (
            "Meera",
            [ids[0], ids[2], ids[3]],
            _week(range(0, 5), [("09:30", "13:30")]) + _week(range(5, 7), [("10:00", "18:00")]),
        ),
    ]
    for name, service_ids, weekly in team:
        member = await use_cases.staff.create(actor, salon_id, name=name, service_ids=service_ids)
        await use_cases.staff.set_hours(actor, salon_id, member.id, weekly)
    slug = (await use_cases.salons.get(actor, salon_id)).slug
    return {"token": made.token, "salon_id": salon_id, "first_service_id": ids[0], "slug": slug}


async def _existing(use_cases: UseCases, actor: Actor) -> dict[str, str]:
    # The demo owner has exactly one salon; find it through a service-free route: sign-up
    # returned it the first time, so look it up by the well-known slug instead.
    salon = await use_cases.browse.by_slug("glow-studio-bandra")
    await use_cases.salons.get(actor, salon.id)
    services = await use_cases.services.list(actor, salon.id)
    return {
        "salon_id": salon.id,
        "first_service_id": services[0].id if services else "",
        "slug": salon.slug,
    }
