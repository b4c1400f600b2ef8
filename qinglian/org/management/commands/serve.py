from __future__ import annotations

import subprocess
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qinglian.lib.serving import THREADS, WORKERS, gunicorn_argv


class Command(BaseCommand):
    help = "启动网页服务（gunicorn，默认只监听 127.0.0.1）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="监听地址，默认 127.0.0.1")
        parser.add_argument("--port", type=int, default=8000, help="端口，默认 8000")
        parser.add_argument("--workers", type=int, default=WORKERS, help=f"工作进程数，默认 {WORKERS}")
        parser.add_argument("--threads", type=int, default=THREADS, help=f"每个进程的线程数，默认 {THREADS}")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 < options["port"] < 65536:
            raise CommandError("端口须在 1 到 65535 之间。")
        if not (0 < options["workers"] <= 64 and 0 < options["threads"] <= 64):
            raise CommandError("进程数和线程数须在 1 到 64 之间。")
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)
        bind = f"{options['host']}:{options['port']}"
        self.stdout.write(f"清廉台账已启动：http://{bind}/  （按 Ctrl+C 停止）")
        command = gunicorn_argv(bind, workers=options["workers"], threads=options["threads"])
        try:
            result = subprocess.run(command, check=False)
        except KeyboardInterrupt:
            return
        if result.returncode not in (0, -2):
            raise CommandError(f"网页服务异常退出（代码 {result.returncode}），端口 {options['port']} 可能已被占用。")
