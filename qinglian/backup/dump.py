"""The database half of a backup, per engine: a consistent copy while the app keeps serving, its restore, and
a canonical export of every table (rows in key order, one JSON line each) hashed with SM3.

SQLite: the online backup API copies the live file page by page under one read transaction (WAL lets the
writers go on), into a single self-contained file. PostgreSQL: a REPEATABLE READ transaction exports its
snapshot; `pg_dump -Fc --snapshot` dumps exactly that snapshot, and the counts and hashes of the manifest are
read in the same transaction, so they describe the dump and not the database a moment later.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404 - runs pg_dump/pg_restore with an argument list, never a shell
import uuid
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from glob import glob
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from qinglian.audit.services import sm3_hex

SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.dump"
BATCH = 2000


class DumpError(Exception):
    """A backup or restore step failed; the message is a Chinese sentence saying what to do."""


@dataclass
class Snapshot:
    tables: dict[str, dict[str, Any]]  # {table: {"rows": n, "sm3": hex}}
    migrations: list[tuple[str, str]]  # applied (app, name), as the copied database says


def engine() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def dump_file() -> str:
    return PG_FILE if engine() == "postgresql" else SQLITE_FILE


class Sm3:
    """SM3 fed in pieces (OpenSSL's), or gathered and hashed at the end where OpenSSL lacks SM3."""

    def __init__(self) -> None:
        try:
            self._h: Any = hashlib.new("sm3")
        except ValueError:  # pragma: no cover - OpenSSL without SM3
            self._h = None
            self._parts: list[bytes] = []

    def update(self, data: bytes) -> None:
        if self._h is not None:
            self._h.update(data)
        else:  # pragma: no cover
            self._parts.append(data)

    def hexdigest(self) -> str:
        return str(self._h.hexdigest()) if self._h is not None else sm3_hex(b"".join(self._parts))


# -- canonical export -------------------------------------------------------------------------------------
def _canon(value: Any) -> Any:
    if isinstance(value, memoryview | bytes | bytearray):
        return {"hex": bytes(value).hex()}
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return value


def _line(row: tuple[Any, ...]) -> str:
    return json.dumps([_canon(v) for v in row], ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _tables(cursor: Any, vendor: str) -> list[str]:
    if vendor == "postgresql":
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    else:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                       "ORDER BY name")
    return [row[0] for row in cursor.fetchall()]


def _integer_key(cursor: Any, vendor: str, table: str) -> list[str]:
    """The primary key's columns when they are all integers (rows then stream in key order), else []."""
    if vendor == "postgresql":
        cursor.execute("SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_index i "  # the table name read from the catalogue  # nosec B608
                       "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                       f"WHERE i.indrelid = '\"{table}\"'::regclass AND i.indisprimary")
        columns = cursor.fetchall()
        integer = all(t in {"integer", "bigint", "smallint"} for _, t in columns)
    else:
        cursor.execute(f'PRAGMA table_info("{table}")')
        columns = [(r[1], r[2]) for r in sorted((r for r in cursor.fetchall() if r[5]), key=lambda r: r[5])]
        integer = all("INT" in (t or "").upper() for _, t in columns)
    return [name for name, _ in columns] if columns and integer else []


def table_digests(cursor: Any, vendor: str) -> dict[str, dict[str, Any]]:
    """{table: {"rows": n, "sm3": …}} over every table of the database: the column names, then each row."""
    digests = {}
    for table in _tables(cursor, vendor):
        key = _integer_key(cursor, vendor, table)
        order = f" ORDER BY {', '.join(chr(34) + k + chr(34) for k in key)}" if key else ""
        cursor.execute(f'SELECT * FROM "{table}"{order}')  # nosec B608 - names read from the catalogue
        head = _line(tuple(d[0] for d in cursor.description))
        lines: Iterator[str] = (_line(row) for batch in iter(lambda: cursor.fetchmany(BATCH), []) for row in batch)
        if not key:
            lines = iter(sorted(lines))  # small tables (sessions, permits): order by content
        digest = Sm3()
        digest.update((head + "\n").encode())
        rows = 0
        for text in lines:
            digest.update((text + "\n").encode())
            rows += 1
        digests[table] = {"rows": rows, "sm3": digest.hexdigest()}
    return digests


def _applied(cursor: Any) -> list[tuple[str, str]]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [(a, n) for a, n in cursor.fetchall()]


# -- SQLite -----------------------------------------------------------------------------------------------
def _sqlite_path() -> Path:
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        raise DumpError("内存数据库无法备份：请让 DATABASE_URL 指向一个数据库文件。")
    return Path(name)


def sqlite_digests(path: Path) -> Snapshot:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        cursor = db.cursor()
        return Snapshot(table_digests(cursor, "sqlite"), _applied(cursor))


def _sqlite_backup(out: Path) -> Snapshot:
    with closing(sqlite3.connect(_sqlite_path(), timeout=30)) as live, closing(sqlite3.connect(out)) as copy:
        live.backup(copy)  # all pages in one step, one read transaction: a consistent copy
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    return sqlite_digests(out)


def _sqlite_restore(source: Path) -> None:
    target = _sqlite_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    connection.close()
    with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as backup, \
            closing(sqlite3.connect(target, timeout=30)) as db:
        backup.backup(db)


def sqlite_integrity() -> str:
    with closing(sqlite3.connect(f"file:{_sqlite_path()}?mode=ro", uri=True)) as db:
        return "; ".join(str(r[0]) for r in db.execute("PRAGMA integrity_check").fetchall())


# -- PostgreSQL -------------------------------------------------------------------------------------------
def pg_bin(tool: str) -> str:
    """pg_dump / pg_restore: QINGLIAN_PG_BIN, else the newest /usr/lib/postgresql/*/bin (as
    scripts/with-postgres.sh finds it: a pg_dump older than the server refuses to dump), else the PATH."""
    folders = [settings.QINGLIAN_PG_BIN] if settings.QINGLIAN_PG_BIN else []
    folders += sorted(glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True)
    for folder in folders:
        if os.access(Path(folder) / tool, os.X_OK):
            return str(Path(folder) / tool)
    found = shutil.which(tool)
    if found is None:
        raise DumpError(f"找不到 {tool}：请安装 PostgreSQL 客户端（postgresql-client），或用 QINGLIAN_PG_BIN 指明其目录。")
    return found


def _pg_args() -> tuple[list[str], dict[str, str]]:
    s = connection.settings_dict
    args = []
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if s.get(key):
            args += [flag, str(s[key])]
    env = {**os.environ, "PGPASSWORD": str(s.get("PASSWORD") or ""), "PGCONNECT_TIMEOUT": "10"}
    return [*args, "-d", str(s["NAME"])], env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # nosec B603
    if result.returncode != 0:
        raise DumpError(f"{what}失败：{result.stderr.strip()[-800:]}")


def _pg_backup(out: Path) -> Snapshot:
    args, env = _pg_args()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        _run([pg_bin("pg_dump"), "-Fc", "--no-owner", f"--snapshot={snapshot}", "-f", str(out), *args], env,
             "pg_dump 导出")
        return Snapshot(table_digests(cursor, "postgresql"), _applied(cursor))


def _pg_restore(source: Path) -> None:
    args, env = _pg_args()
    connection.close()
    _run([pg_bin("pg_restore"), "--no-owner", "--exit-on-error", "--single-transaction", *args, str(source)], env,
         "pg_restore 恢复")


def pg_digests() -> Snapshot:
    with connection.cursor() as cursor:
        return Snapshot(table_digests(cursor, "postgresql"), _applied(cursor))


# -- the engine-neutral calls -----------------------------------------------------------------------------
def backup_database(out: Path) -> Snapshot:
    return _pg_backup(out) if engine() == "postgresql" else _sqlite_backup(out)


def restore_database(source: Path) -> None:
    if engine() == "postgresql":
        _pg_restore(source)
    else:
        _sqlite_restore(source)


def restored_digests() -> Snapshot:
    return pg_digests() if engine() == "postgresql" else sqlite_digests(_sqlite_path())


def existing_tables() -> list[str]:
    if engine() == "sqlite" and not _sqlite_path().exists():
        return []
    with connection.cursor() as cursor:
        return _tables(cursor, connection.vendor)
