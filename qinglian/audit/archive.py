"""Retention and archiving of the audit trail and of records' history (等保: kept at least 180 days).

Only the audit admin archives. An archive copies the entries and history rows older than the cut to files
(JSON lines, with a manifest holding their SM3), reads them back and checks them (hashes, and the chain of the
copied entries with the key), and only then removes the copied rows — through the triggers' permit, the one
place rows leave those tables — and writes an ArchiveMark and an ARCHIVE audit entry with the same boundary,
so the chain that remains verifies from where the archive cut it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from qinglian.audit.models import Action, ArchiveMark, AuditEntry
from qinglian.audit.services import GENESIS, audit_log, entry_hash, sm3_hex
from qinglian.audit.triggers import removal_permit


class ArchiveRefused(Exception):
    """Said in Chinese to the audit admin."""


@dataclass(frozen=True)
class ArchiveResult:
    location: Path
    entries: int
    versions: int


def earliest_cut(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=settings.QINGLIAN_RETENTION_DAYS)


def archive(*, user: Any, before: dt.datetime, directory: Path) -> ArchiveResult:
    """Archive what is older than `before` (no later than the retention allows) into a new folder of
    `directory`; refuse rather than remove anything that was not copied and checked."""
    if getattr(user, "role", None) != "auditor":
        raise ArchiveRefused("只有审计管理员可以归档操作日志和历史版本。")
    limit = earliest_cut()
    if before > limit:
        raise ArchiveRefused(f"操作日志和历史版本至少保留 {settings.QINGLIAN_RETENTION_DAYS} 天："
                             f"只能归档 {timezone.localtime(limit):%Y-%m-%d %H:%M} 以前的记录。")
    from qinglian.history.models import Version

    entries = AuditEntry.objects.filter(at__lt=before).order_by("pk")
    versions = Version.objects.filter(at__lt=before).order_by("pk")
    last = entries.last()
    if last is None and not versions.exists():
        raise ArchiveRefused("这一时间以前没有可归档的记录。")
    if last is not None and AuditEntry.objects.filter(pk__lt=last.pk, at__gte=before).exists():
        raise ArchiveRefused("操作日志的时间与顺序不一致，不能按时间切分：请先运行 qinglian audit verify 检查。")
    folder = Path(directory) / f"archive-{timezone.localtime():%Y%m%d-%H%M%S}"
    folder.mkdir(parents=True, exist_ok=False)
    files = {"audit.jsonl": _write(folder / "audit.jsonl", entries, _entry_row),
             "history.jsonl": _write(folder / "history.jsonl", versions, _version_row)}
    manifest = {"before": before.isoformat(), "files": files, "last_id": last.pk if last else None,
                "last_hash": last.hash if last else None}
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    _check(folder, manifest)
    digest = sm3_hex((folder / "manifest.json").read_bytes())
    with transaction.atomic():
        previous = ArchiveMark.objects.order_by("-pk").first()
        with removal_permit(AuditEntry._meta.db_table, Version._meta.db_table, reason="归档"):
            # the one removal of these rows (the ORM's own guards stand aside; the triggers check the permit)
            models.QuerySet.delete(entries.filter(pk__lte=last.pk if last else 0))
            models.QuerySet.delete(versions)
        mark = ArchiveMark.objects.create(
            at=timezone.now(), before=before, last_id=last.pk if last else (previous.last_id if previous else 0),
            last_hash=last.hash if last else (previous.last_hash if previous else GENESIS),
            entries=files["audit.jsonl"]["rows"], versions=files["history.jsonl"]["rows"], location=str(folder),
            digest=digest)
        audit_log(action=Action.ARCHIVE, actor=user,
                  summary=f"归档 {timezone.localtime(before):%Y-%m-%d} 以前的操作日志 {mark.entries} 条、"
                          f"历史版本 {mark.versions} 条至 {folder}",
                  after={"last_id": mark.last_id, "last_hash": mark.last_hash, "entries": mark.entries,
                         "versions": mark.versions, "digest": digest})
    return ArchiveResult(folder, mark.entries, mark.versions)


def _write(path: Path, rows: Any, shape: Any) -> dict[str, Any]:
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for row in rows.iterator(chunk_size=2000):
            out.write(json.dumps(shape(row), cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    return {"rows": count, "sm3": sm3_hex(path.read_bytes())}


def _entry_row(e: AuditEntry) -> dict[str, Any]:
    return {"id": e.pk, "at": e.at.isoformat(), "actor": e.actor_id, "actor_name": e.actor_name, "ip": e.ip,
            "action": e.action, "object_type": e.object_type, "object_id": e.object_id,
            "object_version": e.object_version, "unit_id": e.unit_id, "summary": e.summary, "before": e.before,
            "after": e.after, "prev_hash": e.prev_hash, "hash": e.hash}


def _version_row(v: Any) -> dict[str, Any]:
    return {"id": v.pk, "model": v.model, "object_id": v.object_id, "version": v.version, "kind": v.kind,
            "at": v.at.isoformat(), "actor": v.actor_id, "actor_name": v.actor_name, "reason": v.reason, "data": v.data}


def _check(folder: Path, manifest: dict[str, Any]) -> None:
    """Read the copies back: their SM3, and the copied entries' chain recomputed with the key."""
    for name, meta in manifest["files"].items():
        if sm3_hex((folder / name).read_bytes()) != meta["sm3"]:
            raise ArchiveRefused(f"归档文件 {name} 写入后校验不一致，未删除任何记录，请检查磁盘后重试。")
    previous = ArchiveMark.objects.order_by("-pk").first()
    prev = previous.last_hash if previous else GENESIS
    with (folder / "audit.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            entry = AuditEntry(**{k: v for k, v in row.items() if k not in {"id", "actor"}}, actor_id=row["actor"])
            entry.at = dt.datetime.fromisoformat(row["at"])
            if row["prev_hash"] != prev or entry_hash(entry) != row["hash"]:
                raise ArchiveRefused(f"归档副本中第 {row['id']} 条操作日志的哈希链不连续，未删除任何记录："
                                     "请先运行 qinglian audit verify 查明原因。")
            prev = row["hash"]
