"""Every Graph API call: the request the adapter sends (versioned path, params, body, timeout)
and what it decodes from Meta's answer."""

from __future__ import annotations

import json

import httpx

from adapters.outbound.meta.client import HttpxMetaGraph
from application.ports.meta_graph import (
    FbeInstall,
    InstagramAccount,
    MetaGraph,
    MetaUser,
    PageAccount,
    PageDetails,
    QuickReply,
    SentMessage,
    SubscribedApp,
)

from .conftest import (
    APP_ID,
    APP_SECRET,
    CODE,
    KEY,
    PAGE_TOKEN,
    USER_TOKEN,
    Harness,
    MakeHarness,
    ok,
)


def params(request: httpx.Request) -> dict[str, str]:
    return dict(request.url.params)


def test_the_adapter_is_a_meta_graph(h: Harness) -> None:
    graph: MetaGraph = h.graph
    assert isinstance(graph, HttpxMetaGraph)


async def test_code_exchange(h: Harness) -> None:
    h.reply(ok({"access_token": "short", "token_type": "bearer", "expires_in": 5183}))
    token = await h.graph.exchange_code(CODE, redirect_uri="https://salon.test/cb", key=KEY)
    assert (token.access_token, token.token_type, token.expires_in) == ("short", "bearer", 5183)
    request = h.last()
    assert request.method == "GET"
    assert request.url.path == "/v26.0/oauth/access_token"
    assert params(request) == {
        "client_id": APP_ID,
        "redirect_uri": "https://salon.test/cb",
        "client_secret": APP_SECRET,
        "code": CODE,
    }
    assert "short" not in repr(token)


async def test_every_call_has_a_timeout(make_harness: MakeHarness) -> None:
    h = await make_harness(timeout=3.5)
    h.reply(ok({"id": "9", "name": "Riya"}))
    await h.graph.me(USER_TOKEN, key=KEY)
    assert h.last().extensions["timeout"] == {
        "connect": 3.5,
        "read": 3.5,
        "write": 3.5,
        "pool": 3.5,
    }


async def test_version_is_pinned_in_the_path(make_harness: MakeHarness) -> None:
    h = await make_harness(version="25.0", base_url="https://graph.test/")
    h.reply(ok({"id": "9"}))
    await h.graph.me(USER_TOKEN, key=KEY)
    assert str(h.last().url).startswith("https://graph.test/v25.0/me?")


async def test_long_lived_exchange(h: Harness) -> None:
    h.reply(ok({"access_token": "long", "token_type": "bearer", "expires_in": 5184000}))
    token = await h.graph.exchange_long_lived("short", key=KEY)
    assert (token.access_token, token.expires_in) == ("long", 5184000)
    assert h.last().url.path == "/v26.0/oauth/access_token"
    assert params(h.last()) == {
        "grant_type": "fb_exchange_token",
        "client_id": APP_ID,
        "client_secret": APP_SECRET,
        "fb_exchange_token": "short",
    }


async def test_numbers_sent_as_strings_are_accepted(h: Harness) -> None:
    h.reply(ok({"access_token": "long", "token_type": "bearer", "expires_in": "5184000"}))
    assert (await h.graph.exchange_long_lived("short", key=KEY)).expires_in == 5184000


async def test_long_lived_exchange_without_expiry(h: Harness) -> None:
    h.reply(ok({"access_token": "long", "token_type": "bearer"}))
    assert (await h.graph.exchange_long_lived("short", key=KEY)).expires_in is None


async def test_me(h: Harness) -> None:
    h.reply(ok({"id": "9", "name": "Riya", "extra": {"ignored": True}}))
    assert await h.graph.me(USER_TOKEN, key=KEY) == MetaUser("9", "Riya")
    assert h.last().url.path == "/v26.0/me"
    assert params(h.last()) == {"fields": "id,name", "access_token": USER_TOKEN}


