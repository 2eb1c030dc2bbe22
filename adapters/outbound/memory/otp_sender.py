from __future__ import annotations

from application.ports.otp_sender import OtpSender


class InMemoryOtpSender(OtpSender):
    """Keeps every code it was asked to send, newest last."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    async def send(self, salon_id: str, phone: str, code: str) -> None:
        self.sent.append((salon_id, phone, code))

    def last_code(self, phone: str) -> str:
        return next(code for _, p, code in reversed(self.sent) if p == phone)
