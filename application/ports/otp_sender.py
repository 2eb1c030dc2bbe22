from __future__ import annotations

from typing import Protocol


class OtpSender(Protocol):
    """Delivers a one-time code to a phone (SMS/WhatsApp; a log in embedded mode).

    Called only after the code's transaction has committed. Raises nothing on delivery
    failure it can retry itself; a failure it cannot handle propagates.
    """

    async def send(self, salon_id: str, phone: str, code: str) -> None: ...
