"""The 等保 password policy: blocklist, history, maximum age, single-use initial passwords, account expiry,
dormant accounts, and the demo county's documented password (docs/decisions.md)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from qinglian.lib import tracking
from qinglian.lib.testing import PASSWORD, World, client_for, make_user, sign_in
from qinglian.org import middleware
from qinglian.org.models import PasswordHistory, Role, SecurityPolicy, User
from qinglian.org.passwords import dormant_accounts, password_too_old

pytestmark = pytest.mark.django_db

NEW = ["Fresh#Pass2026a", "Fresh#Pass2026b", "Fresh#Pass2026c", "Fresh#Pass2026d", "Fresh#Pass2026e",
       "Fresh#Pass2026f"]


def _refusals(password: str, user: User | None = None) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        validate_password(password, user)
    return caught.value.messages


def _login(username: str, password: str = PASSWORD) -> Client:
    client = Client()
    sign_in(client, username, password)  # the password, then the second factor the policy asks for
    return client


def _admin_reset(world: World, password: str) -> None:
    admin = client_for(world.sysadmin)
    admin.post(f"/admin/org/user/{world.clerk_a.pk}/password/",
               {"password1": password, "password2": password, "usable_password": "true", "set-password": ""})


def _change(client: Client, old: str, new: str):  # type: ignore[no-untyped-def]
    return client.post("/org/password/", {"old_password": old, "new_password1": new, "new_password2": new})


@pytest.mark.parametrize("password", ["Qinglian#2027", "myQLT#pass99", "QingLianTaiZhang#1", "Xcb新闻宣传股#26ab",
                                      "县委宣传部Abc#123", "Abc#123县财政局x"])
def test_the_blocklist_refuses_the_system_name_and_the_unit_names_in_chinese(world: World, password: str) -> None:
    messages = _refusals(password)
    assert any("系统的名称" in m or "单位名称" in m for m in messages)


def test_a_unit_short_name_is_refused_whatever_its_case(world: World) -> None:
    world.b.short_name = "CZJ"
    world.b.save()
    assert any("单位名称“CZJ”" in m for m in _refusals("my-czj-Pass#2026"))
    validate_password("Harmless#Pass2026")  # an ordinary strong password passes every rule


def test_the_last_five_passwords_are_never_used_again(world: World) -> None:
    client = _login("clerk_a")
    current = PASSWORD
    for new in NEW[:5]:
        assert _change(client, current, new).status_code == 302
        current = new
    for old in NEW[:5]:  # the current one and the four before it
        page = _change(client, current, old).content.decode()
        assert "新密码不能与最近用过的密码相同" in page or "新密码不能与原密码相同" in page
    # the sixth back (set before the app recorded one) is out of the window; the seventh is new.
    assert _change(client, current, NEW[5]).status_code == 302
    assert PasswordHistory.objects.filter(user=world.clerk_a).count() == 6
    assert User.objects.get(pk=world.clerk_a.pk).check_password(NEW[5])


def test_history_is_written_by_the_admin_reset_and_by_createuser(world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _admin_reset(world, NEW[0])
    assert any("最近用过" in m for m in _refusals(NEW[0], User.objects.get(pk=world.clerk_a.pk)))
    secret = tmp_path / "pw.txt"
    secret.write_text(NEW[1] + "\n", encoding="utf-8")
    call_command("createuser", "--username", "newclerk", "--role", "clerk", "--unit", str(world.a.pk),
                 "--password-file", str(secret))
    assert PasswordHistory.objects.filter(user__username="newclerk").count() == 1


def test_a_password_older_than_ninety_days_leads_every_page_to_the_change_form(world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    policy = SecurityPolicy.current()
    changed = world.clerk_a.password_changed_at or world.clerk_a.date_joined
    assert not password_too_old(world.clerk_a, policy, changed + timedelta(days=89, hours=23))
    assert password_too_old(world.clerk_a, policy, changed + timedelta(days=90))

    later = timezone.now() + timedelta(days=91)
    monkeypatch.setattr(middleware.timezone, "now", lambda: later)
    client = _login("clerk_a")
    for url in ("/", "/org/people/", "/records/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/org/password/"
    page = client.get("/org/password/").content.decode()
    assert "已使用超过 90 天" in page and "修改密码" in page
    assert client.get("/static/app.css").status_code != 302
    assert _change(client, PASSWORD, NEW[0]).status_code == 302
    monkeypatch.undo()
    assert client.get("/org/people/").status_code == 200
    assert client.post("/logout/").status_code == 302


def test_a_password_someone_else_set_is_changed_at_first_login(world: World) -> None:
    _admin_reset(world, NEW[0])
    client = _login("clerk_a", NEW[0])
    response = client.get("/org/people/")
    assert response.status_code == 302 and response["Location"] == "/org/password/"
    assert "您的密码由他人设置，请先修改密码" in client.get("/org/password/").content.decode()
    assert _change(client, NEW[0], NEW[1]).status_code == 302
    assert client.get("/org/people/").status_code == 200
    assert not User.objects.get(pk=world.clerk_a.pk).must_change_password


def test_accounts_the_sysadmin_or_createuser_creates_must_change_unless_kept(world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    admin = client_for(world.sysadmin)
    admin.post("/admin/org/user/add/", {"username": "newbie", "usable_password": "true", "password1": NEW[0],
                                        "password2": NEW[0]})
    assert User.objects.get(username="newbie").must_change_password
    secret = tmp_path / "pw.txt"
    secret.write_text(NEW[1] + "\n", encoding="utf-8")
    call_command("createuser", "--username", "initial", "--role", "sysadmin", "--password-file", str(secret))
    call_command("createuser", "--username", "own", "--role", "auditor", "--password-file", str(secret), "--keep")
    assert User.objects.get(username="initial").must_change_password
    assert not User.objects.get(username="own").must_change_password


def test_an_account_past_its_expiry_date_cannot_log_in(world: World) -> None:
    User.objects.filter(pk=world.clerk_a.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    client = Client()
    page = client.post("/login/", {"username": "clerk_a", "password": PASSWORD}).content.decode()
    assert "账号已过有效期，请联系系统管理员" in page
    assert "_auth_user_id" not in client.session
    User.objects.filter(pk=world.clerk_a.pk).update(expires_on=timezone.localdate())
    assert _login("clerk_a").get("/org/people/").status_code == 200  # the last day still counts


def test_a_session_open_when_the_account_expires_ends(world: World) -> None:
    client = _login("clerk_a")
    User.objects.filter(pk=world.clerk_a.pk).update(expires_on=date(2020, 1, 1))
    response = client.get("/org/people/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert "_auth_user_id" not in client.session


def test_the_secadmin_sees_dormant_accounts(world: World) -> None:
    now = timezone.now()
    old = now - timedelta(days=120)
    User.objects.filter(pk=world.clerk_a.pk).update(last_login=old, date_joined=old)
    User.objects.filter(pk=world.clerk_b.pk).update(last_login=now - timedelta(days=10), date_joined=old)
    never = make_user("never_in", Role.CLERK, world.a)
    User.objects.filter(pk=never.pk).update(last_login=None, date_joined=old)
    policy = SecurityPolicy.current()
    names = {u.username for u in dormant_accounts(policy, now)}
    assert {"clerk_a", "never_in"} <= names and "clerk_b" not in names and "leader_a" not in names
    assert "clerk_a" in {u.username for u in dormant_accounts(policy, now - timedelta(days=29, hours=23))}
    assert "clerk_a" not in {u.username for u in dormant_accounts(policy, now - timedelta(days=31))}

    client = world.client("secadmin")
    assert "/org/accounts/dormant/" in client.get("/").content.decode()
    page = client.get("/org/accounts/dormant/").content.decode()
    assert "长期未登录账号" in page and "clerk_a" in page and "从未登录" in page and "clerk_b" not in page
    assert world.client("leader_a").get("/org/accounts/dormant/").status_code in (403, 404)


def test_the_password_rules_may_only_be_tightened(world: World) -> None:
    client = world.client("secadmin")
    base = {k: v for k, v in SecurityPolicy.DEFAULTS.items()}
    page = client.post("/org/policy/", {**base, "password_max_age_days": 180, "password_history": 3,
                                        "dormant_days": 365}).content.decode()
    assert page.count("只能收紧") >= 3
    assert client.post("/org/policy/", {**base, "password_max_age_days": 30, "password_history": 10,
                                        "dormant_days": 60}).status_code == 302
    policy = SecurityPolicy.current()
    assert (policy.password_max_age_days, policy.password_history, policy.dormant_days) == (30, 10, 60)


def test_the_demo_accounts_keep_the_documented_password_without_a_forced_change() -> None:
    from qinglian.lib.testing import reseed
    from qinglian.org.demo import DEMO_PASSWORD, build_demo

    reseed()
    with tracking.bulk("测试准备"):
        build_demo(today=timezone.localdate(), people=50, log=lambda s: None)
    for username in ("xcb_clerk", "secadmin", "sysadmin"):
        account = User.objects.get(username=username)
        assert not account.must_change_password
        assert PasswordHistory.objects.filter(user=account).count() == 1
    client = _login("secadmin", DEMO_PASSWORD)
    assert client.get("/org/accounts/").status_code == 200
