"""Retries with capped, jittered backoff for transient failures only; the circuit breaker per
integration key; slowing down and refusing on Meta's usage headers. Counted in requests the
transport saw and in the sleeps the adapter asked for."""

from __future__ import annotations

import httpx
import pytest

from adapters.outbound.meta.resilience import CircuitBreakers, CircuitState, RetryPolicy
from application.meta_errors import (
    MetaBadRequest,
    MetaError,
    MetaPermissionMissing,
    MetaRateLimited,
    MetaTokenInvalid,
    MetaUnavailable,
)

from .conftest import (
    KEY,
    PAGE_TOKEN,
    USER_TOKEN,
    FakeClock,
    Harness,
    MakeHarness,
    meta_error,
    ok,
    usage_headers,
)

ME = {"id": "9", "name": "Riya"}


# -- retries ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [
        httpx.Response(500, text="oops"),
        httpx.Response(503, text="busy"),
        meta_error(500, 2),
        meta_error(400, 4),
        meta_error(400, 17),
        httpx.ConnectError("refused"),
        httpx.ConnectTimeout("slow"),
        httpx.ReadTimeout("slow"),
        httpx.ReadError("reset"),
    ],
    ids=lambda f: type(f).__name__ if isinstance(f, Exception) else f"http{f.status_code}",
)
async def test_transient_failures_are_retried(h: Harness, failure: object) -> None:
    assert isinstance(failure, httpx.Response | Exception)
    h.reply(failure, failure, ok(ME))
    assert (await h.graph.me(USER_TOKEN, key=KEY)).id == "9"
    assert len(h.requests) == 3
    assert len(h.sleeps) == 2


async def test_retries_are_capped(h: Harness) -> None:
    h.fallback = lambda _r: httpx.Response(503, text="down")
    with pytest.raises(MetaUnavailable):
        await h.graph.me(USER_TOKEN, key=KEY)
    assert len(h.requests) == 3


async def test_rate_limit_4_and_17_are_retried_then_raised(h: Harness) -> None:
    h.fallback = lambda _r: meta_error(400, 17, fbtrace_id="T17")
    with pytest.raises(MetaRateLimited) as caught:
        await h.graph.me(USER_TOKEN, key=KEY)
    assert caught.value.fbtrace_id == "T17"
    assert len(h.requests) == 3


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        (190, MetaTokenInvalid),
        (10, MetaPermissionMissing),
        (200, MetaPermissionMissing),
        (299, MetaPermissionMissing),
        (100, MetaBadRequest),
        (32, MetaRateLimited),
        (613, MetaRateLimited),
        (80001, MetaRateLimited),
        (80002, MetaRateLimited),
        (80006, MetaRateLimited),
    ],
)
async def test_permanent_errors_and_slow_throttles_are_not_retried(
    h: Harness, code: int, kind: type[MetaError]
) -> None:
    h.fallback = lambda _r: meta_error(400, code)
    with pytest.raises(kind):
        await h.graph.me(USER_TOKEN, key=KEY)
    assert len(h.requests) == 1
    assert h.sleeps == []


async def test_backoff_is_exponential_with_full_jitter(make_harness: MakeHarness) -> None:
    draws = iter([0.5, 0.25, 0.75, 0.1])
    h = await make_harness(
        retry=RetryPolicy(max_attempts=5, base_delay=1.0, max_delay=100.0, max_total_delay=100.0),
        random=lambda: next(draws),
    )
    h.fallback = lambda _r: httpx.Response(503)
    with pytest.raises(MetaUnavailable):
        await h.graph.me(USER_TOKEN, key=KEY)
    # random() * base * 2**n for n = 0, 1, 2, 3
    assert h.sleeps == [0.5 * 1, 0.25 * 2, 0.75 * 4, 0.1 * 8]
    assert len(h.requests) == 5


async def test_each_delay_and_the_total_are_capped(make_harness: MakeHarness) -> None:
    h = await make_harness(
        retry=RetryPolicy(max_attempts=10, base_delay=1.0, max_delay=3.0, max_total_delay=7.0),
        random=lambda: 1.0,
        failure_threshold=100,
    )
    h.fallback = lambda _r: httpx.Response(503)
    with pytest.raises(MetaUnavailable):
        await h.graph.me(USER_TOKEN, key=KEY)
    assert h.sleeps == [1.0, 2.0, 3.0, 1.0]  # 1, 2, then capped at 3, then the budget's rest
    assert sum(h.sleeps) == 7.0
    assert len(h.requests) == 5


