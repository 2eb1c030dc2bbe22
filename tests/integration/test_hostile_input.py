"""Inputs that once reached the database or the calendar's edges and answered 500."""

from __future__ import annotations

import uuid

import httpx

from .servers import booking_body, make_salon


def test_nul_bytes_and_extreme_dates_are_4xx_and_lose_nothing(client: httpx.Client) -> None:
    s = make_salon(client, staff=1)
    base = f"/api/salons/{s.salon_id}"
    service = {"duration_minutes": 30, "price_minor": 1, "currency": "INR"}
    far = {"start": "9999-12-31T23:59:59+14:00", "end": "9999-12-31T23:59:59-14:00"}
    early = {"start": "0001-01-01T00:00:00+14:00", "end": "0001-01-01T01:00:00+14:00"}
    cases: list[tuple[str, str, object]] = [
        ("POST", f"{base}/services", {"name": "a\x00b", **service}),
        ("POST", f"{base}/locations", {"name": "L\x00"}),
        ("PATCH", base, {"name": "N\x00"}),
        ("POST", "/api/auth/login", {"email": "a\x00@x.com", "password": "x"}),
        ("POST", "/api/book/otp/start", {"salon_id": s.salon_id, "phone": "98765\x0043210"}),
        ("POST", f"{base}/staff/{s.staff[0]}/time-off", far),
        ("POST", f"{base}/staff/{s.staff[0]}/time-off", early),
        ("POST", "/api/book/social/create", booking_body(s, "9999-12-31T23:00:00-14:00")),
        (
            "POST",
            base + "/bookings",
            {
                "service_id": s.cut,
                "start": "0001-01-01T00:00:00+01:00",
                "customer": {"name": "W", "phone": "9876500001"},
            },
        ),
        ("GET", f"{base}%00", None),
        ("GET", "/api/book/social/a%00b", None),
        (
            "GET",
            f"/api/book/social/{s.salon_id}/availability?service_id={s.cut}"
            "&date=9999-12-31&days=14",
            None,
        ),
        (
            "GET",
            f"/api/book/social/{s.salon_id}/availability?service_id={s.cut}&date=0001-01-01",
            None,
        ),
        ("GET", f"{base}/bookings?from=0001-01-01T00:00:00%2B14:00", None),
        ("GET", f"/api/dev/otp-outbox?salon_id={s.salon_id}&phone=%00", None),
        ("GET", f"/api/salons/{'x' * 5000}", None),
        ("GET", f"/api/book/manage/{uuid.uuid4().hex * 40}", None),
    ]
    for method, path, body in cases:
        r = client.request(method, path, headers=s.auth, json=body)
        assert 400 <= r.status_code < 500, (method, path, r.status_code, r.text)
        assert r.json()["error"]["code"] in ("validation_error", "not_found", "unauthorized")
    assert (
        client.post("/api/book/social/create", json=booking_body(s, s.at("10:00"))).status_code
        == 201
    )
