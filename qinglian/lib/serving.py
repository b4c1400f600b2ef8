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
            "--keep-alive", "5", "--timeout", "120", "--access-logfile", access_log, *_no_control_socket()]


def _no_control_socket() -> list[str]:
    """Newer gunicorns open a control socket at ~/.gunicorn/gunicorn.ctl: the app processes of one host (the
    production layout, docs/deploy.md) fight over that one path and log an error, and it is a way in that
    nothing here uses. Off where the installed gunicorn has it."""
    from gunicorn.config import KNOWN_SETTINGS

    return ["--no-control-socket"] if any(s.name == "control_socket_disable" for s in KNOWN_SETTINGS) else []
