"""The several-app-server layout (`make prod-local`, scripts/prod-local.sh) driven over real HTTP: two gunicorn
processes behind nginx, one PostgreSQL, one Valkey/Redis. What one process writes, the other shows at once
(memo and rate counters in the shared cache), a lockout through one holds on the other, a file uploaded through
one downloads through the other, and nginx in front serves both the pages and the static files."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
import requests

from qinglian.lib.testing import PASSWORD, free_port

# It brings its own PostgreSQL (and nginx, and the cache): engine-independent, run once (Makefile)
pytestmark = pytest.mark.single_engine

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "scripts" / "prod-local.sh"
# Start-up is ~30 s of CPU (most of it the migrations on an empty database); a loaded machine stretches it.
START_SECONDS = 300
SEED = """
import json, django
django.setup()
from qinglian.lib.testing import build_world
from qinglian.org.models import SecurityPolicy
from qinglian.records.models import ActivityKind
world = build_world()
policy = SecurityPolicy.current()
policy.business_second_factor = False  # business roles log in with the password alone, as in the demo
policy.save()
kind = ActivityKind.objects.filter(active=True).order_by("pk").first()
print(json.dumps({"unit": world.a.pk, "person": world.staff_a.pk, "kind": kind.pk}))
"""


@dataclass
class Layout:
    front: int
    app_a: int
    app_b: int
    cache_port: int
    world: dict[str, int]

    def url(self, port: int, path: str) -> str:
        return f"http://127.0.0.1:{port}{path}"


def _needs_system_packages() -> None:
    found = {"nginx": Path("/usr/sbin/nginx").exists() or shutil.which("nginx"),
             "postgresql": any(Path("/usr/lib/postgresql").glob("*/bin/initdb")),
             "valkey-server/redis-server": shutil.which("valkey-server") or shutil.which("redis-server")}
    if missing := [name for name, there in found.items() if not there]:
        pytest.fail(f"缺少系统软件包（{'、'.join(missing)}）：请先运行 make system-deps")


@pytest.fixture
def layout() -> Iterator[Layout]:
    _needs_system_packages()
    folder = Path(tempfile.mkdtemp(prefix="qinglian-prod-", dir="/tmp"))
    folder.chmod(0o755)  # PostgreSQL runs as its own user under root and must reach its data folder
    ports = [free_port() for _ in range(5)]
    env = {**os.environ, "QINGLIAN_PROD_DIR": str(folder), "QINGLIAN_PROD_FRONT_PORT": str(ports[0]),
           "QINGLIAN_PROD_APP_PORTS": f"{ports[1]} {ports[2]}", "QINGLIAN_PROD_PG_PORT": str(ports[3]),
           "QINGLIAN_PROD_CACHE_PORT": str(ports[4]), "QINGLIAN_PROD_WORKERS": "1",
           "QINGLIAN_PROD_DEMO_PEOPLE": "0", "QINGLIAN_PYTHON": sys.executable,
           "QINGLIAN_PROD_PG_OPTIONS": "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"}
    for name in ("DATABASE_URL", "CACHE_URL", "REDIS_URL", "QINGLIAN_DATA_DIR", "QINGLIAN_KEY_FILE"):
        env.pop(name, None)
    started = time.monotonic()
    try:
        result = subprocess.run(["bash", str(SCRIPT), "start"], env=env, cwd=ROOT, capture_output=True, text=True,
                                timeout=START_SECONDS)
        assert result.returncode == 0, f"prod-local start failed:\n{result.stdout}\n{result.stderr}"
        assert f"http://127.0.0.1:{ports[0]}/" in result.stdout
        shared = dict(line.removeprefix("declare -x ").split("=", 1)
                      for line in (folder / "env").read_text().splitlines())
        seed_env = {**env, **{k: shlex.split(v)[0] for k, v in shared.items()}}
        seeded = subprocess.run([sys.executable, "-c", SEED], env={**seed_env, "DJANGO_SETTINGS_MODULE":
                                                                   "qinglian.settings"},
                                cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert seeded.returncode == 0, seeded.stderr
        print(f"layout up and seeded in {time.monotonic() - started:.1f} s")
        yield Layout(front=ports[0], app_a=ports[1], app_b=ports[2], cache_port=ports[4],
                     world=json.loads(seeded.stdout.strip().splitlines()[-1]))
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop"], env=env, cwd=ROOT, capture_output=True, timeout=120)
        shutil.rmtree(folder, ignore_errors=True)


def _csrf(page: requests.Response) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert found, page.text[:500]
    return found.group(1)


def _log_in(layout: Layout, port: int, username: str, password: str = PASSWORD) -> tuple[requests.Session,
                                                                                          requests.Response]:
    session = requests.Session()
    form = session.get(layout.url(port, "/login/"), timeout=30)
    response = session.post(layout.url(port, "/login/"), timeout=30, allow_redirects=False,
                            data={"username": username, "password": password, "csrfmiddlewaretoken": _csrf(form)})
    return session, response


def _signed_in(layout: Layout, port: int, username: str = "clerk_a") -> requests.Session:
    session, response = _log_in(layout, port, username)
    assert response.status_code == 302, response.text[:500]
    return session


def _total(layout: Layout, session: requests.Session, port: int) -> int:
    response = session.get(layout.url(port, "/stats/figures.json"), timeout=30,
                           params={"unit": layout.world["unit"], "from": "2024-01-01", "to": "2024-12-31"})
    assert response.status_code == 200, response.text[:300]
    return sum(f["count"] for f in response.json()["figures"])


def _a_write_through_one_app_process_is_counted_at_once_through_the_other(layout: Layout) -> None:
    a, b = _signed_in(layout, layout.app_a), _signed_in(layout, layout.app_b)
    before = _total(layout, b, layout.app_b)
    assert _total(layout, b, layout.app_b) == before  # asked again: answered from the shared memo
    cache = redis.Redis(host="127.0.0.1", port=layout.cache_port)
    assert cache.keys("*:memo:*"), "the figures were not memoised in the shared cache"
    assert cache.keys("*:rate:*"), "the log-ins were not counted in the shared cache"

    content = b"%PDF-1.4\n% minutes of the 2024-03-05 meeting\n"
    form = a.get(layout.url(layout.app_a, "/records/activities/new/"), timeout=30)
    created = a.post(layout.url(layout.app_a, "/records/activities/new/"), timeout=60, allow_redirects=False,
                     data={"unit": layout.world["unit"], "kind": layout.world["kind"], "happened_on": "2024-03-05",
                           "topic": "集中学习", "participants": [layout.world["person"]],
                           "csrfmiddlewaretoken": _csrf(form)},
                     files={"files": ("会议纪要.pdf", content, "application/pdf")})
    assert created.status_code == 302, created.text[:800]
    assert _total(layout, b, layout.app_b) == before + 1  # the memo of B's question is not served stale

    detail = b.get(layout.url(layout.app_b, created.headers["Location"]), timeout=30)
    assert detail.status_code == 200 and "会议纪要.pdf" in detail.text
    link = re.search(r'href="(/records/attachments/\d+/)"', detail.text)
    assert link, detail.text[:800]
    download = b.get(layout.url(layout.app_b, link.group(1)), timeout=30)
    assert download.status_code == 200 and download.content == content


def _a_lockout_through_one_app_process_holds_on_the_other(layout: Layout) -> None:
    for _ in range(5):  # the security policy's default failure limit
        _session, wrong = _log_in(layout, layout.app_a, "leader_a", "Wrong#Pass2026")
        assert wrong.status_code == 200 and "用户名或密码错误" in wrong.text
    _session, refused = _log_in(layout, layout.app_b, "leader_a")
    assert refused.status_code == 200 and "已被临时锁定" in refused.text


def _nginx_in_front_serves_pages_from_either_process_and_the_static_files(layout: Layout) -> None:
    front = _signed_in(layout, layout.front)
    assert _total(layout, front, layout.front) >= 0
    home = front.get(layout.url(layout.front, "/"), timeout=30)
    assert home.status_code == 200
    style = re.search(r'href="(/static/[^"]+\.css)"', home.text)
    assert style, home.text[:500]
    css = front.get(layout.url(layout.front, style.group(1)), timeout=30)
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")
    assert "nginx" in css.headers.get("Server", "")  # served by nginx itself, not through an app process


def test_two_app_processes_behind_nginx_share_data_memo_lockouts_and_files(layout: Layout) -> None:
    """One test, so that the layout starts once even when the suite is spread over workers (pytest -n 2)."""
    _a_write_through_one_app_process_is_counted_at_once_through_the_other(layout)
    _a_lockout_through_one_app_process_holds_on_the_other(layout)
    _nginx_in_front_serves_pages_from_either_process_and_the_static_files(layout)
