"""`PATCH /api/salons/{id}/bookings/{booking_id}` with `start`: the salon moves a booking
(API.md's `{status}` extended), on SQLite and PostgreSQL."""

from __future__ import annotations

import httpx

from .servers import booking_body, make_salon


def test_the_salon_moves_a_booking_or_gets_told_why_not(client: httpx.Client) -> None:
    s = make_salon(client, staff=1)
    made = client.post("/api/book/social/create", json=booking_body(s, s.at("10:00")))
    assert made.status_code == 201, made.text
    booking_id = made.json()["booking"]["id"]
    other = client.post(
        "/api/book/social/create", json=booking_body(s, s.at("14:00"), phone="9876543211")
    )
    assert other.status_code == 201, other.text
    url = f"/api/salons/{s.salon_id}/bookings/{booking_id}"

    moved = client.patch(url, json={"start": s.at("11:30")}, headers=s.auth)
    assert moved.status_code == 200, moved.text
    assert moved.json()["start"] == s.at("11:30")
    # Not on the grid is fine for the salon (like a staff-made booking), an overlap is not.
    clash = client.patch(url, json={"start": s.at("13:50")}, headers=s.auth)
    assert clash.status_code == 409 and clash.json()["error"]["code"] == "slot_unavailable"
    outside = client.patch(url, json={"start": s.at("19:00")}, headers=s.auth)
    assert outside.status_code == 409
    empty = client.patch(url, json={}, headers=s.auth)
    assert empty.status_code == 422 and empty.json()["error"]["code"] == "validation_error"
    both = client.patch(url, json={"start": s.at("12:00"), "status": "cancelled"}, headers=s.auth)
    assert both.status_code == 422  # one change at a time: a refused status must not half-apply
    assert client.get(f"/api/book/manage/{made.json()['manage_token']}").json()["start"] == s.at(
        "11:30"
    )
    cancelled = client.patch(url, json={"status": "cancelled"}, headers=s.auth)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    again = client.patch(url, json={"start": s.at("12:30")}, headers=s.auth)
    assert again.status_code == 409  # a cancelled booking is not moved
    stranger = make_salon(client, staff=1)
    assert (
        client.patch(url, json={"start": s.at("12:00")}, headers=stranger.auth).status_code == 404
    )
    trail = client.get(f"/api/salons/{s.salon_id}/audit", headers=s.auth).json()["items"]
    assert any(e["action"] == "booking.rescheduled" for e in trail)
