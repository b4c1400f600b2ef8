"""Upkeep of the file store (lib.files): `qinglian files check` and `qinglian files collect`.

`check()` reads every StoredFile row (soft-deleted ones too: they still refer to their file) and reports the
files that are missing or whose bytes no longer match the row's hash, and the files of the content-addressed
store that no row refers to. `collect()` is the only code that removes a stored file: one no row has referred
to for the grace period (QINGLIAN_FILES_GRACE_DAYS). The store has no table of its own, so the collector keeps
the moment it first found each file unreferenced in MEDIA_ROOT/sm3/.unreferenced.json, and counts the grace
period from there (never from the file's age: a file whose last row was removed yesterday may be years old).
Files of the old layout (area/YYYY/MM/…) are checked through their rows but never collected.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone

from qinglian.lib.files import (
    STORE,
    TEMP_PREFIX,
    digests,
    fsync_dir,
    matches,
    media_path,
    stored_digest,
    write_durably,
)

STATE = ".unreferenced.json"
# A file younger than this may belong to a transaction that has not committed yet: it is not judged at all.
SETTLE_SECONDS = 3600
REAPED = "reap-"  # after TEMP_PREFIX: a file the collector has taken aside to look at again before removing it


def stored_file_models() -> list[type[models.Model]]:
    from qinglian.lib.models import StoredFile

    return [m for m in apps.get_models() if issubclass(m, StoredFile)]


def _referenced(relative: str) -> bool:
    return any(m._base_manager.filter(stored=relative).exists() for m in stored_file_models())


def _references() -> set[str]:
    refs: set[str] = set()
    for model in stored_file_models():
        refs.update(model._base_manager.values_list("stored", flat=True).iterator(chunk_size=5000))
    return refs


def _root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _store_files() -> Iterator[tuple[str, Path]]:
    """(path relative to MEDIA_ROOT, path) of every file in the content-addressed store but the state file."""
    root = _root()
    for folder, _dirs, names in os.walk(root / STORE):
        for name in names:
            path = Path(folder) / name
            relative = path.relative_to(root).as_posix()
            if relative != f"{STORE}/{STATE}":
                yield relative, path


# -- check --------------------------------------------------------------------------------------------------
@dataclass
class Finding:
    what: str  # the model's Chinese name
    pk: int
    name: str
    stored: str

    def __str__(self) -> str:
        return f"{self.what} #{self.pk}“{self.name}”（{self.stored}）"


@dataclass
class CheckReport:
    rows: int = 0
    files: int = 0
    missing: list[Finding] = field(default_factory=list)
    corrupt: list[Finding] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.corrupt


def check() -> CheckReport:
    """Every row's file read once (a file many rows share is hashed once) and compared with the row; then the
    store's files no row names."""
    report = CheckReport()
    seen: dict[str, tuple[str, str] | None] = {}  # stored path -> its digests, None when unreadable
    for model in stored_file_models():
        what = str(model._meta.verbose_name)
        for item in model._base_manager.only("pk", "name", "stored", "sha256").order_by("pk").iterator(2000):
            report.rows += 1
            if item.stored not in seen:
                seen[item.stored] = _digests_of(item.stored)
            found = seen[item.stored]
            finding = Finding(what, item.pk, item.name, item.stored)
            if found is None:
                report.missing.append(finding)
            elif not matches(item, *found):
                report.corrupt.append(finding)
    report.files = sum(1 for v in seen.values() if v is not None)
    report.orphans = sorted(rel for rel, _ in _store_files() if rel not in seen)
    return report


def _digests_of(relative: str) -> tuple[str, str] | None:
    try:
        with media_path(relative).open("rb") as handle:
            return digests(handle)
    except (OSError, PermissionDenied):  # gone, a folder, unreadable, or a path leading outside MEDIA_ROOT
        return None


# -- collect ------------------------------------------------------------------------------------------------
@dataclass
class CollectReport:
    removed: list[str] = field(default_factory=list)
    waiting: list[tuple[str, dt.datetime]] = field(default_factory=list)  # (file, due to be removed at)
    leftovers: list[str] = field(default_factory=list)  # temp files of writes a crash interrupted


