"""The lockout holds under concurrency: attempts on one username are taken one at a time (a locked counter
row), so a burst of wrong passwords evaluates exactly the policy's limit, and a right password arriving once
the lock holds is refused. Real threads, each with its own client and database connection."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from django.test import Client

from qinglian.audit.models import AuditEntry
from qinglian.lib.testing import PASSWORD, build_world
from qinglian.org.auth import locked_until

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _threads_share_one_database(transactional_db: None, tmp_path: Path) -> Iterator[None]:
    """On SQLite the test database lives in memory with a shared cache, where a second writer fails at once
    ("database table is locked") instead of waiting as it does on the file (WAL, busy timeout) a real
    installation uses. So the threads get a file copy of the test database; PostgreSQL needs nothing."""
    main = connections["default"]
    if main.vendor != "sqlite" or not main.is_in_memory_db():
        yield
        return
    path = tmp_path / "race.sqlite3"
    main.ensure_connection()
    copy = sqlite3.connect(path)
    main.connection.backup(copy)
    copy.close()
    original = connections.settings["default"]
    connections.settings["default"] = {**original, "NAME": str(path)}
    connections["default"] = connections.create_connection("default")
    try:
        yield
    finally:
        connections["default"].close()
        connections.settings["default"] = original
        connections["default"] = main

WRONG = "Wrong#Pass123"


def _burst(passwords: list[str], username: str = "clerk_a") -> list[bool]:
    """Post all `passwords` for `username` at once, one thread each; True where that post logged in."""
    barrier = threading.Barrier(len(passwords))
    results: list[Any] = [None] * len(passwords)

    def attempt(i: int, password: str) -> None:
        try:
            client = Client()
            barrier.wait()
            response = client.post("/login/", {"username": username, "password": password})
            results[i] = response.status_code == 302 and "_auth_user_id" in client.session
        except Exception as exc:  # reported below, with the thread's own error
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i, p)) for i, p in enumerate(passwords)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    return results


def _count(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


def test_twenty_concurrent_wrong_passwords_evaluate_exactly_five_and_lock() -> None:
    build_world()
    results = _burst([WRONG] * 20)
    assert not any(results)
    assert _count("login_failed") == 5  # the limit, not however many raced past the check
    assert _count("locked") == 15
    assert locked_until("clerk_a") is not None


def test_a_right_password_in_the_burst_gets_in_only_before_the_lock() -> None:
    build_world()
    results = _burst([WRONG] * 20 + [PASSWORD])
    failed, refused = _count("login_failed"), _count("locked")
    if results[-1]:
        # It came before the fifth failure (k < 5 of them), reset the count, and five more locked the name.
        assert 5 <= failed < 10 and failed + refused == 20
    else:
        assert failed == 5 and refused == 16
    assert locked_until("clerk_a") is not None


def test_once_the_lock_holds_a_burst_of_right_passwords_is_refused() -> None:
    build_world()
    _burst([WRONG] * 5)
    assert locked_until("clerk_a") is not None
    results = _burst([PASSWORD] * 10 + [WRONG] * 10)
    assert not any(results)
    assert _count("login_failed") == 5 and _count("locked") == 20
