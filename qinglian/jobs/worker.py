"""The worker loop: schedule periodic jobs, claim one due job, run its handler with a heartbeat renewing the
lease, record the outcome; repeat. Several workers (processes, hosts) may run at once."""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
import traceback
from collections.abc import Callable

from django.db import close_old_connections, connection, connections
from django.utils import timezone

from qinglian.jobs import queue
from qinglian.jobs.context import JobContext, JobFailed, Stopping
from qinglian.jobs.models import Job
from qinglian.jobs.registry import HANDLERS, PERIODIC, TargetMissing

log = logging.getLogger("qinglian.jobs")
SCHEDULE_EVERY = 10.0  # seconds between two looks at the periodic schedule


def _fresh_connection() -> None:
    """Drop a connection past CONN_MAX_AGE or broken, as a request would; never inside a transaction (a test's)."""
    if not connection.in_atomic_block:
        close_old_connections()


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class _Heartbeat(threading.Thread):
    """Renews the lease every third of it while the handler runs, so only a dead worker loses its job. Quick
    jobs end before the first beat and this thread never opens a database connection."""

    def __init__(self, job: Job, worker: str, lease: int) -> None:
        super().__init__(name=f"heartbeat-{job.pk}", daemon=True)
        self.job, self.worker, self.lease = job, worker, lease
        self.done = threading.Event()

    def run(self) -> None:
        try:
            while not self.done.wait(self.lease / 3):
                try:
                    queue.renew(self.job, self.worker, self.lease)
                except queue.LeaseLost:
                    return
                except Exception:  # a database hiccup: try again at the next beat
                    log.exception("任务 #%s：续约失败", self.job.pk)
        finally:
            connections.close_all()  # this thread's connections only

    def stop(self) -> None:
        self.done.set()
        self.join()


class Worker:
    def __init__(self, *, name: str | None = None, lease: int | None = None, poll: float = 1.0,
                 schedule: bool = True, say: Callable[[str], None] | None = None) -> None:
        self.name = name or worker_name()
        self.lease = lease or queue.lease_seconds()
        self.poll = poll
        self.schedule = schedule
        self.stopping = threading.Event()
        self.say = say or log.info
        self.ran = 0

    def stop(self, *_: object) -> None:
        if not self.stopping.is_set():
            self.say(f"[{self.name}] 收到停止信号：当前任务到下一个断点后停止")
        self.stopping.set()

    def check_periodic(self) -> list[str]:
        """Problems with the periodic schedule, each logged once at start: a kind nobody registered, or a
        handler whose target is missing (such as the reminders before the notify app is there)."""
        problems = []
        for entry in PERIODIC.values():
            spec = HANDLERS.get(entry.kind)
            if spec is None:
                problems.append(f"周期任务 {entry.name}：没有登记任务类型 {entry.kind}")
                continue
            probe = getattr(spec.func, "probe", None)
            if probe is not None:
                try:
                    probe()
                except TargetMissing as exc:
                    problems.append(f"周期任务 {entry.name}（{spec.title}）无法运行：{exc}")
        for line in problems:
            log.error(line)
        return problems

    def run(self, *, once: bool = False) -> int:
        """Run jobs until stopped; with `once`, only what is due now, then return. Returns the jobs run."""
        last_schedule = -SCHEDULE_EVERY
        if self.schedule:
            self.check_periodic()
        while not self.stopping.is_set():
            _fresh_connection()
            if self.schedule and time.monotonic() - last_schedule >= SCHEDULE_EVERY:
                for queued in queue.schedule_periodic():
                    self.say(f"[{self.name}] 周期任务排队：#{queued.pk} {queued.title}（{queued.payload.get('periodic')}）")
                last_schedule = time.monotonic()
            job = queue.claim(self.name, lease=self.lease)
            if job is None:
                if once:
                    break
                self.stopping.wait(self.poll)
                continue
            self.run_job(job)
        _fresh_connection()
        return self.ran

    def run_job(self, job: Job) -> None:
        self.ran += 1
        spec = HANDLERS.get(job.kind)
        tag = f"[{self.name}] 任务 #{job.pk} {job.title}"
        if spec is None:
            queue.fail(job, self.name, f"未登记的任务类型“{job.kind}”：请确认提供它的模块已安装并已登记。",
                       permanent=True)
            log.error("%s：未登记的任务类型，已标记为失败", tag)
            return
        self.say(f"{tag}：开始（第 {job.attempts} 次，共 {job.max_attempts} 次）")
        ctx = JobContext(job, worker=self.name, lease=self.lease, stop=self.stopping, now=timezone.now())
        beat = _Heartbeat(job, self.name, self.lease)
        beat.start()
        started = time.monotonic()
        try:
            result = spec.func(ctx)
        except Stopping:
            beat.stop()
            queue.release(job, self.name)
            self.say(f"{tag}：已停在断点（{job.progress_done}/{job.progress_total}），放回队列")
        except queue.LeaseLost:
            beat.stop()
            log.warning("%s：租约已被其他工作进程接管，本次运行作废", tag)
        except Exception as exc:
            beat.stop()
            permanent = isinstance(exc, JobFailed | TargetMissing)
            message = str(exc) if permanent else f"{type(exc).__name__}: {exc}\n\n{traceback.format_exc()}"
            try:
                after = queue.fail(job, self.name, message, permanent=permanent)
            except queue.LeaseLost:
                log.warning("%s：出错时租约已被接管", tag)
                return
            if after.state == "failed":
                log.error("%s：失败，不再重试（已运行 %s 次）：%s", tag, after.attempts, message.splitlines()[0])
            else:
                log.warning("%s：出错，将于 %s 重试：%s", tag, timezone.localtime(after.run_after).strftime("%H:%M:%S"),
                            message.splitlines()[0])
        else:
            beat.stop()
            try:
                queue.finish(job, self.name, result)
            except queue.LeaseLost:
                log.warning("%s：完成时租约已被接管，结果未记录", tag)
                return
            self.say(f"{tag}：完成，用时 {time.monotonic() - started:.1f} 秒")