def collect(*, grace: dt.timedelta | None = None, dry_run: bool = False, now: float | None = None) -> CollectReport:
    """Remove the store's files that no row has referred to for `grace` (QINGLIAN_FILES_GRACE_DAYS by default),
    and the temp files of interrupted writes. A dry run says what would go and changes nothing. `now` (epoch
    seconds) is only given by tests."""
    grace_seconds = (grace or dt.timedelta(days=settings.QINGLIAN_FILES_GRACE_DAYS)).total_seconds()
    now = time.time() if now is None else now
    refs = _references()
    state = _load_state()
    kept: dict[str, float] = {}
    report = CollectReport()
    for relative, path in _store_files():
        try:
            mtime = path.stat().st_mtime
        except FileNotFoundError:
            continue
        if mtime > now - SETTLE_SECONDS:
            continue
        if path.name.startswith(TEMP_PREFIX):
            report.leftovers.append(relative)
            if not dry_run and not _put_back(path, refs):
                path.unlink(missing_ok=True)
            continue
        if relative in refs or stored_digest(relative) is None:
            continue
        since = state.get(relative)
        if since is None or mtime > since:  # first found unreferenced, or stored again since it was
            since = now
        if now - since < grace_seconds:
            kept[relative] = since
            report.waiting.append((relative, _local(since + grace_seconds)))
        elif dry_run:
            report.removed.append(relative)
        elif _reap(path, relative, mtime):
            report.removed.append(relative)
    if not dry_run:
        _save_state(kept)
    return report


def _reap(path: Path, relative: str, mtime: float) -> bool:
    """Take the file away under another name first, then look again: a store of the same bytes touches the
    file (or, finding it gone, writes it anew), and a row may have committed since the references were read.
    Either puts it back. True when it was removed."""
    aside = path.with_name(f"{TEMP_PREFIX}{REAPED}{path.name}")
    try:
        os.replace(path, aside)
    except FileNotFoundError:
        return False
    if aside.stat().st_mtime != mtime or _referenced(relative):
        try:
            os.link(aside, path)
        except FileExistsError:  # a store wrote the same bytes anew meanwhile
            pass
        aside.unlink()
        fsync_dir(path.parent)
        return False
    aside.unlink()
    fsync_dir(path.parent)
    return True


def _put_back(aside: Path, refs: set[str]) -> bool:
    """A file `_reap` had taken aside when the collector was stopped, whose row still refers to it: put back."""
    original = aside.with_name(aside.name.removeprefix(f"{TEMP_PREFIX}{REAPED}"))
    relative = original.relative_to(_root()).as_posix()
    if original == aside or original.exists() or relative not in refs:
        return False
    os.replace(aside, original)
    fsync_dir(original.parent)
    return True


def _local(epoch: float) -> dt.datetime:
    moment: dt.datetime = timezone.localtime(dt.datetime.fromtimestamp(epoch, tz=dt.UTC))
    return moment


def _state_path() -> Path:
    return _root() / STORE / STATE


def _load_state() -> dict[str, float]:
    try:
        data = json.loads(_state_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): float(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _save_state(state: dict[str, float]) -> None:
    if state or _state_path().exists():
        write_durably(_state_path(), json.dumps(state, sort_keys=True, indent=0).encode())


def describe_check(report: CheckReport) -> Iterator[str]:
    """The Chinese lines `qinglian files check` prints."""
    yield f"已检查 {report.rows} 条文件记录，涉及 {report.files} 个存储文件。"
    for title, rows, hint in (("缺失", report.missing, "文件不存在"), ("损坏", report.corrupt, "内容与登记的校验值不符")):
        if rows:
            yield f"{title}文件 {len(rows)} 个（{hint}，请从备份中恢复）："
            yield from (f"  {f}" for f in rows)
    if report.orphans:
        days = settings.QINGLIAN_FILES_GRACE_DAYS
        yield (f"孤立文件 {len(report.orphans)} 个（没有记录引用；qinglian files collect 会在无人引用满 {days} 天后"
               "清除）：")
        yield from (f"  {rel}" for rel in report.orphans)


def describe_collect(report: CollectReport, *, dry_run: bool) -> Iterator[str]:
    verb = "将清除" if dry_run else "已清除"
    yield f"{verb}无人引用的文件 {len(report.removed)} 个，中断写入留下的临时文件 {len(report.leftovers)} 个。"
    yield from (f"  {rel}" for rel in report.removed + report.leftovers)
    if report.waiting:
        yield f"宽限期内暂不清除的孤立文件 {len(report.waiting)} 个："
        yield from (f"  {rel}（最早 {due:%Y-%m-%d %H:%M} 后清除）" for rel, due in report.waiting)
