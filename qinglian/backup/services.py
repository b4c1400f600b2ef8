"""Backups proven by restoring them: `backup_create` writes a backup directory, `backup_restore` restores one
into an empty database and file store and, asked to, verifies everything and writes the 备份恢复测试记录.

A backup directory holds the database copy (dump.py), `files/` (MEDIA_ROOT as it was just after the database
copy: a file is written before the row that names it commits, so every row finds its file), `keys/` only when
QINGLIAN_BACKUP_KEYS says so, and `manifest.json`, written last: a directory without it is no backup.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import socket
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from qinglian.audit.models import Action, AuditEntry
from qinglian.audit.services import audit_log, verify_chain
from qinglian.backup import dump
from qinglian.backup.dump import DumpError, Sm3
from qinglian.org.models import Unit, User

MANIFEST = "manifest.json"
REPORT = "restore-report.txt"
FILES = "files"
KEYS = "keys"
FORMAT = 1
CHUNK = 1 << 20
KEYS_NOTE = ("密钥文件未随备份保存（QINGLIAN_BACKUP_KEYS 未开启）：密钥须另行备份、与数据分开保管；"
             "恢复后把原密钥文件放回 QINGLIAN_KEY_FILE 所指的位置，加密字段才能解密。")


def _actor_name() -> str:
    try:
        return f"命令行（{getpass.getuser()}）"
    except (KeyError, OSError):  # pragma: no cover - a user without a passwd entry
        return "命令行"


def _version() -> str:
    try:
        return metadata.version("qinglian")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a checkout never installed
        return "unknown"


def _copy(source: Path, target: Path) -> dict[str, Any]:
    """Copy one file, hashing the bytes on the way; fsync so that a finished backup is on the disk."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = Sm3(), 0
    with source.open("rb") as src, target.open("wb") as out:
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
        out.flush()
        os.fsync(out.fileno())
    return {"sm3": digest.hexdigest(), "bytes": size}


def file_sm3(path: Path) -> str:
    digest = Sm3()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _key_file() -> Path | None:
    name = getattr(settings, "QINGLIAN_KEY_FILE", "")
    return Path(name).resolve() if name else None


def _files_under(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _source_name() -> str:
    s = connection.settings_dict
    if dump.engine() == "sqlite":
        return str(s["NAME"])
    return f"{s.get('HOST') or 'localhost'}:{s.get('PORT') or 5432}/{s['NAME']}"


def backup_create(*, target: Path) -> dict[str, Any]:
    """Back up the database, the file store and (when configured) the key file into the new directory
    `target`; audited. Returns the manifest."""
    if target.exists() and any(target.iterdir()):
        raise DumpError(f"备份目录 {target} 不是空目录：请为每次备份指定一个新目录（例如按日期命名）。")
    target.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    database = target / dump.dump_file()
    snapshot = dump.backup_database(database)
    media = Path(settings.MEDIA_ROOT).resolve()
    key_file = _key_file()
    files = {str(p.relative_to(media)): _copy(p, target / FILES / p.relative_to(media))
             for p in _files_under(media) if p.resolve() != key_file}
    keys: dict[str, Any] = {"included": False, "note": KEYS_NOTE}
    if settings.QINGLIAN_BACKUP_KEYS and key_file is not None and key_file.is_file():
        keys = {"included": True, "file": key_file.name, **_copy(key_file, target / KEYS / key_file.name),
                "note": "密钥文件随备份保存（QINGLIAN_BACKUP_KEYS 已开启）：请像保管密钥一样保管这份备份。"}
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "app_version": _version(),
        "engine": dump.engine(),
        "source": {"database": _source_name(), "host": socket.gethostname(), "media_root": str(media)},
        "migrations": [f"{app}.{name}" for app, name in snapshot.migrations],
        "database": {"file": database.name, "sm3": file_sm3(database), "bytes": database.stat().st_size},
        "tables": snapshot.tables,
        "files": files,
        "keys": keys,
        "seconds": round(time.monotonic() - started, 2),
    }
    partial = target / (MANIFEST + ".part")
    partial.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    partial.replace(target / MANIFEST)
    rows = sum(t["rows"] for t in snapshot.tables.values())
    audit_log(action=Action.BACKUP, actor_name=_actor_name(),
              summary=f"备份到 {target}：{len(snapshot.tables)} 张表 {rows} 行，{len(files)} 个文件",
              after={"dir": str(target), "database_sm3": manifest["database"]["sm3"], "rows": rows,
                     "files": len(files), "keys_included": keys["included"]})
    return manifest


