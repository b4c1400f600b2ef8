from __future__ import annotations

import os
import socket
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

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

        _check_key_file()
        call_command("collectstatic", interactive=False, verbosity=0)
        host, port = options["host"], options["port"]
        _check_free(host, port)
        bind = f"{host}:{port}"
        self.stdout.write(f"清廉台账已启动：http://{bind}/  （按 Ctrl+C 停止）")
        self.stdout.flush()
        sys.stderr.flush()
        connections.close_all()  # no database socket or file handle is inherited by the server
        # gunicorn replaces this process (same pid): a SIGTERM or Ctrl+C sent to `qinglian serve` reaches
        # gunicorn's master itself, which stops its workers, instead of leaving them serving behind a parent
        # that has gone.
        command = gunicorn_argv(bind, workers=options["workers"], threads=options["threads"])
        os.execv(command[0], command)


def _check_key_file() -> None:
    """A production server does not start without a valid, private key file (a laptop may: encrypted values
    then show a notice that says to create one)."""
    from django.conf import settings

    from qinglian.crypto.keys import KeyFileError, load_key_file

    if not settings.PRODUCTION:
        return
    try:
        load_key_file(Path(settings.QINGLIAN_KEY_FILE))
    except KeyFileError as exc:
        raise CommandError(f"生产环境无法启动：{exc}") from exc


def _check_free(host: str, port: int) -> None:
    """Say in Chinese that the port is taken, before gunicorn would say it in English and retry."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise CommandError(f"无法监听 {host}:{port}（{exc.strerror}）：端口可能已被占用，请换一个端口（--port）。") from exc
