"""`qinglian serve` stops when it is told to: a SIGTERM to the command stops the server behind it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from qinglian.lib.testing import free_port, wait_for

# engine-independent (subprocesses, LibreOffice, readers): run once, on SQLite (Makefile)
pytestmark = pytest.mark.single_engine

ROOT = Path(__file__).resolve().parents[3]


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            conn.sendall(b"GET /login/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
            return conn.recv(12).startswith(b"HTTP/")
    except OSError:
        return False


def _serving(bind: str) -> list[int]:
    """Pids of any process (gunicorn master or worker) still started with this bind address."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if bind.encode() in argv and any(b"gunicorn" in a for a in argv):
                pids.append(int(entry.name))
    return pids


def test_sigterm_to_serve_stops_gunicorn(tmp_path: Path) -> None:
    port = free_port()
    bind = f"127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QINGLIAN_DATA_DIR": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}
    command = subprocess.Popen([sys.executable, "-m", "qinglian.cli", "serve", "--port", str(port), "--workers", "1"],
                               cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_for(lambda: _answers(port), 30), "qinglian serve did not answer within 30 s"
        command.send_signal(signal.SIGTERM)
        assert wait_for(lambda: not _answers(port), 5), "the server still answers 5 s after SIGTERM"
        assert wait_for(lambda: not _serving(bind), 5), f"gunicorn left running: {_serving(bind)}"
        assert command.wait(5) is not None
    finally:
        for pid in _serving(bind):
            os.kill(pid, signal.SIGKILL)
        command.kill()
        command.wait(5)


def test_a_taken_port_is_refused_in_chinese(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QINGLIAN_DATA_DIR": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "qinglian.cli", "serve", "--port", str(port)], cwd=tmp_path,
                                env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode != 0
    assert "端口可能已被占用" in result.stderr
    assert not _serving(f"127.0.0.1:{port}")
