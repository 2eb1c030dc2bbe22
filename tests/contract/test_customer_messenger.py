"""Contract: CustomerMessenger — one message goes on the channel it names (Messenger,
Instagram, a Utility Message, WhatsApp, SMS) to its recipient, with its quick replies, and the
provider's id comes back; never with a sunset message tag; every failure is DeliveryFailed
(transient for outages, permanent for refusals, `opted_out` on a carrier STOP).

Over every adapter (conftest.py: messenger_case); the failures over every adapter that reaches
a provider (refusing_case)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from application.ports.customer_messenger import DeliveryFailed, Outgoing, Reply
from domain.messaging import Channel

from .messaging_harness import Delivered, MessengerCase, RefusingMessengerCase

REPLIES = (Reply("Reschedule", "MANAGE:RESCHEDULE:b-1"), Reply("Cancel", "MANAGE:CANCEL:b-1"))


def dm(case: MessengerCase, channel: Channel, text: str, **changes: object) -> Outgoing:
    to = case.to.igsid if channel is Channel.INSTAGRAM else case.to.psid
    message = Outgoing(
        channel, to, text, key="salon-1", page_id=case.to.page_id, page_token=case.to.page_token
    )
    return replace(message, **changes)  # type: ignore[arg-type]


def ids_match(case: MessengerCase, returned: list[str]) -> None:
    """Each send returned a distinct id, and it is the one the recipient's side recorded."""
    assert all(returned) and len(set(returned)) == len(returned)
    recorded = [d.provider_id for d in case.delivered()]
    assert all(r is None for r in recorded) or recorded == returned


async def test_direct_messages_reach_the_thread_with_their_quick_replies(
    messenger_case: MessengerCase,
) -> None:
    case = messenger_case
    case.open_window()
    sent = [
        await case.messenger.send(
            dm(case, Channel.MESSENGER, "Booked: Tue 4pm", quick_replies=REPLIES, response=True)
        ),
        await case.messenger.send(dm(case, Channel.INSTAGRAM, "See you soon")),
    ]
    assert [(d.channel, d.to, d.text, d.quick_replies) for d in case.delivered()] == [
        (Channel.MESSENGER, case.to.psid, "Booked: Tue 4pm", tuple(r.payload for r in REPLIES)),
        (Channel.INSTAGRAM, case.to.igsid, "See you soon", ()),
    ]
    ids_match(case, sent)


async def test_a_utility_message_goes_outside_the_window(messenger_case: MessengerCase) -> None:
    case = messenger_case
    sent = await case.messenger.send(
        dm(
            case,
            Channel.UTILITY,
            "Reminder: Tue 4pm",
            utility_template="appointment_reminder",
            utility_values=("Riya", "Glow", "Cut", "Tue 4pm", "https://x.test/m"),
        )
    )
    assert [(d.channel, d.to) for d in case.delivered()] == [(Channel.UTILITY, case.to.psid)]
    ids_match(case, [sent])


@pytest.mark.parametrize("channel", [Channel.SMS, Channel.WHATSAPP])
async def test_texts_reach_the_phone(messenger_case: MessengerCase, channel: Channel) -> None:
    case = messenger_case
    sent = await case.messenger.send(Outgoing(channel, case.to.phone, "See you at 4pm", "s-1"))
    assert case.delivered() == [
        Delivered(channel, case.to.phone, "See you at 4pm", (), case.delivered()[0].provider_id)
    ]
    ids_match(case, [sent])


async def test_no_message_carries_a_message_tag(messenger_case: MessengerCase) -> None:
    case = messenger_case
    case.open_window()
    await case.messenger.send(dm(case, Channel.MESSENGER, "an update"))
    await case.messenger.send(dm(case, Channel.UTILITY, "a reminder"))
    await case.messenger.send(Outgoing(Channel.SMS, case.to.phone, "a text", "s-1"))
    assert len(case.delivered()) == 3
    assert [d.tag for d in case.delivered()] == [None, None, None]


async def test_metas_refusal_outside_the_window_is_permanent(
    refusing_case: RefusingMessengerCase,
) -> None:
    with pytest.raises(DeliveryFailed) as caught:
        await refusing_case.messenger.send(dm(refusing_case, Channel.MESSENGER, "too late"))
    assert caught.value.permanent is True
    assert refusing_case.delivered() == []


async def test_a_message_without_its_page_is_refused(refusing_case: RefusingMessengerCase) -> None:
    refusing_case.open_window()
    message = dm(refusing_case, Channel.MESSENGER, "hi", page_id=None, page_token=None)
    with pytest.raises(DeliveryFailed) as caught:
        await refusing_case.messenger.send(message)
    assert caught.value.permanent is True
    assert refusing_case.delivered() == []


async def test_outages_are_transient(refusing_case: RefusingMessengerCase) -> None:
    case = refusing_case
    case.open_window()
    case.meta_outage()
    with pytest.raises(DeliveryFailed) as meta:
        await case.messenger.send(dm(case, Channel.MESSENGER, "later"))
    case.text_outage()
    with pytest.raises(DeliveryFailed) as texts:
        await case.messenger.send(Outgoing(Channel.SMS, case.to.phone, "later", "s-1"))
    assert (meta.value.permanent, texts.value.permanent) == (False, False)
    assert case.delivered() == []


@pytest.mark.parametrize("channel", [Channel.SMS, Channel.WHATSAPP])
async def test_a_carrier_stop_is_permanent_and_says_opted_out(
    refusing_case: RefusingMessengerCase, channel: Channel
) -> None:
    case = refusing_case
    case.carrier_stop(case.to.phone)
    with pytest.raises(DeliveryFailed) as caught:
        await case.messenger.send(Outgoing(channel, case.to.phone, "hi", "s-1"))
    assert (caught.value.permanent, caught.value.opted_out) == (True, True)
    assert case.delivered() == []
