"""InMemoryTextMessageSender: a log of texts, with scripted failures."""

from __future__ import annotations

from application.ports.text_messages import TextMessageError, TextMessageSender, TextReceipt


class InMemoryTextMessageSender(TextMessageSender):
    """Keeps every text it accepted as `(channel, to, body, provider_id)`, newest last.

    `fail_next(n, permanent=, code=)` makes the next `n` sends raise TextMessageError instead.
    """

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str, str]] = []
        self._failures: list[tuple[bool, int | None]] = []
        self._count = 0

    def fail_next(self, n: int = 1, *, permanent: bool = False, code: int | None = None) -> None:
        self._failures.extend([(permanent, code)] * n)

    async def send(self, channel: str, to: str, body: str) -> TextReceipt:
        if self._failures:
            permanent, code = self._failures.pop(0)
            raise TextMessageError(
                f"scripted {'permanent' if permanent else 'transient'} failure",
                permanent=permanent,
                code=code,
            )
        self._count += 1
        provider_id = f"SM{self._count:032x}"
        self.sent.append((channel, to, body, provider_id))
        return TextReceipt(provider_id=provider_id, status="queued")

    def last_body(self, to: str) -> str:
        return next(body for _, t, body, _ in reversed(self.sent) if t == to)
