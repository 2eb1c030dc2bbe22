"""API.md over real HTTP against two `salonhub serve` processes, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

import httpx

from domain.salon import POLICY_LIMITS, BookingPolicy

from .servers import booking_body, make_salon, texted_codes


def error_code(r: httpx.Response) -> str:
    body = r.json()
    assert set(body) == {"error"} and {"code", "message", "details"} <= set(body["error"])
    return str(body["error"]["code"])


def test_signup_login_and_salon_policy(client: httpx.Client) -> None:
    s = make_salon(client, staff=1)
    r = client.get(f"/api/salons/{s.salon_id}", headers=s.auth)
    assert r.status_code == 200
    salon = r.json()
    assert salon["tier"] == "free" and salon["country"] == "IN" and salon["slug"]
    assert salon["policy"]["lead_time_minutes"] == 120
    assert salon["policy"]["verify_new_customers"] is False
    r = client.patch(
        f"/api/salons/{s.salon_id}",
        headers=s.auth,
        json={"policy": {"slot_step_minutes": 30}, "name": "Glow 2"},
    )
    assert r.json()["policy"]["slot_step_minutes"] == 30
    assert r.json()["policy"]["lead_time_minutes"] == 120  # merged, not replaced
    assert r.json()["name"] == "Glow 2"
    r = client.patch(
        f"/api/salons/{s.salon_id}", headers=s.auth, json={"policy": {"slot_step_minutes": 7}}
    )
    assert r.status_code == 422 and error_code(r) == "validation_error"
    email = f"dup-{uuid.uuid4().hex[:6]}@example.com"
    body = {"email": email, "password": "0123456789", "salon_name": "A", "timezone": "UTC"}
    assert client.post("/api/auth/signup", json=body).status_code == 201
    r = client.post("/api/auth/signup", json=body)
    assert r.status_code == 409 and error_code(r) == "conflict"
    r = client.post("/api/auth/login", json={"email": email, "password": "0123456789"})
    assert r.status_code == 200 and r.json()["token"]
    r = client.post("/api/auth/login", json={"email": email, "password": "wrong-password"})
    assert r.status_code == 401 and error_code(r) == "unauthorized"
    bad = {**body, "email": "x" + email, "timezone": "Mars/Base"}
    r = client.post("/api/auth/signup", json=bad)
    assert r.status_code == 422 and "timezone" in r.json()["error"]["details"]["fields"]
    r = client.post("/api/auth/signup", json={**body, "email": "y" + email, "password": "short"})
    assert r.status_code == 422 and "password" in r.json()["error"]["details"]["fields"]


def test_policy_patch_absent_keeps_null_clears_optional_and_is_refused_on_required(
    client: httpx.Client,
) -> None:
    """A policy PATCH field left out keeps its value; `null` clears an optional field (one
    whose POLICY_LIMITS entry says so) and is a 422 validation_error on any other, nothing
    changed. Every field of BookingPolicy is walked, so a new one is covered when it lands."""
    s = make_salon(client, staff=1)
    url = f"/api/salons/{s.salon_id}"
    before = client.get(url, headers=s.auth).json()["policy"]
    r = client.patch(url, headers=s.auth, json={"policy": {}})
    assert r.status_code == 200 and r.json()["policy"] == before
    r = client.patch(url, headers=s.auth, json={"name": "Glow 3"})
    assert r.status_code == 200 and r.json()["policy"] == before
    for name in BookingPolicy.__dataclass_fields__:
        limit = POLICY_LIMITS.get(name)
        if limit is not None and limit.optional:
            r = client.patch(url, headers=s.auth, json={"policy": {name: limit.minimum}})
            assert r.status_code == 200 and r.json()["policy"][name] == limit.minimum, r.text
            r = client.patch(url, headers=s.auth, json={"policy": {name: None}})
            assert r.status_code == 200, r.text
            assert r.json()["policy"] == {**before, name: None}
            continue
        r = client.patch(url, headers=s.auth, json={"policy": {name: None}})
        assert r.status_code == 422 and error_code(r) == "validation_error", (name, r.text)
        assert f"policy.{name}" in r.json()["error"]["details"]["fields"], r.text
        # Refused as a whole: the valid change beside it is not applied either.
        valid = {"horizon_days": 9} if name != "horizon_days" else {"lead_time_minutes": 9}
        r = client.patch(url, headers=s.auth, json={"policy": {**valid, name: None}, "name": "X"})
        assert r.status_code == 422 and error_code(r) == "validation_error", (name, r.text)
        after = client.get(url, headers=s.auth).json()
        assert after["policy"] == before and after["name"] == "Glow 3"


def test_services_staff_hours_time_off_and_locations(client: httpx.Client) -> None:
    s = make_salon(client, staff=1)
    base = f"/api/salons/{s.salon_id}"
    r = client.get(f"{base}/services", headers=s.auth)
    assert [x["id"] for x in r.json()["items"]] == [s.cut, s.colour]
    assert client.delete(f"{base}/services/{s.colour}", headers=s.auth).status_code == 204
    assert [x["id"] for x in client.get(f"{base}/services", headers=s.auth).json()["items"]] == [
        s.cut
    ]
    every = client.get(f"{base}/services?include_inactive=true", headers=s.auth).json()["items"]
    assert [x["active"] for x in every] == [True, False]
    r = client.patch(f"{base}/services/{s.cut}", headers=s.auth, json={"price_minor": 60000})
    assert r.json()["price_minor"] == 60000 and r.json()["duration_minutes"] == 60
    r = client.post(
        f"{base}/services",
        headers=s.auth,
        json={"name": "X", "duration_minutes": 3, "price_minor": 1, "currency": "INR"},
    )
    assert r.status_code == 422 and "duration_minutes" in r.json()["error"]["details"]["fields"]
    hours = {
        "weekly": [
            {"weekday": 0, "start": "10:00", "end": "13:00"},
            {"weekday": 0, "start": "14:00", "end": "18:00"},
        ]
    }
    r = client.put(f"{base}/staff/{s.staff[0]}/hours", headers=s.auth, json=hours)
    assert r.status_code == 200 and r.json() == hours
    assert client.get(f"{base}/staff/{s.staff[0]}/hours", headers=s.auth).json() == hours
    overlapping = {
        "weekly": [
            {"weekday": 1, "start": "10:00", "end": "13:00"},
            {"weekday": 1, "start": "12:00", "end": "15:00"},
        ]
    }
    r = client.put(f"{base}/staff/{s.staff[0]}/hours", headers=s.auth, json=overlapping)
    assert r.status_code == 422 and error_code(r) == "validation_error"
    for bad in (
        {"weekday": 7, "start": "10:00", "end": "11:00"},
        {"weekday": 1, "start": "11:00", "end": "10:00"},
        {"weekday": 1, "start": "9:00", "end": "10:00"},
    ):
        r = client.put(f"{base}/staff/{s.staff[0]}/hours", headers=s.auth, json={"weekly": [bad]})
        assert r.status_code == 422, bad
    r = client.post(
        f"{base}/staff/{s.staff[0]}/time-off",
        headers=s.auth,
        json={"start": s.at("12:00"), "end": s.at("15:00"), "reason": "dentist"},
    )
    assert r.status_code == 201 and r.json()["reason"] == "dentist"
    off_id = r.json()["id"]
    assert r.json()["start"].endswith("+05:30")
    listed = client.get(f"{base}/staff/{s.staff[0]}/time-off", headers=s.auth).json()["items"]
    assert [x["id"] for x in listed] == [off_id]
    assert (
        client.delete(f"{base}/staff/{s.staff[0]}/time-off/{off_id}", headers=s.auth).status_code
        == 204
    )
    assert (
        client.delete(f"{base}/staff/{s.staff[0]}/time-off/{off_id}", headers=s.auth).status_code
        == 404
    )
    locations = client.get(f"{base}/locations", headers=s.auth).json()["items"]
    assert len(locations) == 1
    r = client.post(f"{base}/locations", headers=s.auth, json={"name": "Juhu"})
    assert r.status_code == 201
    r = client.post(
        f"{base}/staff",
        headers=s.auth,
        json={"name": "New", "service_ids": [s.cut], "location_id": r.json()["id"]},
    )
    assert r.status_code == 201 and r.json()["location_id"] != locations[0]["id"]
    r = client.post(
        f"{base}/staff", headers=s.auth, json={"name": "New", "service_ids": [str(uuid.uuid4())]}
    )
    assert r.status_code == 404


def test_public_offer_availability_and_booking(client: httpx.Client) -> None:
    s = make_salon(client, staff=2)
    offer = client.get(f"/api/book/social/{s.salon_id}").json()
    assert offer["salon"]["timezone"] == "Asia/Kolkata"
    assert [x["id"] for x in offer["services"]] == [s.cut, s.colour]
    assert {x["id"] for x in offer["staff"]} == set(s.staff)
    day = s.day().isoformat()
    r = client.get(
        f"/api/book/social/{s.salon_id}/availability",
        params={"service_id": s.cut, "date": day, "days": 2},
    )
    assert r.status_code == 200
    slots = r.json()["slots"]
    assert r.json()["timezone"] == "Asia/Kolkata"
    assert slots[0]["start"] == s.at("10:00") and slots[0]["end"] == s.at("11:00")
    assert slots[0]["staff_ids"] == s.staff
    assert len(slots) == 2 * 29  # 10:00..17:00 every 15 min, two days
    r = client.post(
        "/api/book/social/create", json=booking_body(s, s.at("10:00"), staff_id=s.staff[0])
    )
    assert r.status_code == 201, r.text
    created = r.json()
    booking = created["booking"]
    assert booking["status"] == "confirmed" and booking["source"] == "instagram"
    assert booking["start"] == s.at("10:00") and booking["customer"]["phone"] == "+919876543210"
    assert len(created["manage_token"]) >= 22
    after = client.get(
        f"/api/book/social/{s.salon_id}/availability", params={"service_id": s.cut, "date": day}
    ).json()["slots"]
    at_ten = next(x for x in after if x["start"] == s.at("10:00"))
    assert at_ten["staff_ids"] == [s.staff[1]]
    r = client.post(
        "/api/book/social/create", json=booking_body(s, s.at("10:30"), staff_id=s.staff[0])
    )
    assert r.status_code == 409 and error_code(r) == "slot_unavailable"
    alternatives = r.json()["error"]["details"]["alternatives"]
    assert 0 < len(alternatives) <= 5
    assert all(s.staff[0] in a["staff_ids"] for a in alternatives)
    assert alternatives[0]["start"] in (s.at("11:15"), s.at("09:45"))
    r = client.get(f"/api/book/manage/{created['manage_token']}")
    assert r.status_code == 200 and r.json()["id"] == booking["id"]
    assert client.get("/api/book/manage/not-a-token").status_code == 404


def test_idempotency_key(client: httpx.Client) -> None:
    s = make_salon(client, staff=1)
    key = {"Idempotency-Key": uuid.uuid4().hex}
    body = booking_body(s, s.at("11:00"))
    first = client.post("/api/book/social/create", json=body, headers=key)
    second = client.post("/api/book/social/create", json=body, headers=key)
    assert first.status_code == second.status_code == 201
    assert first.json()["booking"]["id"] == second.json()["booking"]["id"]
    r = client.post("/api/book/social/create", json={**body, "start": s.at("12:00")}, headers=key)
    assert r.status_code == 422 and error_code(r) == "idempotency_key_reused"


def test_manage_cancel_and_reschedule(client: httpx.Client) -> None:
    s = make_salon(client, staff=2)
    made = client.post(
        "/api/book/social/create", json=booking_body(s, s.at("10:00"), staff_id=s.staff[0])
    ).json()
    token = made["manage_token"]
    r = client.post(f"/api/book/manage/{token}/reschedule", json={"start": s.at("13:00")})
    assert r.status_code == 200, r.text
    assert r.json()["id"] == made["booking"]["id"] and r.json()["start"] == s.at("13:00")
    assert r.json()["staff_id"] == s.staff[0]
    r = client.post(f"/api/book/manage/{token}/reschedule", json={"start": s.at("13:07")})
    assert r.status_code == 409 and error_code(r) == "slot_unavailable"
    r = client.post(f"/api/book/manage/{token}/cancel")
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    # Inside the window: a booking tomorrow morning under a 48 h window.
    client.patch(
        f"/api/salons/{s.salon_id}",
        headers=s.auth,
        json={"policy": {"cancellation_window_hours": 200}},
    )
    soon = client.post("/api/book/social/create", json=booking_body(s, s.at("15:00"))).json()
    r = client.post(f"/api/book/manage/{soon['manage_token']}/cancel")
    assert r.status_code == 409 and error_code(r) == "cancellation_window_passed"


def test_salon_bookings_admin(client: httpx.Client) -> None:
    s = make_salon(client, staff=1)
    base = f"/api/salons/{s.salon_id}/bookings"
    r = client.post(
        base,
        headers=s.auth,
        json={
            "service_id": s.cut,
            "start": s.at("10:07"),
            "customer": {"name": "W", "phone": "9876500001"},
        },
    )
    assert r.status_code == 201, r.text
    assert r.json()["booking"]["source"] == "staff"
    r = client.post(
        base,
        headers=s.auth,
        json={
            "service_id": s.cut,
            "start": s.at("17:30"),
            "customer": {"name": "W", "phone": "9876500001"},
        },
    )
    assert r.status_code == 409 and error_code(r) == "slot_unavailable"
    client.post("/api/book/social/create", json=booking_body(s, s.at("14:00")))
    listed = client.get(base, headers=s.auth).json()["items"]
    assert [b["start"] for b in listed] == [s.at("10:07"), s.at("14:00")]
    only_ig = client.get(base, headers=s.auth, params={"source": "instagram"}).json()["items"]
    assert [b["source"] for b in only_ig] == ["instagram"]
    window = client.get(
        base, headers=s.auth, params={"from": s.at("12:00"), "to": s.at("23:00")}
    ).json()["items"]
    assert [b["start"] for b in window] == [s.at("14:00")]
    r = client.patch(f"{base}/{listed[1]['id']}", headers=s.auth, json={"status": "no_show"})
    assert r.status_code == 200 and r.json()["status"] == "no_show"
    r = client.patch(f"{base}/{listed[1]['id']}", headers=s.auth, json={"status": "pending"})
    assert r.status_code == 422
    r = client.get(base, headers=s.auth, params={"source": "tiktok"})
    assert r.status_code == 422


def test_tenancy_answers_404(client: httpx.Client) -> None:
    mine, theirs = make_salon(client, staff=1), make_salon(client, staff=1)
    made = client.post("/api/book/social/create", json=booking_body(mine, mine.at("10:00"))).json()
    paths = [
        ("GET", f"/api/salons/{mine.salon_id}"),
        ("PATCH", f"/api/salons/{mine.salon_id}"),
        ("GET", f"/api/salons/{mine.salon_id}/services"),
        ("PATCH", f"/api/salons/{mine.salon_id}/services/{mine.cut}"),
        ("GET", f"/api/salons/{mine.salon_id}/staff/{mine.staff[0]}/hours"),
        ("GET", f"/api/salons/{mine.salon_id}/bookings"),
        ("PATCH", f"/api/salons/{mine.salon_id}/bookings/{made['booking']['id']}"),
        ("GET", f"/api/salons/{theirs.salon_id}/services/{mine.cut}"),
        ("PATCH", f"/api/salons/{theirs.salon_id}/bookings/{made['booking']['id']}"),
    ]
    for method, path in paths:
        body = {"status": "cancelled"} if "bookings/" in path else {}
        r = client.request(
            method, path, headers=theirs.auth, json=body if method == "PATCH" else None
        )
        assert r.status_code == 404, (method, path, r.status_code)
        assert error_code(r) == "not_found"
    r = client.get(f"/api/salons/{mine.salon_id}")
    assert r.status_code == 401 and error_code(r) == "unauthorized"
    r = client.get(f"/api/salons/{mine.salon_id}", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401


def test_bad_input_is_a_clear_4xx(client: httpx.Client) -> None:
    s = make_salon(client, staff=1)
    url = "/api/book/social/create"
    ok = booking_body(s, s.at("10:00"))
    r = client.post(url, content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 400 and error_code(r) == "bad_request"
    r = client.post(url, content=b'{"a": 1}', headers={"content-type": "text/plain"})
    assert r.status_code == 400 and error_code(r) == "bad_request"
    r = client.post(url, json={**ok, "surprise": 1})
    assert r.status_code == 422 and "surprise" in r.json()["error"]["details"]["fields"]
    r = client.post(url, json={k: v for k, v in ok.items() if k != "start"})
    assert r.status_code == 422 and "start" in r.json()["error"]["details"]["fields"]
    r = client.post(url, json={**ok, "start": s.at("10:00")[:-6]})
    assert r.status_code == 422 and "start" in r.json()["error"]["details"]["fields"]
    r = client.post(url, json={**ok, "customer": {"name": "R", "phone": "12"}})
    assert r.status_code == 422 and "customer.phone" in r.json()["error"]["details"]["fields"]
    r = client.post(url, json={**ok, "source": "tiktok"})
    assert r.status_code == 422
    r = client.post(url, json=[1, 2])
    assert r.status_code == 422
    r = client.post(url, content=b"", headers={"content-type": "application/json"})
    assert r.status_code == 400
    r = client.post(
        url,
        content=b'{"x": "' + b"a" * (1024 * 1024 + 10) + b'"}',
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 413 and error_code(r) == "payload_too_large"
    r = client.get(
        f"/api/book/social/{s.salon_id}/availability",
        params={"service_id": s.cut, "date": "2026-13-01"},
    )
    assert r.status_code == 422
    r = client.get(
        f"/api/book/social/{s.salon_id}/availability", params={"service_id": s.cut, "days": 15}
    )
    assert r.status_code == 422
    r = client.get(f"/api/book/social/{s.salon_id}/availability", params={"service_id": "x"})
    assert r.status_code == 422
    r = client.get(f"/api/book/social/{uuid.uuid4()}/availability", params={"service_id": s.cut})
    assert r.status_code == 404
    # Nothing was lost: the good request still books.
    assert client.post(url, json=ok).status_code == 201


def test_otp_flow_over_http(client: httpx.Client) -> None:
    s = make_salon(client, staff=1, verify=True)
    body = booking_body(s, s.at("10:00"), phone="98765 11111")
    r = client.post("/api/book/social/create", json=body)
    assert r.status_code == 403 and error_code(r) == "verification_required"
    r = client.post("/api/book/otp/start", json={"salon_id": s.salon_id, "phone": "9876511111"})
    assert r.status_code == 202
    codes = texted_codes(client, s.salon_id)
    code = codes[0]["code"]
    assert len(code) == 6 and codes[0]["phone"] == "+919876511111"
    wrong = "000000" if code != "000000" else "111111"
    r = client.post(
        "/api/book/otp/verify", json={"salon_id": s.salon_id, "phone": "9876511111", "code": wrong}
    )
    assert r.status_code == 422
    r = client.post(
        "/api/book/otp/verify", json={"salon_id": s.salon_id, "phone": "9876511111", "code": code}
    )
    assert r.status_code == 200
    r = client.post("/api/book/social/create", json={**body, "otp_token": r.json()["otp_token"]})
    assert r.status_code == 201, r.text


def test_health_and_openapi(client: httpx.Client) -> None:
    r = client.get("/health")
    assert r.status_code == 200 and r.json() == {"status": "ok", "checks": {"database": "ok"}}
    schema = client.get("/schema/openapi.json").json()
    assert "/api/book/social/create" in schema["paths"]
