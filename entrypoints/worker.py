"""Workers: the outbox relay loop, in `serve` (embedded) or in `salonhub worker` (Dramatiq).

The relay wakes when a webhook delivery commits (the container's Wakeup) and every `poll`
seconds (messages queued by bookings, retries, expired leases, rows other processes wrote),
and hands due ids to the job queue: this process's own loop in embedded mode, Dramatiq on
Redis otherwise. Several relays may run on one database: jobs claim their rows.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading

from entrypoints.background import BackgroundTask
from entrypoints.bootstrap import Container, bootstrap
from entrypoints.settings import Settings

log = logging.getLogger("salonhub.worker")


class RelayLoop(BackgroundTask):
    def __init__(self, container: Container, *, poll: float = 1.0) -> None:
        super().__init__("salonhub-relay", self._loop)
        self._container, self._poll = container, poll

    async def _loop(self) -> None:
        relay = self._container.relay
        while True:
            await self._container.wakeup.wait(self._poll)
            try:
                await relay.run_once()
            except Exception:
                log.exception("outbox relay pass failed")
                await asyncio.sleep(self._poll)


def run_dramatiq_worker(settings: Settings, *, threads: int = 4) -> int:
    """`salonhub worker`: Dramatiq's worker threads run the actors on its event loop thread;
    the relay runs on that same loop (so the container's connections stay on one loop)."""
    import dramatiq
    from dramatiq.asyncio import get_event_loop_thread

    from adapters.inbound.workers.dramatiq_actors import declare_actors
    from adapters.outbound.queue.dramatiq_queue import QUEUE_NAME, DramatiqJobQueue
    from entrypoints.broker import MAX_RETRIES, redis_broker

    broker = redis_broker(settings)  # set as Dramatiq's broker before any actor is declared
    container = bootstrap(settings, job_queue=DramatiqJobQueue(broker))
    declare_actors(broker, container.jobs.run, queue_name=QUEUE_NAME, max_retries=MAX_RETRIES)
    worker = dramatiq.Worker(broker, worker_threads=threads)
    worker.start()
    loop_thread = get_event_loop_thread()
    if loop_thread is None:  # the AsyncIO middleware starts it; redis_broker adds that
        raise RuntimeError("Dramatiq's event loop thread is not running")
    relay = RelayLoop(container)
    asyncio.run_coroutine_threadsafe(relay.start(), loop_thread.loop).result(timeout=10)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    log.info("worker started", extra={"threads": threads})
    stop.wait()
    log.info("worker stopping")
    asyncio.run_coroutine_threadsafe(relay.stop(), loop_thread.loop).result(timeout=10)
    worker.stop()
    return 0
