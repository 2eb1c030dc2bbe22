"""The Dramatiq actors: thin, one id each, idempotent (the job runner claims the row the id
names, so a re-delivered message finds it claimed or settled and does nothing). Declared on
the broker passed in, which the composition root built and set before this module is used."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import dramatiq

from application.ports.job_queue import JOBS

Runner = Callable[[str, str], Awaitable[str]]


def declare_actors(
    broker: dramatiq.Broker, runner: Runner, *, queue_name: str, max_retries: int
) -> list[dramatiq.Actor[..., object]]:
    actors: list[dramatiq.Actor[..., object]] = []
    for kind in JOBS:

        async def job(subject_id: str, _kind: str = kind) -> None:
            await runner(_kind, subject_id)

        declare = dramatiq.actor(
            actor_name=kind, queue_name=queue_name, broker=broker, max_retries=max_retries
        )
        actors.append(declare(job))
    return actors
