"""What a handler is given: the job's payload, a checkpoint dict kept in the job, and progress reporting."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from qinglian.jobs import queue
from qinglian.jobs.models import Job


class JobFailed(Exception):
    """Raised by a handler for a failure retrying cannot mend (bad payload, missing code): the job is
    `failed` at once, with this message (Chinese, saying what to fix) shown to the system admin."""


class Stopping(Exception):
    """The worker was asked to stop (SIGTERM): the job goes back to the queue and resumes from its last
    checkpoint with the next worker."""


class JobContext:
    """A handler's view of its job. Long handlers work in parts and, after each part, record it in
    `checkpoint` and call `progress()` (in the same transaction as the part's own writes, so a part is
    either done and recorded or neither); a run after a crash finds the checkpoint and skips what is done.
    Between parts they call `check_stop()`, so SIGTERM stops a batch within one part."""

    def __init__(self, job: Job, *, worker: str, lease: int, stop: threading.Event, now: dt.datetime) -> None:
        self.job = job
        self.worker = worker
        self.lease = lease
        self.now = now
        self._stop = stop
        self.payload: dict[str, Any] = dict(job.payload or {})
        self.checkpoint: dict[str, Any] = dict(job.checkpoint or {})

    @property
    def user(self) -> Any:
        return self.job.created_by

    @property
    def unit(self) -> Any:
        return self.job.unit

    @property
    def resumed(self) -> bool:
        """True when an earlier run left a checkpoint behind."""
        return bool(self.job.checkpoint)

    def progress(self, done: int, total: int, text: str = "") -> None:
        """Store progress (done of total, a Chinese status line) and the checkpoint, and renew the lease.
        Raises LeaseLost when another worker has taken the job over (the caller's transaction rolls back)."""
        done, total = max(int(done), 0), max(int(total), 0)
        queue.renew(self.job, self.worker, self.lease, progress_done=done, progress_total=total,
                    status_text=text[:200], checkpoint=self.checkpoint)
        self.job.progress_done, self.job.progress_total, self.job.status_text = done, total, text[:200]

    def save(self) -> None:
        """Store the checkpoint alone (progress unchanged)."""
        self.progress(self.job.progress_done, self.job.progress_total, self.job.status_text)

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def check_stop(self) -> None:
        if self._stop.is_set():
            raise Stopping
