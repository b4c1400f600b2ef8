"""Enrolment: a QR code drawn on the page and the secret as text, confirmed only by a current code, then ten
recovery codes shown once; an enrolment abandoned half-way leaves the old factor working; re-enrolment and new
recovery codes from the account holder's own page; the security admin's reset, audited."""

from __future__ import annotations

import re
from base64 import b32decode
from collections.abc import Iterator

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from qinglian.audit.models import AuditEntry
from qinglian.lib.testing import PASSWORD, World, client_for, totp_code
from qinglian.limits.models import RatePolicy

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rates() -> Iterator[None]:
    RatePolicy.forget()
    yield
    RatePolicy.forget()


def _password_only(who: str) -> Client:
    client = Client()
    assert client.post("/login/", {"username": who, "password": PASSWORD}).status_code == 302
    return client


def _secret_on(page: str) -> str:
    match = re.search(r"密钥：<code>([A-Z2-7 ]+)</code>", page)
    assert match, "the secret is shown as text"
    return match.group(1).replace(" ", "")


def _code(secret: str) -> str:
    import time

    totp = TOTP(b32decode(secret))
    totp.time = time.time()
    return f"{totp.token():06d}"


def _codes_on(page: str) -> list[str]:
    return re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)


def test_an_account_with_no_factor_is_led_to_enrol_and_confirms_with_a_current_code(world: World) -> None:
    client = _password_only("auditor")
    response = client.get("/audit/")
    assert response["Location"] == "/factors/enrol/?next=%2Faudit%2F"
    page = client.get(response["Location"]).content.decode()
    assert "<svg" in page and "<path" in page and "http" not in page.split("<svg")[1].split("</svg>")[0]
    secret = _secret_on(page)
    assert "otpauth://totp/" in page and f"secret={secret}" in page
    assert not TOTPDevice.objects.filter(user=world.auditor, confirmed=True).exists()
    # A wrong code confirms nothing.
    wrong = f"{(int(_code(secret)) + 1) % 1_000_000:06d}"
    page = client.post("/factors/enrol/", {"code": wrong, "next": "/audit/"}).content.decode()
    assert "口令不正确" in page and client.get("/audit/").status_code == 302
    page = client.post("/factors/enrol/", {"code": _code(secret), "next": "/audit/"}).content.decode()
    codes = _codes_on(page)
    assert len(codes) == 10 and "只显示这一次" in page and "打印" in page
    assert client.get("/audit/").status_code == 200  # verified by the enrolment itself
    assert AuditEntry.objects.filter(action="factor", actor=world.auditor, summary__contains="绑定动态口令").exists()
    # Shown once: the page of the account holder counts them, never lists them.
    mine = client.get("/factors/").content.decode()
    assert "剩余恢复码" in mine and "10 个" in mine and codes[0] not in mine


def test_an_abandoned_re_enrolment_leaves_the_old_factor_working(world: World) -> None:
    client = client_for(world.secadmin)
    old = TOTPDevice.objects.get(user=world.secadmin, confirmed=True)
    page = client.get("/factors/enrol/").content.decode()
    assert "更换动态口令" in page and "原来的动态口令仍然有效" in page
    new_secret = _secret_on(page)
    # Walked away: log out, come back with the old phone.
    client.post("/logout/")
    again = _password_only("secadmin")
    assert again.get("/org/policy/")["Location"].startswith("/factors/code/")
    # Half logged in with a confirmed factor, the enrolment page is not a way round the code page.
    assert again.get("/factors/enrol/")["Location"] == "/factors/code/"
    assert again.post("/factors/enrol/", {"code": _code(new_secret)})["Location"] == "/factors/code/"
    assert again.post("/factors/code/", {"code": totp_code(world.secadmin), "next": "/org/policy/"}).status_code == 302
    assert again.get("/org/policy/").status_code == 200
    assert TOTPDevice.objects.get(user=world.secadmin, confirmed=True).pk == old.pk
    # Finished later: the new phone replaces the old one.
    page = again.get("/factors/enrol/").content.decode()
    assert _secret_on(page) == new_secret  # the same pending secret, not a third one
    assert len(_codes_on(again.post("/factors/enrol/", {"code": _code(new_secret)}).content.decode())) == 10
    assert list(TOTPDevice.objects.filter(user=world.secadmin).values_list("confirmed", flat=True)) == [True]
    assert TOTPDevice.objects.get(user=world.secadmin).pk != old.pk
    assert AuditEntry.objects.filter(action="factor", summary__contains="更换动态口令").exists()