# -- restore ----------------------------------------------------------------------------------------------
@dataclass
class Check:
    what: str
    ok: bool
    detail: str


@dataclass
class Restored:
    manifest: dict[str, Any]
    checks: list[Check] = field(default_factory=list)
    counts: list[tuple[str, int, int | None]] = field(default_factory=list)  # table, in backup, restored
    seconds: float = 0.0
    migrated: bool = False

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)


def read_manifest(source: Path) -> dict[str, Any]:
    path = source / MANIFEST
    if not path.is_file():
        raise DumpError(f"{source} 不是完整的备份目录（没有 {MANIFEST}）：请指定 qinglian backup 写出的目录。")
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise DumpError(f"备份清单 {path} 已损坏，无法读取：{exc}") from exc
    if manifest.get("format") != FORMAT:
        raise DumpError(f"备份清单格式 {manifest.get('format')} 不是本程序能读的格式 {FORMAT}：请用相同版本的程序恢复。")
    return manifest


def _refuse_unless_restorable(manifest: dict[str, Any]) -> None:
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    if manifest["engine"] != dump.engine():
        raise DumpError(f"备份来自 {names[manifest['engine']]} 数据库，而 DATABASE_URL 指向 {names[dump.engine()]}："
                        "只能恢复到同一种数据库。")
    known = {f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations}
    newer = sorted(set(manifest["migrations"]) - known)
    if newer:
        raise DumpError(f"备份的数据库结构比本程序新（本程序没有迁移 {'、'.join(newer[:5])}）：请先把程序升级到 "
                        f"{manifest['app_version']} 或更新的版本，再恢复。")
    tables = dump.existing_tables()
    if tables:
        present = set(tables)
        counts = {m._meta.verbose_name: m.objects.count() if m._meta.db_table in present else 0
                  for m in (AuditEntry, Unit, User)}
        held = "、".join(f"{n} 条{label}" for label, n in counts.items() if n)
        if held or dump.engine() == "postgresql":
            raise DumpError(f"目标数据库不是空库（{held or '已有数据表'}）：恢复只能写入空库。请新建一个空数据库"
                            "（PostgreSQL 用 createdb 新建后不要运行 migrate），让 DATABASE_URL 指向它再恢复。")
    media = Path(settings.MEDIA_ROOT)
    if _files_under(media):
        raise DumpError(f"文件库 {media} 不是空的：恢复只能写入空的文件库。请换一个空目录（QINGLIAN_DATA_DIR）再恢复。")


def backup_restore(*, source: Path, verify: bool) -> Restored:
    """Restore the backup in `source` into the empty database DATABASE_URL names and the empty file store;
    with `verify`, check it all and write source/restore-report.txt. Audited once verified."""
    manifest = read_manifest(source)
    _refuse_unless_restorable(manifest)
    result = Restored(manifest)
    started = time.monotonic()
    database = source / manifest["database"]["file"]
    found = file_sm3(database) if database.is_file() else "（文件缺失）"
    result.checks.append(Check("备份数据库文件哈希（SM3）", found == manifest["database"]["sm3"],
                               "与备份清单一致" if found == manifest["database"]["sm3"]
                               else f"{database.name} 的 SM3 与备份清单不符：备份文件已损坏"))
    if not result.ok:  # a damaged copy is not restored at all
        return _finish(result, source, verify, started)
    dump.restore_database(database)
    media = Path(settings.MEDIA_ROOT)
    for name in manifest["files"]:
        if (source / FILES / name).is_file():  # a missing one is reported by the verification
            _copy(source / FILES / name, media / name)
    if manifest["keys"].get("included"):
        key_file = _key_file()
        if key_file is not None and not key_file.exists():
            _copy(source / KEYS / manifest["keys"]["file"], key_file)
    if verify:
        _verify(result, media)
    return _finish(result, source, verify, started)


