"""Customer export and erasure over real HTTP, on SQLite and PostgreSQL.

What the Messenger side leaves (a contact, consents, a sent message) is written straight into
the server's database through the persistence adapter, as the webhook workers would."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from adapters.outbound.persistence import Database
from domain.messaging import Channel, Consent, Contact, MessageStatus, OutboundMessage, Purpose

from .servers import booking_body, make_salon, serve


@dataclass(frozen=True)
class Stack:
    base_url: str
    database_url: str


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(host="127.0.0.1", port=5432, user="postgres", database="postgres")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(scope="module")
def sqlite_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    var = tmp_path_factory.mktemp("rights-sqlite")
    url = f"sqlite+aiosqlite:///{var}/salonhub.db"
    with serve(url, var) as urls:
        yield Stack(urls[0], url)


@pytest.fixture(scope="module")
def postgres_stack(tmp_path_factory: pytest.TempPathFactory, pg_admin_url: str) -> Iterator[Stack]:
    name = f"salonhub_rights_{os.urandom(5).hex()}"
    asyncio.run(_admin(f"CREATE DATABASE {name}"))
    url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    try:
        with serve(url, tmp_path_factory.mktemp("rights-pg")) as urls:
            yield Stack(urls[0], url)
    finally:
        asyncio.run(_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def stack(request: pytest.FixtureRequest) -> Stack:
    found: Stack = request.getfixturevalue(f"{request.param}_stack")
    return found


@pytest.fixture
def http(stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.base_url, timeout=30) as c:
        yield c


async def _held_in_messenger(database_url: str, salon_id: str, customer_id: str) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    database = Database.connect(database_url)
    try:
        async with database.uow_factory()(write=True) as uow:
            contact = await uow.contacts.touch(
                Contact(
                    id=f"c-{os.urandom(8).hex()}",
                    salon_id=salon_id,
                    customer_id=customer_id,
                    platform=Channel.MESSENGER,
                    page_id="page-1",
                    scoped_id=f"psid-{os.urandom(6).hex()}",
                    last_inbound_at=now,
                    created_at=now,
                )
            )
            await uow.contacts.save_assistant(contact.id, {"step": "day"}, now + timedelta(hours=1))
            await uow.contacts.add_consent(
                salon_id, Consent(customer_id, Channel.MESSENGER, True, "messenger_link", now)
            )
            await uow.messages.add(
                OutboundMessage(
                    id=f"m-{os.urandom(8).hex()}",
                    salon_id=salon_id,
                    customer_id=customer_id,
                    booking_id=None,
                    purpose=Purpose.CONFIRMATION,
                    dedup_key=f"confirmation:{os.urandom(8).hex()}",
                    status=MessageStatus.SENT,  # settled: no worker picks it up again
                    details={"thread": contact.id},
                    attempts=1,
                    created_at=now,
                    channel=Channel.MESSENGER,
                    reason="inside the 24-hour window",
                    body="Riya, you're booked for Cut.",
                    sent_at=now,
                )
            )
            await uow.commit()
    finally:
        await database.dispose()


def export(http: httpx.Client, salon_id: str, customer_id: str, auth: dict[str, str]) -> Any:
    r = http.get(f"/api/salons/{salon_id}/customers/{customer_id}/export", headers=auth)
    assert r.status_code == 200, r.text
    return r.json()


def test_export_then_erase_keeps_the_books(stack: Stack, http: httpx.Client) -> None:
    s = make_salon(http, staff=1)
    body = booking_body(s, s.at("11:00"))
    body["customer"]["email"] = "riya@example.com"
    r = http.post("/api/book/social/create", json=body)
    assert r.status_code == 201, r.text
    booking = r.json()["booking"]
    customer_id = booking["customer"]["id"]
    r = http.post("/api/book/social/create", json=booking_body(s, s.at("14:00")))
    assert r.status_code == 201, r.text
    second = r.json()["booking"]["id"]
    asyncio.run(_held_in_messenger(stack.database_url, s.salon_id, customer_id))

    before = export(http, s.salon_id, customer_id, s.auth)
    assert before["customer"] == {
        "id": customer_id,
        "name": "Riya",
        "phone": "+919876543210",
        "email": "riya@example.com",
        "erased_at": None,
    }
    assert [b["id"] for b in before["bookings"]] == [booking["id"], second]
    first = before["bookings"][0]
    assert (first["service_name"], first["staff_name"], first["status"], first["source"]) == (
        "Cut",
        "Stylist 0",
        "confirmed",
        "instagram",
    )
    assert first["start"].endswith("+05:30")
    [contact] = before["contacts"]
    assert (contact["platform"], contact["page_id"]) == ("messenger", "page-1")
    assert contact["conversation_expires_at"] is not None
    assert "assistant_state" not in contact
    assert [(k["channel"], k["granted"]) for k in before["consents"]] == [("messenger", True)]
    [message] = before["messages"]
    assert message["body"] == "Riya, you're booked for Cut."

    url = f"/api/salons/{s.salon_id}/customers/{customer_id}"
    r = http.delete(url, headers=s.auth)
    assert r.status_code == 204, r.text
    after = export(http, s.salon_id, customer_id, s.auth)
    erased_at = after["customer"]["erased_at"]
    assert erased_at is not None and erased_at.endswith("+05:30")
    assert after["customer"] == {
        "id": customer_id,
        "name": "Erased customer",
        "phone": None,
        "email": None,
        "erased_at": erased_at,
    }
    assert [b["id"] for b in after["bookings"]] == [booking["id"], second]
    assert after["contacts"] == [] and after["consents"] == []
    [message] = after["messages"]
    assert message["body"] is None and message["purpose"] == "confirmation"

    r = http.delete(url, headers=s.auth)  # idempotent
    assert r.status_code == 204, r.text
    assert export(http, s.salon_id, customer_id, s.auth)["customer"]["erased_at"] == erased_at

    # The salon's books still show the booking, under the anonymised record.
    r = http.get(f"/api/salons/{s.salon_id}/bookings", headers=s.auth)
    assert r.status_code == 200, r.text
    books = r.json()["items"]
    assert [b["id"] for b in books] == [booking["id"], second]
    assert {(b["customer"]["name"], b["customer"]["phone"]) for b in books} == {
        ("Erased customer", None)
    }

    r = http.get(f"/api/salons/{s.salon_id}/audit", headers=s.auth, params={"entity": "customer"})
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [x["action"] for x in items] == [
        "customer.exported",
        "customer.exported",
        "customer.erased",
        "customer.exported",
    ]
    assert all(x["entity"] == {"type": "customer", "id": customer_id} for x in items)
    assert all(x["actor"]["type"] == "owner" and x["actor"]["id"] for x in items)
    assert "Riya" not in r.text and "9876543210" not in r.text


def test_tenancy_auth_and_unknown_ids(http: httpx.Client) -> None:
    s = make_salon(http, staff=1)
    r = http.post("/api/book/social/create", json=booking_body(s, s.at("11:00")))
    assert r.status_code == 201, r.text
    customer_id = r.json()["booking"]["customer"]["id"]
    other = make_salon(http, staff=0)
    cases = [
        (other.auth, s.salon_id, customer_id),  # another owner
        (other.auth, other.salon_id, customer_id),  # their salon, not their customer
        (s.auth, s.salon_id, "no-such-customer"),
        (s.auth, s.salon_id, "x" * 300),
        (s.auth, s.salon_id, "00000000-0000-0000-0000-000000000000"),
    ]
    for auth, salon_id, cid in cases:
        base = f"/api/salons/{salon_id}/customers/{cid}"
        for r in (http.get(f"{base}/export", headers=auth), http.delete(base, headers=auth)):
            assert r.status_code == 404, (cid, r.text)
            assert r.json()["error"]["code"] == "not_found"
    base = f"/api/salons/{s.salon_id}/customers/{customer_id}"
    assert http.get(f"{base}/export").status_code == 401
    r = http.delete(base)
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
    # Nothing was erased by any of that.
    assert export(http, s.salon_id, customer_id, s.auth)["customer"]["name"] == "Riya"
