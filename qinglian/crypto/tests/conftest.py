from __future__ import annotations

import datetime as dt

import pytest

from qinglian.crypto.keys import new_key_file, write_key_file
from qinglian.crypto.provider import reset_provider


@pytest.fixture
def key_file(tmp_path, settings):  # type: ignore[no-untyped-def]
    """A key file of this test's own (rotations do not touch the session's)."""
    path = tmp_path / "keys" / "qinglian-keys.json"
    write_key_file(path, new_key_file())
    settings.QINGLIAN_KEY_FILE = str(path)
    reset_provider()
    yield path
    reset_provider()


def make_activity(world, minutes: str, topic: str = "廉政提醒谈话"):  # type: ignore[no-untyped-def]
    from qinglian.lib.services import record_create
    from qinglian.records.models import Activity, ActivityKind

    kind = ActivityKind.objects.get(code="integrity_reminder_talk")
    return record_create(user=world.clerk_a, obj=Activity(
        unit=world.a, kind=kind, happened_on=dt.date(2026, 3, 2), topic=topic, minutes=minutes))
