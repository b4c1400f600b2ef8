"""One way in: the admin site's log-in is the app's (same form, same lockout, same audit)."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from qinglian.audit.models import AuditEntry
from qinglian.lib.testing import PASSWORD, World, totp_code

pytestmark = pytest.mark.django_db

WRONG = "Wrong#Pass123"


def test_the_admin_login_sends_people_to_the_app_login(world: World) -> None:
    response = Client().get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/login/?next=%2Fadmin%2F"
    assert "用户名" in response.content.decode()
    assert Client().get("/admin/login/?next=/admin/org/unit/")["Location"] == "/login/?next=%2Fadmin%2Forg%2Funit%2F"
    # No open redirect through it.
    assert Client().get("/admin/login/?next=https://evil.example/")["Location"] == "/login/?next=%2Fadmin%2F"


def test_the_sysadmin_logs_in_through_the_app_and_lands_in_the_admin_site(world: World) -> None:
    TOTPDevice.objects.create(user=world.sysadmin, name="动态口令", confirmed=True)
    client = Client()
    response = client.post("/login/?next=/admin/", {"username": "sysadmin", "password": PASSWORD})
    assert response["Location"] == "/admin/"
    # The password alone does not open the admin site: the code page first, then back to /admin/.
    assert client.get("/admin/")["Location"] == "/factors/code/?next=%2Fadmin%2F"
    response = client.post("/factors/code/", {"code": totp_code(world.sysadmin), "next": "/admin/"})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert AuditEntry.objects.filter(action="login", actor=world.sysadmin).exists()


def test_a_password_posted_to_the_admin_login_is_never_checked_there(world: World) -> None:
    client = Client()
    response = client.post("/admin/login/?next=/admin/", {"username": "sysadmin", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert "_auth_user_id" not in client.session


def test_guesses_against_the_admin_are_counted_and_lock_it(world: World) -> None:
    client = Client()
    for _ in range(5):
        client.post("/login/?next=/admin/", {"username": "sysadmin", "password": WRONG})
    assert AuditEntry.objects.filter(action="login_failed", actor_name="sysadmin").count() == 5
    # Locked: the right password gets in through neither door.
    page = client.post("/login/?next=/admin/", {"username": "sysadmin", "password": PASSWORD})
    assert "锁定" in page.content.decode()
    client.post("/admin/login/?next=/admin/", {"username": "sysadmin", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/", follow=True).redirect_chain[-1][0].startswith("/login/")


def test_someone_logged_in_without_the_role_is_refused_not_sent_round(world: World) -> None:
    response = world.client("clerk_a").get("/admin/", follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) == 1  # /admin/ → /admin/login/ → 403, no loop
    assert world.client("sysadmin").get("/admin/login/")["Location"] == "/admin/"
