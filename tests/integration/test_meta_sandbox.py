"""The Meta sandbox over real HTTP: tokens, pagination, the dialog, failure modes, the 24-hour
window and signed webhook deliveries with retries."""

from __future__ import annotations

import hashlib
import hmac
import json
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest

from entrypoints.meta_sandbox import DEFAULT_APP_ID, DEFAULT_APP_SECRET

from .meta_sandbox_fixtures import Receiver, receiver, sandbox, sandbox_url

__all__ = ["receiver", "sandbox", "sandbox_url"]

V = "/v26.0"
REDIRECT = "https://salonhub.example/api/meta/callback"
APP_TOKEN = f"{DEFAULT_APP_ID}|{DEFAULT_APP_SECRET}"
GLOW, ANNEX = "101000000000001", "101000000000002"
RIYA_PSID, RIYA_IGSID = "7100000000000001", "1780000000000001"


class FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.fields: list[tuple[str, str]] = []
        self.buttons: list[tuple[str, str]] = []
        self.checkboxes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.action = a["action"]
        elif tag == "input" and a.get("type") == "hidden":
            self.fields.append((a["name"], a["value"]))
        elif tag == "input" and a.get("type") == "checkbox":
            self.checkboxes.append(a["value"])
        elif tag == "button":
            self.buttons.append((a["name"], a["value"]))


def open_dialog(client: httpx.Client, **extra: str) -> FormParser:
    params = {
        "client_id": DEFAULT_APP_ID,
        "redirect_uri": REDIRECT,
        "state": "st-123",
        "response_type": "code",
        "scope": "pages_show_list,pages_messaging,pages_manage_metadata",
        **extra,
    }
    r = client.get(f"{V}/dialog/oauth", params=params)
    assert r.status_code == 200, r.text
    assert "text/html" in r.headers["content-type"]
    form = FormParser()
    form.feed(r.text)
    return form


