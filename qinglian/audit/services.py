"""Writing and verifying the audit chain. Services call `audit_log` inside their own transaction.

Every row written while a request is served carries the client's address: the caller's `ip`, else the one
`request_context()` (lib.middleware.AuditContextMiddleware) holds for the request being served.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from qinglian.audit.models import Action, AuditEntry, ChainHead

GENESIS = "0" * 64


@dataclass
class RequestContext:
    """What the audit trail knows of the request being served (one per request, per thread)."""

    ip: str | None
    refusal_audited: bool = False


_request: ContextVar[RequestContext | None] = ContextVar("qinglian_audit_request", default=None)


@contextmanager
def request_context(request: Any) -> Iterator[RequestContext]:
    context = RequestContext(ip=client_ip(request))
    token = _request.set(context)
    try:
        yield context
    finally:
        _request.reset(token)


def current_request() -> RequestContext | None:
    return _request.get()


def sm3_hex(data: bytes) -> str:
    """SM3 (GB/T 32905) from OpenSSL; `gmssl` where OpenSSL lacks it."""
    try:
        return hashlib.new("sm3", data).hexdigest()
    except ValueError:  # pragma: no cover - OpenSSL without SM3
        from gmssl import func, sm3  # type: ignore[import-not-found]

        return str(sm3.sm3_hash(func.bytes_to_list(data)))


def _content(entry: AuditEntry) -> bytes:
    payload = {
        "at": entry.at.isoformat(),
        "actor": entry.actor_id,
        "actor_name": entry.actor_name,
        "ip": entry.ip,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_version": entry.object_version,
        "unit_id": entry.unit_id,
        "summary": entry.summary,
        "before": entry.before,
        "after": entry.after,
        "prev": entry.prev_hash,
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str).encode()


def entry_hash(entry: AuditEntry) -> str:
    """HMAC-SM3 of the entry with the MAC key of the key file (crypto.provider), so whoever can write the
    database but lacks the key cannot recompute the chain after changing or deleting a row."""
    from qinglian.crypto.provider import get_provider

    return get_provider().mac(_content(entry)).hex()


def unkeyed_hash(entry: AuditEntry) -> str:
    """Plain SM3 of the entry: what a forger without the key would compute (verify names that damage)."""
    return sm3_hex(_content(entry))


def audit_log(
    *,
    action: str,
    summary: str,
    actor: Any = None,
    actor_name: str = "",
    ip: str | None = None,
    obj: Any = None,
    unit_id: int | None = None,
    before: Any = None,
    after: Any = None,
) -> AuditEntry:
    """Append one entry. Must run inside the caller's transaction: if this fails, the change fails."""
    context = _request.get()
    if ip is None and context is not None:
        ip = context.ip
    with transaction.atomic():
        head = ChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = ChainHead.objects.create(pk=1, last_hash=GENESIS, count=0)
            head = ChainHead.objects.select_for_update().get(pk=1)
        if actor is not None and getattr(actor, "is_authenticated", False):
            actor_id, name = actor.pk, actor_name or str(getattr(actor, "display_name", actor.username))
        else:
            actor_id, name = None, actor_name or "系统"
        entry = AuditEntry(
            at=timezone.now(),
            actor_id=actor_id,
            actor_name=name[:150],
            ip=ip,
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_version=getattr(obj, "version", None) if obj is not None else None,
            unit_id=unit_id if unit_id is not None else _unit_of(obj),
            summary=summary[:500],
            before=_jsonable(before),
            after=_jsonable(after),
            prev_hash=head.last_hash,
        )
        entry.hash = entry_hash(entry)
        entry.save()
        ChainHead.objects.filter(pk=1).update(last_hash=entry.hash, count=head.count + 1)
        if action == Action.REFUSED and context is not None:
            # Only once the row is committed: a refusal audited inside a transaction that then rolled back
            # is audited again by the error page (lib.errors).
            transaction.on_commit(lambda: setattr(context, "refusal_audited", True))
        return entry


def audit_request(request: Any, *, action: str, summary: str, obj: Any = None, unit_id: int | None = None) -> None:
    """An audit row for what the signed-in user of `request` did (a download, an export), with its address."""
    audit_log(action=action, summary=summary, actor=request.user, ip=client_ip(request), obj=obj, unit_id=unit_id)


def _unit_of(obj: Any) -> int | None:
    if obj is None:
        return None
    if obj._meta.label_lower == "org.unit":
        return int(obj.pk)
    return getattr(obj, "unit_id", None)


def _jsonable(value: Any) -> Any:
    if value is None:
        return None
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


@dataclass(frozen=True)
class Break:
    entry_id: int
    reason: str


