"""The audit trail is append-only and its hash chain reveals any edited or deleted row."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from qinglian.audit.models import AuditEntry
from qinglian.audit.services import GENESIS, audit_log, unkeyed_hash, verify_chain
from qinglian.audit.triggers import removal_permit
from qinglian.lib.services import record_update
from qinglian.lib.testing import World

pytestmark = pytest.mark.django_db


def _some_entries(world: World) -> list[AuditEntry]:
    for post in ("一", "二", "三"):
        person = type(world.staff_a).objects.get(pk=world.staff_a.pk)
        record_update(user=world.clerk_a, obj=person, data={"post": post}, version=person.version)
    return list(AuditEntry.objects.order_by("id"))


def test_untouched_chain_verifies(world: World, capsys) -> None:  # type: ignore[no-untyped-def]
    _some_entries(world)
    checked, breaks = verify_chain()
    assert checked >= 3 and breaks == []
    call_command("audit", "verify")
    assert "哈希链校验通过" in capsys.readouterr().out


def test_tampering_one_row_in_the_database_is_found_and_named(world: World) -> None:
    entries = _some_entries(world)
    victim = entries[-2]
    table = AuditEntry._meta.db_table
    # The database refuses this (test_insert_only); someone holding the owner role can get past it.
    with removal_permit(table, reason="test"), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET summary = %s WHERE id = %s", ["篡改", victim.pk])
    _checked, breaks = verify_chain()
    assert [b.entry_id for b in breaks] == [victim.pk]
    with pytest.raises(CommandError, match="校验失败"):
        call_command("audit", "verify")


def test_deleting_a_row_in_the_database_is_found(world: World) -> None:
    entries = _some_entries(world)
    table = AuditEntry._meta.db_table
    with removal_permit(table, reason="test"), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [entries[1].pk])
    _, breaks = verify_chain()
    assert entries[2].pk in [b.entry_id for b in breaks]


def test_the_app_cannot_update_or_delete_audit_rows(world: World) -> None:
    entry = audit_log(action="create", summary="测试")
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(summary="改")
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(PermissionError):
        entry.delete()
    entry.summary = "改"
    with pytest.raises(PermissionError):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).summary == "测试"


def test_auditor_filters_the_log_page(world: World) -> None:
    _some_entries(world)
    client = world.client("auditor")
    page = client.get("/audit/", {"action": "update"}).content.decode()
    assert "修改干部" in page
    bad = client.get("/audit/", {"date_from": "2026-05-01", "date_to": "2026-04-01"}).content.decode()
    assert "截止日期早于起始日期" in bad


@pytest.mark.django_db
def test_a_chain_recomputed_without_the_key_fails_and_an_anchor_catches_truncation(tmp_path) -> None:
    """Whoever can write the database but lacks the key file: delete a row, recompute every hash with plain
    SM3 (as the outside test did) — verify names the first bad row and the damage. Truncating the newest rows
    and rewriting the chain head to match is caught by the auditor's anchor."""
    entries = [audit_log(action="create", summary=f"第{i}条") for i in range(5)]
    anchor = tmp_path / "anchor.jsonl"
    call_command("audit", "anchor", "--out", str(anchor), stdout=io.StringIO())
    call_command("audit", "verify", "--anchor", str(anchor), stdout=io.StringIO())

    with removal_permit("audit_auditentry", "audit_chainhead", reason="测试：模拟无密钥的篡改"), \
            connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entries[2].pk])
        prev = GENESIS
        for entry in AuditEntry.objects.order_by("pk"):
            entry.prev_hash = prev
            forged = unkeyed_hash(entry)
            cursor.execute("UPDATE audit_auditentry SET prev_hash = %s, hash = %s WHERE id = %s",
                           [prev, forged, entry.pk])
            prev = forged
        cursor.execute("UPDATE audit_chainhead SET last_hash = %s, count = %s", [prev, 4])
    err = io.StringIO()
    with pytest.raises(CommandError, match="校验失败"):
        call_command("audit", "verify", stdout=io.StringIO(), stderr=err)
    first = err.getvalue().splitlines()[0]
    assert f"第一处异常：第 {entries[0].pk} 条" in first and "不用密钥重算" in first


@pytest.mark.django_db
def test_the_anchor_catches_the_newest_rows_cut_off(tmp_path) -> None:
    entries = [audit_log(action="create", summary=f"第{i}条") for i in range(4)]
    anchor = tmp_path / "anchor.jsonl"
    call_command("audit", "anchor", "--out", str(anchor), stdout=io.StringIO())
    with removal_permit("audit_auditentry", "audit_chainhead", reason="测试：截断最新日志"), \
            connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entries[-1].pk])
        cursor.execute("UPDATE audit_chainhead SET last_hash = %s, count = %s", [entries[-2].hash, 3])
    call_command("audit", "verify", stdout=io.StringIO())  # without the anchor, a clean cut looks whole
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--anchor", str(anchor), stdout=io.StringIO(), stderr=err)
    assert "已不存在" in err.getvalue() and AuditEntry.objects.count() == 3
