"""Bounded loopback load for the throughput benchmarks: wrk (Debian's package, C, one thread, so the
server keeps the cores) when installed, else a threaded http.client loop. Loopback only; bounded in
connections and seconds; stops by itself."""

from __future__ import annotations

import http.client
import itertools
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass


@dataclass
class Load:
    tool: str
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def line(self) -> str:
        return (f"{self.rps:.0f} req/s（{self.tool}；成功 {self.requests}，失败 {self.errors}；"
                f"延迟 p50 {self.p50_ms:.1f} ms，p99 {self.p99_ms:.1f} ms）")


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text.strip()).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


# wrk's script: thread k of n talks to server k (as nginx's round robin over the app servers' ports would) and
# asks paths k, k+n, k+2n, … so that no two threads ask the same fresh question.
WRK_SCRIPT = """local paths = {%(paths)s}
local ports = {%(ports)s}
local made = 0
function setup(thread)
  made = made + 1
  thread.addr = wrk.lookup("127.0.0.1", tostring(ports[made]))[1]
  thread:set("first", made - 1)
end
local i = nil
function request()
  i = i and i + #ports or first
  return wrk.format("GET", paths[i %% #paths + 1])
end
"""


def load(ports: list[int], path: str | list[str], cookie: str, connections: int = 8, seconds: float = 20.0) -> Load:
    """`path`, or each of a list of paths in turn (a new question every request, so no memo answers it), to the
    servers on `ports` (`Gunicorn`'s), the connections spread evenly over them."""
    assert 0 < connections <= 64 and 0 < seconds <= 120
    paths = [path] if isinstance(path, str) else path
    url = f"http://127.0.0.1:{ports[0]}{paths[0]}"
    if shutil.which("wrk"):
        with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
            script.write(WRK_SCRIPT % {"paths": ",".join(f'"{p}"' for p in paths), "ports": ",".join(map(str, ports))})
            script.flush()
            out = subprocess.run(["wrk", f"-t{len(ports)}", f"-c{connections}", f"-d{int(seconds)}s", "--latency",
                                  "--timeout", "10s", "-s", script.name, "-H", f"Cookie: {cookie}", url], capture_output=True,
                                 text=True, check=True, timeout=seconds + 30).stdout
        total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
        non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
        errors = (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, socket_errors.groups())) if socket_errors else 0)
        p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
        p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
        return Load("wrk", total - (int(non2xx.group(1)) if non2xx else 0), errors, seconds, p50, p99)
    return _threaded(ports, paths, cookie, connections, seconds)


def _threaded(ports: list[int], paths: list[str], cookie: str, connections: int, seconds: float) -> Load:
    stop = time.perf_counter() + seconds
    ok, bad, lat = [0], [0], []
    lock = threading.Lock()
    turn = itertools.cycle(paths)

    def worker(port: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        good = failed = 0
        mine: list[float] = []
        while time.perf_counter() < stop:
            t = time.perf_counter()
            try:
                with lock:
                    path = next(turn)
                conn.request("GET", path, headers={"Cookie": cookie})
                r = conn.getresponse()
                r.read()
                good, failed = (good + 1, failed) if r.status == 200 else (good, failed + 1)
            except (OSError, http.client.HTTPException):
                failed += 1
                conn.close()
            mine.append((time.perf_counter() - t) * 1000)
        conn.close()
        with lock:
            ok[0] += good
            bad[0] += failed
            lat.extend(mine)

    threads = [threading.Thread(target=worker, args=(ports[k % len(ports)],)) for k in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lat.sort()
    return Load("Python 线程客户端", ok[0], bad[0], seconds, statistics.median(lat) if lat else 0.0,
                lat[int(len(lat) * 0.99)] if lat else 0.0)


def latencies(ports: list[int], paths: list[str], cookie: str) -> list[float]:
    """One request after another on one kept-alive connection to the first server, each path once: the
    milliseconds of each (for a p95 that wrk's --latency, with its 50/75/90/99, does not print)."""
    conn = http.client.HTTPConnection("127.0.0.1", ports[0], timeout=10)
    out = []
    for path in paths:
        t = time.perf_counter()
        conn.request("GET", path, headers={"Cookie": cookie})
        r = conn.getresponse()
        r.read()
        if r.status != 200:
            raise SystemExit(f"{path} 返回 {r.status}")
        out.append((time.perf_counter() - t) * 1000)
    conn.close()
    return out


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Gunicorn:
    """`with Gunicorn(root, path, cookie) as ports:` serves the project as `qinglian serve` does (one gunicorn, 2
    threaded workers, or `workers`) on a free loopback port; `servers=N` starts N such gunicorns of `workers`
    each on N ports, the production layout (docs/deploy.md: app processes on their own ports behind nginx),
    where no one process takes every kept-alive connection. Waits until `path` answers 200 with `cookie` on each,
    gives the ports (for `load`) and stops every server on exit."""

    def __init__(self, root: object, path: str, cookie: str, workers: int | None = None, servers: int = 1) -> None:
        import os

        from qinglian.lib.serving import WORKERS, gunicorn_argv

        self.root, self.path, self.cookie = root, path, cookie
        self.workers = workers or WORKERS
        self.ports = [free_port() for _ in range(servers)]
        self.commands = [[*gunicorn_argv(f"127.0.0.1:{port}", workers=self.workers, access_log="/dev/null"),
                          "--log-level", "warning"] for port in self.ports]
        # The load is one account from one address: the rate limits would answer it 429 within a second.
        self.env = {**os.environ, "QINGLIAN_LOG_LEVEL": "ERROR", "QINGLIAN_RATE_LIMITS_OFF": "1"}
        self.servers: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> list[int]:
        self.servers = [subprocess.Popen(command, cwd=self.root, env=self.env)  # type: ignore[call-overload]
                        for command in self.commands]
        try:
            for port in self.ports:
                self._ready(port)
                self.warm_up(port)
        except BaseException:  # a server that does not answer: stop them all (no `with` exit follows)
            self.__exit__()
            raise
        return self.ports

    def _ready(self, port: int) -> None:
        deadline = time.perf_counter() + 30
        while True:
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                c.request("GET", self.path, headers={"Cookie": self.cookie})
                r = c.getresponse()
                body = r.read()
                c.close()
                if r.status != 200:
                    raise SystemExit(f"{self.path} 返回 {r.status}：{body[:200]!r}")
                return
            except OSError:
                if time.perf_counter() > deadline:
                    raise
                time.sleep(0.3)

    def warm_up(self, port: int, requests: int | None = None) -> None:
        """Steady state, not start-up: each worker's first requests import, compile templates and connect."""
        for _ in range(requests or 20 * self.workers):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            c.request("GET", self.path, headers={"Cookie": self.cookie})
            c.getresponse().read()
            c.close()

    def __exit__(self, *exc: object) -> None:
        for server in self.servers:
            server.terminate()
        for server in self.servers:
            server.wait(timeout=10)
