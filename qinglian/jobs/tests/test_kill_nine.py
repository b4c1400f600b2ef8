"""A worker killed with SIGKILL in the middle of a batch: after its lease runs out another worker takes the
job over, resumes from the checkpoint, and no finished part is done again (each part leaves one row,
written in the same transaction as its checkpoint)."""

from __future__ import annotations

import json
import signal
import time
from collections import Counter

from qinglian.lib.testing import wait_for

PARTS = 12


def _parts(site) -> Counter[int]:  # type: ignore[no-untyped-def]
    rows = site.rows("SELECT payload FROM jobs_job WHERE kind = 'test.part'")
    return Counter(json.loads(payload)["part"] if isinstance(payload, str) else payload["part"] for (payload,) in rows)


def _progress(site, job: int) -> int:  # type: ignore[no-untyped-def]
    return int(site.rows("SELECT progress_done FROM jobs_job WHERE id = ?", job)[0][0])


def _state(site, job: int) -> str:  # type: ignore[no-untyped-def]
    return str(site.rows("SELECT state FROM jobs_job WHERE id = ?", job)[0][0])


def _finish(site, job: int) -> None:  # type: ignore[no-untyped-def]
    """`worker --once` until the job is done: the dead worker's lease (2 s) may not have run out at the first."""
    for _ in range(10):
        site.run("worker", "--once", "--lease", "2", "--no-schedule")
        if _state(site, job) == "done":
            return
        time.sleep(1)
    raise AssertionError(f"job {job} is still {_state(site, job)}")


def test_batch_resumes_after_kill_9_without_redoing_finished_parts(site) -> None:  # type: ignore[no-untyped-def]
    (job,) = json.loads(site.run("enqueue", "test.batch", "1", json.dumps({"parts": PARTS, "pause": 0.3})).stdout)
    first = site.driver("worker", "--lease", "2", "--no-schedule", "--poll", "0.1")
    try:
        assert wait_for(lambda: _progress(site, job) >= 3, 60), first.stderr.read() if first.poll() is not None else ""
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    done_before = _progress(site, job)
    assert 3 <= done_before < PARTS
    assert site.rows("SELECT state, attempts FROM jobs_job WHERE id = ?", job) == [("running", 1)]

    _finish(site, job)
    state, attempts, done, total, checkpoint = site.rows(
        "SELECT state, attempts, progress_done, progress_total, checkpoint FROM jobs_job WHERE id = ?", job)[0]
    assert (state, attempts, done, total) == ("done", 2, PARTS, PARTS)
    assert (json.loads(checkpoint) if isinstance(checkpoint, str) else checkpoint) == {"done": PARTS}
    parts = _parts(site)
    assert sorted(parts) == list(range(PARTS)) and set(parts.values()) == {1}  # none redone, none lost


def test_sigterm_stops_at_a_checkpoint_and_the_next_worker_goes_on(site) -> None:  # type: ignore[no-untyped-def]
    (job,) = json.loads(site.run("enqueue", "test.batch", "1", json.dumps({"parts": PARTS, "pause": 0.3})).stdout)
    worker = site.driver("worker", "--no-schedule", "--poll", "0.1")
    assert wait_for(lambda: _progress(site, job) >= 2, 60)
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=20) == 0
    assert "已停在断点" in worker.stdout.read()
    state, attempts, done = site.rows("SELECT state, attempts, progress_done FROM jobs_job WHERE id = ?", job)[0]
    assert (state, attempts) == ("queued", 0) and 2 <= done < PARTS  # back in the queue, the run not counted

    _finish(site, job)
    parts = _parts(site)
    assert sorted(parts) == list(range(PARTS)) and set(parts.values()) == {1}