def submit(
    client: httpx.Client, form: FormParser, action: str, pages: list[str] | None = None
) -> dict[str, str]:
    chosen = form.checkboxes if pages is None else pages
    data = [*form.fields, *(("page_ids", p) for p in chosen), ("action", action)]
    r = client.post(
        urljoin(f"{V}/dialog/oauth", form.action),  # relative to the dialog, as a browser does
        content="&".join(f"{k}={_q(v)}" for k, v in data),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 302, r.text
    location = urlsplit(r.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    return {k: v[-1] for k, v in parse_qs(location.query).items()}


def _q(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


def login(client: httpx.Client, pages: list[str] | None = None) -> str:
    """Dialog approve → code → short-lived → long-lived user token."""
    query = submit(client, open_dialog(client), "approve", pages)
    r = client.get(
        f"{V}/oauth/access_token",
        params={
            "client_id": DEFAULT_APP_ID,
            "client_secret": DEFAULT_APP_SECRET,
            "redirect_uri": REDIRECT,
            "code": query["code"],
        },
    )
    assert r.status_code == 200, r.text
    r = client.get(
        f"{V}/oauth/access_token",
        params={
            "grant_type": "fb_exchange_token",
            "client_id": DEFAULT_APP_ID,
            "client_secret": DEFAULT_APP_SECRET,
            "fb_exchange_token": r.json()["access_token"],
        },
    )
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


def error_of(r: httpx.Response, status: int = 400) -> dict[str, Any]:
    assert r.status_code == status, r.text
    error: dict[str, Any] = r.json()["error"]
    assert {"message", "type", "code", "fbtrace_id"} <= error.keys()
    return error


def page_token(client: httpx.Client, page_id: str = GLOW) -> str:
    pages = client.get("/_sandbox/seed").json()["pages"]
    return str(next(p["access_token"] for p in pages if p["id"] == page_id))


def subscribe(client: httpx.Client, token: str, fields: str = "messages") -> httpx.Response:
    """Subscribe the app to the Glow Page's webhook fields, as the app under test would."""
    return client.post(
        f"{V}/{GLOW}/subscribed_apps", params={"subscribed_fields": fields, "access_token": token}
    )


# --- the connect journey ---


def test_connect_journey_code_to_long_lived_token_pages_and_subscription(
    sandbox: httpx.Client,
) -> None:
    form = open_dialog(sandbox)
    assert sorted(form.checkboxes) == [GLOW, ANNEX]
    assert ("action", "approve") in form.buttons and ("action", "cancel") in form.buttons
    query = submit(sandbox, form, "approve")
    assert query["state"] == "st-123" and query["code"]

    r = sandbox.get(
        f"{V}/oauth/access_token",
        params={
            "client_id": DEFAULT_APP_ID,
            "client_secret": DEFAULT_APP_SECRET,
            "redirect_uri": REDIRECT,
            "code": query["code"],
        },
    )
    short = r.json()
    assert short["token_type"] == "bearer" and 3600 <= short["expires_in"] <= 7200
    r = sandbox.get(
        f"{V}/oauth/access_token",
        params={
            "grant_type": "fb_exchange_token",
            "client_id": DEFAULT_APP_ID,
            "client_secret": DEFAULT_APP_SECRET,
            "fb_exchange_token": short["access_token"],
        },
    )
    long = r.json()
    assert long["expires_in"] == 5_184_000
    user_token = long["access_token"]

    me = sandbox.get(f"{V}/me", params={"access_token": user_token}).json()
    assert me == {"id": "900000000000001", "name": "Priya Owner (test user)"}

    # me/accounts, one Page per page: follow paging.next until it is absent
    url: str | None = f"{sandbox.base_url}{V}/me/accounts"
    params: dict[str, str] | None = {
        "fields": "id,name,access_token,tasks",
        "access_token": user_token,
    }
    seen: list[dict[str, Any]] = []
    while url is not None:
        body = sandbox.get(url, params=params).json()
        assert len(body["data"]) == 1 and body["paging"]["cursors"]["after"]
        seen.extend(body["data"])
        url, params = body["paging"].get("next"), None
    assert [p["id"] for p in seen] == [GLOW, ANNEX]
    assert all(set(p) == {"id", "name", "access_token", "tasks"} for p in seen)
    glow_token = seen[0]["access_token"]

    fields = "instagram_business_account{id,username}"
    r = sandbox.get(f"{V}/{GLOW}", params={"fields": fields, "access_token": glow_token})
    assert r.json() == {
        "instagram_business_account": {"id": "17841400000000001", "username": "glowstudio.bandra"}
    }
    r = sandbox.get(f"{V}/{ANNEX}", params={"fields": f"id,{fields}", "access_token": user_token})
    assert r.json() == {"id": ANNEX}  # no Instagram: the field is omitted

    debug = sandbox.get(
        f"{V}/debug_token", params={"input_token": glow_token, "access_token": APP_TOKEN}
    ).json()["data"]
    assert debug["is_valid"] is True and debug["expires_at"] == 0 and debug["type"] == "PAGE"
    assert debug["app_id"] == DEFAULT_APP_ID and "pages_messaging" in debug["scopes"]
    assert debug["data_access_expires_at"] > 0 and debug["user_id"] == me["id"]
    debug = sandbox.get(
        f"{V}/debug_token", params={"input_token": user_token, "access_token": APP_TOKEN}
    ).json()["data"]
    assert debug["expires_at"] > 0 and debug["type"] == "USER"

    sub = f"{V}/{GLOW}/subscribed_apps"
    wanted = "messages,messaging_postbacks,messaging_referrals,message_echoes"
    r = sandbox.post(sub, params={"subscribed_fields": wanted, "access_token": glow_token})
    assert r.json() == {"success": True}
    r = sandbox.get(sub, params={"access_token": glow_token})
    assert r.json()["data"][0]["subscribed_fields"] == wanted.split(",")
    assert r.json()["data"][0]["id"] == DEFAULT_APP_ID
    assert sandbox.delete(sub, params={"access_token": glow_token}).json() == {"success": True}
    assert sandbox.get(sub, params={"access_token": glow_token}).json() == {"data": []}
    log = sandbox.get("/_sandbox/sent").json()["subscription_log"]
    assert [e["action"] for e in log] == ["subscribe", "unsubscribe"]

    # revoking the login kills the user's tokens (190/458)
    r = sandbox.delete(f"{V}/me/permissions", params={"access_token": user_token})
    assert r.json() == {"success": True}
    error = error_of(sandbox.get(f"{V}/me", params={"access_token": user_token}))
    assert (error["code"], error["error_subcode"], error["type"]) == (190, 458, "OAuthException")
    assert len(sandbox.get("/_sandbox/sent").json()["revocations"]) == 1


def test_only_the_chosen_pages_are_listed_and_any_version_is_accepted(
    sandbox: httpx.Client,
) -> None:
    token = login(sandbox, pages=[ANNEX])
    r = sandbox.get("/v19.0/me/accounts", params={"access_token": token, "limit": "10"})
    assert [p["id"] for p in r.json()["data"]] == [ANNEX]
    assert "next" not in r.json()["paging"]
    error = error_of(sandbox.get(f"{V}/{GLOW}", params={"access_token": token}))
    assert (error["code"], error["error_subcode"]) == (100, 33)


@pytest.mark.parametrize(
    ("change", "code", "subcode"),
    [
        ({"client_secret": "wrong"}, 1, None),
        ({"client_id": "999"}, 101, None),
        ({"code": "not-a-code"}, 100, 36009),
        ({"redirect_uri": "https://evil.example/cb"}, 100, 36008),
    ],
)
def test_bad_code_exchanges_answer_meta_errors(
    sandbox: httpx.Client, change: dict[str, str], code: int, subcode: int | None
) -> None:
    minted = sandbox.post("/_sandbox/codes", json={"redirect_uri": REDIRECT}).json()["code"]
    params = {
        "client_id": DEFAULT_APP_ID,
        "client_secret": DEFAULT_APP_SECRET,
        "redirect_uri": REDIRECT,
        "code": minted,
        **change,
    }
    error = error_of(sandbox.get(f"{V}/oauth/access_token", params=params))
    assert error["code"] == code and error.get("error_subcode") == subcode


def test_a_code_is_single_use(sandbox: httpx.Client) -> None:
    minted = sandbox.post("/_sandbox/codes", json={"redirect_uri": REDIRECT}).json()["code"]
    params = {
        "client_id": DEFAULT_APP_ID,
        "client_secret": DEFAULT_APP_SECRET,
        "redirect_uri": REDIRECT,
        "code": minted,
    }
    assert sandbox.get(f"{V}/oauth/access_token", params=params).status_code == 200
    error = error_of(sandbox.get(f"{V}/oauth/access_token", params=params))
    assert (error["code"], error["error_subcode"]) == (100, 36009)


def test_debug_token_needs_the_app_token_and_reports_unknown_tokens(
    sandbox: httpx.Client,
) -> None:
    r = sandbox.get(f"{V}/debug_token", params={"input_token": "x", "access_token": "1|bad"})
    assert error_of(r)["code"] == 190
    data = sandbox.get(
        f"{V}/debug_token", params={"input_token": "nope", "access_token": APP_TOKEN}
    ).json()["data"]
    assert data["is_valid"] is False and data["error"]["code"] == 190


# --- the dialog ---


def test_dialog_cancel_redirects_with_access_denied(sandbox: httpx.Client) -> None:
    query = submit(sandbox, open_dialog(sandbox), "cancel")
    assert query["error"] == "access_denied" and query["error_reason"] == "user_denied"
    assert query["error_description"] and query["state"] == "st-123"
    assert "code" not in query


def test_dialog_rejects_an_unknown_client_id(sandbox: httpx.Client) -> None:
    r = sandbox.get(
        f"{V}/dialog/oauth",
        params={
            "client_id": "123",
            "redirect_uri": REDIRECT,
            "state": "s",
            "response_type": "code",
        },
    )
    assert r.status_code == 400 and "Invalid App ID" in r.text


def test_business_login_with_extras_stores_the_install(sandbox: httpx.Client) -> None:
    extras = {
        "setup": {
            "external_business_id": "salon-42",
            "timezone": "Asia/Kolkata",
            "currency": "INR",
            "business_vertical": "APPOINTMENTS",
        },
        "business_config": {
            "business": {"name": "Glow"},
            "page_cta": {
                "enabled": True,
                "cta_button_text": "Book Now",
                "cta_button_url": "https://w.example/b/42?src=facebook",
            },
            "ig_cta": {
                "enabled": True,
                "cta_button_text": "Book Now",
                "cta_button_url": "https://w.example/b/42?src=instagram",
            },
            "messenger_menu": {
                "enabled": True,
                "cta_button_text": "Book Now",
                "cta_button_url": "https://w.example/b/42?src=messenger",
            },
        },
        "repeat": False,
    }
    form = open_dialog(
        sandbox, extras=json.dumps(extras), scope="manage_business_extension,pages_show_list"
    )
    query = submit(sandbox, form, "approve", [GLOW])
    token = sandbox.get(
        f"{V}/oauth/access_token",
        params={
            "client_id": DEFAULT_APP_ID,
            "client_secret": DEFAULT_APP_SECRET,
            "redirect_uri": REDIRECT,
            "code": query["code"],
        },
    ).json()["access_token"]
    installs = f"{V}/fbe_business/fbe_installs"
    params = {"fbe_external_business_id": "salon-42", "access_token": token}
    data = sandbox.get(installs, params=params).json()["data"]
    assert data[0]["pages"] == [GLOW] and data[0]["instagram_profiles"] == ["17841400000000001"]
    assert {f["feature_type"] for f in data[0]["installed_features"]} == {
        "page_cta",
        "ig_cta",
        "messenger_menu",
    }
    sent = sandbox.get("/_sandbox/sent").json()
    stored = sent["installs"]["salon-42"]
    assert stored["business_config"]["ig_cta"]["cta_button_url"].endswith("src=instagram")
    assert stored["setup"]["business_vertical"] == "APPOINTMENTS"
    assert sandbox.delete(installs, params=params).json() == {"success": True}
    assert sandbox.get(installs, params=params).json() == {"data": []}
    assert [e["action"] for e in sandbox.get("/_sandbox/sent").json()["install_log"]] == [
        "install",
        "uninstall",
    ]


# --- failure modes ---


def test_token_death_for_one_token_then_for_all(sandbox: httpx.Client) -> None:
    glow, annex = page_token(sandbox, GLOW), page_token(sandbox, ANNEX)
    r = sandbox.post(
        "/_sandbox/failures", json={"kind": "token_death", "token": glow, "subcode": 460}
    )
    assert r.json()["killed"] == 1
    error = error_of(sandbox.get(f"{V}/me", params={"access_token": glow}))
    assert (error["code"], error["error_subcode"], error["type"]) == (190, 460, "OAuthException")
    assert "password" in error["message"]
    assert sandbox.get(f"{V}/me", params={"access_token": annex}).status_code == 200
    data = sandbox.get(
        f"{V}/debug_token", params={"input_token": glow, "access_token": APP_TOKEN}
    ).json()["data"]
    assert data["is_valid"] is False and data["error"]["subcode"] == 460

    sandbox.post("/_sandbox/tokens/kill", json={"subcode": 463})
    error = error_of(sandbox.get(f"{V}/me", params={"access_token": annex}))
    assert (error["code"], error["error_subcode"]) == (190, 463)


def test_short_lived_tokens_expire_with_the_sandbox_clock(sandbox: httpx.Client) -> None:
    minted = sandbox.post("/_sandbox/codes", json={"redirect_uri": REDIRECT}).json()["code"]
    token = sandbox.get(
        f"{V}/oauth/access_token",
        params={
            "client_id": DEFAULT_APP_ID,
            "client_secret": DEFAULT_APP_SECRET,
            "redirect_uri": REDIRECT,
            "code": minted,
        },
    ).json()["access_token"]
    sandbox.post("/_sandbox/clock", json={"advance_seconds": 5401})
    error = error_of(sandbox.get(f"{V}/me", params={"access_token": token}))
    assert (error["code"], error["error_subcode"]) == (190, 463)


@pytest.mark.parametrize("code", [10, 200])
def test_permission_errors(sandbox: httpx.Client, code: int) -> None:
    sandbox.post(
        "/_sandbox/failures", json={"kind": "permission", "code": code, "path": "subscribed_apps"}
    )
    token = page_token(sandbox)
    assert sandbox.get(f"{V}/me", params={"access_token": token}).status_code == 200
    r = subscribe(sandbox, token)
    error = error_of(r)
    assert error["code"] == code and f"(#{code})" in error["message"]
    sandbox.delete("/_sandbox/failures")
    r = subscribe(sandbox, token)
    assert r.status_code == 200


@pytest.mark.parametrize("code", [4, 32, 613, 80001, 80006])
def test_throttling_with_usage_rising_before_the_limit(sandbox: httpx.Client, code: int) -> None:
    sandbox.post("/_sandbox/failures", json={"kind": "throttle", "code": code, "after": 3})
    token = page_token(sandbox)
    header = "X-Business-Use-Case-Usage" if code >= 80000 else "X-App-Usage"
    usages = []
    for _ in range(3):
        r = sandbox.get(f"{V}/{GLOW}", params={"access_token": token})
        assert r.status_code == 200
        usage = json.loads(r.headers[header])
        usages.append(usage[GLOW][0]["call_count"] if code >= 80000 else usage["call_count"])
    assert usages == sorted(usages) and usages[0] < usages[-1] < 100
    r = sandbox.get(f"{V}/{GLOW}", params={"access_token": token})
    error = error_of(r)
    assert error["code"] == code
    usage = json.loads(r.headers[header])
    if code >= 80000:
        entry = usage[GLOW][0]
        assert entry["call_count"] == 100 and entry["estimated_time_to_regain_access"] > 0
        assert entry["type"] == {80001: "pages", 80006: "messenger"}[code]
    else:
        assert usage["call_count"] == 100


def test_server_errors_for_a_number_of_calls_then_recovery(sandbox: httpx.Client) -> None:
    sandbox.post("/_sandbox/failures", json={"kind": "server_error", "status": 503, "times": 2})
    token = page_token(sandbox)
    for _ in range(2):
        error = error_of(sandbox.get(f"{V}/me", params={"access_token": token}), 503)
        assert error["is_transient"] is True
    assert sandbox.get(f"{V}/me", params={"access_token": token}).status_code == 200


def test_latency_injection(sandbox: httpx.Client) -> None:
    sandbox.post("/_sandbox/failures", json={"kind": "latency", "latency_ms": 400})
    token = page_token(sandbox)
    r = sandbox.get(f"{V}/me", params={"access_token": token})
    assert r.status_code == 200 and r.elapsed.total_seconds() >= 0.4
    with pytest.raises(httpx.ReadTimeout):
        sandbox.get(f"{V}/me", params={"access_token": token}, timeout=0.1)


def test_control_api_rejects_unknown_failure_kinds(sandbox: httpx.Client) -> None:
    assert sandbox.post("/_sandbox/failures", json={"kind": "gremlins"}).status_code == 400
    assert (
        sandbox.post("/_sandbox/failures", json={"kind": "throttle", "code": 5}).status_code == 400
    )


# --- the Send API and the 24-hour window ---


def send(client: httpx.Client, token: str, recipient: str, **body: Any) -> httpx.Response:
    payload = {
        "recipient": {"id": recipient},
        "messaging_type": "RESPONSE",
        "message": {"text": "Your booking is confirmed"},
        **body,
    }
    return client.post(f"{V}/{GLOW}/messages", params={"access_token": token}, json=payload)


def test_the_24_hour_window(sandbox: httpx.Client) -> None:
    token = page_token(sandbox)
    error = error_of(send(sandbox, token, RIYA_PSID))
    assert (error["code"], error["error_subcode"]) == (10, 2018278)
    assert "outside of allowed window" in error["message"]

    r = sandbox.post(
        "/_sandbox/phone",
        json={"page_id": GLOW, "customer": "riya", "kind": "referral", "ref": "bk_123"},
    )
    assert r.status_code == 200 and r.json()["event"]["referral"]["ref"] == "bk_123"
    r = send(sandbox, token, RIYA_PSID)
    assert r.status_code == 200, r.text
    assert r.json()["recipient_id"] == RIYA_PSID and r.json()["message_id"].startswith("m_")
    # the window is per recipient: Instagram (IGSID) is still closed
    assert error_of(send(sandbox, token, RIYA_IGSID))["code"] == 10

    sandbox.post("/_sandbox/clock", json={"advance_seconds": 25 * 3600})
    assert error_of(send(sandbox, token, RIYA_PSID))["error_subcode"] == 2018278
    r = send(sandbox, token, RIYA_PSID, messaging_type="MESSAGE_TAG", tag="HUMAN_AGENT")
    assert r.status_code == 200  # a human reply within 7 days

    sent = sandbox.get("/_sandbox/sent").json()["messages"]
    assert [(m["recipient_id"], m["tag"]) for m in sent] == [
        (RIYA_PSID, None),
        (RIYA_PSID, "HUMAN_AGENT"),
    ]
    assert sent[0]["message"]["text"] == "Your booking is confirmed"


@pytest.mark.parametrize(
    "tag", ["CONFIRMED_EVENT_UPDATE", "ACCOUNT_UPDATE", "POST_PURCHASE_UPDATE"]
)
def test_sunset_tags_answer_100(sandbox: httpx.Client, tag: str) -> None:
    token = page_token(sandbox)
    sandbox.post("/_sandbox/phone", json={"page_id": GLOW, "customer": "riya"})
    error = error_of(send(sandbox, token, RIYA_PSID, messaging_type="MESSAGE_TAG", tag=tag))
    assert error["code"] == 100


def test_message_limits_and_unknown_recipients(sandbox: httpx.Client) -> None:
    token = page_token(sandbox)
    sandbox.post(
        "/_sandbox/phone",
        json={"page_id": GLOW, "customer": "riya", "platform": "instagram", "text": "hi"},
    )
    assert send(sandbox, token, RIYA_IGSID).status_code == 200
    error = error_of(send(sandbox, token, RIYA_IGSID, message={"text": "x" * 2000}))
    assert error["code"] == 100
    error = error_of(send(sandbox, token, "123"))
    assert (error["code"], error["error_subcode"]) == (100, 2018001)
    # a user token cannot send
    user = login(sandbox)
    assert error_of(send(sandbox, user, RIYA_IGSID))["code"] == 190


# --- webhooks ---


def _signed_by_app(raw: bytes, headers: dict[str, str]) -> bool:
    expected = "sha256=" + hmac.new(DEFAULT_APP_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    return hmac.compare_digest(headers["x-hub-signature-256"], expected)


def configure(client: httpx.Client, receiver: Receiver, **extra: Any) -> dict[str, Any]:
    r = client.put(
        "/_sandbox/webhooks",
        json={
            "callback_url": receiver.url,
            "base_delay": 0.05,
            "factor": 2,
            "max_attempts": 3,
            "verify_token": receiver.verify_token,
            **extra,
        },
    )
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    return result


def test_webhook_delivery_is_signed_with_the_app_secret(
    sandbox: httpx.Client, receiver: Receiver
) -> None:
    assert configure(sandbox, receiver)["verified"] is True
    payload = {"object": "page", "entry": [{"id": GLOW, "time": 1, "messaging": []}]}
    r = sandbox.post("/_sandbox/webhooks/deliver", json={"payload": payload, "wait": True})
    assert r.status_code == 202 and r.json()["status"] == "delivered"
    raw, headers = receiver.received[0]
    assert _signed_by_app(raw, headers) and json.loads(raw) == payload
    assert headers["content-type"] == "application/json"


def test_a_failed_delivery_is_retried_with_backoff(
    sandbox: httpx.Client, receiver: Receiver
) -> None:
    configure(sandbox, receiver)
    receiver.fail_next = 1
    payload = {"object": "page", "entry": [{"id": GLOW, "time": 2, "changes": []}]}
    body = sandbox.post(
        "/_sandbox/webhooks/deliver", json={"payload": payload, "wait": True}
    ).json()
    assert body["status"] == "delivered"
    assert [a["status"] for a in body["attempts"]] == [500, 200]
    assert body["attempts"][1]["at"] - body["attempts"][0]["at"] >= 0.05
    assert len(receiver.received) == 1 and _signed_by_app(*receiver.received[0])

    receiver.fail_next = 5
    body = sandbox.post(
        "/_sandbox/webhooks/deliver", json={"payload": payload, "wait": True}
    ).json()
    assert body["status"] == "failed" and len(body["attempts"]) == 3  # bounded
    gaps = [b["at"] - a["at"] for a, b in zip(body["attempts"], body["attempts"][1:], strict=False)]
    assert gaps[1] > gaps[0]  # exponential
    listed = sandbox.get("/_sandbox/webhooks/deliveries").json()["deliveries"]
    assert [d["status"] for d in listed] == ["delivered", "failed"]


def test_the_phone_sends_a_messaging_webhook_to_a_subscribed_page(
    sandbox: httpx.Client, receiver: Receiver
) -> None:
    configure(sandbox, receiver)
    token = page_token(sandbox)
    subscribe(sandbox, token)
    r = sandbox.post(
        "/_sandbox/phone", json={"page_id": GLOW, "customer": "riya", "text": "Is 5pm free?"}
    )
    assert r.status_code == 200 and "delivery_id" in r.json()
    receiver.wait_for(1)
    raw, headers = receiver.received[0]
    assert _signed_by_app(raw, headers)
    envelope = json.loads(raw)
    event = envelope["entry"][0]["messaging"][0]
    assert envelope["object"] == "page" and envelope["entry"][0]["id"] == GLOW
    assert event["sender"]["id"] == RIYA_PSID and event["message"]["text"] == "Is 5pm free?"


def test_the_phone_taps_postbacks_and_books_meta_native_appointments(
    sandbox: httpx.Client, receiver: Receiver
) -> None:
    configure(sandbox, receiver)
    token = page_token(sandbox)
    subscribe(sandbox, token, "messages,messaging_postbacks")
    sandbox.post(
        "/_sandbox/phone",
        json={"page_id": GLOW, "customer": "arjun", "kind": "postback", "payload": "BOOK"},
    )
    sandbox.post(
        "/_sandbox/phone",
        json={
            "page_id": GLOW,
            "customer": "arjun",
            "platform": "instagram",
            "kind": "appointment",
            "booking_id": "b-1",
            "status": "confirmed",
        },
    )
    receiver.wait_for(2)
    events = {}
    for raw, _ in receiver.received:
        envelope = json.loads(raw)
        events[envelope["object"]] = envelope["entry"][0]["messaging"][0]
    assert events["page"]["postback"]["payload"] == "BOOK"
    attachment = events["instagram"]["message"]["attachments"][0]
    assert attachment["type"] == "appointment_booking"
    assert attachment["payload"]["booking_id"] == "b-1"
    assert attachment["payload"]["status"] == "confirmed"
    # both opened the window: /me/messages with the Page token reaches the IGSID
    r = sandbox.post(
        f"{V}/me/messages",
        params={"access_token": token},
        json={"recipient": {"id": "1780000000000002"}, "message": {"text": "See you!"}},
    )
    assert r.status_code == 200, r.text


def test_data_access_expiry_shows_in_debug_token(sandbox: httpx.Client) -> None:
    token = page_token(sandbox)
    r = sandbox.post("/_sandbox/tokens/data-access", json={"token": token, "expires_in": 3600})
    expected = r.json()["data_access_expires_at"]
    data = sandbox.get(
        f"{V}/debug_token", params={"input_token": token, "access_token": APP_TOKEN}
    ).json()["data"]
    assert data["data_access_expires_at"] == expected and data["is_valid"] is True


def test_the_sandbox_runs_as_a_module_on_a_port() -> None:
    import subprocess
    import sys
    import time

    from .servers import ROOT, free_port

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "entrypoints.meta_sandbox", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        seed: dict[str, Any] = {}
        while not seed:
            try:
                seed = httpx.get(f"http://127.0.0.1:{port}/_sandbox/seed", timeout=2).json()
            except httpx.HTTPError:
                assert time.monotonic() < deadline and proc.poll() is None
                time.sleep(0.1)
        assert seed["app_id"] == DEFAULT_APP_ID
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_failing_messaging_webhooks_unsubscribe_the_page(
    sandbox: httpx.Client, receiver: Receiver
) -> None:
    import time

    configure(sandbox, receiver, base_delay=0.01)
    token = page_token(sandbox)
    subscribe(sandbox, token)
    receiver.fail_next = 10
    sandbox.post("/_sandbox/phone", json={"page_id": GLOW, "customer": "riya"})
    deadline = time.monotonic() + 10
    while sandbox.get("/_sandbox/sent").json()["subscriptions"]:
        assert time.monotonic() < deadline, "the Page stayed subscribed"
        time.sleep(0.02)
    log = sandbox.get("/_sandbox/sent").json()["subscription_log"]
    assert log[-1]["action"] == "auto_unsubscribe" and log[-1]["page_id"] == GLOW
    assert sandbox.get(f"{V}/{GLOW}/subscribed_apps", params={"access_token": token}).json() == {
        "data": []
    }


def test_deauthorize_posts_a_signed_request_and_kills_the_tokens(
    sandbox: httpx.Client, receiver: Receiver
) -> None:
    import base64

    token = page_token(sandbox)
    r = sandbox.post("/_sandbox/deauthorize", json={"url": receiver.url})
    assert r.status_code == 200 and r.json()["status"] == 200
    raw, headers = receiver.received[0]
    assert headers["content-type"] == "application/x-www-form-urlencoded"
    signed = parse_qs(raw.decode())["signed_request"][0]
    sig, payload = signed.split(".")

    def unb64(s: str) -> bytes:
        return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))

    expected = hmac.new(DEFAULT_APP_SECRET.encode(), payload.encode(), hashlib.sha256).digest()
    assert hmac.compare_digest(unb64(sig), expected)
    assert "=" not in signed
    body = json.loads(unb64(payload))
    assert body["user_id"] == "900000000000001" and body["algorithm"] == "HMAC-SHA256"
    error = error_of(sandbox.get(f"{V}/me", params={"access_token": token}))
    assert (error["code"], error["error_subcode"]) == (190, 458)
