"""The one gunicorn command line (`qinglian serve`, the benchmarks, `make prod-local`): gunicorn accepts it, and
two app servers of one host do not share a control socket (newer gunicorns open one in the home folder)."""

from __future__ import annotations

import sys

import pytest

from qinglian.lib.serving import gunicorn_argv
from qinglian.lib.testing import free_port

pytestmark = pytest.mark.single_engine


def test_gunicorn_takes_the_command_line_and_opens_no_control_socket() -> None:
    from gunicorn.config import KNOWN_SETTINGS, Config

    argv = gunicorn_argv(f"127.0.0.1:{free_port()}", workers=3, threads=2)
    assert argv[:3] == [sys.executable, "-m", "gunicorn"]
    cfg = Config()
    parsed = cfg.parser().parse_args(argv[3:])
    for name, value in vars(parsed).items():
        if value is not None and name in cfg.settings:
            cfg.set(name, value)
    assert (cfg.workers, cfg.threads, cfg.worker_class_str) == (3, 2, "gthread")
    if any(s.name == "control_socket_disable" for s in KNOWN_SETTINGS):
        assert cfg.settings["control_socket_disable"].get() is True
