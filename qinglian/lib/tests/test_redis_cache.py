"""The shared cache's backend (`lib.cache.RedisCache`) against a real Valkey/Redis: what Django's backend does
(set, get, add, incr, delete, expiry by timeout), with one client per pool for every call and every thread."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator

import pytest

from qinglian.lib.cache import RedisCache
from qinglian.lib.testing import free_port

pytestmark = pytest.mark.single_engine


@pytest.fixture
def server() -> Iterator[str]:
    binary = shutil.which("valkey-server") or shutil.which("redis-server")
    if binary is None:
        pytest.skip("未安装 Valkey/Redis（make test 会安装）")
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
                                 "no", "--dir", folder], stdout=subprocess.DEVNULL)
        try:
            import redis

            deadline = time.monotonic() + 10
            while True:
                try:
                    redis.Redis(port=port).ping()
                    break
                except redis.ConnectionError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            proc.terminate()
            proc.wait(10)


def test_the_backend_answers_like_djangos_with_one_client_for_every_call_and_thread(server: str) -> None:
    cache = RedisCache(server, {"KEY_PREFIX": "t", "OPTIONS": {"socket_timeout": 2}})
    cache.set("answer", {"rows": [1, 2]}, 30)
    assert cache.get("answer") == {"rows": [1, 2]}
    assert cache.add("answer", "other") is False and cache.add("fresh", 1) is True
    assert cache.incr("fresh", 4) == 5
    cache.delete("answer")
    assert cache.get("answer") is None
    cache.set("brief", "x", 1)
    time.sleep(1.2)
    assert cache.get("brief") is None

    clients = set()

    def work(n: int) -> None:
        for i in range(50):
            cache.set(f"k{n}-{i}", i)
            assert cache.get(f"k{n}-{i}") == i
            clients.add(id(cache._cache.get_client(write=True)))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(clients) == 1
    assert cache.get_many([f"k{n}-49" for n in range(4)]) == {f"k{n}-49": 49 for n in range(4)}
