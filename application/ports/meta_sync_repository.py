from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

# However often a salon changes, a requested sync is due at most this long after the first
# unsynced change (the debounce cannot starve it).
MAX_DEBOUNCE = timedelta(seconds=30)


@dataclass(frozen=True, slots=True)
class MetaSyncState:
    """One salon's Meta sync bookkeeping (a row of `meta_sync`)."""

    salon_id: str
    due_at: datetime | None  # a sync is owed from then (None: nothing owed)
    lease_until: datetime | None  # a worker holds it until then
    synced_at: datetime | None  # the last successful sync (or no-op check)
    requested_at: datetime | None  # the oldest change not yet synced
    fingerprint: str | None  # of what Meta was last given
    error: str | None  # the last failure, in plain words (None after a success)
    attempts: int  # failures since the last success


class MetaSyncRepository(Protocol):
    """Debounced "the salon's Meta-facing data changed" requests, and their outcome.

    Transactional with the unit of work, so a change and its request commit together.

    - `request` upserts the salon's row: `requested_at` keeps the earliest unsynced request;
      `due_at = min(now + debounce, requested_at + MAX_DEBOUNCE)`, so a stream of changes
      cannot starve it — except that a failing sync's backoff (`attempts > 0`, not leased) is
      kept when it is later.
    - `due` answers salons whose `due_at` has come and whose lease is free (none, or run out),
      earliest first, at most `limit`.
    - `claim` takes the salon's sync for one worker until `lease_until`: True for exactly one
      of racing claimers, and only while it is due and its lease is free. The row is due again
      at `lease_until` (a worker that dies loses nothing).
    - `done` records a success (`synced_at` is the instant the synced data was read, i.e. the
      claim): clears `due_at`, `requested_at`, `error`, the lease and `attempts`. A request
      made while the lease was held is not lost: the row stays due, `requested_at` =
      `synced_at`.
    - `failed` records a failure: `error`, `attempts + 1`, due again at `retry_at`, lease
      released, `requested_at` kept.
    - `cancel` forgets what is owed and what Meta was given (the integration went away):
      clears `due_at`, `requested_at`, the lease, `fingerprint`, `error`, `attempts`.
    - `synced_before` answers, of `salon_ids`, those without a row or synced before `cutoff`
      (or never), and not already owed a sync (no `due_at`) — the reconcile's candidates.
    - `oldest_request` is the earliest `requested_at` of all rows (None when nothing is owed).
    """

    async def request(self, salon_id: str, now: datetime, debounce: timedelta) -> None: ...

    async def due(self, now: datetime, limit: int) -> Sequence[str]: ...

    async def claim(self, salon_id: str, now: datetime, lease_until: datetime) -> bool: ...

    async def done(self, salon_id: str, synced_at: datetime, fingerprint: str) -> None: ...

    async def failed(self, salon_id: str, error: str, retry_at: datetime) -> None: ...

    async def cancel(self, salon_id: str) -> None: ...

    async def get(self, salon_id: str) -> MetaSyncState | None: ...

    async def synced_before(self, salon_ids: Sequence[str], cutoff: datetime) -> Sequence[str]: ...

    async def oldest_request(self) -> datetime | None: ...


def requested(
    current: MetaSyncState | None, salon_id: str, now: datetime, debounce: timedelta
) -> MetaSyncState:
    """The row after `request` (the rule every adapter applies)."""
    if current is None:
        due = now + min(debounce, MAX_DEBOUNCE)
        return MetaSyncState(salon_id, due, None, None, now, None, None, 0)
    first = current.requested_at or now
    due = min(now + debounce, first + MAX_DEBOUNCE)
    leased = current.lease_until is not None and current.lease_until > now
    backing_off = current.attempts > 0 and not leased
    if backing_off and current.due_at is not None and current.due_at > due:
        due = current.due_at
    return replace(current, due_at=due, requested_at=first)


def synced(current: MetaSyncState, synced_at: datetime, fingerprint: str) -> MetaSyncState:
    """The row after `done` (the rule every adapter applies): settled, unless a change was
    requested while the sync ran (its due time then differs from the lease), which stays due."""
    asked_meanwhile = current.due_at is not None and current.due_at != current.lease_until
    return replace(
        current,
        due_at=current.due_at if asked_meanwhile else None,
        requested_at=synced_at if asked_meanwhile else None,
        lease_until=None,
        synced_at=synced_at,
        fingerprint=fingerprint,
        error=None,
        attempts=0,
    )