async def test_a_rate_limit_longer_than_the_budget_is_not_waited_for(h: Harness) -> None:
    h.fallback = lambda _r: meta_error(
        400, 4, headers=usage_headers(business=100, regain_minutes=2)
    )
    with pytest.raises(MetaRateLimited) as caught:
        await h.graph.me(USER_TOKEN, key=KEY)
    assert caught.value.retry_after == 120.0
    assert len(h.requests) == 1
    assert h.sleeps == []


async def test_a_message_is_not_resent_after_an_ambiguous_failure(h: Harness) -> None:
    h.fallback = lambda _r: ok({"recipient_id": "r", "message_id": "m"})
    for failure in (httpx.Response(500), httpx.ReadTimeout("slow")):
        h.reply(failure)
        with pytest.raises(MetaUnavailable):
            await h.graph.send_message("p1", PAGE_TOKEN, key=KEY, recipient_id="r", text="hi")
    assert len(h.requests) == 2
    assert h.sleeps == []


async def test_a_message_is_retried_when_it_never_left(h: Harness) -> None:
    h.reply(httpx.ConnectError("refused"), meta_error(400, 4))
    h.reply(ok({"recipient_id": "r", "message_id": "m"}))
    sent = await h.graph.send_message("p1", PAGE_TOKEN, key=KEY, recipient_id="r", text="hi")
    assert sent.message_id == "m"
    assert len(h.requests) == 3


# -- circuit breaker --------------------------------------------------------------------------


async def test_circuit_opens_fails_fast_half_opens_and_closes(make_harness: MakeHarness) -> None:
    h = await make_harness(retry=RetryPolicy(max_attempts=1), failure_threshold=3, cool_down=30.0)
    h.fallback = lambda _r: httpx.Response(503)
    for _ in range(3):
        with pytest.raises(MetaUnavailable):
            await h.graph.me(USER_TOKEN, key=KEY)
    assert len(h.requests) == 3

    with pytest.raises(MetaUnavailable, match="circuit open"):
        await h.graph.me(USER_TOKEN, key=KEY)
    assert len(h.requests) == 3  # failed fast: no request

    # Another integration is not affected.
    h.fallback = lambda _r: ok(ME)
    await h.graph.me(USER_TOKEN, key="salon-2")
    assert len(h.requests) == 4

    h.clock.now += 29.0
    with pytest.raises(MetaUnavailable, match="circuit open"):
        await h.graph.me(USER_TOKEN, key=KEY)
    assert len(h.requests) == 4

    h.clock.now += 1.0  # half-open: one trial goes out, and succeeds
    await h.graph.me(USER_TOKEN, key=KEY)
    assert len(h.requests) == 5
    await h.graph.me(USER_TOKEN, key=KEY)  # closed again
    assert len(h.requests) == 6


async def test_a_failed_trial_reopens_the_circuit(make_harness: MakeHarness) -> None:
    h = await make_harness(retry=RetryPolicy(max_attempts=1), failure_threshold=2, cool_down=10.0)
    h.fallback = lambda _r: httpx.Response(502)
    for _ in range(2):
        with pytest.raises(MetaUnavailable):
            await h.graph.me(USER_TOKEN, key=KEY)
    h.clock.now += 10.0
    with pytest.raises(MetaUnavailable):
        await h.graph.me(USER_TOKEN, key=KEY)  # the trial
    assert len(h.requests) == 3
    with pytest.raises(MetaUnavailable, match="circuit open"):
        await h.graph.me(USER_TOKEN, key=KEY)
    assert len(h.requests) == 3


async def test_retries_stop_when_the_circuit_opens(make_harness: MakeHarness) -> None:
    h = await make_harness(
        retry=RetryPolicy(max_attempts=5, max_total_delay=100.0), failure_threshold=2
    )
    h.fallback = lambda _r: httpx.Response(503)
    with pytest.raises(MetaUnavailable, match="circuit open"):
        await h.graph.me(USER_TOKEN, key=KEY)
    assert len(h.requests) == 2


