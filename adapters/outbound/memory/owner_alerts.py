"""The in-memory OwnerAlertRepository over a MemoryState."""

from __future__ import annotations

from collections.abc import Sequence

from application.ports.owner_alert_repository import OwnerAlert, OwnerAlertRepository

from .store import MemoryState


class InMemoryOwnerAlertRepository(OwnerAlertRepository):
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    async def add_alert(self, alert: OwnerAlert, dedup_key: str) -> bool:
        if dedup_key in self._s.owner_alerts:
            return False
        self._s.owner_alerts[dedup_key] = alert
        return True

    async def alerts(self, salon_id: str, limit: int = 20) -> Sequence[OwnerAlert]:
        rows = [a for a in self._s.owner_alerts.values() if a.salon_id == salon_id]
        rows.sort(key=lambda a: (a.created_at, a.id), reverse=True)
        return rows[:limit]
