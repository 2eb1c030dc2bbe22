"""Recording what became of a send: the outcome settled on the row, and a failure turned into
a retry (the domain's `after_failure` rule and `backoff` schedule), the next channel, or the
end. A carrier STOP is recorded as the customer's withdrawal of consent for that channel.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from application.messaging.prepare import Prepared
from application.ports.customer_messenger import DeliveryFailed
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.message_retry import AfterFailure, after_failure, backoff
from domain.messaging import Consent, MessageStatus, OutboundMessage

log = logging.getLogger(__name__)


async def settle(uow: UnitOfWorkFactory, message: OutboundMessage) -> str:
    """Store the message's outcome; returns its status (never undoes a `sent`)."""
    async with uow(write=True) as tx:
        current = await tx.messages.get(message.id)
        if current is not None and current.status is MessageStatus.SENT:
            return "sent"  # Meta's echo said so meanwhile: never undo it (a resend)
        await tx.messages.settle(message)
        await tx.commit()
    return message.status.value


async def record_failure(
    uow: UnitOfWorkFactory, prepared: Prepared, exc: DeliveryFailed, now: datetime
) -> str:
    message, channel = prepared.message, prepared.route.channel
    attempts = message.attempts + 1
    log.warning(
        "message not delivered",
        extra={
            "message_id": message.id,
            "channel": channel,
            "permanent": exc.permanent,
            "attempt": attempts,
        },
    )
    if exc.opted_out and channel is not None and message.customer_id:
        async with uow(write=True) as tx:
            await tx.contacts.add_consent(
                message.salon_id,
                Consent(message.customer_id, channel, False, "carrier_stop", now),
            )
            await tx.commit()
    failed = replace(
        message,
        channel=channel,
        reason=prepared.route.reason,
        error=str(exc)[:1000],
        attempts=attempts,
    )
    then = after_failure(
        permanent=exc.permanent,
        channel=channel,
        is_reply=message.purpose.is_reply,
        attempts=attempts,
    )
    if then is AfterFailure.NEXT_CHANNEL:
        # Meta refused it (the window closed meanwhile, a stale thread): try the next
        # channel the policy allows, at once.
        tried = [channel.value] if channel is not None else []
        refused = sorted({*message.details.get("refused", []), *tried})
        return await settle(
            uow,
            replace(
                failed,
                status=MessageStatus.QUEUED,
                next_attempt_at=now,
                details={**message.details, "refused": refused},
            ),
        )
    if then is AfterFailure.GIVE_UP:
        return await settle(uow, replace(failed, status=MessageStatus.FAILED, next_attempt_at=None))
    later = now + backoff(attempts, exc.retry_after)
    return await settle(uow, replace(failed, status=MessageStatus.QUEUED, next_attempt_at=later))
