"""What becomes of a message the channel did not take: the retry rule and its backoff.

A permanent refusal by Meta of a message we started (the window closed meanwhile, a stale
thread) tries the next channel the policy allows, at once; any other permanent refusal, or the
`MAX_ATTEMPTS`-th failure, gives up. A transient failure (an outage, throttling) retries after
a capped exponential backoff, never sooner than the provider asked.
"""

from __future__ import annotations

import enum
from datetime import timedelta

from domain.messaging import Channel

MAX_ATTEMPTS = 8
BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(minutes=30)


class AfterFailure(enum.Enum):
    NEXT_CHANNEL = "next_channel"  # queued again at once, the refused channel left out
    GIVE_UP = "give_up"  # failed for good
    RETRY_LATER = "retry_later"  # queued again after `backoff`


def after_failure(
    *, permanent: bool, channel: Channel | None, is_reply: bool, attempts: int
) -> AfterFailure:
    """`attempts` counts the failure just seen."""
    meta = channel is not None and (channel.direct or channel is Channel.UTILITY)
    if permanent and meta and not is_reply and attempts < MAX_ATTEMPTS:
        return AfterFailure.NEXT_CHANNEL
    if permanent or attempts >= MAX_ATTEMPTS:
        return AfterFailure.GIVE_UP
    return AfterFailure.RETRY_LATER


def backoff(attempts: int, retry_after: float | None = None) -> timedelta:
    """The wait before the next try after `attempts` failures (1, 2, ...): 30 s doubling up to
    30 min, or the provider's `retry_after` seconds when that is longer."""
    doublings = min(max(attempts - 1, 0), 16)  # 30 s x 2^16 is far past the cap already
    delay = min(BASE_DELAY * (1 << doublings), MAX_DELAY)
    if retry_after is not None:
        delay = max(delay, timedelta(seconds=retry_after))
    return delay
