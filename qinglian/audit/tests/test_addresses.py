"""Audit rows carry the client's address for every action, exports and downloads included; refusals (a 403,
and a 404 to a signed-in user: out of scope answers exactly like missing) are audited with path and address."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from qinglian.audit.models import Action, AuditEntry
from qinglian.lib.testing import World, login
from qinglian.records.models import Activity, ActivityKind

ADDRESS = "10.20.30.40"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "files"


def _client(world: World, who: str) -> Client:
    client = Client(REMOTE_ADDR=ADDRESS)
    login(client, getattr(world, who))
    client.raise_request_exception = False
    return client


def _latest(action: str) -> AuditEntry:
    entry = AuditEntry.objects.filter(action=action).order_by("-id").first()
    assert entry is not None, f"no {action} row"
    return entry


@pytest.mark.parametrize("url", ["/org/people/export.xlsx", "/publicity/export.xlsx", "/ledger/export.xlsx",
                                 "/publicity/bulletin.xlsx", "/publicity/bulletin.docx"])
def test_every_export_is_audited_with_the_client_address(world: World, url: str) -> None:
    response = _client(world, "clerk_a").get(url)
    assert response.status_code == 200, url
    entry = _latest(Action.EXPORT)
    assert entry.ip == ADDRESS and entry.actor_id == world.clerk_a.pk


def test_attachment_download_is_audited_with_the_client_address(world: World) -> None:
    client = _client(world, "clerk_a")
    kind = ActivityKind.objects.filter(active=True).first()
    assert kind is not None
    client.post("/records/activities/new/", {
        "unit": world.a.pk, "kind": kind.pk, "happened_on": "2024-03-05", "topic": "集中学习",
        "participants": [world.staff_a.pk], "files": SimpleUploadedFile("纪要.pdf", b"%PDF-1.4 minutes")})
    activity = Activity.objects.get()
    assert _latest(Action.CREATE).ip == ADDRESS  # a business change, written by a service that takes no address
    attachment = activity.attachments.get()
    response = client.get(f"/records/attachments/{attachment.pk}/")
    assert response.status_code == 200
    entry = _latest(Action.DOWNLOAD)
    assert entry.ip == ADDRESS and "纪要.pdf" in entry.summary


def test_report_generation_and_its_downloads_are_audited_with_the_client_address(world: World) -> None:
    client = _client(world, "clerk_a")
    response = client.post("/reports/generate/", {"unit": world.a.pk, "genre": "responsibility",
                                                  "year": dt.date.today().year - 1})
    assert response.status_code == 302, response.content.decode()[:500]
    assert _latest(Action.GENERATE).ip == ADDRESS
    for suffix, action in [("download/", Action.DOWNLOAD), ("trace.xlsx", Action.EXPORT)]:
        before = AuditEntry.objects.count()
        assert client.get(f"{response['Location']}{suffix}").status_code == 200
        assert AuditEntry.objects.count() == before + 1
        assert _latest(action).ip == ADDRESS


# -- refusals ----------------------------------------------------------------------------------------------
def test_a_403_is_audited_with_path_and_address(world: World) -> None:
    response = _client(world, "auditor").get("/ledger/")
    assert response.status_code == 403
    entry = _latest(Action.REFUSED)
    assert entry.ip == ADDRESS and entry.actor_id == world.auditor.pk and "/ledger/" in entry.summary


def test_a_404_to_a_signed_in_user_is_audited_like_a_refusal(world: World) -> None:
    """An object of another unit answers 404 like a missing one: both are audited, with path and address."""
    client = _client(world, "clerk_b")
    kind = ActivityKind.objects.filter(active=True).first()
    assert kind is not None
    _client(world, "clerk_a").post("/records/activities/new/", {
        "unit": world.a.pk, "kind": kind.pk, "happened_on": "2024-03-05", "topic": "集中学习",
        "participants": [world.staff_a.pk]})
    activity = Activity.objects.get()
    for path in (f"/records/activities/{activity.pk}/", "/records/activities/999999/", "/no/such/page/"):
        response = client.get(path)
        assert response.status_code == 404
        assert "页面不存在" in response.content.decode()
        entry = _latest(Action.REFUSED)
        assert entry.ip == ADDRESS and entry.actor_id == world.clerk_b.pk and path in entry.summary


def test_a_404_to_an_anonymous_visitor_is_not_audited(world: World) -> None:
    before = AuditEntry.objects.count()
    assert Client().get("/no/such/page/").status_code == 404
    assert AuditEntry.objects.count() == before


def test_a_failing_audit_write_does_not_turn_a_404_into_a_500(world: World) -> None:
    client = _client(world, "clerk_a")
    with mock.patch("qinglian.audit.services.audit_log", side_effect=RuntimeError("database gone")):
        response = client.get("/records/activities/999999/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
