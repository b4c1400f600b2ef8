"""`qinglian worker [--once]`: run the job queue (reminders, batches of reports, …) until SIGTERM or Ctrl+C;
with --once, what is due now, then exit."""

from __future__ import annotations

import logging
import signal
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qinglian.jobs.worker import Worker


class Command(BaseCommand):
    help = "运行后台任务（到期提醒、批量生成报告等）；--once 只运行当前到期的任务后退出"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="只运行当前已到期的任务，然后退出")
        parser.add_argument("--lease", type=int, default=None,
                            help="租约秒数：工作进程意外退出后，其任务在这么久后由其他进程接手（默认 60）")
        parser.add_argument("--poll", type=float, default=1.0, help="队列为空时每隔几秒查看一次，默认 1")
        parser.add_argument("--no-schedule", action="store_true", help="不为周期任务排队（另有进程负责时）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["lease"] is not None and not 2 <= options["lease"] <= 86400:
            raise CommandError("--lease 须在 2 到 86400 秒之间。")
        if not 0.05 <= options["poll"] <= 60:
            raise CommandError("--poll 须在 0.05 到 60 秒之间。")
        _log_to_stderr()
        worker = Worker(lease=options["lease"], poll=options["poll"], schedule=not options["no_schedule"],
                        say=self._say)
        signal.signal(signal.SIGTERM, worker.stop)
        signal.signal(signal.SIGINT, worker.stop)
        self._say(f"[{worker.name}] 后台任务进程已启动" + ("（--once：运行当前到期的任务后退出）" if options["once"] else ""))
        ran = worker.run(once=options["once"])
        self._say(f"[{worker.name}] 已停止，本次运行任务 {ran} 项")

    def _say(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()


def _log_to_stderr() -> None:
    """Warnings and errors of the queue on stderr with a timestamp (the journal under systemd), whatever
    the root logger's level."""
    logger = logging.getLogger("qinglian.jobs")
    if not any(getattr(h, "qinglian_worker", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        handler.qinglian_worker = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
        logger.propagate = False
    logger.setLevel(logging.INFO)
