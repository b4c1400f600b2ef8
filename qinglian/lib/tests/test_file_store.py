"""Attachments stored content-addressed (issue 14, "Files"): the same bytes kept once, durably before the commit;
damaged bytes refused for download and audited; `qinglian files check` and `files collect`."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client

from paperwork.tests.data import samples
from qinglian.audit.models import Action, AuditEntry
from qinglian.ledger.models import Evidence, Measure
from qinglian.lib import filecheck, files, tracking
from qinglian.lib.testing import World
from qinglian.records.models import Activity, ActivityKind, Attachment

pytestmark = pytest.mark.django_db
DAY = 24 * 3600
PDF = samples.PDF


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "files"


def _evidence(client: Client, measure: Measure, name: str, data: bytes) -> Evidence:
    response = client.post(f"/ledger/measures/{measure.pk}/progress/", {
        "text": "已印发制度", "status_after": "in_progress", "files": [SimpleUploadedFile(name, data)]})
    assert response.status_code == 302
    return Evidence.objects.latest("pk")


def _attachment(client: Client, world: World, name: str, data: bytes) -> Attachment:
    response = client.post("/records/activities/new/", {
        "unit": world.a.pk, "kind": ActivityKind.objects.get(code="party_group_meeting").pk,
        "happened_on": "2024年3月5日", "topic": "研究部署党风廉政建设工作", "participants": [world.principal_a.pk],
        "presided_by": world.principal_a.pk, "files": [SimpleUploadedFile(name, data)]})
    assert response.status_code == 302
    return Attachment.objects.latest("pk")


def _store_files(settings) -> list[Path]:  # type: ignore[no-untyped-def]
    return sorted(p for p in (Path(settings.MEDIA_ROOT) / files.STORE).rglob("*") if p.is_file()
                  and p.name != filecheck.STATE)


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def _run(*args: str) -> tuple[str, str]:
    import io

    out, err = io.StringIO(), io.StringIO()
    call_command("files", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# -- stored once, under the SM3 of the bytes -----------------------------------------------------------------
def test_the_same_bytes_are_stored_once_under_their_sm3(world: World, measure: Measure, settings) -> None:  # type: ignore[no-untyped-def]
    client = world.client("clerk_a")
    first = _evidence(client, measure, "制度.pdf", PDF)
    again = _evidence(client, measure, "制度（再次上传）.pdf", PDF)
    attached = _attachment(client, world, "会议材料.pdf", PDF)
    digest = hashlib.new("sm3", PDF).hexdigest()
    assert first.stored == again.stored == attached.stored == f"sm3/{digest[:2]}/{digest[2:4]}/{digest}"
    assert _store_files(settings) == [files.path_of(first)]
    assert files.path_of(first).read_bytes() == PDF and first.sha256 == hashlib.sha256(PDF).hexdigest()
    # each row keeps its own name for the download
    response = client.get(f"/ledger/evidence/{again.pk}/")
    assert response.status_code == 200 and quote("制度（再次上传）.pdf") in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF


def test_a_damaged_copy_is_healed_by_the_next_upload_of_the_same_bytes(world: World, measure: Measure) -> None:
    client = world.client("clerk_a")
    first = _evidence(client, measure, "制度.pdf", PDF)
    _flip_a_byte(files.path_of(first))
    _evidence(client, measure, "制度.pdf", PDF)
    assert files.path_of(first).read_bytes() == PDF


def test_old_rows_with_a_random_name_still_download(world: World, measure: Measure, settings) -> None:  # type: ignore[no-untyped-def]
    client = world.client("clerk_a")
    evidence = _evidence(client, measure, "制度.pdf", PDF)
    old = Path(settings.MEDIA_ROOT) / "ledger/2024/03/0123456789abcdef0123456789abcdef"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"%PDF-1.4 old layout")
    with tracking.bulk("测试准备"):
        Evidence.objects.filter(pk=evidence.pk).update(stored=str(old.relative_to(settings.MEDIA_ROOT)),
                                                       sha256=hashlib.sha256(b"%PDF-1.4 old layout").hexdigest())
    response = client.get(f"/ledger/evidence/{evidence.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 old layout"


# -- damaged bytes are refused and audited ------------------------------------------------------------------
def test_a_file_with_one_byte_flipped_is_refused_and_audited(world: World, measure: Measure) -> None:
    client = world.client("clerk_a")
    evidence = _evidence(client, measure, "整改报告.pdf", PDF)
    attachment = _attachment(client, world, "会议纪要.pdf", b"%PDF-1.4 minutes of the meeting")
    for url, item in ((f"/ledger/evidence/{evidence.pk}/", evidence),
                      (f"/records/attachments/{attachment.pk}/", attachment)):
        _flip_a_byte(files.path_of(item))
        response = client.get(url)
        page = response.content.decode()
        assert response.status_code == 409
        assert f"文件“{item.name}”的内容与上传时登记的校验值不符" in page and "从备份中恢复" in page
        entry = AuditEntry.objects.filter(action=Action.TAMPERED).latest("pk")
        assert entry.object_type == item._meta.label_lower and entry.object_id == str(item.pk)
        assert entry.actor_id == world.clerk_a.pk and item.name in entry.summary
    assert not AuditEntry.objects.filter(action=Action.DOWNLOAD).exists()
    call_command("audit", "verify")


# -- files check ---------------------------------------------------------------------------------------------
def test_files_check_reports_missing_corrupt_and_orphaned_files(world: World, measure: Measure, settings) -> None:  # type: ignore[no-untyped-def]
    client = world.client("clerk_a")
    kept = _evidence(client, measure, "方案.pdf", PDF)
    out, _ = _run("check")
    assert "文件检查通过" in out
    gone = _evidence(client, measure, "签到表.pdf", b"%PDF-1.4 sign-in sheet")
    damaged = _attachment(client, world, "照片.pdf", b"%PDF-1.4 photo")
    files.path_of(gone).unlink()
    _flip_a_byte(files.path_of(damaged))
    with files.stored_files() as written:
        orphan = written.store(files.Upload("废弃.pdf", b"%PDF-1.4 never committed"))["stored"]
    with pytest.raises(CommandError, match="缺失 1 个、损坏 1 个"):
        _run("check")
    report = filecheck.check()
    assert [f.pk for f in report.missing] == [gone.pk] and [f.pk for f in report.corrupt] == [damaged.pk]
    assert report.orphans == [orphan] and kept.stored not in report.orphans
    lines = list(filecheck.describe_check(report))
    assert f"  证明材料 #{gone.pk}“签到表.pdf”（{gone.stored}）" in lines
    assert f"  附件 #{damaged.pk}“照片.pdf”（{damaged.stored}）" in lines
    assert any(line.startswith("孤立文件 1 个") for line in lines) and f"  {orphan}" in lines


def test_files_check_exits_non_zero_through_the_qinglian_command(world: World, measure: Measure) -> None:
    from unittest import mock

    from django.db import connections

    from qinglian.cli import main

    evidence = _evidence(world.client("clerk_a"), measure, "方案.pdf", PDF)
    with mock.patch.object(connections, "close_all"):  # a command run from the shell closes them; the test needs its own
        assert main(["files", "check"]) == 0
        files.path_of(evidence).unlink()
        assert main(["files", "check"]) == 1


# -- the collector -------------------------------------------------------------------------------------------
def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_the_collector_honours_the_grace_period_and_never_removes_a_referenced_file(
        world: World, measure: Measure, settings) -> None:  # type: ignore[no-untyped-def]
    settings.QINGLIAN_FILES_GRACE_DAYS = 7
    client = world.client("clerk_a")
    referenced = _evidence(client, measure, "方案.pdf", PDF)
    deleted_activity = _attachment(client, world, "纪要.pdf", b"%PDF-1.4 deleted activity")
    client.post(f"/records/activities/{deleted_activity.activity_id}/delete/")
    assert Activity.with_deleted.get(pk=deleted_activity.activity_id).deleted_at is not None
    with files.stored_files() as written:
        orphan = files.media_path(written.store(files.Upload("废弃.pdf", b"%PDF-1.4 orphan"))["stored"])
    for path in _store_files(settings):
        _age(path, 400 * DAY)  # old files, all of them
    now = time.time()
    first = filecheck.collect(now=now)  # the first run that finds it unreferenced starts its grace period
    assert first.removed == [] and [w[0] for w in first.waiting] == [orphan.relative_to(settings.MEDIA_ROOT).as_posix()]
    assert filecheck.collect(now=now + 6 * DAY).removed == [] and orphan.exists()
    dry = filecheck.collect(now=now + 8 * DAY, dry_run=True)
    assert len(dry.removed) == 1 and orphan.exists()
    out, _ = _run("collect", "--dry-run")  # the real clock: still within the grace period
    assert "将清除无人引用的文件 0 个" in out and "宽限期内暂不清除的孤立文件 1 个" in out
    assert filecheck.collect(now=now + 8 * DAY).removed == [orphan.relative_to(settings.MEDIA_ROOT).as_posix()]
    assert not orphan.exists()
    # a referenced file (a soft-deleted activity's attachment too) is never removed, however old
    assert filecheck.collect(now=now + 800 * DAY).removed == []
    assert files.path_of(referenced).read_bytes() == PDF and files.path_of(deleted_activity).exists()
    assert filecheck.check().ok


def test_a_file_stored_again_within_the_grace_period_starts_it_again(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    with files.stored_files() as written:
        path = files.media_path(written.store(files.Upload("a.pdf", PDF))["stored"])
    _age(path, 30 * DAY)
    now = time.time()
    filecheck.collect(now=now)
    written.store(files.Upload("a.pdf", PDF))  # another upload of the same bytes, its row not committed yet
    assert filecheck.collect(now=now + 8 * DAY).removed == [] and path.exists()


def test_a_crash_between_file_write_and_commit_leaves_only_an_orphan_the_collector_reaps(
        world: World, measure: Measure, settings) -> None:  # type: ignore[no-untyped-def]
    from unittest import mock

    client = world.client("clerk_a")
    with mock.patch("qinglian.ledger.services.record_update", side_effect=RuntimeError("进程崩溃")):
        with pytest.raises(RuntimeError):
            client.post(f"/ledger/measures/{measure.pk}/progress/", {
                "text": "已印发制度", "status_after": "in_progress",
                "files": [SimpleUploadedFile("制度.pdf", PDF)]})
    assert not Evidence.objects.exists()
    (left,) = _store_files(settings)
    assert left.read_bytes() == PDF  # written and fsync'd before the commit that never came
    report = filecheck.check()
    assert report.ok and report.orphans == [left.relative_to(settings.MEDIA_ROOT).as_posix()]
    # an interrupted write's temp file is cleared too
    (left.parent / f"{files.TEMP_PREFIX}abc").write_bytes(b"half")
    now = time.time() + 2 * 3600
    assert filecheck.collect(now=now).removed == []
    swept = filecheck.collect(now=now + (settings.QINGLIAN_FILES_GRACE_DAYS + 1) * DAY)
    assert swept.removed == [left.relative_to(settings.MEDIA_ROOT).as_posix()] and not left.exists()
    assert _store_files(settings) == []


def test_a_rolled_back_block_removes_nothing_another_row_refers_to(world: World, measure: Measure) -> None:
    evidence = _evidence(world.client("clerk_a"), measure, "方案.pdf", PDF)
    with pytest.raises(RuntimeError), files.stored_files() as written, transaction.atomic():
        written.store(files.Upload("同一文件.pdf", PDF))
        raise RuntimeError("回滚")
    assert files.path_of(evidence).read_bytes() == PDF


def test_a_file_the_collector_was_stopped_holding_aside_is_put_back_when_a_row_refers_to_it(
        world: World, measure: Measure) -> None:
    evidence = _evidence(world.client("clerk_a"), measure, "方案.pdf", PDF)
    path = files.path_of(evidence)
    aside = path.with_name(f"{files.TEMP_PREFIX}{filecheck.REAPED}{path.name}")
    path.rename(aside)  # killed between taking it aside and looking again
    _age(aside, 2 * DAY)
    filecheck.collect()
    assert path.read_bytes() == PDF and not aside.exists() and filecheck.check().ok