async def test_pages_follow_the_cursor_over_three_pages(h: Harness) -> None:
    def page(n: int, *, last: bool = False) -> httpx.Response:
        paging: dict[str, object] = {"cursors": {"before": f"b{n}", "after": f"a{n}"}}
        if not last:
            paging["next"] = f"https://graph.test/v26.0/me/accounts?after=a{n}"
        return ok(
            {
                "data": [
                    {
                        "id": f"p{n}",
                        "name": f"Page {n}",
                        "access_token": f"tok{n}",
                        "tasks": ["MESSAGING", "MODERATE"],
                        "category": "Salon",
                    }
                ],
                "paging": paging,
            }
        )

    h.reply(page(1), page(2), page(3, last=True))
    pages = await h.graph.list_pages(USER_TOKEN, key=KEY)
    assert [p.id for p in pages] == ["p1", "p2", "p3"]
    assert pages[0] == PageAccount("p1", "Page 1", "tok1", ("MESSAGING", "MODERATE"))
    assert len(h.requests) == 3
    assert all(r.url.path == "/v26.0/me/accounts" for r in h.requests)
    assert [r.url.params.get("after") for r in h.requests] == [None, "a1", "a2"]
    assert h.requests[0].url.params["fields"] == "id,name,access_token,tasks"
    assert "tok1" not in repr(pages)


async def test_pages_stop_without_paging(h: Harness) -> None:
    h.reply(ok({"data": []}))
    assert await h.graph.list_pages(USER_TOKEN, key=KEY) == []
    assert len(h.requests) == 1


async def test_pages_stop_on_a_repeated_cursor(h: Harness) -> None:
    same = {"cursors": {"after": "x"}, "next": "https://graph.test/next"}
    h.reply(ok({"data": [], "paging": same}), ok({"data": [], "paging": same}))
    await h.graph.list_pages(USER_TOKEN, key=KEY)
    assert len(h.requests) == 2


async def test_page_details_with_instagram(h: Harness) -> None:
    h.reply(
        ok(
            {
                "id": "p1",
                "name": "Glow",
                "instagram_business_account": {"id": "ig1", "username": "glow.salon"},
            }
        )
    )
    details = await h.graph.page_details("p1", PAGE_TOKEN, key=KEY)
    assert details == PageDetails("p1", "Glow", InstagramAccount("ig1", "glow.salon"))
    assert h.last().url.path == "/v26.0/p1"
    assert params(h.last()) == {
        "fields": "id,name,instagram_business_account{id,username}",
        "access_token": PAGE_TOKEN,
    }


async def test_page_details_without_instagram(h: Harness) -> None:
    h.reply(ok({"id": "p2", "name": "Plain"}))
    assert (await h.graph.page_details("p2", PAGE_TOKEN, key=KEY)).instagram is None


async def test_debug_token_uses_the_app_token(h: Harness) -> None:
    h.reply(
        ok(
            {
                "data": {
                    "app_id": APP_ID,
                    "type": "USER",
                    "is_valid": True,
                    "expires_at": 0,
                    "data_access_expires_at": 1790000000,
                    "scopes": ["pages_messaging", "pages_show_list"],
                    "user_id": "9",
                }
            }
        )
    )
    info = await h.graph.debug_token(PAGE_TOKEN, key=KEY)
    assert info.is_valid and info.expires_at == 0
    assert info.data_access_expires_at == 1790000000
    assert info.scopes == ("pages_messaging", "pages_show_list")
    assert (info.app_id, info.user_id, info.type) == (APP_ID, "9", "USER")
    assert h.last().url.path == "/v26.0/debug_token"
    assert params(h.last()) == {
        "input_token": PAGE_TOKEN,
        "access_token": f"{APP_ID}|{APP_SECRET}",
    }


async def test_debug_token_of_a_dead_token_is_an_answer_not_an_error(h: Harness) -> None:
    h.reply(
        ok(
            {
                "data": {
                    "is_valid": False,
                    "error": {"code": 190, "subcode": 460, "message": "password changed"},
                    "scopes": [],
                }
            }
        )
    )
    info = await h.graph.debug_token(PAGE_TOKEN, key=KEY)
    assert not info.is_valid
    assert (info.error_code, info.error_subcode) == (190, 460)


async def test_subscribe_page(h: Harness) -> None:
    h.reply(ok({"success": True}))
    await h.graph.subscribe_page("p1", PAGE_TOKEN, key=KEY)
    assert h.last().method == "POST"
    assert h.last().url.path == "/v26.0/p1/subscribed_apps"
    assert params(h.last()) == {
        "subscribed_fields": "messages,messaging_postbacks,messaging_referrals,message_echoes",
        "access_token": PAGE_TOKEN,
    }


