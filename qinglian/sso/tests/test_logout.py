"""Log-out ends our session, then the identity system's (RP-initiated logout), when it offers one."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from qinglian.audit.models import Action, AuditEntry
from qinglian.lib.testing import PASSWORD, World
from qinglian.sso.tests.conftest import person, sso
from qinglian.sso.tests.provider import Provider

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("password_only")]


def test_logout_ends_the_session_here_and_at_the_provider(client: Client, provider: Provider, world: World) -> None:
    sso(client, provider, person("clerk_a"))
    id_token = client.session["qinglian_sso_id_token"]
    response = client.post("/logout/")
    url = urlsplit(response["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == provider.url + "/logout"
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query == {"id_token_hint": id_token, "client_id": "qinglian",
                     "post_logout_redirect_uri": "http://testserver/login/"}
    assert client.get("/org/people/")["Location"].startswith("/login/")
    assert AuditEntry.objects.filter(action=Action.LOGOUT).latest("id").summary == "clerk_a 退出"


def test_a_password_session_logs_out_here_only(client: Client, provider: Provider, world: World) -> None:
    client.post("/login/", {"username": "clerk_a", "password": PASSWORD})
    assert client.post("/logout/")["Location"] == "/login/"
    assert client.get("/org/people/")["Location"].startswith("/login/")
