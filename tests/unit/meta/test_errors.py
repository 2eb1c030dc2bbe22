"""Meta's error envelope mapped to the application's exception tree, fbtrace_id kept, tokens
never in exception text or logs."""

from __future__ import annotations

import logging

import httpx
import pytest

from application.meta_errors import (
    MetaBadRequest,
    MetaError,
    MetaPermissionMissing,
    MetaRateLimited,
    MetaTokenInvalid,
    MetaUnavailable,
)

from .conftest import (
    APP_SECRET,
    CODE,
    KEY,
    PAGE_TOKEN,
    USER_TOKEN,
    Harness,
    meta_error,
    usage_headers,
)

CASES = [
    (400, 190, 458, MetaTokenInvalid),
    (400, 190, 460, MetaTokenInvalid),
    (400, 190, 463, MetaTokenInvalid),
    (400, 190, 467, MetaTokenInvalid),
    (400, 190, 492, MetaTokenInvalid),
    (401, 190, None, MetaTokenInvalid),
    (403, 10, None, MetaPermissionMissing),
    (403, 10, 2018278, MetaPermissionMissing),
    (403, 200, None, MetaPermissionMissing),
    (403, 230, None, MetaPermissionMissing),
    (403, 299, None, MetaPermissionMissing),
    (400, 4, None, MetaRateLimited),
    (400, 17, None, MetaRateLimited),
    (400, 32, None, MetaRateLimited),
    (400, 613, None, MetaRateLimited),
    (400, 80001, None, MetaRateLimited),
    (400, 80002, None, MetaRateLimited),
    (400, 80006, None, MetaRateLimited),
    (400, 100, None, MetaBadRequest),
    (400, 100, 2018320, MetaBadRequest),
    (404, 803, None, MetaBadRequest),
    (500, 2, None, MetaUnavailable),
    (503, 1, None, MetaUnavailable),
]


@pytest.mark.parametrize(("status", "code", "subcode", "kind"), CASES)
async def test_error_codes_map_to_the_exception_tree(
    h: Harness, status: int, code: int, subcode: int | None, kind: type[MetaError]
) -> None:
    h.fallback = lambda _r: meta_error(status, code, subcode, fbtrace_id="Fb7race")
    with pytest.raises(kind) as caught:
        await h.graph.me(USER_TOKEN, key=KEY)
    error = caught.value
    assert (error.code, error.subcode, error.fbtrace_id) == (code, subcode, "Fb7race")
    assert error.http_status == status
    assert "Fb7race" in str(error)


async def test_user_facing_fields_are_kept(h: Harness) -> None:
    body = {
        "error": {
            "message": "(#100) Tag no longer supported",
            "type": "OAuthException",
            "code": 100,
            "error_subcode": 2018320,
            "error_user_title": "Message tag sunset",
            "error_user_msg": "Use a utility message instead.",
            "fbtrace_id": "T1",
        }
    }
    h.reply(httpx.Response(400, json=body))
    with pytest.raises(MetaBadRequest) as caught:
        await h.graph.me(USER_TOKEN, key=KEY)
    assert caught.value.message == "(#100) Tag no longer supported"
    assert caught.value.user_title == "Message tag sunset"
    assert caught.value.user_message == "Use a utility message instead."


async def test_a_4xx_without_an_envelope_is_a_bad_request(h: Harness) -> None:
    h.reply(httpx.Response(404, text="<html>not found</html>"))
    with pytest.raises(MetaBadRequest) as caught:
        await h.graph.me(USER_TOKEN, key=KEY)
    assert caught.value.code is None and caught.value.http_status == 404


async def test_a_5xx_without_an_envelope_is_unavailable(h: Harness) -> None:
    h.fallback = lambda _r: httpx.Response(502, text="Bad gateway")
    with pytest.raises(MetaUnavailable):
        await h.graph.me(USER_TOKEN, key=KEY)


async def test_a_malformed_success_is_unavailable(h: Harness) -> None:
    h.reply(httpx.Response(200, text="not json"))
    with pytest.raises(MetaUnavailable):
        await h.graph.me(USER_TOKEN, key=KEY)
    h.reply(httpx.Response(200, json={"name": "no id"}))
    with pytest.raises(MetaUnavailable):
        await h.graph.me(USER_TOKEN, key=KEY)


async def test_success_false_is_an_error(h: Harness) -> None:
    h.reply(httpx.Response(200, json={"success": False}))
    with pytest.raises(MetaUnavailable):
        await h.graph.unsubscribe_page("p1", PAGE_TOKEN, key=KEY)


async def test_rate_limit_carries_the_regain_time(h: Harness) -> None:
    h.reply(meta_error(400, 80001, headers=usage_headers(business=100, regain_minutes=5)))
    with pytest.raises(MetaRateLimited) as caught:
        await h.graph.me(USER_TOKEN, key=KEY)
    assert caught.value.retry_after == 300.0
    assert len(h.requests) == 1


async def test_rate_limit_without_headers_has_no_retry_after(h: Harness) -> None:
    h.reply(meta_error(400, 613))
    with pytest.raises(MetaRateLimited) as caught:
        await h.graph.me(USER_TOKEN, key=KEY)
    assert caught.value.retry_after is None


SECRETS = (USER_TOKEN, PAGE_TOKEN, APP_SECRET, CODE)


def assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


async def test_tokens_never_reach_exceptions_or_logs(
    h: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    # Meta echoing back the secrets it was sent must not leak them either.
    def echo(request: httpx.Request) -> httpx.Response:
        sent = " ".join(f"{k}={v} {v}" for k, v in request.url.params.items())
        return meta_error(400, 190, 463, message=f"Invalid OAuth access token: {sent}")

    h.fallback = echo
    errors: list[BaseException] = []
    calls = [
        h.graph.exchange_code(CODE, redirect_uri="https://salon.test/cb", key=KEY),
        h.graph.exchange_long_lived(USER_TOKEN, key=KEY),
        h.graph.me(USER_TOKEN, key=KEY),
        h.graph.debug_token(PAGE_TOKEN, key=KEY),
        h.graph.subscribe_page("p1", PAGE_TOKEN, key=KEY),
    ]
    for call in calls:
        with pytest.raises(MetaTokenInvalid) as caught:
            await call
        errors.append(caught.value)
    h.fallback = None
    h.reply(httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), httpx.ReadTimeout("slow"))
    h.reply(httpx.ConnectError("refused"), httpx.ConnectTimeout("slow"), httpx.ReadError("x"))
    for _ in range(2):
        with pytest.raises(MetaUnavailable) as down:
            await h.graph.me(USER_TOKEN, key="other")
        errors.append(down.value)
    for error in errors:
        assert_no_secret(str(error))
        assert_no_secret(repr(error))
        assert_no_secret(repr(error.__cause__))
        assert_no_secret(str(vars(error)))
    assert caplog.records, "failures are logged"
    assert "AtRaCe123" in caplog.text  # fbtrace_id is logged
    assert "redacted" in caplog.text
    assert_no_secret(caplog.text)
    for record in caplog.records:
        assert_no_secret(record.getMessage())
        assert_no_secret(str(record.__dict__))
