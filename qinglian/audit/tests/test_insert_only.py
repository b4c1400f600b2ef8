"""The database itself refuses to change or remove audit entries, whoever sends the SQL; the sanctioned
removals pass with a permit that ends with their transaction."""

from __future__ import annotations

import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from qinglian.audit.models import AuditEntry, ChainHead
from qinglian.audit.services import audit_log, verify_chain
from qinglian.audit.triggers import PERMIT_TABLE, app_role_grants, guarded_tables, removal_permit

ENTRIES = AuditEntry._meta.db_table
HEAD = ChainHead._meta.db_table
on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


def _raw(sql: str, params: list[object] | None = None) -> None:
    with transaction.atomic(), connection.cursor() as cursor:  # the savepoint keeps PostgreSQL's transaction usable
        cursor.execute(sql, params or [])


def _entries(n: int = 3) -> list[AuditEntry]:
    return [audit_log(action="create", summary=f"第{i}条") for i in range(n)]


@pytest.mark.django_db
def test_raw_update_of_an_audit_entry_is_refused() -> None:
    entry = _entries()[1]
    with pytest.raises(DatabaseError, match="insert-only"):
        _raw(f"UPDATE {ENTRIES} SET summary = %s WHERE id = %s", ["篡改", entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).summary == "第1条"


@pytest.mark.django_db
def test_raw_delete_of_audit_entries_is_refused() -> None:
    entries = _entries()
    with pytest.raises(DatabaseError, match="insert-only"):
        _raw(f"DELETE FROM {ENTRIES} WHERE id = %s", [entries[0].pk])
    with pytest.raises(DatabaseError, match="insert-only"):
        _raw(f"DELETE FROM {ENTRIES}")
    assert AuditEntry.objects.count() == 3
    assert verify_chain()[1] == []


@on_postgres
@pytest.mark.django_db
def test_truncate_of_the_audit_table_is_refused_on_postgresql() -> None:
    _entries()
    with pytest.raises(DatabaseError, match="insert-only"):
        _raw(f"TRUNCATE {ENTRIES}")
    with pytest.raises(DatabaseError, match="insert-only"):
        _raw(f"TRUNCATE {HEAD}")
    assert AuditEntry.objects.count() == 3


@pytest.mark.django_db
def test_the_chain_head_is_updated_by_every_append_but_never_deleted() -> None:
    _entries(2)
    with pytest.raises(DatabaseError, match="insert-only"):
        _raw(f"DELETE FROM {HEAD}")
    _entries(1)  # the append updated the head: updates pass
    assert ChainHead.objects.get(pk=1).count == 3
    assert verify_chain() == (3, [])


@pytest.mark.django_db
def test_a_permitted_removal_passes_and_the_permit_ends_with_its_block() -> None:
    entries = _entries()
    with removal_permit(ENTRIES, reason="archive"), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {ENTRIES} WHERE id = %s", [entries[0].pk])
    assert AuditEntry.objects.count() == 2
    with pytest.raises(DatabaseError, match="insert-only"):
        _raw(f"DELETE FROM {ENTRIES} WHERE id = %s", [entries[1].pk])
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {PERMIT_TABLE}")
            assert cursor.fetchone()[0] == 0


@pytest.mark.django_db
def test_a_permit_for_one_table_does_not_open_another() -> None:
    entries = _entries()
    with pytest.raises(DatabaseError, match="insert-only"), removal_permit(HEAD, reason="test"):
        _raw(f"DELETE FROM {ENTRIES} WHERE id = %s", [entries[0].pk])
    assert AuditEntry.objects.count() == 3


@pytest.mark.django_db
def test_a_failed_block_takes_its_permit_with_it() -> None:
    entries = _entries()
    with pytest.raises(RuntimeError), removal_permit(ENTRIES, reason="test"):
        _raw(f"DELETE FROM {ENTRIES} WHERE id = %s", [entries[0].pk])
        raise RuntimeError("the archive failed half-way")
    assert AuditEntry.objects.count() == 3
    with pytest.raises(DatabaseError, match="insert-only"):
        _raw(f"DELETE FROM {ENTRIES} WHERE id = %s", [entries[0].pk])


@pytest.mark.django_db
def test_the_database_names_what_it_guards() -> None:
    found = guarded_tables()
    truncate = {"TRUNCATE"} if connection.vendor == "postgresql" else set()
    assert found[ENTRIES] == {"UPDATE", "DELETE"} | truncate
    assert found[HEAD] == {"DELETE"} | truncate


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_audit_tables_through_a_permit() -> None:
    _entries()
    call_command("flush", interactive=False, verbosity=0)
    assert AuditEntry.objects.count() == 0 and not ChainHead.objects.exists()
    with pytest.raises(DatabaseError, match="insert-only"):  # and the triggers stand afterwards
        _entries(1)
        _raw(f"DELETE FROM {ENTRIES}")


@pytest.mark.django_db
def test_flush_is_refused_in_production(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PRODUCTION = True
    _entries(1)
    with pytest.raises(CommandError, match="生产环境不能清空数据库"):
        call_command("flush", interactive=False, verbosity=0)
    assert AuditEntry.objects.count() == 1


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_the_app_role_may_only_read_and_append_audit_entries() -> None:
    """The production layout: migrations run as the owner; the app's role gets `qinglian dbgrants`."""
    import psycopg

    role = f"qinglian_app_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" LOGIN')
        for sql in app_role_grants(role):
            cursor.execute(sql)
    entry = _entries(1)[0]
    s = connection.settings_dict
    try:
        with psycopg.connect(host=s["HOST"], port=s["PORT"], dbname=s["NAME"], user=role, autocommit=True) as app:
            app.execute(f"INSERT INTO {ENTRIES} (at, actor_name, action, object_type, object_id, summary, "
                        f"prev_hash, hash) VALUES (now(), '系统', 'create', '', '', '追加', 'x', 'y')")
            app.execute(f"UPDATE {HEAD} SET count = count WHERE id = 1")
            assert app.execute(f"SELECT count(*) FROM {ENTRIES}").fetchone()[0] == 2
            for sql in (f"UPDATE {ENTRIES} SET summary = 'x'", f"DELETE FROM {ENTRIES}", f"TRUNCATE {ENTRIES}",
                        f"DELETE FROM {HEAD}"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
                    app.execute(sql)
            # Even setting the permit gives the app's role nothing: it lacks the privilege itself.
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"), app.transaction():
                app.execute("SELECT set_config('qinglian.permit', '*', true)")
                app.execute(f"DELETE FROM {ENTRIES} WHERE id = %s", [entry.pk])
        assert AuditEntry.objects.filter(pk=entry.pk).exists()
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP OWNED BY "{role}"')
            cursor.execute(f'DROP ROLE "{role}"')
