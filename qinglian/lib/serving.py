"""How the site is served: the one gunicorn command line of `qinglian serve` and of the benchmarks.

Threaded workers (gthread) keep HTTP connections alive, so a browser's page and its htmx requests reuse one
connection, and a slow upload or download holds a thread, not a whole worker. Python runs one thread at a
time per process, so the worker count sets the CPU used and threads only overlap the waits (socket,
database): two a worker measured best here (`make bench`: more threads fight over the interpreter lock).
"""

from __future__ import annotations

import sys

WORKERS = 2
THREADS = 2


def gunicorn_argv(bind: str, workers: int = WORKERS, threads: int = THREADS, access_log: str = "-") -> list[str]:
    return [sys.executable, "-m", "gunicorn", "qinglian.wsgi:application", "--bind", bind,
            "--workers", str(workers), "--worker-class", "gthread", "--threads", str(threads),
            "--keep-alive", "5", "--timeout", "120", "--access-logfile", access_log]
