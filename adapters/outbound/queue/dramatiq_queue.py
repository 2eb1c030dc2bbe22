"""Jobs as Dramatiq messages on Redis: the API and scheduler enqueue by actor name, so they
never import the actor modules; `salonhub worker` declares the actors and runs them."""

from __future__ import annotations

import asyncio

from dramatiq import Broker, Message

from application.ports.job_queue import JOBS, JobQueue

QUEUE_NAME = "salonhub"


class DramatiqJobQueue(JobQueue):
    def __init__(self, broker: Broker) -> None:
        self._broker = broker

    async def enqueue(self, kind: str, subject_id: str) -> None:
        if kind not in JOBS:
            raise ValueError(f"unknown job kind {kind!r}")
        message: Message[object] = Message(
            queue_name=QUEUE_NAME, actor_name=kind, args=(subject_id,), kwargs={}, options={}
        )
        # redis-py is blocking here: keep the event loop free.
        await asyncio.to_thread(self._broker.enqueue, message)

    async def drain(self) -> None:
        """The jobs run in `salonhub worker`: nothing of theirs runs here."""