async def test_page_subscriptions(h: Harness) -> None:
    h.reply(
        ok(
            {
                "data": [
                    {
                        "id": APP_ID,
                        "name": "SalonHub",
                        "link": "https://salon.test",
                        "subscribed_fields": ["messages", "message_echoes"],
                    }
                ]
            }
        )
    )
    got = await h.graph.page_subscriptions("p1", PAGE_TOKEN, key=KEY)
    assert got == [SubscribedApp(APP_ID, "SalonHub", ("messages", "message_echoes"))]
    assert (h.last().method, h.last().url.path) == ("GET", "/v26.0/p1/subscribed_apps")


async def test_unsubscribe_page(h: Harness) -> None:
    h.reply(ok({"success": True}))
    await h.graph.unsubscribe_page("p1", PAGE_TOKEN, key=KEY)
    assert (h.last().method, h.last().url.path) == ("DELETE", "/v26.0/p1/subscribed_apps")
    assert params(h.last()) == {"access_token": PAGE_TOKEN}


async def test_revoke_permissions(h: Harness) -> None:
    h.reply(ok({"success": True}))
    await h.graph.revoke_permissions(USER_TOKEN, key=KEY)
    assert (h.last().method, h.last().url.path) == ("DELETE", "/v26.0/me/permissions")
    assert params(h.last()) == {"access_token": USER_TOKEN}


async def test_fbe_installs(h: Harness) -> None:
    h.reply(
        ok(
            {
                "data": [
                    {
                        "business_manager_id": "bm1",
                        "pages": ["p1"],
                        "instagram_profiles": ["ig1"],
                        "installed_features": [
                            {"feature_type": "page_cta", "feature_instance_id": "f1"},
                            {"feature_instance_id": "f2"},
                        ],
                        "pixel_id": "px",
                    }
                ]
            }
        )
    )
    got = await h.graph.fbe_installs("salon-ext-1", USER_TOKEN, key=KEY)
    assert got == [FbeInstall("bm1", ("p1",), ("ig1",), ("page_cta",))]
    assert (h.last().method, h.last().url.path) == ("GET", "/v26.0/fbe_business/fbe_installs")
    assert params(h.last()) == {
        "fbe_external_business_id": "salon-ext-1",
        "access_token": USER_TOKEN,
    }


async def test_delete_fbe_install(h: Harness) -> None:
    h.reply(ok({"success": True}))
    await h.graph.delete_fbe_install("salon-ext-1", USER_TOKEN, key=KEY)
    assert (h.last().method, h.last().url.path) == ("DELETE", "/v26.0/fbe_business/fbe_installs")
    assert params(h.last())["fbe_external_business_id"] == "salon-ext-1"


async def test_send_message(h: Harness) -> None:
    h.reply(ok({"recipient_id": "psid-1", "message_id": "m_1"}))
    sent = await h.graph.send_message(
        "p1",
        PAGE_TOKEN,
        key=KEY,
        recipient_id="psid-1",
        text="See you at 10:00",
        quick_replies=[QuickReply("Cancel", "CANCEL:b1")],
        metadata="booking:b1",
    )
    assert sent == SentMessage("psid-1", "m_1")
    request = h.last()
    assert (request.method, request.url.path) == ("POST", "/v26.0/p1/messages")
    assert params(request) == {"access_token": PAGE_TOKEN}
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == {
        "recipient": {"id": "psid-1"},
        "messaging_type": "RESPONSE",
        "message": {
            "text": "See you at 10:00",
            "quick_replies": [{"content_type": "text", "title": "Cancel", "payload": "CANCEL:b1"}],
            "metadata": "booking:b1",
        },
    }


async def test_send_message_with_a_tag(h: Harness) -> None:
    h.reply(ok({"recipient_id": "psid-1", "message_id": "m_2"}))
    await h.graph.send_message(
        "p1",
        PAGE_TOKEN,
        key=KEY,
        recipient_id="psid-1",
        text="A person will reply",
        messaging_type="MESSAGE_TAG",
        tag="HUMAN_AGENT",
    )
    body = json.loads(h.last().content)
    assert (body["messaging_type"], body["tag"]) == ("MESSAGE_TAG", "HUMAN_AGENT")
    assert body["message"] == {"text": "A person will reply"}


async def test_page_ids_are_one_path_segment(h: Harness) -> None:
    h.reply(ok({"id": "x"}))
    await h.graph.page_details("../me", PAGE_TOKEN, key=KEY)
    assert h.last().url.raw_path.startswith(b"/v26.0/..%2Fme?")
