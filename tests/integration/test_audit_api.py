"""GET /api/salons/{id}/audit over real HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import httpx

from .servers import booking_body, make_salon


def audit(client: httpx.Client, salon_id: str, auth: dict[str, str], **params: Any) -> Any:
    r = client.get(f"/api/salons/{salon_id}/audit", headers=auth, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_the_audit_log_tells_who_changed_what(client: httpx.Client) -> None:
    s = make_salon(client, staff=1)
    rid = f"it-{uuid.uuid4().hex[:12]}"
    r = client.post(
        "/api/book/social/create",
        json=booking_body(s, s.at("11:00")),
        headers={"X-Request-ID": rid},
    )
    assert r.status_code == 201, r.text
    booking, token = r.json()["booking"], r.json()["manage_token"]
    r = client.post(f"/api/book/manage/{token}/reschedule", json={"start": s.at("14:00")})
    assert r.status_code == 200, r.text
    r = client.patch(
        f"/api/salons/{s.salon_id}/bookings/{booking['id']}",
        headers=s.auth,
        json={"status": "completed"},
    )
    assert r.status_code == 200, r.text

    page = audit(client, s.salon_id, s.auth, entity="booking")
    assert page["next_cursor"] is None
    completed, moved, created = page["items"]
    assert [x["action"] for x in (created, moved, completed)] == [
        "booking.created",
        "booking.rescheduled",
        "booking.status_changed",
    ]
    customer = {"type": "customer", "id": booking["customer"]["id"]}
    assert created["actor"] == customer and moved["actor"] == customer
    assert completed["actor"]["type"] == "owner" and completed["actor"]["id"]
    assert all(x["entity"] == {"type": "booking", "id": booking["id"]} for x in page["items"])
    assert created["request_id"] == rid
    assert created["changes"]["status"] == [None, "confirmed"]
    assert created["changes"]["source"] == [None, "instagram"]
    assert "manage_token_hash" not in created["changes"]
    assert completed["changes"] == {"status": ["confirmed", "completed"]}
    assert set(moved["changes"]) >= {"start", "end"}
    assert all(x["at"].endswith("+05:30") for x in page["items"])  # the salon's offset

    everything = audit(client, s.salon_id, s.auth)["items"]
    actions = [x["action"] for x in everything]
    assert actions[-1] == "salon.created"
    assert {"salon.updated", "service.created", "staff.created", "staff.hours_set"} <= set(actions)
    services = audit(client, s.salon_id, s.auth, entity="service")["items"]
    assert [x["entity"]["id"] for x in services] == [s.colour, s.cut]


def test_pages_filters_and_tenancy(client: httpx.Client) -> None:
    s = make_salon(client, staff=1)
    for price in (51000, 52000, 53000):
        r = client.patch(
            f"/api/salons/{s.salon_id}/services/{s.cut}",
            headers=s.auth,
            json={"price_minor": price},
        )
        assert r.status_code == 200, r.text
    everything = audit(client, s.salon_id, s.auth)["items"]
    assert len(everything) >= 8
    ats = [datetime.fromisoformat(x["at"]) for x in everything]
    assert ats == sorted(ats, reverse=True)  # newest first

    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 3}
        if cursor:
            params["cursor"] = cursor
        page = audit(client, s.salon_id, s.auth, **params)
        assert len(page["items"]) <= 3
        seen += [x["id"] for x in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [x["id"] for x in everything]

    prices = audit(client, s.salon_id, s.auth, entity="service", limit=3)["items"]
    assert [x["changes"] for x in prices] == [
        {"price_minor": [52000, 53000]},
        {"price_minor": [51000, 52000]},
        {"price_minor": [50000, 51000]},
    ]
    newest = everything[0]["at"]
    assert audit(client, s.salon_id, s.auth, **{"from": newest})["items"][0]["at"] == newest
    assert audit(client, s.salon_id, s.auth, to=everything[-1]["at"])["items"] == []
    assert audit(client, s.salon_id, s.auth, **{"from": "2199-01-01T00:00:00Z"})["items"] == []

    other = make_salon(client, staff=0)
    r = client.get(f"/api/salons/{s.salon_id}/audit", headers=other.auth)
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = client.get(f"/api/salons/{s.salon_id}/audit")
    assert r.status_code == 401
    for bad in (
        {"limit": 0},
        {"limit": 201},
        {"limit": "many"},
        {"entity": "owner"},
        {"cursor": "not-a-cursor"},
        {"from": "2026-12-01"},
        {"from": "2026-12-02T00:00:00+00:00", "to": "2026-12-01T00:00:00+00:00"},
    ):
        r = client.get(f"/api/salons/{s.salon_id}/audit", headers=s.auth, params=bad)
        assert r.status_code == 422, (bad, r.text)
        assert r.json()["error"]["code"] == "validation_error"
