"""A clerk whose account exists logs in with the identity system, through the real flow over HTTP."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from qinglian.audit.models import Action, AuditEntry
from qinglian.lib.testing import PASSWORD, World
from qinglian.sso.tests.conftest import person, sso
from qinglian.sso.tests.provider import REDIRECT_URI, Provider

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("password_only")]


def test_no_button_and_no_flow_unless_configured(client: Client) -> None:
    page = client.get("/login/")
    assert "统一身份认证登录" not in page.content.decode()
    assert client.get("/sso/login/").status_code == 404
    assert client.get("/sso/callback/", {"code": "x", "state": "y"}).status_code == 404


def test_the_button_sends_the_browser_to_the_provider_with_state_nonce_and_pkce(
        client: Client, provider: Provider) -> None:
    page = client.get("/login/?next=/ledger/")
    assert "统一身份认证登录" in page.content.decode()
    start = client.get("/sso/login/", {"next": "/ledger/"})
    url = urlsplit(start["Location"])
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert f"{url.scheme}://{url.netloc}{url.path}" == provider.url + "/authorize"
    assert query["client_id"] == "qinglian" and query["redirect_uri"] == REDIRECT_URI
    assert query["response_type"] == "code" and "openid" in query["scope"].split()
    assert len(query["state"]) >= 32 and len(query["nonce"]) >= 32
    assert query["code_challenge_method"] == "S256" and query["code_challenge"]


def test_a_mapped_clerk_is_logged_in_to_their_account(client: Client, provider: Provider, world: World) -> None:
    response = sso(client, provider, person("clerk_a", amr=["pwd"]), next_url="/org/people/")
    assert response.status_code == 302 and response["Location"] == "/org/people/"
    page = client.get("/org/people/")
    assert page.status_code == 200 and "张干事" in page.content.decode()
    assert int(client.session["_auth_user_id"]) == world.clerk_a.pk
    # The code went back to the provider over HTTP: token, then keys and user info.
    assert provider.hits[-3:] == ["/token", "/jwks", "/userinfo"]
    login = AuditEntry.objects.filter(action=Action.LOGIN).latest("id")
    assert login.actor_id == world.clerk_a.pk and login.summary == "clerk_a 登录（统一身份认证）"


def test_the_claim_is_matched_as_usernames_are(client: Client, provider: Provider, world: World) -> None:
    """Case and full-width forms of a name are one name (username_key), as at the password form."""
    sso(client, provider, person("ＣＬＥＲＫ_A"))
    assert int(client.session["_auth_user_id"]) == world.clerk_a.pk


def test_a_configured_claim_maps_the_account(client: Client, provider: Provider, world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.QINGLIAN_OIDC_USERNAME_CLAIM = "employee_no"
    world.clerk_a.username = "100234"
    world.clerk_a.save()
    sso(client, provider, person("zhangsan", employee_no="100234"))
    assert int(client.session["_auth_user_id"]) == world.clerk_a.pk


def test_the_discovery_document_is_fetched_once(client: Client, provider: Provider, world: World) -> None:
    sso(client, provider, person("clerk_a"))
    sso(Client(), provider, person("leader_a"))
    assert provider.hits.count("/.well-known/openid-configuration") == 1


def test_a_login_without_a_password_of_ours_is_not_sent_to_change_it(
        client: Client, provider: Provider, world: World) -> None:
    """The password rules are the identity system's for such a session; a password log-in still must."""
    world.clerk_a.must_change_password = True
    world.clerk_a.save()
    sso(client, provider, person("clerk_a"))
    assert client.get("/org/people/").status_code == 200
    password = Client()
    password.post("/login/", {"username": "clerk_a", "password": PASSWORD})
    assert password.get("/org/people/")["Location"] == "/org/password/"


def test_endpoints_named_by_hand_need_no_discovery(
        client: Client, provider: Provider, world: World, settings) -> None:  # type: ignore[no-untyped-def]
    for name, path in [("AUTHORIZATION", "/authorize"), ("TOKEN", "/token"), ("USERINFO", "/userinfo"),
                       ("JWKS", "/jwks"), ("END_SESSION", "/logout")]:
        setattr(settings, f"QINGLIAN_OIDC_{name}_ENDPOINT", provider.url + path)
    sso(client, provider, person("clerk_a"))
    assert int(client.session["_auth_user_id"]) == world.clerk_a.pk
    assert "/.well-known/openid-configuration" not in provider.hits
