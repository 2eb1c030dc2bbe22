"""Browser sessions for the admin pages over real HTTP, on SQLite and PostgreSQL: an HttpOnly
cookie, a CSRF token on every change, logout revoking it, and the bearer API unchanged."""

from __future__ import annotations

import uuid

import httpx

SERVICE = {"name": "Cut", "duration_minutes": 30, "price_minor": 50000, "currency": "INR"}


def sign_up(client: httpx.Client) -> httpx.Response:
    r = client.post(
        "/api/auth/session/signup",
        json={
            "email": f"owner-{uuid.uuid4().hex[:10]}@example.com",
            "password": "correct horse battery",
            "salon_name": "Session Salon",
            "timezone": "Asia/Kolkata",
        },
    )
    assert r.status_code == 201, r.text
    return r


def test_a_session_cookie_is_httponly_and_changes_need_the_csrf_token(
    servers: list[str],
) -> None:
    with httpx.Client(base_url=servers[0], timeout=30) as browser:
        started = sign_up(browser)
        cookie = started.headers["set-cookie"].lower()
        assert "salonhub_session=" in cookie
        assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
        body = started.json()
        salon_id, csrf = body["salon_id"], body["csrf_token"]
        assert "token" not in body  # the credential is only in the cookie

        session = browser.get("/api/auth/session").json()
        assert session["csrf_token"] == csrf
        assert [s["id"] for s in session["salons"]] == [salon_id]
        assert session["salons"][0]["tier"] == "free"

        # Reading with the cookie works; changing without the CSRF token does not.
        assert browser.get(f"/api/salons/{salon_id}").status_code == 200
        url = f"/api/salons/{salon_id}/services"
        refused = browser.post(url, json=SERVICE)
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "forbidden"
        wrong = browser.post(url, json=SERVICE, headers={"X-CSRF-Token": csrf[:-2] + "xx"})
        assert wrong.status_code == 403
        assert browser.get(url).json()["items"] == []  # nothing was stored
        made = browser.post(url, json=SERVICE, headers={"X-CSRF-Token": csrf})
        assert made.status_code == 201, made.text

        # The same cookie on another server process of the same database works too.
        other = httpx.Client(base_url=servers[1], timeout=30, cookies=browser.cookies)
        with other:
            assert other.get(url).json()["items"][0]["name"] == "Cut"

        # Logging out needs the token, revokes the session and clears the cookie.
        assert browser.delete("/api/auth/session").status_code == 403
        out = browser.delete("/api/auth/session", headers={"X-CSRF-Token": csrf})
        assert out.status_code == 204
        assert "max-age=0" in out.headers["set-cookie"].lower()
        stale = httpx.Client(base_url=servers[0], timeout=30, cookies=other.cookies)
        with stale:
            assert stale.get(url).status_code == 401
        assert browser.get("/api/auth/session").status_code == 401


def test_logging_in_starts_a_session_and_a_bearer_request_ignores_the_cookie(
    servers: list[str],
) -> None:
    email = f"owner-{uuid.uuid4().hex[:10]}@example.com"
    with httpx.Client(base_url=servers[0], timeout=30) as api:
        r = api.post(
            "/api/auth/signup",
            json={
                "email": email,
                "password": "correct horse battery",
                "salon_name": "Bearer Salon",
                "timezone": "Europe/London",
                "country": "GB",
            },
        )
        assert r.status_code == 201, r.text
        salon_id, bearer = r.json()["salon_id"], r.json()["token"]
    with httpx.Client(base_url=servers[0], timeout=30) as browser:
        bad = browser.post("/api/auth/session", json={"email": email, "password": "wrong pass 123"})
        assert bad.status_code == 401 and "set-cookie" not in bad.headers
        ok = browser.post(
            "/api/auth/session", json={"email": email, "password": "correct horse battery"}
        )
        assert ok.status_code == 200, ok.text
        assert ok.json()["salon_id"] == salon_id
        # A bad bearer header is not rescued by a good cookie.
        bogus = browser.get(f"/api/salons/{salon_id}", headers={"Authorization": "Bearer nope"})
        assert bogus.status_code == 401
        # A bearer request needs no CSRF token (it is not sent by browsers on their own).
        patched = browser.patch(
            f"/api/salons/{salon_id}",
            json={"name": "Renamed"},
            headers={"Authorization": f"Bearer {bearer}"},
        )
        assert patched.status_code == 200 and patched.json()["name"] == "Renamed"
        assert browser.get("/api/auth/session").json()["salons"][0]["name"] == "Renamed"
        # Bad input to the session routes is a 4xx envelope.
        junk = browser.post(
            "/api/auth/session", content=b"{", headers={"content-type": "application/json"}
        )
        assert junk.status_code == 400 and junk.json()["error"]["code"] == "bad_request"
        short = browser.post("/api/auth/session/signup", json={"email": "x@y.z"})
        assert short.status_code == 422
