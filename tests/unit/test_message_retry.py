"""The retry rule of undelivered messages and its backoff schedule (domain/message_retry.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.message_retry import (
    BASE_DELAY,
    MAX_ATTEMPTS,
    MAX_DELAY,
    AfterFailure,
    after_failure,
    backoff,
)
from domain.messaging import Channel, Consent, opted_out


def test_backoff_doubles_from_30_seconds_up_to_30_minutes() -> None:
    minutes = [backoff(n) / timedelta(minutes=1) for n in range(1, MAX_ATTEMPTS + 1)]
    assert minutes == [0.5, 1, 2, 4, 8, 16, 30, 30]


def test_the_providers_retry_after_wins_when_longer() -> None:
    assert backoff(1, retry_after=600) == timedelta(minutes=10)
    assert backoff(3, retry_after=5) == timedelta(minutes=2)
    assert backoff(7, retry_after=7200) == timedelta(hours=2)  # beyond the cap: Meta said so


@given(st.integers(1, 200), st.none() | st.floats(0, 86400))
def test_backoff_is_bounded_and_never_sooner_than_asked(attempts: int, after: float | None) -> None:
    delay = backoff(attempts, after)
    assert delay >= BASE_DELAY
    assert delay <= max(MAX_DELAY, timedelta(seconds=after or 0))
    if after is not None:
        assert delay >= timedelta(seconds=after)
    assert backoff(attempts + 1, after) >= delay


@pytest.mark.parametrize("channel", [Channel.MESSENGER, Channel.INSTAGRAM, Channel.UTILITY])
def test_metas_permanent_refusal_of_an_update_tries_the_next_channel(channel: Channel) -> None:
    def then(**kw: object) -> AfterFailure:
        args: dict[str, object] = {"permanent": True, "channel": channel, "is_reply": False}
        return after_failure(**{**args, **kw})  # type: ignore[arg-type]

    assert then(attempts=1) is AfterFailure.NEXT_CHANNEL
    assert then(attempts=MAX_ATTEMPTS - 1) is AfterFailure.NEXT_CHANNEL
    assert then(attempts=MAX_ATTEMPTS) is AfterFailure.GIVE_UP
    assert then(attempts=1, is_reply=True) is AfterFailure.GIVE_UP  # a reply has one thread


@pytest.mark.parametrize("channel", [Channel.SMS, Channel.WHATSAPP, None])
def test_other_permanent_refusals_give_up(channel: Channel | None) -> None:
    got = after_failure(permanent=True, channel=channel, is_reply=False, attempts=1)
    assert got is AfterFailure.GIVE_UP


@pytest.mark.parametrize("channel", [*Channel, None])
def test_transient_failures_retry_until_the_last_attempt(channel: Channel | None) -> None:
    for attempts in range(1, MAX_ATTEMPTS):
        got = after_failure(permanent=False, channel=channel, is_reply=False, attempts=attempts)
        assert got is AfterFailure.RETRY_LATER
    last = after_failure(permanent=False, channel=channel, is_reply=True, attempts=MAX_ATTEMPTS)
    assert last is AfterFailure.GIVE_UP


def test_the_last_word_per_channel_decides_the_opt_out() -> None:
    at = datetime(2026, 12, 1, tzinfo=UTC)
    history = [
        Consent("c", Channel.SMS, False, "keyword_stop", at),
        Consent("c", Channel.MESSENGER, False, "keyword_stop", at),
        Consent("c", Channel.SMS, True, "messenger_link", at),
        Consent("c", Channel.WHATSAPP, False, "carrier_stop", at),
    ]
    assert opted_out(history) == {Channel.MESSENGER, Channel.WHATSAPP}
    assert opted_out([]) == set()