def verify_chain(batch: int = 5000) -> tuple[int, list[Break]]:
    """Walk the chain in id order; return how many entries were checked and where it breaks."""
    from qinglian.audit.models import ArchiveMark

    breaks: list[Break] = []
    marks = list(ArchiveMark.objects.order_by("pk"))
    prev = marks[-1].last_hash if marks else GENESIS  # the chain goes on from where the last archive cut it
    archived = sum(m.entries for m in marks)
    for mark in marks:
        if not AuditEntry.objects.filter(action=Action.ARCHIVE, after__last_id=mark.last_id,
                                         after__last_hash=mark.last_hash).exists():
            breaks.append(Break(0, f"归档记录（至第 {mark.last_id} 条）在操作日志中没有对应的归档条目：归档记录是伪造的"))
    checked = 0
    for entry in _iter_entries(batch):
        checked += 1
        if entry.prev_hash != prev:
            breaks.append(Break(entry.pk, "上一条哈希不符：此前的日志被删除或改动"))
        if entry_hash(entry) != entry.hash:
            if unkeyed_hash(entry) == entry.hash:
                breaks.append(Break(entry.pk, "哈希是不用密钥重算的：有人改动或删除了日志后重算了哈希链"))
            else:
                breaks.append(Break(entry.pk, "内容与哈希不符：此条日志被改动"))
        prev = entry.hash
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_hash != prev or head.count != checked + archived):
        breaks.append(Break(0, f"链尾不符：应有 {head.count} 条、末条哈希 {head.last_hash[:12]}…，实有 {checked + archived} 条"))
    return checked, breaks


@dataclass(frozen=True)
class Anchor:
    """The chain head at a moment, kept off the machine by the auditor: a later truncation of the newest rows
    (and a chain head rewritten to match) no longer contains it."""

    count: int
    last_id: int
    hash: str
    at: str

    def as_json(self) -> str:
        return json.dumps({"count": self.count, "last_id": self.last_id, "hash": self.hash, "at": self.at},
                          ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Anchor:
        data = json.loads(text)
        return cls(count=int(data["count"]), last_id=int(data["last_id"]), hash=str(data["hash"]),
                   at=str(data.get("at", "")))


def _archived_up_to(last_id: int) -> tuple[int, int]:
    """(entries archived with ids up to `last_id`, the highest archived id)."""
    from qinglian.audit.models import ArchiveMark

    marks = list(ArchiveMark.objects.order_by("pk"))
    return sum(m.entries for m in marks if m.last_id <= last_id), max((m.last_id for m in marks), default=0)


def chain_anchor() -> Anchor:
    last = AuditEntry.objects.order_by("-pk").first()
    count = AuditEntry.objects.count() + _archived_up_to(last.pk if last else 0)[0]
    return Anchor(count=count, last_id=last.pk if last else 0, hash=last.hash if last else GENESIS,
                  at=timezone.localtime().isoformat(timespec="seconds"))


def check_anchor(anchor: Anchor) -> list[Break]:
    """Breaks if the chain no longer holds the anchored head where it was."""
    archived, archived_to = _archived_up_to(anchor.last_id)
    if anchor.last_id == 0 or anchor.last_id <= archived_to:
        return []  # the anchored row was archived, and the archive checked the chain up to it
    entry = AuditEntry.objects.filter(pk=anchor.last_id).first()
    if entry is None:
        return [Break(anchor.last_id, f"锚点记录的第 {anchor.last_id} 条（{anchor.at} 时的链尾）已不存在："
                                      "最新的日志被删除（截断）")]
    if entry.hash != anchor.hash:
        return [Break(anchor.last_id, f"锚点记录的第 {anchor.last_id} 条哈希已变：日志被改动后重算")]
    if AuditEntry.objects.filter(pk__lte=anchor.last_id).count() + archived != anchor.count:
        return [Break(anchor.last_id, f"锚点时共 {anchor.count} 条，现在到第 {anchor.last_id} 条为止的条数不同："
                                      "其间的日志被删除")]
    return []


def _iter_entries(batch: int) -> Iterator[AuditEntry]:
    last = 0
    while True:
        rows = list(AuditEntry.objects.filter(pk__gt=last).order_by("pk")[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].pk


def client_ip(request: Any) -> str | None:
    """The client's address: the direct peer, or — only when that peer is one of QINGLIAN_TRUSTED_PROXIES —
    the nearest address in X-Forwarded-For that is not itself a trusted proxy. A client cannot choose its
    address in the audit trail, the lockout or the throttles by sending the header itself."""
    if request is None:
        return None
    peer = request.META.get("REMOTE_ADDR") or None
    trusted = settings.QINGLIAN_TRUSTED_PROXIES
    if peer is None or peer not in trusted:
        return peer
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        hop = hop.strip()
        if hop and hop not in trusted:
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # a malformed header: keep the proxy's own address rather than a made-up one
    return peer
