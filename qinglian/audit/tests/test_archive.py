"""Retention: only the audit admin archives, only what is older than the retention, and the chain that
remains verifies from where the archive cut it."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from qinglian.audit.archive import ArchiveRefused, archive
from qinglian.audit.models import Action, AuditEntry
from qinglian.audit.services import audit_log, verify_chain
from qinglian.history.models import Version
from qinglian.lib.testing import World

pytestmark = pytest.mark.django_db


def _backdate(days: int) -> None:
    """Entries and history rows written now, moved back in time (as the owner role could, through the permit)."""
    from qinglian.audit.triggers import removal_permit

    with removal_permit("audit_auditentry", "history_version", reason="测试：回拨时间"), connection.cursor() as c:
        c.execute("UPDATE audit_auditentry SET at = %s", [timezone.now() - dt.timedelta(days=days)])
        c.execute("UPDATE history_version SET at = %s", [timezone.now() - dt.timedelta(days=days)])


def test_archive_removes_nothing_when_the_copy_does_not_verify(world: World, tmp_path) -> None:
    """Rows whose time was changed behind the chain's back: the copy's chain fails, nothing is removed."""
    old = AuditEntry.objects.count()
    assert old > 0 and Version.objects.exists()
    _backdate(200)
    # the backdating changed what the old hashes cover: archive refuses a copy whose chain does not hold
    with pytest.raises(ArchiveRefused, match="哈希链不连续"):
        archive(user=world.auditor, before=timezone.now() - dt.timedelta(days=190), directory=tmp_path)
    assert AuditEntry.objects.count() == old  # nothing removed


def test_archive_copies_checks_removes_and_verify_goes_on(world: World, tmp_path, settings) -> None:
    settings.QINGLIAN_RETENTION_DAYS = 180
    cut = timezone.now() + dt.timedelta(seconds=1)
    with pytest.raises(ArchiveRefused, match="至少保留 180 天"):
        archive(user=world.auditor, before=cut, directory=tmp_path)
    with pytest.raises(ArchiveRefused, match="只有审计管理员"):
        archive(user=world.secadmin, before=cut - dt.timedelta(days=181), directory=tmp_path)
    # rows older than the retention: let the clock stand 200 days later
    later = timezone.now() + dt.timedelta(days=200)
    before_count, versions = AuditEntry.objects.count(), Version.objects.count()
    from unittest import mock

    with mock.patch("qinglian.audit.archive.earliest_cut", return_value=later - dt.timedelta(days=180)):
        done = archive(user=world.auditor, before=cut, directory=tmp_path)
    assert done.entries == before_count and done.versions == versions
    assert AuditEntry.objects.filter(action=Action.ARCHIVE).count() == 1 and Version.objects.count() == 0
    lines = (done.location / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == before_count and json.loads(lines[0])["hash"]
    checked, breaks = verify_chain()
    assert breaks == [] and checked == 1
    audit_log(action=Action.CREATE, summary="归档之后的一条")
    assert verify_chain()[1] == []
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "通过" in out.getvalue()
    # the archive mark cannot be changed behind the chain's back
    with pytest.raises(DatabaseError, match="insert-only"), transaction.atomic(), connection.cursor() as c:
        c.execute("UPDATE audit_archivemark SET entries = 0")


def test_the_command_needs_the_audit_admin_and_a_date(world: World) -> None:
    with pytest.raises(CommandError, match="--before"):
        call_command("audit", "archive")
    with pytest.raises(CommandError, match="只有审计管理员"):
        call_command("audit", "archive", "--before", "2020-01-01", "--by", world.clerk_a.username)
    with pytest.raises(CommandError, match="没有可归档"):
        call_command("audit", "archive", "--before", "2020-01-01", "--by", world.auditor.username)


def test_a_retention_under_180_days_refuses_to_start() -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "QINGLIAN_RETENTION_DAYS": "90"}
    run = subprocess.run([sys.executable, "-c", "import django, os; os.environ.setdefault("
                          "'DJANGO_SETTINGS_MODULE', 'qinglian.settings'); django.setup()"],
                         env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode != 0 and "至少保留 180 天" in run.stderr
