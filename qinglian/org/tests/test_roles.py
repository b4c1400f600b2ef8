"""三员分立: the three admin roles are exclusive, and the admin site is the system admin's alone."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from qinglian.lib.testing import PASSWORD, World
from qinglian.org.models import Role, User
from qinglian.org.services import user_create

pytestmark = pytest.mark.django_db


def test_an_account_holds_exactly_one_role(world: World) -> None:
    # The role is one column with a check constraint: there is no way to store two roles on one account.
    field = User._meta.get_field("role")
    assert not field.many_to_many
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=world.auditor.pk).update(role="auditor,secadmin")


def test_no_account_is_a_superuser_and_the_sysadmin_works_without_it(world: World) -> None:
    assert not User.objects.filter(is_superuser=True).exists()
    client = world.client("sysadmin")
    for url in ("/admin/", "/admin/org/unit/", "/admin/org/user/", "/admin/org/user/add/",
                "/admin/records/activitykind/", f"/admin/org/user/{world.clerk_a.pk}/password/"):
        assert client.get(url).status_code == 200, url


def test_one_person_cannot_hold_two_admin_roles(world: World) -> None:
    person = world.staff_b
    user_create(actor=None, username="it_sec", role=Role.SECADMIN, unit=None, password=PASSWORD, person=person)
    with pytest.raises(ValidationError, match="三员分立"):
        user_create(actor=None, username="it_audit", role=Role.AUDITOR, unit=None, password=PASSWORD,
                    person=person)


def test_admin_site_is_for_the_sysadmin_only(world: World) -> None:
    assert world.client("sysadmin").get("/admin/org/unit/").status_code == 200
    for who in ("secadmin", "auditor", "clerk_a", "leader_a", "supervisor"):
        response = world.client(who).get("/admin/org/unit/", follow=True)
        assert response.status_code == 403, who


def test_audit_log_page_is_for_the_auditor_only(world: World) -> None:
    assert world.client("auditor").get("/audit/").status_code == 200
    for who in ("sysadmin", "secadmin", "clerk_a", "leader_a", "supervisor"):
        assert world.client(who).get("/audit/").status_code == 403, who


def test_security_policy_can_only_be_tightened_by_the_secadmin(world: World) -> None:
    client = world.client("secadmin")
    defaults = {"failure_limit": 5, "failure_window_minutes": 15, "lockout_minutes": 30,
                "address_failure_limit": 30, "address_window_minutes": 15, "address_block_minutes": 15}
    response = client.post("/org/policy/", {**defaults, "failure_limit": 9})
    assert "只能收紧" in response.content.decode()
    response = client.post("/org/policy/", {**defaults, "address_failure_limit": 31})
    assert "只能收紧" in response.content.decode()
    response = client.post("/org/policy/", {**defaults, "address_block_minutes": 5})
    assert "只能收紧" in response.content.decode()
    response = client.post("/org/policy/", {"failure_limit": 3, "failure_window_minutes": 30, "lockout_minutes": 60,
                                            "address_failure_limit": 20, "address_window_minutes": 30,
                                            "address_block_minutes": 60, "password_max_age_days": 90,
                                            "password_history": 5, "dormant_days": 90})
    assert response.status_code == 302
    assert world.client("sysadmin").get("/org/policy/").status_code == 403


def test_weak_passwords_are_refused_in_chinese(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        user_create(actor=None, username="weak", role=Role.CLERK, unit=world.a, password="abcdefghij")
    assert any("至少3类" in m for m in excinfo.value.messages)
    with pytest.raises(ValidationError):
        user_create(actor=None, username="short", role=Role.CLERK, unit=world.a, password="Ab#1")
