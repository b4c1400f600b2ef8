"""Nothing acknowledged is lost (issue 14): `qinglian serve` killed with SIGKILL in the middle of a burst of writes,
restarted, keeps every write it answered with a redirect, and `audit verify` and `files check` pass.

Real HTTP against a real server on a free loopback port, its own database (a SQLite file, or a database on the
PostgreSQL server DATABASE_URL names) holding the demo county, a demo clerk logging in, and
the activity form posted with its CSRF and one-time tokens, a third of the posts with an attachment. Four
writers post back to back, so the kill catches several posts in flight. It depends on the engine (what a
commit means after a crash), so it runs on both.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

from qinglian.lib.testing import database_copy, drop_database, free_port, load_demo, wait_for
from qinglian.org.demo import DEMO_PASSWORD

pytestmark = pytest.mark.slow  # two server starts and a burst
ROOT = Path(__file__).resolve().parents[3]
WRITERS = 4
KILL_AFTER = 12  # acknowledged writes before the kill
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# -- a small browser: cookies, forms, no redirects followed -------------------------------------------------
class _Form(HTMLParser):
    """The fields of the first form on a page that has a field named `marker`, as a browser would post them,
    and the options of each select and each group of check boxes."""

    def __init__(self, marker: str) -> None:
        super().__init__()
        self.marker, self.forms, self.options = marker, [], {}  # type: ignore[var-annotated]
        self._form: list[tuple[str, str]] | None = None
        self._select: tuple[str, bool, list[tuple[str, bool]]] | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = []
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                self.options.setdefault(a["name"], []).append(a.get("value", ""))
            if (kind in ("checkbox", "radio") and "checked" not in a) or kind in ("file", "submit", "button"):
                return
            self._form.append((a["name"], a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self._select = (a["name"], "multiple" in a, [])
        elif tag == "option" and self._select is not None:
            self._select[2].append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if self._form is None:
            return
        if tag == "select" and self._select is not None:
            name, multiple, options = self._select
            self.options[name] = [v for v, _ in options]
            chosen = [v for v, selected in options if selected] or ([] if multiple else [options[0][0]] if options else [])
            self._form.extend((name, v) for v in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._form.append((self._textarea, self._text.strip("\n")))
            self._textarea = None
        elif tag == "form":
            if any(name == self.marker for name, _ in self._form):
                self.forms.append(self._form)
            self._form = None


class Browser:
    def __init__(self, port: int) -> None:
        self.port, self.cookies = port, SimpleCookie()

    def request(self, method: str, path: str, body: bytes = b"", content_type: str = "") -> tuple[int, str, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Host": f"127.0.0.1:{self.port}", "Referer": f"http://127.0.0.1:{self.port}{path}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        try:
            conn.request(method, path, body=body or None, headers=headers)
            response = conn.getresponse()
            for header in response.headers.get_all("Set-Cookie") or []:
                self.cookies.load(header)
            return response.status, response.getheader("Location", ""), response.read().decode()
        finally:
            conn.close()

    def form(self, path: str, marker: str) -> tuple[list[tuple[str, str]], dict[str, list[str]]]:
        status, _, page = self.request("GET", path)
        assert status == 200, f"GET {path}: {status}"
        parser = _Form(marker)
        parser.feed(page)
        assert parser.forms, f"no form with {marker} on {path}"
        return parser.forms[0], parser.options

    def post(self, path: str, fields: list[tuple[str, str]], files: list[tuple[str, str, bytes]] = ()
             ) -> tuple[int, str, str]:
        if not files:
            return self.request("POST", path, urlencode(fields).encode(), "application/x-www-form-urlencoded")
        boundary = uuid.uuid4().hex
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                 for k, v in fields]
        parts += [(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"; filename="{n}"\r\n'
                   "Content-Type: application/pdf\r\n\r\n").encode() + data + b"\r\n" for k, n, data in files]
        return self.request("POST", path, b"".join(parts) + f"--{boundary}--\r\n".encode(),
                            f"multipart/form-data; boundary={boundary}")

    def log_in(self, username: str) -> None:
        fields, _ = self.form("/login/", "username")
        filled = [(k, v) for k, v in fields if k not in ("username", "password")]
        status, location, page = self.post("/login/", [*filled, ("username", username), ("password", DEMO_PASSWORD)])
        assert status == 302 and "/login/" not in location, f"log-in refused: {status} {page[:500]}"


def _errors(page: str) -> list[str]:
    """The error messages a re-shown form carries."""
    return [re.sub(r"<[^>]+>", "", m) for m in re.findall(r'class="[^"]*error[^"]*"[^>]*>(.*?)</(?:ul|div|p)>', page, re.S)]


# -- the server ---------------------------------------------------------------------------------------------
def _answers(port: int) -> bool:
    try:
        return Browser(port).request("GET", "/login/")[0] == 200
    except OSError:
        return False


def _qinglian(env: dict[str, str], cwd: Path, *args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qinglian.cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout, check=False)


def _serve(env: dict[str, str], cwd: Path, port: int) -> subprocess.Popen[bytes]:
    """`qinglian serve` in a process group of its own (gunicorn's master and workers with it)."""
    server = subprocess.Popen([sys.executable, "-m", "qinglian.cli", "serve", "--port", str(port), "--workers", "2",
                               "--threads", "2"], cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                              stderr=open(cwd / "serve.log", "ab"), start_new_session=True)
    if not wait_for(lambda: _answers(port), 60):
        os.killpg(server.pid, signal.SIGKILL)
        pytest.fail(f"qinglian serve did not answer within 60 s: {(cwd / 'serve.log').read_text()[-2000:]}")
    return server


def _kill_group(server: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)
    server.wait(10)
    assert wait_for(lambda: not _group_alive(server.pid), 10), "gunicorn workers outlived SIGKILL"


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


# -- the test -----------------------------------------------------------------------------------------------
@pytest.fixture
def demo_site(transactional_db, settings, tmp_path: Path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A DATABASE_URL of a database of its own holding the demo county, its files in tmp_path/files (where
    `qinglian serve` with QINGLIAN_DATA_DIR=tmp_path keeps them)."""
    settings.MEDIA_ROOT = str(tmp_path / "files")
    load_demo("--today", "2026-11-23")
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from qinglian.org.models import User

    pbkdf2 = PBKDF2PasswordHasher()  # the server's hasher; the test process hashes with MD5 (conftest)
    User.objects.filter(username="xcb_clerk").update(password=pbkdf2.encode(DEMO_PASSWORD, pbkdf2.salt()))
    url = database_copy(tmp_path)
    yield url
    drop_database(url)


def test_kill_9_mid_burst_loses_no_acknowledged_write(tmp_path: Path, demo_site: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QINGLIAN_DATA_DIR": str(tmp_path), "DATABASE_URL": demo_site,
           "DJANGO_SETTINGS_MODULE": "qinglian.settings"}  # the session's key file (QINGLIAN_KEY_FILE) with it
    port = free_port()
    server = _serve(env, tmp_path, port)

    acknowledged: list[tuple[str, str]] = []  # (topic, the activity's page the 302 pointed at)
    failures: list[str] = []
    killed = threading.Event()
    lock = threading.Lock()

    def writer(n: int) -> None:
        browser = Browser(port)
        browser.log_in("xcb_clerk")
        for i in range(1000):
            topic = f"断电演练第{n}组第{i}次"
            try:
                fields, options = browser.form("/records/activities/new/", "once_token")
                kind = next(v for v in options["kind"] if v)
                filled = [(k, v) for k, v in fields if k not in ("topic", "happened_on", "kind")]
                filled += [("topic", topic), ("happened_on", "2025年3月5日"), ("kind", kind),
                           ("participants", options["participants"][0])]
                attached = [("files", f"纪要{n}-{i}.pdf", PDF + (b"%%%d\n" % i if i % 2 else b""))] if i % 3 == 0 else []
                status, location, page = browser.post("/records/activities/new/", filled, attached)
            except (OSError, http.client.HTTPException) as exc:
                if not killed.is_set():
                    failures.append(f"before the kill: {exc!r}")
                return
            if status == 302 and re.fullmatch(r"/records/activities/\d+/", location):
                with lock:
                    acknowledged.append((topic, location))
            elif not killed.is_set():
                failures.append(f"{status} {location} {_errors(page)}")
                return

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    try:
        for t in threads:
            t.start()
        assert wait_for(lambda: len(acknowledged) >= KILL_AFTER or failures or not any(t.is_alive() for t in threads),
                     120), "the burst did not get going"
        assert not failures, failures
        killed.set()
        _kill_group(server)  # kill -9, the master and every worker, requests in flight
        for t in threads:
            t.join(30)
        with lock:
            kept = list(acknowledged)
        assert not failures, failures
        assert len(kept) >= KILL_AFTER

        server = _serve(env, tmp_path, port)
        browser = Browser(port)
        browser.log_in("xcb_clerk")
        lost = []
        for topic, location in kept:
            status, _, page = browser.request("GET", location)
            if status != 200 or topic not in page:
                lost.append((topic, location, status))
        assert not lost, f"acknowledged writes lost after kill -9: {lost}"
    finally:
        killed.set()
        _kill_group(server)

    verify = _qinglian(env, tmp_path, "audit", "verify")
    assert verify.returncode == 0, verify.stderr
    assert "哈希链校验通过" in verify.stdout
    check = _qinglian(env, tmp_path, "files", "check")
    assert check.returncode == 0, check.stdout + check.stderr
