"""The identity system's second factor counts when its signed ID token asserts a configured one (amr/acr);
otherwise an account that needs a second factor goes through our code page, as after a password."""

from __future__ import annotations

import pytest
from django.test import Client

from qinglian.audit.models import Action, AuditEntry
from qinglian.lib.testing import World, totp_code
from qinglian.sso.tests.conftest import person, sso
from qinglian.sso.tests.provider import Provider

pytestmark = pytest.mark.django_db


def _enrolled(user):  # type: ignore[no-untyped-def]
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="动态口令", confirmed=True)


def test_an_admin_without_a_factor_from_the_identity_system_must_show_our_code(
        client: Client, provider: Provider, world: World) -> None:
    _enrolled(world.sysadmin)
    response = sso(client, provider, person("sysadmin", amr=["pwd"]), next_url="/admin/")
    assert response["Location"] == "/admin/"
    gate = client.get("/admin/")
    assert gate.status_code == 302 and gate["Location"].startswith("/factors/code/")
    assert client.get("/admin/org/user/").status_code == 302  # nothing of the admin site before the code
    done = client.post("/factors/code/", {"code": totp_code(world.sysadmin), "next": "/admin/"})
    assert done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_an_admin_with_amr_otp_comes_straight_in(client: Client, provider: Provider, world: World) -> None:
    sso(client, provider, person("sysadmin", amr=["pwd", "otp"]), next_url="/admin/")
    assert client.get("/admin/").status_code == 200
    entry = AuditEntry.objects.filter(action=Action.FACTOR).latest("id")
    assert entry.actor_id == world.sysadmin.pk
    assert entry.summary == "sysadmin 的第二因素由统一身份认证确认（amr: otp）"


def test_a_configured_acr_counts_and_an_unlisted_one_does_not(
        provider: Provider, world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.QINGLIAN_OIDC_MFA_ACR = "urn:gov:loa:3"
    strong, weak = Client(), Client()
    sso(strong, provider, person("secadmin", acr="urn:gov:loa:3"))
    assert strong.get("/org/policy/").status_code == 200
    sso(weak, provider, person("secadmin", acr="urn:gov:loa:1"))
    assert weak.get("/org/policy/")["Location"].startswith("/factors/")


def test_an_admin_with_no_factor_of_ours_is_sent_to_enrol(client: Client, provider: Provider, world: World) -> None:
    sso(client, provider, person("auditor"))
    assert client.get("/audit/")["Location"].startswith("/factors/enrol/")


def test_business_roles_follow_the_policy_and_the_assertion(provider: Provider, world: World) -> None:
    """The default policy asks business accounts for a second factor too: the identity system's counts."""
    without, asserted = Client(), Client()
    sso(without, provider, person("clerk_a"))
    assert without.get("/org/people/")["Location"].startswith("/factors/")
    sso(asserted, provider, person("clerk_a", amr=["mfa"]))
    assert asserted.get("/org/people/").status_code == 200


def test_the_factor_lasts_one_session(provider: Provider, world: World) -> None:
    """The device the identity system's factor is recorded on verifies nothing by itself: the next session
    without an assertion goes through our code page again."""
    first, second = Client(), Client()
    sso(first, provider, person("sysadmin", amr=["hwk"]))
    assert first.get("/admin/").status_code == 200
    sso(second, provider, person("sysadmin", amr=["pwd"]))
    assert second.get("/admin/")["Location"].startswith("/factors/")


def test_an_amr_from_the_user_info_answer_does_not_count(client: Client, provider: Provider, world: World) -> None:
    """Only the signed ID token can assert the factor."""
    provider.userinfo = {"amr": ["otp"]}
    sso(client, provider, person("sysadmin", amr=["pwd"]))
    assert client.get("/admin/")["Location"].startswith("/factors/")
