from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class OwnerAlert:
    id: str
    salon_id: str
    kind: str  # e.g. "meta_token_invalid", "meta_data_access_expiring"
    message: str
    created_at: datetime


class OwnerAlertRepository(Protocol):
    """Alerts for a salon's owner (the Meta connection's troubles).

    - `add_alert` records an alert once per `dedup_key`; it returns False (and stores nothing)
      when that key exists.
    """

    async def add_alert(self, alert: OwnerAlert, dedup_key: str) -> bool: ...

    async def alerts(self, salon_id: str, limit: int = 20) -> Sequence[OwnerAlert]:
        """The salon's alerts, newest first."""
        ...
