"""The migrations of issue 11 on accounts that exist: superusers cleared, usernames normalised, clashes
reported by name rather than guessed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("org", "0002_drop_deleted_at_index")]


def _migrate(targets: list[tuple[str, str]]) -> object:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(scope="module")
def _before(django_db_setup, django_db_blocker) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Back to BEFORE once for the module (unapplying every app that builds on org costs tens of seconds),
    forward to the latest at its end."""
    with django_db_blocker.unblock():
        latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
        _migrate(BEFORE)
    yield
    with django_db_blocker.unblock():
        _migrate(latest)


@pytest.fixture
def old_schema(_before) -> Iterator[object]:  # type: ignore[no-untyped-def]
    apps = _migrate(BEFORE)  # cheap once there: only org's own steps from an earlier test come back
    yield apps
    apps.get_model("org", "User").objects.all().delete()


def test_the_superuser_flag_is_cleared_and_names_get_their_key(old_schema) -> None:  # type: ignore[no-untyped-def]
    User = old_schema.get_model("org", "User")
    User.objects.create(username="SysAdmin", role="sysadmin", is_superuser=True, is_staff=True, password="!")
    User.objects.create(username="ｃｌｅｒｋ", role="clerk", password="!")
    apps = _migrate([("org", "0005_login_throttle")])
    rows = {u.username: u for u in apps.get_model("org", "User").objects.all()}
    assert not rows["SysAdmin"].is_superuser
    assert rows["SysAdmin"].username_key == "sysadmin"
    assert rows["ｃｌｅｒｋ"].username_key == "clerk"


def test_clashing_names_stop_the_migration_and_are_listed(old_schema) -> None:  # type: ignore[no-untyped-def]
    User = old_schema.get_model("org", "User")
    for name in ("locktest", "LOCKTEST", "ｌｏｃｋｔｅｓｔ", "other"):
        User.objects.create(username=name, role="clerk", password="!")
    with pytest.raises(RuntimeError) as excinfo:
        _migrate([("org", "0005_login_throttle")])
    message = str(excinfo.value)
    assert "LOCKTEST、locktest、ｌｏｃｋｔｅｓｔ" in message and "other" not in message
    assert "请先给其中的账号改名" in message
