from __future__ import annotations

from typing import Protocol

# What a job is about; each job takes one id and is idempotent on it.
PROCESS_WEBHOOK_EVENT = "process_webhook_event"
SEND_MESSAGE = "send_message"
SYNC_META = "sync_meta"
SEND_OTP = "send_otp"
JOBS = (PROCESS_WEBHOOK_EVENT, SEND_MESSAGE, SYNC_META, SEND_OTP)


class JobQueue(Protocol):
    """Hands a job (a kind and one id) to the workers: Dramatiq on Redis, or an in-process
    queue in embedded mode.

    The database row the job is about is the truth; the queue only says "look at it now". A
    message lost by the queue (Redis restarted) is sent again by the outbox relay; a message
    delivered twice finds the row claimed or settled and does nothing.

    - `enqueue` returns once the job is handed over; it does not wait for the job to run (it
      may have started, it need not have). A kind outside JOBS is refused with ValueError and
      nothing is handed over.
    - Every job handed over reaches the workers' runner as ``(kind, subject_id)``; while
      nothing fails (no process killed, Redis not restarted), exactly once. Jobs are not
      ordered among themselves. A job that raises does not stop the queue: later jobs still
      run. (Whether the failed one is tried again is the adapter's business: Dramatiq retries
      it a few times, in-process does not; the relay sends it again either way.)
    - `drain` waits for the jobs this process itself runs (in-process): it returns once every
      job enqueued before the call has finished, failed ones included. A queue whose jobs run
      elsewhere has nothing to wait for and returns at once.
    """

    async def enqueue(self, kind: str, subject_id: str) -> None: ...

    async def drain(self) -> None: ...
