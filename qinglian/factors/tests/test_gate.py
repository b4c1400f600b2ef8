"""Where the policy asks for the second factor, a password alone reaches no data: every URL pattern of the
project (walked from the resolver, as the crawl of org/tests/test_crawl.py does), by GET and by POST, answers
a redirect to the code page or to enrolment, never data. For the admins of the demo county too, whose policy
lets business roles in with the password alone."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from qinglian.lib import tracking
from qinglian.lib.testing import PASSWORD, build_world, totp_code
from qinglian.org.tests.test_crawl import PERSONAS, urls

pytestmark = pytest.mark.django_db

# The pages a half-logged-in account may reach: entering the code, enrolling, logging out; and the calendar
# feed, reached by its secret token alone and never by the session (notify.ical, docs/decisions.md).
OPEN = {"factors:verify", "factors:enrol", "logout", "notify:calendar_feed"}


def _password_only(username: str, password: str = PASSWORD) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": password})
    assert response.status_code == 302, f"{username}: the password step failed"
    return client


def _leaks(client: Client, paths: list[tuple[str, str]]) -> list[str]:
    """The URLs that answer anything but a redirect to the second factor's pages."""
    wrong = []
    for name, path in paths:
        if name in OPEN:
            continue
        for method in (client.get, client.post):
            response = method(path)
            location = response.get("Location", "")
            if response.status_code != 302 or not re.match(r"^/factors/(code|enrol)/", location):
                wrong.append(f"{method.__name__.upper()} {name} {path} → {response.status_code} {location}")
    return wrong


@pytest.mark.parametrize("role", sorted(PERSONAS))
def test_a_password_alone_reaches_no_url(role: str, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "files"
    world = build_world()
    user = getattr(world, PERSONAS[role])
    if role in ("clerk", "sysadmin"):  # enrolled ones are led to the code page, the others to enrolment
        TOTPDevice.objects.create(user=user, name="动态口令", confirmed=True)
    paths = [(url.name, url.path) for url in urls(world)]
    client = _password_only(PERSONAS[role])
    assert not _leaks(client, paths), "\n".join(_leaks(client, paths))
    # The code page itself shows no data, and the right code opens the pages.
    if role in ("clerk", "sysadmin"):
        assert client.post("/factors/code/", {"code": totp_code(user)}).status_code == 302
        assert client.get("/admin/" if role == "sysadmin" else "/org/people/").status_code == 200


@pytest.fixture
def demo(db: None) -> dict[str, str]:
    from qinglian.lib.testing import reseed
    from qinglian.org.demo import DEMO_PASSWORD, build_demo

    reseed()
    with tracking.bulk("测试准备"):
        build_demo(today=timezone.localdate(), people=50, log=lambda s: None)
    return {"password": DEMO_PASSWORD}


def test_the_demo_lets_business_roles_in_with_the_password_and_the_admins_only_with_the_code(
        demo: dict[str, str], world_paths: list[tuple[str, str]]) -> None:
    from qinglian.org.models import SecurityPolicy, User

    assert SecurityPolicy.current().business_second_factor is False
    assert _password_only("xcb_clerk", demo["password"]).get("/org/people/").status_code == 200
    for username in ("sysadmin", "secadmin", "auditor"):
        admin = User.objects.get(username=username)
        assert TOTPDevice.objects.filter(user=admin, confirmed=True).count() == 1
        client = _password_only(username, demo["password"])
        assert not _leaks(client, world_paths), "\n".join(_leaks(client, world_paths))
        assert client.post("/factors/code/", {"code": totp_code(admin), "next": "/"})["Location"] == "/"
        assert client.get({"sysadmin": "/admin/", "secadmin": "/org/policy/", "auditor": "/audit/"}[username]
                          ).status_code == 200


@pytest.fixture
def world_paths() -> list[tuple[str, str]]:
    """Every URL pattern filled with ids that need not exist: the gate answers before any view looks."""
    from django.urls import get_resolver

    from qinglian.org.tests.test_crawl import _walk

    return [(name, "/" + re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: "1" if m.group(1) == "int" else "x", str(path)))
            for name, pattern, path in _walk(get_resolver().url_patterns) if "^" not in str(path)]


def test_qinglian_demo_prints_each_admins_secret_beside_the_logins(demo: dict[str, str]) -> None:
    from base64 import b32encode

    from qinglian.org.demo import demo_logins
    from qinglian.org.models import User

    users = {u.username: u for u in User.objects.all()}
    lines = "\n".join(demo_logins(users))
    for username in ("sysadmin", "secadmin", "auditor"):
        device = TOTPDevice.objects.get(user=users[username])
        secret = b32encode(device.bin_key).decode()
        assert " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)) in lines
        assert f"otpauth://totp/%E6%B8%85%E5%BB%89%E5%8F%B0%E8%B4%A6%3A{username}?secret={secret}" in lines
    assert "xcb_clerk" in lines
