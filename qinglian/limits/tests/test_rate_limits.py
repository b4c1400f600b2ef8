"""Rate limits: 429 with a Chinese retry time after the limit, per account and per address, over real HTTP."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from qinglian.lib.testing import PASSWORD, World, client_for
from qinglian.limits.models import RatePolicy
from qinglian.records.models import Activity, ActivityKind

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _fresh_policy(settings, tmp_path) -> Iterator[None]:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "files"
    RatePolicy.forget()  # each worker caches the row for a few seconds; a test's row is rolled back
    yield
    RatePolicy.forget()


@pytest.fixture(autouse=True)
def _mid_window() -> Iterator[None]:
    """The windows are fixed on the clock: 61 log-ins that straddled a minute would count in two windows. The
    counting clock stands still in the middle of every window (a test that moves it patches it itself)."""
    with mock.patch("qinglian.limits.services.timezone.now",
                    return_value=dt.datetime(2026, 3, 2, 10, 2, 30, tzinfo=BEIJING)):
        yield


def _tighten(**limits: int) -> None:
    RatePolicy.objects.create(**{**RatePolicy.DEFAULTS, **limits})


def _login(address: str, username: str = "clerk_a", password: str = "Wrong#Pass123"):  # type: ignore[no-untyped-def]
    return Client(REMOTE_ADDR=address).post("/login/", {"username": username, "password": password})


def _assert_refused(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 429
    assert "操作过于频繁，请于" in response.content.decode() and "后再试" in response.content.decode()
    assert int(response["Retry-After"]) > 0


def test_the_61st_login_attempt_in_a_minute_from_one_address_is_refused(world: World) -> None:
    for i in range(60):
        assert _login("10.1.1.1", f"nobody{i}").status_code == 200
    response = _login("10.1.1.1", "clerk_a", PASSWORD)
    _assert_refused(response)
    assert _login("10.1.1.2", "clerk_a", PASSWORD).status_code == 302  # another address still logs in


def test_login_attempts_for_one_account_are_limited_from_every_address(world: World) -> None:
    _tighten(login_limit=3)
    for i in range(3):
        assert _login(f"10.2.0.{i}", "CLERK_A").status_code == 200
    _assert_refused(_login("10.2.0.9", "clerk_a", PASSWORD))
    assert _login("10.2.0.9", "leader_a", PASSWORD).status_code == 302


def test_the_refusal_names_the_end_of_the_window_and_the_next_window_counts_afresh(world: World) -> None:
    _tighten(login_limit=2)
    clock = dt.datetime(2026, 3, 2, 10, 0, 30, tzinfo=BEIJING)
    with mock.patch("qinglian.limits.services.timezone.now", return_value=clock):
        for _ in range(2):
            assert _login("10.3.0.1", "nobody").status_code == 200
        response = _login("10.3.0.1", "nobody")
    _assert_refused(response)
    assert "请于 10:01 后再试" in response.content.decode()
    assert response["Retry-After"] == "30"
    with mock.patch("qinglian.limits.services.timezone.now", return_value=clock + dt.timedelta(seconds=30)):
        assert _login("10.3.0.1", "clerk_a", PASSWORD).status_code == 302


def test_the_security_admin_may_only_tighten_the_limits(world: World) -> None:
    client = world.client("secadmin")
    assert "/limits/policy/" in client.get("/org/policy/").content.decode()  # beside the lockout policy
    response = client.post("/limits/policy/", {**RatePolicy.DEFAULTS, "export_limit": 31})
    assert response.status_code == 200 and "只能收紧：请填写 1 到 30 之间的次数" in response.content.decode()
    assert not RatePolicy.objects.exists()
    response = client.post("/limits/policy/", {**RatePolicy.DEFAULTS, "export_limit": 1})
    assert response.status_code == 302
    clerk = world.client("clerk_a")
    assert clerk.get("/org/people/export.xlsx").status_code == 200
    _assert_refused(clerk.get("/org/people/export.xlsx"))
    assert world.client("clerk_a").get("/limits/policy/").status_code == 403


def test_the_limits_can_be_switched_off_for_benchmarks(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.QINGLIAN_RATE_LIMITS_OFF = True
    _tighten(export_limit=1)
    clerk = world.client("clerk_a")
    assert [clerk.get("/org/people/export.xlsx").status_code for _ in range(3)] == [200, 200, 200]


def _on(world: World, who: str, address: str) -> Client:
    client = client_for(getattr(world, who))
    client.defaults["REMOTE_ADDR"] = address
    return client


def test_exports_downloads_and_generation_are_limited_over_http(world: World) -> None:
    _tighten(export_limit=2, download_limit=2, generate_limit=1)
    clerk = _on(world, "clerk_a", "10.4.0.1")
    report = clerk.post("/reports/generate/", {"unit": world.a.pk, "genre": "responsibility",
                                               "year": dt.date.today().year - 1})
    assert report.status_code == 302, report.content.decode()[:300]
    _assert_refused(clerk.post("/reports/generate/", {"unit": world.a.pk, "genre": "responsibility",
                                                      "year": dt.date.today().year - 1}))
    url = report["Location"]
    # Exports: the report's figure table and a list export count together.
    assert clerk.get(f"{url}trace.xlsx").status_code == 200
    assert clerk.get("/org/people/export.xlsx").status_code == 200
    _assert_refused(clerk.get("/org/people/export.xlsx"))
    # Downloads: the report's .docx and an attachment count together.
    kind = ActivityKind.objects.filter(active=True).first()
    assert kind is not None
    clerk.post("/records/activities/new/", {
        "unit": world.a.pk, "kind": kind.pk, "happened_on": "2024-03-05", "topic": "集中学习",
        "participants": [world.staff_a.pk], "files": SimpleUploadedFile("纪要.pdf", b"%PDF-1.4 minutes")})
    attachment = Activity.objects.get().attachments.get()
    assert clerk.get(f"{url}download/").status_code == 200
    assert clerk.get(f"/records/attachments/{attachment.pk}/").status_code == 200
    _assert_refused(clerk.get(f"/records/attachments/{attachment.pk}/"))
    # Another account from the same address is refused too (per address); from elsewhere it is not.
    _assert_refused(_on(world, "leader_a", "10.4.0.1").get("/org/people/export.xlsx"))
    assert _on(world, "leader_a", "10.4.0.2").get("/org/people/export.xlsx").status_code == 200
