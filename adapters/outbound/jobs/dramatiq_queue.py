"""Jobs as Dramatiq messages on Redis: the API and scheduler enqueue by actor name, so they
never import the actor modules; `salonhub worker` declares the actors and runs them."""

from __future__ import annotations

import asyncio

from dramatiq import Broker, Message

QUEUE_NAME = "salonhub"


class DramatiqJobQueue:
    def __init__(self, broker: Broker) -> None:
        self._broker = broker

    async def enqueue(self, kind: str, subject_id: str) -> None:
        message: Message[object] = Message(
            queue_name=QUEUE_NAME, actor_name=kind, args=(subject_id,), kwargs={}, options={}
        )
        # redis-py is blocking here: keep the event loop free.
        await asyncio.to_thread(self._broker.enqueue, message)