def test_recovery_codes_are_regenerated_from_the_holders_page_and_the_old_ones_stop_working(world: World) -> None:
    from qinglian.factors.totp import recovery_codes_issue

    old = recovery_codes_issue(world.clerk_a)
    client = client_for(world.clerk_a)
    assert "请勾选确认" in client.post("/factors/recovery/", {}, follow=True).content.decode()
    page = client.post("/factors/recovery/", {"confirm": "on"}).content.decode()
    new = _codes_on(page)
    assert len(new) == 10 and not set(new) & set(old)
    half = _password_only("clerk_a")
    assert half.post("/factors/code/", {"code": old[0]}).status_code == 200
    assert half.post("/factors/code/", {"code": new[0]}).status_code == 302
    assert AuditEntry.objects.filter(action="factor", summary__contains="重新生成恢复码").exists()


def test_the_security_admin_resets_a_lost_phone_audited_and_the_account_enrols_again(world: World) -> None:
    holder = client_for(world.leader_a)  # verified on the lost phone
    secadmin = client_for(world.secadmin)
    url = f"/factors/reset/{world.leader_a.pk}/"
    assert f'href="{url}"' in secadmin.get(f"/org/accounts/{world.leader_a.pk}/").content.decode()
    assert "请勾选确认" in secadmin.post(url, {}).content.decode()
    assert secadmin.post(url, {"confirm": "on"})["Location"] == f"/org/accounts/{world.leader_a.pk}/"
    assert not TOTPDevice.objects.filter(user=world.leader_a).exists()
    entry = AuditEntry.objects.filter(action="factor", summary__contains="重置 leader_a").get()
    assert entry.actor_id == world.secadmin.pk
    # The session verified on the lost phone is verified no more: it must enrol again.
    assert holder.get("/org/people/")["Location"].startswith("/factors/enrol/")
    # Nobody else resets a factor, and the security admin not their own.
    assert world.client("sysadmin").post(url, {"confirm": "on"}).status_code == 403
    assert secadmin.post(f"/factors/reset/{world.secadmin.pk}/", {"confirm": "on"}).status_code == 302
    assert TOTPDevice.objects.filter(user=world.secadmin, confirmed=True).exists()


def test_the_admin_site_does_not_show_anyones_factor(world: World) -> None:
    page = client_for(world.sysadmin).get("/admin/").content.decode()
    assert "otp_totp" not in page and "TOTP" not in page
    assert client_for(world.sysadmin).get("/admin/otp_totp/totpdevice/").status_code == 404


def test_the_security_policy_form_sets_the_business_second_factor(world: World) -> None:
    from qinglian.org.models import SecurityPolicy

    client = world.client("secadmin")
    page = client.get("/org/policy/").content.decode()
    assert "业务账号须使用动态口令" in page
    values = {k: v for k, v in SecurityPolicy.DEFAULTS.items() if k != "business_second_factor"}
    assert client.post("/org/policy/", values).status_code == 302
    assert SecurityPolicy.current().business_second_factor is False
    assert _password_only("clerk_b").get("/org/people/").status_code == 200
    assert _password_only("auditor").get("/audit/").status_code == 302  # the admins always


def test_the_server_resets_the_only_security_admins_factor_audited(world: World) -> None:
    """Nobody on the web can reset the security admin's own factor: the server's command does, audited."""
    import io

    from django.core.management import call_command

    client_for(world.secadmin)  # enrolled
    assert TOTPDevice.objects.filter(user=world.secadmin, confirmed=True).exists()
    out = io.StringIO()
    call_command("account", "reset-factor", world.secadmin.username, stdout=out)
    assert "已重置" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=world.secadmin, confirmed=True).exists()
    assert AuditEntry.objects.filter(action="factor", summary__contains=world.secadmin.username).exists()
    page = _password_only("secadmin").get("/", follow=True)
    assert "/factors/enrol/" in page.redirect_chain[-1][0]