def _verify(result: Restored, media: Path) -> None:
    manifest = result.manifest
    if dump.engine() == "sqlite":
        integrity = dump.sqlite_integrity()
        result.checks.append(Check("数据库完整性（PRAGMA integrity_check）", integrity == "ok", integrity))
    restored = dump.restored_digests()
    bad = []
    for table, expected in sorted(manifest["tables"].items()):
        got = restored.tables.get(table)
        result.counts.append((table, expected["rows"], got["rows"] if got else None))
        if got != expected:
            bad.append(table if got is None or got["rows"] == expected["rows"] else
                       f"{table}（{expected['rows']} → {got['rows']} 行）")
    extra = sorted(set(restored.tables) - set(manifest["tables"]))
    result.checks.append(Check(
        "各表记录数与内容哈希（SM3）", not bad and not extra,
        f"共 {len(manifest['tables'])} 张表，全部一致" if not bad and not extra else
        "不符：" + "、".join(bad + [f"{t}（备份中没有）" for t in extra])))
    damaged = [name for name, meta in manifest["files"].items()
               if not (media / name).is_file() or file_sm3(media / name) != meta["sm3"]]
    result.checks.append(Check(
        "文件哈希（SM3）", not damaged,
        f"共 {len(manifest['files'])} 个文件，全部一致" if not damaged else
        f"{len(damaged)} 个文件缺失或与哈希不符：{'、'.join(damaged[:10])}"))
    checked, breaks = verify_chain()
    result.checks.append(Check(
        "操作日志哈希链（qinglian audit verify）", not breaks,
        f"共 {checked} 条，哈希链完整" if not breaks else
        "；".join(f"第 {b.entry_id} 条：{b.reason}" if b.entry_id else b.reason for b in breaks[:5])))


def _finish(result: Restored, source: Path, verify: bool, started: float) -> Restored:
    result.seconds = round(time.monotonic() - started, 2)
    restored = result.checks[0].ok
    if restored:
        loader = MigrationLoader(connection, ignore_no_migrations=True)
        if set(loader.disk_migrations) - set(loader.applied_migrations):
            call_command("migrate", verbosity=0)  # a backup from an older version: bring the schema up to date
            result.migrated = True
        outcome = "全部校验通过" if result.ok and verify else ("未校验" if not verify else "校验未通过")
        audit_log(action=Action.RESTORE_BACKUP, actor_name=_actor_name(),
                  summary=f"从 {source} 恢复备份（{result.manifest['created_at'][:19]}）：{outcome}",
                  after={"dir": str(source), "ok": result.ok, "verified": verify,
                         "checks": {c.what: c.ok for c in result.checks}})
    if verify:
        (source / REPORT).write_text(report_text(result, source), encoding="utf-8")
    return result


def report_text(result: Restored, source: Path) -> str:
    """The 备份恢复测试记录 an 等保 evaluator keeps, in Chinese."""
    m = result.manifest
    now = timezone.localtime()
    created = timezone.localtime(dt.datetime.fromisoformat(m["created_at"]))
    lines = [
        "备份恢复测试记录",
        "",
        f"测试日期：{now:%Y年%m月%d日 %H:%M}",
        f"备份时间：{created:%Y年%m月%d日 %H:%M:%S}",
        f"备份来源：{m['source']['host']} 上的 {m['engine']} 数据库 {m['source']['database']}，"
        f"程序版本 {m['app_version']}",
        f"备份目录：{source}",
        f"恢复目标：{dump.engine()} 数据库 {_source_name()}；文件库 {settings.MEDIA_ROOT}",
        f"恢复耗时：{result.seconds} 秒",
        f"密钥：{m['keys']['note']}",
        "",
        "一、数据库记录数（备份清单 / 恢复后）",
    ]
    for table, expected, got in result.counts:
        mark = "一致" if expected == got else "不符"
        lines.append(f"    {table}：{expected} / {'—' if got is None else got}  {mark}")
    if not result.counts:
        lines.append("    （未恢复，未统计）")
    lines += ["", "二、校验结果"]
    for i, check in enumerate(result.checks, 1):
        lines.append(f"    {i}. {check.what}：{'通过' if check.ok else '不通过'}。{check.detail}")
    if result.migrated:
        lines.append("    备份早于本程序版本：恢复后已执行数据库迁移（qinglian migrate）。")
    verdict = ("恢复成功，全部校验通过，备份可用。" if result.ok else
               "恢复未通过校验：备份不可用，请查明标为“不通过”的项目，改用其他备份并重新测试。")
    lines += ["", f"三、结论：{verdict}", "", "测试人：__________    复核人：__________", ""]
    return "\n".join(lines)
