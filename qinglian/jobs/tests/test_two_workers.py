"""Two `qinglian worker` processes on one database: each of 200 jobs runs exactly once, both workers take a
share, each periodic slot is queued once although both schedule, and SIGTERM stops both cleanly."""

from __future__ import annotations

import json
import signal
import time
from collections import Counter

from qinglian.jobs.registry import PERIODIC
from qinglian.lib.testing import wait_for


def _started(worker, seen: list[str]) -> bool:  # type: ignore[no-untyped-def]
    line = worker.stdout.readline()
    seen.append(line)
    return "已启动" in line


def test_two_workers_run_each_of_200_jobs_exactly_once(site, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "runs.txt"
    out.touch()
    workers = [site.driver("worker", "--poll", "0.1") for _ in range(2)]
    try:
        for worker in workers:
            seen: list[str] = []
            assert wait_for(lambda w=worker, s=seen: _started(w, s), 30), seen
        ids = json.loads(site.run("enqueue", "test.append", "200", json.dumps({"file": str(out), "pause": 0.002})).stdout)
        assert wait_for(lambda: site.rows("SELECT COUNT(*) FROM jobs_job WHERE kind = 'test.append' AND state = 'done'")
                        == [(200,)], 60)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        codes = [worker.wait(timeout=30) for worker in workers]
    assert codes == [0, 0], [w.stderr.read()[-2000:] for w in workers]

    runs = [line.split() for line in out.read_text().splitlines()]
    per_job = Counter(int(job) for job, _ in runs)
    assert sorted(per_job) == sorted(ids) and set(per_job.values()) == {1}
    assert len({pid for _, pid in runs}) == 2  # both workers took a share
    assert site.rows("SELECT COUNT(*) FROM jobs_job WHERE kind = 'test.append' AND attempts <> 1") == [(0,)]

    keys = [key for (key,) in site.rows("SELECT unique_key FROM jobs_job WHERE unique_key LIKE ?", "periodic:%")]
    names = Counter(key.split(":")[1] for key in keys)
    assert set(names) == set(PERIODIC)  # both workers scheduled; each slot is there once
    assert max(Counter(keys).values()) == 1 and all(n <= 2 for n in names.values())  # 2: a slot turned over


def test_worker_once_runs_what_is_due_and_exits(site, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "runs.txt"
    site.run("enqueue", "test.append", "3", json.dumps({"file": str(out)}))
    started = time.monotonic()
    done = site.run("worker", "--once", "--no-schedule")
    assert time.monotonic() - started < 30
    assert "已停止，本次运行任务 3 项" in done.stdout
    assert len(out.read_text().splitlines()) == 3
    assert site.rows("SELECT state, COUNT(*) FROM jobs_job GROUP BY state") == [("done", 3)]
