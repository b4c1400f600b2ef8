"""Insert-only tables enforced by the database itself, on SQLite and PostgreSQL.

The ORM already refuses updates and deletes of audit rows (AppendOnlyQuerySet); the triggers made here refuse
them to raw SQL as well, whoever sends it. A migration guards a table with one call:

    operations = [*insert_only("audit_auditentry"), *no_delete("audit_chainhead")]

Each call is idempotent (it drops and re-creates its triggers), so a later migration may call it again, e.g.
after an operation that makes SQLite rebuild the table, which drops the table's triggers with it.

The only ways rows leave a guarded table are the sanctioned removals (the archive, the test suite's flush),
and they pass through `removal_permit()`: a permit the triggers check, valid only inside the transaction that
holds it — a row in `qinglian_permit` on SQLite (deleted before the transaction ends), a transaction-local
setting (`qinglian.permit`) on PostgreSQL. The triggers are never dropped to let something through.

On PostgreSQL the triggers are the second line: the app's own role holds only SELECT and INSERT on these
tables (`qinglian dbgrants ROLE`, docs/deploy.md), so even a permit does not let it delete.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connections, migrations, transaction

PERMIT_TABLE = "qinglian_permit"  # SQLite only; not a Django model, so `flush` never empties it
PERMIT_SETTING = "qinglian.permit"  # PostgreSQL only; transaction-local
FUNCTION = "qinglian_guard"
ALL = "*"
SUFFIX = "__qinglian_guard"  # every guard trigger's name ends with it: `guarded_tables()` finds them by it


def insert_only(table: str) -> list[migrations.RunPython]:
    """Operations refusing UPDATE, DELETE (and TRUNCATE on PostgreSQL) on `table` without a permit."""
    return guard(table, ("UPDATE", "DELETE", "TRUNCATE"))


def no_delete(table: str) -> list[migrations.RunPython]:
    """Operations refusing DELETE (and TRUNCATE) on `table`, whose rows may still be updated (the chain head)."""
    return guard(table, ("DELETE", "TRUNCATE"))


def guard(table: str, refused: Sequence[str]) -> list[migrations.RunPython]:
    def forward(apps: Any, schema_editor: Any) -> None:
        with schema_editor.connection.cursor() as cursor:
            for sql in _create(schema_editor.connection.vendor, table, refused):
                cursor.execute(sql)

    def backward(apps: Any, schema_editor: Any) -> None:
        with schema_editor.connection.cursor() as cursor:
            for sql in _drop(schema_editor.connection.vendor, table):
                cursor.execute(sql)

    return [migrations.RunPython(forward, backward, elidable=False)]


def _name(table: str, op: str) -> str:
    return f"{table}__{op.lower()}{SUFFIX}"


def _message(table: str, op: str) -> str:
    verb = "修改" if op == "UPDATE" else "删除"
    return f"{table} is insert-only: {op} refused (此表只能追加，不能{verb})"


def _create(vendor: str, table: str, refused: Sequence[str]) -> list[str]:
    statements = _drop(vendor, table)
    if vendor == "sqlite":
        statements.append(f"CREATE TABLE IF NOT EXISTS {PERMIT_TABLE} "
                          "(id INTEGER PRIMARY KEY AUTOINCREMENT, table_name TEXT NOT NULL, reason TEXT NOT NULL)")
        for op in refused:
            if op == "TRUNCATE":
                continue  # SQLite has none: a "truncate" is a DELETE without WHERE, refused row by row
            statements.append(
                f'CREATE TRIGGER "{_name(table, op)}" BEFORE {op} ON "{table}" FOR EACH ROW '  # names from migrations' own table names  # nosec B608
                f"WHEN NOT EXISTS (SELECT 1 FROM {PERMIT_TABLE} WHERE table_name IN ('{table}', '{ALL}')) "
                f"BEGIN SELECT RAISE(ABORT, '{_message(table, op)}'); END")
        return statements
    if vendor == "postgresql":
        statements.append(_PG_FUNCTION)
        for op in refused:
            level = "STATEMENT" if op == "TRUNCATE" else "ROW"
            statements.append(f'CREATE TRIGGER "{_name(table, op)}" BEFORE {op} ON "{table}" '
                              f"FOR EACH {level} EXECUTE FUNCTION {FUNCTION}()")
        return statements
    raise NotImplementedError(f"insert-only triggers exist for SQLite and PostgreSQL, not for {vendor}")


def _drop(vendor: str, table: str) -> list[str]:
    on = f' ON "{table}"' if vendor == "postgresql" else ""
    return [f'DROP TRIGGER IF EXISTS "{_name(table, op)}"{on}' for op in ("UPDATE", "DELETE", "TRUNCATE")]


# Row triggers let the row through by returning it (NULL would skip it silently); TRUNCATE is statement-level.
_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    permit text := coalesce(current_setting('{PERMIT_SETTING}', true), '');
BEGIN
    IF permit = '{ALL}' OR TG_TABLE_NAME = ANY(string_to_array(permit, ',')) THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% is insert-only: % refused (此表只能追加，不能修改或删除)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""


@contextmanager
def removal_permit(*tables: str, reason: str, using: str = "default") -> Iterator[None]:
    """Let the statements run inside this block update or delete rows of `tables` (all guarded tables when
    none is named). The permit lives in the block's own transaction and ends with it."""
    connection = connections[using]
    names = ",".join(tables) if tables else ALL
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config(%s, %s, true)", [PERMIT_SETTING, names])
            yield
            cursor.execute("SELECT set_config(%s, '', true)", [PERMIT_SETTING])
            return
        ids = []
        for name in names.split(","):
            cursor.execute(f"INSERT INTO {PERMIT_TABLE} (table_name, reason) VALUES (%s, %s)", [name, reason])  # a constant table name; values bound  # nosec B608
            ids.append(cursor.lastrowid)
        yield
        # An exception above rolls the permit back with everything else; on success it is removed before commit.
        cursor.execute(f"DELETE FROM {PERMIT_TABLE} WHERE id IN ({', '.join(str(i) for i in ids)})")  # ids this block inserted  # nosec B608


def guarded_tables(using: str = "default") -> dict[str, set[str]]:
    """{table: {"UPDATE", "DELETE", …}}: what the triggers in the database refuse, read from the database."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE %s",
                           [f"%{SUFFIX}"])
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                           [f"%{SUFFIX}"])
        names = [row[0] for row in cursor.fetchall()]
    found: dict[str, set[str]] = {}
    for name in names:
        table, op = name[: -len(SUFFIX)].rsplit("__", 1)
        found.setdefault(table, set()).add(op.upper())
    return found


def app_role_grants(role: str, using: str = "default") -> list[str]:
    """The GRANTs of the production layout on PostgreSQL (run as the owner role after each migrate): the app's
    role may read and write every table, but only SELECT and INSERT the insert-only ones."""
    quoted = '"' + role.replace('"', '""') + '"'
    statements = [
        f"GRANT USAGE ON SCHEMA public TO {quoted}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM {quoted}",
    ]
    for table, refused in sorted(guarded_tables(using).items()):
        ops = ", ".join(op for op in ("UPDATE", "DELETE") if op in refused)
        statements.append(f'REVOKE {ops} ON "{table}" FROM {quoted}')
    return statements
