"""三员分立 for real: the system admin manages accounts but grants no role; the security admin grants and
revokes roles; each change is audited; an account without a role reaches nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from qinglian.audit.models import AuditEntry
from qinglian.lib.testing import PASSWORD, World, client_for, make_user
from qinglian.org.auth import locked_until
from qinglian.org.models import Role, User

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Changed#Pass2026"


def _add(client: Client, username: str, **extra: object):  # type: ignore[no-untyped-def]
    return client.post("/admin/org/user/add/", {"username": username, "usable_password": "true",
                                                "password1": PASSWORD, "password2": PASSWORD, **extra})


def _change(client: Client, account: User, **extra: object):  # type: ignore[no-untyped-def]
    data = {"username": account.username, "unit": account.unit_id or "", "person": account.person_id or "",
            "is_active": "on" if account.is_active else "", "first_name": "", "last_name": "", "email": "",
            **extra}
    return client.post(f"/admin/org/user/{account.pk}/change/", {k: v for k, v in data.items() if v != ""})


def _audited(summary: str) -> AuditEntry:
    return AuditEntry.objects.get(summary__contains=summary)


def test_an_account_the_sysadmin_creates_has_no_role_even_if_one_is_posted(world: World) -> None:
    response = _add(world.client("sysadmin"), "new_one", role=Role.AUDITOR, unit=world.a.pk)
    assert response.status_code == 302
    account = User.objects.get(username="new_one")
    assert account.role == "" and account.unit == world.a and not account.is_superuser
    entry = _audited("新建账号 new_one")
    assert entry.action == "create" and entry.actor == world.sysadmin


def test_an_account_without_a_role_reaches_nothing(world: World) -> None:
    client = client_for(make_user("waiting", "", world.a))
    home = client.get("/")
    assert "账号尚未授权，请联系安全管理员分配角色" in home.content.decode()
    for url in ("/ledger/", "/org/people/", "/audit/", "/org/accounts/", "/org/policy/", "/records/"):
        assert client.get(url).status_code == 403, url
    assert client.get("/admin/", follow=True).status_code == 403


def test_the_sysadmin_cannot_grant_a_role_in_the_admin_site(world: World) -> None:
    client = world.client("sysadmin")
    assert _change(client, world.clerk_a, role=Role.AUDITOR).status_code == 302
    assert User.objects.get(pk=world.clerk_a.pk).role == Role.CLERK
    waiting = make_user("waiting", "", world.a)
    _change(client, waiting, role=Role.LEADER)
    assert User.objects.get(pk=waiting.pk).role == ""


def test_setting_the_unit_and_disabling_are_audited(world: World) -> None:
    client = world.client("sysadmin")
    assert _change(client, world.clerk_a, unit=world.b.pk).status_code == 302
    assert _audited("修改账号 clerk_a").after["unit_id"] == world.b.pk
    account = User.objects.get(pk=world.clerk_a.pk)
    assert _change(client, account, is_active="").status_code == 302
    assert not User.objects.get(pk=account.pk).is_active
    assert _audited("停用账号 clerk_a").actor == world.sysadmin


def test_a_password_reset_in_the_admin_site_is_audited(world: World) -> None:
    client = world.client("sysadmin")
    response = client.post(f"/admin/org/user/{world.clerk_a.pk}/password/",
                           {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true",
                            "set-password": ""})
    assert response.status_code == 302
    assert User.objects.get(pk=world.clerk_a.pk).check_password(NEW_PASSWORD)
    entry = _audited("重置账号 clerk_a 的密码")
    assert entry.action == "update" and entry.actor == world.sysadmin


def test_the_sysadmin_unlocks_an_account_audited(world: World) -> None:
    for _ in range(5):
        Client().post("/login/", {"username": "clerk_a", "password": "Wrong#Pass123"})
    assert locked_until("clerk_a") is not None
    response = world.client("sysadmin").post("/admin/org/user/", {
        "action": "unlock", "_selected_action": [world.clerk_a.pk]})
    assert response.status_code == 302
    assert locked_until("clerk_a") is None
    assert _audited("解除账号 clerk_a 的登录锁定").actor == world.sysadmin
    assert Client().post("/login/", {"username": "clerk_a", "password": PASSWORD}).status_code == 302


def test_the_sysadmin_cannot_take_over_the_other_admins(world: World) -> None:
    client = world.client("sysadmin")
    for admin in (world.secadmin, world.auditor):
        assert client.get(f"/admin/org/user/{admin.pk}/password/").status_code == 403
        response = client.post(f"/admin/org/user/{admin.pk}/password/",
                               {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
        assert response.status_code == 403
        assert not User.objects.get(pk=admin.pk).check_password(NEW_PASSWORD)
        _change(client, admin, is_active="")
        assert User.objects.get(pk=admin.pk).is_active


def _grant(client: Client, account: User, role: str, confirm: bool = True):  # type: ignore[no-untyped-def]
    return client.post(f"/org/accounts/{account.pk}/",
                       {"action": "grant", "role": role, **({"confirm": "on"} if confirm else {})})


def _revoke(client: Client, account: User):  # type: ignore[no-untyped-def]
    return client.post(f"/org/accounts/{account.pk}/", {"action": "revoke", "confirm": "on"})


def test_the_secadmin_grants_a_role_after_confirming(world: World) -> None:
    waiting = make_user("waiting", "", world.a)
    client = world.client("secadmin")
    assert "请勾选确认后再授予" in _grant(client, waiting, Role.CLERK, confirm=False).content.decode()
    assert User.objects.get(pk=waiting.pk).role == ""
    assert _grant(client, waiting, Role.CLERK).status_code == 302
    assert User.objects.get(pk=waiting.pk).role == Role.CLERK
    entry = _audited("授予账号 waiting 角色：录入员")
    assert entry.actor == world.secadmin and entry.before == {"role": ""} and entry.after == {"role": "clerk"}
    assert client_for(User.objects.get(pk=waiting.pk)).get("/org/people/").status_code == 200


def test_the_secadmin_revokes_a_role_audited(world: World) -> None:
    client = world.client("secadmin")
    assert _revoke(client, world.leader_a).status_code == 302
    assert User.objects.get(pk=world.leader_a.pk).role == ""
    assert _audited("撤销账号 leader_a 的角色：负责人").actor == world.secadmin
    assert world.client("leader_a").get("/ledger/").status_code == 403


def test_the_rules_of_granting_answer_in_chinese_never_500(world: World) -> None:
    client = world.client("secadmin")
    assert "请先撤销现有角色" in _grant(client, world.clerk_a, Role.LEADER).content.decode()
    assert User.objects.get(pk=world.clerk_a.pk).role == Role.CLERK
    waiting = make_user("waiting", "", world.a)
    assert "无需撤销" in _revoke(client, waiting).content.decode()
    no_unit = make_user("no_unit", "")
    assert "请先请系统管理员为该账号设置所属单位" in _grant(client, no_unit, Role.CLERK).content.decode()
    assert "不能给自己授予或撤销角色" in client.get(f"/org/accounts/{world.secadmin.pk}/").content.decode()
    assert "不能撤销自己的角色" in _revoke(client, world.secadmin).content.decode()
    assert "不能给自己授予角色" in _grant(client, world.secadmin, Role.AUDITOR).content.decode()
    assert User.objects.get(pk=world.secadmin.pk).role == Role.SECADMIN
    # One person, two admin roles: refused (三员分立).
    world.auditor.person = world.staff_b
    world.auditor.save()
    second = make_user("second", "", None, world.staff_b)
    page = _grant(client, second, Role.SYSADMIN).content.decode()
    assert "同一人不能同时担任" in page
    assert User.objects.get(pk=second.pk).role == ""
    assert _grant(client, second, "nonsense").status_code == 200


def test_changing_the_role_of_what_was_a_superuser_is_no_500(world: World) -> None:
    client = world.client("secadmin")
    assert _revoke(client, world.sysadmin).status_code == 302
    account = User.objects.get(pk=world.sysadmin.pk)
    assert "请先请系统管理员为该账号设置“对应干部”" in _grant(client, account, Role.AUDITOR).content.decode()
    account.person = world.staff_a1
    account.save()
    assert _grant(client, account, Role.AUDITOR).status_code == 302
    assert User.objects.get(pk=world.sysadmin.pk).role == Role.AUDITOR


def test_the_accounts_page_lists_and_filters(world: World) -> None:
    make_user("waiting", "", world.a)
    client = world.client("secadmin")
    page = client.get("/org/accounts/?role=none").content.decode()
    assert "waiting" in page and "clerk_a" not in page
    page = client.get("/org/accounts/?q=clerk").content.decode()
    assert "clerk_a" in page and "clerk_b" in page and ">auditor</a>" not in page
    assert client.get("/org/accounts/?role=bogus").status_code == 200
    for who in ("sysadmin", "auditor", "clerk_a", "leader_a", "supervisor"):
        assert world.client(who).get("/org/accounts/").status_code == 403, who