async def test_permanent_errors_do_not_open_the_circuit(make_harness: MakeHarness) -> None:
    h = await make_harness(retry=RetryPolicy(max_attempts=1), failure_threshold=2)
    h.reply(httpx.Response(503), meta_error(400, 190), httpx.Response(503), ok(ME))
    for kind in (MetaUnavailable, MetaTokenInvalid, MetaUnavailable):
        with pytest.raises(kind):
            await h.graph.me(USER_TOKEN, key=KEY)
    await h.graph.me(USER_TOKEN, key=KEY)  # the 190 reset the count: still closed
    assert len(h.requests) == 4


# -- usage headers --------------------------------------------------------------------------


async def test_usage_is_exposed_per_key(h: Harness) -> None:
    assert h.graph.usage(KEY) is None
    h.reply(ok(ME, headers=usage_headers(app=42, business=61)))
    await h.graph.me(USER_TOKEN, key=KEY)
    usage = h.graph.usage(KEY)
    assert usage is not None
    assert (usage.percent, usage.app_percent, usage.business_percent) == (61.0, 42.0, 61.0)
    assert h.graph.usage("salon-2") is None


async def test_usage_above_80_percent_slows_down(make_harness: MakeHarness) -> None:
    h = await make_harness(max_slowdown=2.0)
    h.reply(ok(ME, headers=usage_headers(app=90)), ok(ME))
    await h.graph.me(USER_TOKEN, key=KEY)
    assert h.sleeps == []
    await h.graph.me(USER_TOKEN, key=KEY)
    assert h.sleeps == [pytest.approx(1.0)]  # halfway from 80 % to 100 %
    assert len(h.requests) == 2


async def test_usage_below_80_percent_does_not_slow_down(h: Harness) -> None:
    h.reply(ok(ME, headers=usage_headers(app=79, business=10)), ok(ME))
    await h.graph.me(USER_TOKEN, key=KEY)
    await h.graph.me(USER_TOKEN, key=KEY)
    assert h.sleeps == []


async def test_usage_at_100_percent_refuses_locally_until_regained(h: Harness) -> None:
    h.reply(ok(ME, headers=usage_headers(app=20, business=100, regain_minutes=3)))
    await h.graph.me(USER_TOKEN, key=KEY)
    with pytest.raises(MetaRateLimited) as caught:
        await h.graph.me(USER_TOKEN, key=KEY)
    assert caught.value.retry_after == pytest.approx(180.0)
    assert len(h.requests) == 1  # refused without calling Meta
    h.reply(ok(ME))
    await h.graph.me(USER_TOKEN, key="salon-2")  # other integrations go on
    assert len(h.requests) == 2

    h.clock.now += 180.0
    h.reply(ok(ME, headers=usage_headers(app=30, business=30)))
    await h.graph.me(USER_TOKEN, key=KEY)
    assert len(h.requests) == 3


async def test_malformed_usage_headers_are_ignored(h: Harness) -> None:
    h.reply(ok(ME, headers={"X-App-Usage": "{not json", "X-Business-Use-Case-Usage": "[1]"}))
    await h.graph.me(USER_TOKEN, key=KEY)
    assert h.graph.usage(KEY) is None


def test_half_open_lets_one_trial_through_at_a_time() -> None:
    clock = FakeClock()
    breakers = CircuitBreakers(clock, failure_threshold=1, cool_down=5.0)
    breakers.failed(KEY)
    assert breakers.state(KEY) is CircuitState.OPEN
    clock.now += 5.0
    assert breakers.state(KEY) is CircuitState.HALF_OPEN
    assert breakers.allow(KEY)  # the trial
    assert not breakers.allow(KEY)  # a concurrent call fails fast
    breakers.release(KEY)  # the trial was cancelled: the slot is free again
    assert breakers.allow(KEY)
    breakers.succeeded(KEY)
    assert breakers.state(KEY) is CircuitState.CLOSED
    assert breakers.allow(KEY) and breakers.allow(KEY)
