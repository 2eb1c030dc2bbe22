"""The JobQueue contract (application/ports/job_queue.py), over every adapter: Dramatiq on the
real Redis (run by a Dramatiq worker, as `salonhub worker` runs it), and the in-process queue
of the embedded mode."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

import pytest

from application.ports.job_queue import JOBS, PROCESS_WEBHOOK_EVENT, SEND_MESSAGE, SYNC_META

from .job_queue_harness import Job, QueueCase


def new_id() -> str:
    return str(uuid.uuid4())


async def settled(case: QueueCase, expected: list[Job]) -> list[Job]:
    """What the runner finished once `expected` all arrived and a duplicate had time to."""
    await case.runner.wait_for(lambda done: Counter(expected) <= Counter(done))
    await asyncio.sleep(case.settle)
    return case.runner.finished


async def test_each_job_reaches_the_runner_once_with_its_kind_and_id(queue_case: QueueCase) -> None:
    jobs = [(kind, new_id()) for kind in JOBS for _ in range(3)]
    for kind, subject_id in jobs:
        await queue_case.queue.enqueue(kind, subject_id)
    await queue_case.queue.drain()
    finished = await settled(queue_case, jobs)
    assert sorted(finished) == sorted(jobs)  # each exactly once, in any order


async def test_the_same_job_enqueued_twice_is_delivered_twice(queue_case: QueueCase) -> None:
    """The queue does not deduplicate: the job is idempotent on its row, not the queue."""
    job = (SEND_MESSAGE, new_id())
    await queue_case.queue.enqueue(*job)
    await queue_case.queue.enqueue(*job)
    assert await settled(queue_case, [job, job]) == [job, job]


async def test_enqueue_hands_the_job_over_without_waiting_for_it(queue_case: QueueCase) -> None:
    queue_case.runner.hold()
    job = (SYNC_META, new_id())
    await asyncio.wait_for(queue_case.queue.enqueue(*job), timeout=5)
    assert job not in queue_case.runner.finished  # handed over, not run
    queue_case.runner.release()
    assert await settled(queue_case, [job]) == [job]


@pytest.mark.parametrize("kind", ["", "send-message", "SYNC_META", "unknown_job"])
async def test_a_kind_outside_jobs_is_refused_and_nothing_is_handed_over(
    queue_case: QueueCase, kind: str
) -> None:
    with pytest.raises(ValueError, match="job kind"):
        await queue_case.queue.enqueue(kind, new_id())
    good = (PROCESS_WEBHOOK_EVENT, new_id())
    await queue_case.queue.enqueue(*good)  # the queue is still usable
    await queue_case.queue.drain()
    assert await settled(queue_case, [good]) == [good]
    assert queue_case.runner.started == [good]


async def test_a_failing_job_does_not_stop_the_queue(queue_case: QueueCase) -> None:
    failing = (SEND_MESSAGE, new_id())
    queue_case.runner.failing.add(failing[1])
    later = [(SEND_MESSAGE, new_id()) for _ in range(3)]
    await queue_case.queue.enqueue(*failing)
    await queue_case.runner.wait_for(lambda done: failing in done)
    for job in later:
        await queue_case.queue.enqueue(*job)
    await queue_case.queue.drain()
    finished = await settled(queue_case, [failing, *later])
    assert Counter(job for job in finished if job != failing) == Counter(later)


async def test_drain_waits_for_the_jobs_run_here_and_only_those(queue_case: QueueCase) -> None:
    await asyncio.wait_for(queue_case.queue.drain(), timeout=5)  # nothing enqueued: returns
    failing = (SYNC_META, new_id())
    queue_case.runner.failing.add(failing[1])
    jobs = [(SEND_MESSAGE, new_id()) for _ in range(6)] + [failing]
    queue_case.runner.hold()
    for job in jobs:
        await queue_case.queue.enqueue(*job)
    if queue_case.runs_here:
        draining = asyncio.ensure_future(queue_case.queue.drain())
        await asyncio.sleep(0.2)
        assert not draining.done()  # its jobs are still running
        queue_case.runner.release()
        await asyncio.wait_for(draining, timeout=10)
        assert sorted(queue_case.runner.finished) == sorted(jobs)  # all done, the failed one too
    else:
        await asyncio.wait_for(queue_case.queue.drain(), timeout=5)  # nothing of theirs runs here
        assert queue_case.runner.finished == []
        queue_case.runner.release()
        assert sorted(await settled(queue_case, jobs)) == sorted(jobs)
