"""`GET/POST /api/webhooks/meta` over real HTTP: two processes sharing one database."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from entrypoints.meta_sandbox import DEFAULT_APP_SECRET
from entrypoints.partner_settings import SANDBOX_VERIFY_TOKEN

PATH = "/api/webhooks/meta"


def sign(raw: bytes, secret: str = DEFAULT_APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


def encode(body: Any) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()


def messages(*mids: str, entry_time: int = 1_700_000_000, **extra: Any) -> dict[str, Any]:
    return {
        "object": "page",
        "entry": [
            {
                "id": "101000000000001",
                "time": entry_time,
                "messaging": [
                    {
                        "sender": {"id": "USER1"},
                        "recipient": {"id": "101000000000001"},
                        "timestamp": 1_700_000_000_000 + n,
                        "message": {"mid": mid, "text": f"hello {n}"},
                    }
                    for n, mid in enumerate(mids)
                ],
                **extra,
            }
        ],
    }


def unique_mids(n: int) -> list[str]:
    run = uuid.uuid4().hex
    return [f"m_{run}_{i}" for i in range(n)]


def post(
    http: httpx.Client, raw: bytes, signature: str | None = "sign", **headers: str
) -> httpx.Response:
    sent = {"Content-Type": "application/json", **headers}
    if signature == "sign":
        sent["X-Hub-Signature-256"] = sign(raw)
    elif signature is not None:
        sent["X-Hub-Signature-256"] = signature
    return http.post(PATH, content=raw, headers=sent)


def assert_error(r: httpx.Response, status: int, code: str) -> None:
    assert r.status_code == status, (r.status_code, r.text)
    error = r.json()["error"]
    assert error["code"] == code, r.text
    assert isinstance(error["message"], str) and error["message"]


# --- the verification handshake ---


@pytest.mark.parametrize("challenge", ["1158201444", "a b+c/=é&x?y#z", "x" * 2000])
def test_the_handshake_echoes_the_challenge(client: httpx.Client, challenge: str) -> None:
    r = client.get(
        PATH,
        params={
            "hub.mode": "subscribe",
            "hub.verify_token": SANDBOX_VERIFY_TOKEN,
            "hub.challenge": challenge,
        },
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain")
    assert r.text == challenge


@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "c"},
        {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "c"},
        {
            "hub.mode": "subscribe",
            "hub.verify_token": SANDBOX_VERIFY_TOKEN + "x",
            "hub.challenge": "c",
        },
        {
            "hub.mode": "subscribe",
            "hub.verify_token": SANDBOX_VERIFY_TOKEN[:-1],
            "hub.challenge": "c",
        },
        {"hub.mode": "unsubscribe", "hub.verify_token": SANDBOX_VERIFY_TOKEN, "hub.challenge": "c"},
        {"hub.mode": "SUBSCRIBE ", "hub.verify_token": SANDBOX_VERIFY_TOKEN, "hub.challenge": "c"},
        {"hub.verify_token": SANDBOX_VERIFY_TOKEN, "hub.challenge": "c"},
        {"hub.mode": "subscribe", "hub.challenge": "c"},
        {"hub.mode": "subscribe", "hub.verify_token": SANDBOX_VERIFY_TOKEN},
        {"hub.mode": "subscribe", "hub.verify_token": "é", "hub.challenge": "c"},
        {},
    ],
)
def test_a_bad_handshake_is_403(client: httpx.Client, params: dict[str, str]) -> None:
    assert_error(client.get(PATH, params=params), 403, "forbidden")


@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "a\u0000b", "hub.challenge": "c"},
        {
            "hub.mode": "subscribe",
            "hub.verify_token": SANDBOX_VERIFY_TOKEN,
            "hub.challenge": "\u0000",
        },
        {"hub.mode": "subscribe", "hub.verify_token": "t" * 5000, "hub.challenge": "c"},
        {
            "hub.mode": "subscribe",
            "hub.verify_token": SANDBOX_VERIFY_TOKEN,
            "hub.challenge": "c" * 5000,
        },
    ],
)
def test_odd_handshake_input_is_refused_never_500(
    client: httpx.Client, params: dict[str, str]
) -> None:
    r = client.get(PATH, params=params)
    assert r.status_code in (403, 422), (r.status_code, r.text)
    assert r.json()["error"]["code"] in ("forbidden", "validation_error")


# --- deliveries ---


def test_a_signed_delivery_is_stored_once_across_processes(servers: list[str]) -> None:
    raw = encode(messages(*unique_mids(3)))
    with (
        httpx.Client(base_url=servers[0], timeout=30) as a,
        httpx.Client(base_url=servers[1], timeout=30) as b,
    ):
        r = post(a, raw)
        assert r.status_code == 200, r.text
        assert r.json() == {"received": 3, "stored": 3}
        r = post(b, raw)  # Meta retrying, answered by the other process
        assert r.status_code == 200, r.text
        assert r.json() == {"received": 3, "stored": 0}
        r = post(a, raw)
        assert r.json() == {"received": 3, "stored": 0}


def test_the_same_events_in_another_delivery_are_not_stored_again(client: httpx.Client) -> None:
    mids = unique_mids(3)
    assert post(client, encode(messages(*mids[:2]))).json() == {"received": 2, "stored": 2}
    r = post(client, encode(messages(*mids, entry_time=1_700_000_999)))
    assert r.status_code == 200, r.text
    assert r.json() == {"received": 3, "stored": 1}


def test_an_envelope_without_events_is_stored_once(client: httpx.Client) -> None:
    raw = encode({"object": "page", "entry": [], "nonce": uuid.uuid4().hex})
    assert post(client, raw).json() == {"received": 1, "stored": 1}
    assert post(client, raw).json() == {"received": 1, "stored": 0}
    listed = encode([uuid.uuid4().hex, 1, None])
    assert post(client, listed).json() == {"received": 1, "stored": 1}


def test_signature_is_required_and_checked(client: httpx.Client) -> None:
    raw = encode(messages(*unique_mids(1)))
    other = encode(messages(*unique_mids(1)))
    sha1 = "sha1=" + hmac.new(DEFAULT_APP_SECRET.encode(), raw, hashlib.sha1).hexdigest()
    digest = sign(raw).removeprefix("sha256=")
    cases: list[tuple[str | None, dict[str, str]]] = [
        (None, {}),
        ("", {}),
        ("sha256=", {}),
        ("sha256=" + "0" * 64, {}),
        (sign(raw, "not-the-secret"), {}),
        (sign(other), {}),
        (digest, {}),  # no scheme
        ("md5=" + digest, {}),
        ("sha256=" + digest[:-1], {}),
        ("sha256=" + digest + "00", {}),
        (None, {"X-Hub-Signature": sha1}),
        (sha1, {}),
    ]
    for signature, headers in cases:
        r = post(client, raw, signature, **headers)
        assert_error(r, 401, "unauthorized")
    # Header bytes that are not ASCII.
    r = client.post(
        PATH,
        content=raw,
        headers=[
            (b"Content-Type", b"application/json"),
            (b"X-Hub-Signature-256", b"sha256=\xc3\xa9" + digest[2:].encode()),
        ],
    )
    assert_error(r, 401, "unauthorized")
    # Nothing was stored by the refused attempts: the real one stores the event.
    assert post(client, raw).json() == {"received": 1, "stored": 1}
    # The old sha1 header next to a good sha256 one is ignored.
    raw2 = encode(messages(*unique_mids(1)))
    r = post(client, raw2, **{"X-Hub-Signature": "sha1=deadbeef"})
    assert r.json() == {"received": 1, "stored": 1}
    # Upper-case hex is the same signature.
    raw3 = encode(messages(*unique_mids(1)))
    r = post(client, raw3, "sha256=" + sign(raw3).removeprefix("sha256=").upper())
    assert r.status_code == 200, r.text


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"{",
        b'{"object": "page",}',
        b"not json",
        b'{"a": 1} trailing',
        b"[" * 100_000 + b"]" * 100_000,
        b"\xff\xfe{}",
        b'{"object": "page\xc3"}',
        b'{"text": "\xed\xa0\x80"}',
    ],
)
def test_a_signed_body_that_is_not_utf8_json_is_400(client: httpx.Client, raw: bytes) -> None:
    assert_error(post(client, raw), 400, "bad_request")


def test_a_body_over_one_mib_is_413(client: httpx.Client) -> None:
    body = messages(*unique_mids(1))
    body["padding"] = "x" * (1024 * 1024)
    raw = encode(body)
    assert_error(post(client, raw), 413, "payload_too_large")
    assert_error(post(client, raw, None), 413, "payload_too_large")
    # Just under the limit is fine.
    body["padding"] = ""
    head = len(encode(body))
    body["padding"] = "x" * (1024 * 1024 - head - 1)
    raw = encode(body)
    assert len(raw) < 1024 * 1024
    r = post(client, raw)
    assert r.status_code == 200, r.text
    assert r.json() == {"received": 1, "stored": 1}


def test_a_batch_of_fifty_events_is_stored_whole(client: httpx.Client) -> None:
    raw = encode(messages(*unique_mids(50)))
    r = post(client, raw)
    assert r.status_code == 200, r.text
    assert r.json() == {"received": 50, "stored": 50}


# --- racing ---


def _race(servers: list[str], bodies: list[bytes]) -> list[httpx.Response]:
    clients = [httpx.Client(base_url=url, timeout=60) for url in servers]
    try:

        def send(n: int) -> httpx.Response:
            return post(clients[n % len(clients)], bodies[n])

        with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
            return list(pool.map(send, range(len(bodies))))
    finally:
        for c in clients:
            c.close()


def test_racing_identical_deliveries_store_once(servers: list[str]) -> None:
    n = 5
    raw = encode(messages(*unique_mids(n)))
    responses = _race(servers, [raw] * 20)
    for r in responses:
        assert r.status_code == 200, r.text
        assert r.json()["received"] == n
    stored = sorted(r.json()["stored"] for r in responses)
    assert stored == [0] * 19 + [n]
    with httpx.Client(base_url=servers[1], timeout=30) as other:
        assert post(other, raw).json() == {"received": n, "stored": 0}


def test_racing_deliveries_with_the_same_mid_store_one_event(servers: list[str]) -> None:
    (mid,) = unique_mids(1)
    bodies = [encode(messages(mid, entry_time=1_700_000_000 + i)) for i in range(20)]
    assert len(set(bodies)) == 20
    responses = _race(servers, bodies)
    for r in responses:
        assert r.status_code == 200, r.text
        assert r.json()["received"] == 1
    assert sum(r.json()["stored"] for r in responses) == 1


def test_odd_but_valid_bodies_are_stored(client: httpx.Client) -> None:
    (mid,) = unique_mids(1)
    deep = messages(mid)
    deep["entry"][0]["messaging"][0]["message"]["nested"] = json.loads("[" * 900 + "]" * 900)
    raw = encode(deep)
    r = post(client, raw, **{"Content-Type": "application/json; charset=UTF-8"})
    assert r.status_code == 200, r.text
    assert r.json() == {"received": 1, "stored": 1}
    odd = f'{{"object":"page","nan":NaN,"big":1e999,"id":"{uuid.uuid4().hex}"}}'.encode()
    r = post(client, odd)
    assert r.status_code in (200, 400), r.text
    ids = {"object": "page", "entry": [{"id": 10**30, "time": "soon", "changes": [{}]}]}
    ids["nonce"] = uuid.uuid4().hex
    r = post(client, encode(ids))
    assert r.status_code == 200, r.text
    assert r.json() == {"received": 1, "stored": 1}
