"""A token's life: created in a two-factor session (secret shown once, hash kept), used, revoked, expired;
every use audited with the token's id; read tokens refused on writes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from qinglian.api.models import PersonalAccessToken
from qinglian.api.services import token_create, token_hash
from qinglian.api.tests.conftest import bearer, new_token
from qinglian.audit.models import Action, AuditEntry
from qinglian.lib.testing import client_for

pytestmark = pytest.mark.django_db


def test_a_token_is_made_on_the_page_shown_once_and_only_its_hash_kept(world) -> None:  # type: ignore[no-untyped-def]
    client = world.client("clerk_a")
    page = client.post("/api/tokens/", {"name": "市纪委报送", "scope": "read", "days": 30})
    assert page.status_code == 200
    token = PersonalAccessToken.objects.get(user=world.clerk_a)
    secret = page.context["secret"]
    assert secret.startswith("qlt_") and secret in page.content.decode()
    assert token.token_hash == token_hash(secret) and secret not in str(token.__dict__)
    assert "qlt_" not in client.get("/api/tokens/").content.decode().replace(token.prefix, "")  # never again
    me = Client().get("/api/me", **bearer(secret))
    assert me.status_code == 200 and me.json()["scope"] == "read" and me.json()["username"] == "clerk_a"


def test_without_the_second_factor_no_token_is_made(world) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world.clerk_a)  # the password only: half logged in
    page = client.post("/api/tokens/", {"name": "x", "scope": "read", "days": 30})
    assert page.status_code == 302 and page["Location"].startswith("/factors/")
    assert not PersonalAccessToken.objects.exists()
    with pytest.raises(PermissionDenied):
        token_create(user=world.clerk_a, name="x", scope="read", days=30, verified=False)


def test_expiry_is_required_and_bounded_and_admins_hold_none(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        token_create(user=world.clerk_a, name="x", scope="read", days=181, verified=True)
    with pytest.raises(PermissionDenied):
        token_create(user=world.sysadmin, name="x", scope="read", days=30, verified=True)
    with pytest.raises(ValidationError):  # a supervisor reads only
        token_create(user=world.supervisor, name="x", scope="write", days=30, verified=True)


def test_revoked_and_expired_tokens_answer_401(world) -> None:  # type: ignore[no-untyped-def]
    secret = new_token(world.clerk_a)
    token = PersonalAccessToken.objects.get()
    assert Client().get("/api/units", **bearer(secret)).status_code == 200
    page = client_for(world.clerk_a).post(f"/api/tokens/{token.pk}/revoke/")
    assert page.status_code == 302
    refused = Client().get("/api/units", **bearer(secret))
    assert refused.status_code == 401 and "令牌" in refused.json()["detail"]
    other = new_token(world.clerk_a)
    PersonalAccessToken.objects.filter(token_hash=token_hash(other)).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert Client().get("/api/units", **bearer(other)).status_code == 401
    assert Client().get("/api/units").status_code == 401
    # another account cannot revoke it
    third = PersonalAccessToken.objects.exclude(pk=token.pk).first()
    assert client_for(world.clerk_b).post(f"/api/tokens/{third.pk}/revoke/").status_code == 404


def test_every_use_is_audited_with_the_token_id(world) -> None:  # type: ignore[no-untyped-def]
    secret = new_token(world.clerk_a, "read")
    token = PersonalAccessToken.objects.get()
    Client().get("/api/units", **bearer(secret))
    Client().get("/api/units/987654321", **bearer(secret))
    rows = list(AuditEntry.objects.filter(action=Action.API).order_by("id"))
    assert [r.object_id for r in rows] == [str(token.pk)] * 2
    assert "GET /api/units → 200" in rows[0].summary and "→ 404" in rows[1].summary
    assert rows[0].actor_id == world.clerk_a.pk
    Client().get("/api/units", **bearer("qlt_guessed"))
    assert AuditEntry.objects.filter(action=Action.REFUSED, summary__contains="接口令牌").exists()
    assert PersonalAccessToken.objects.get().last_used_at is not None


def test_a_read_token_is_refused_on_writes(api_world) -> None:  # type: ignore[no-untyped-def]
    client = api_world.client(api_world.read_a)
    answer = client.post(f"/api/ledger/measures/{api_world.a.measure.pk}/progress",
                         {"text": "已完成", "status_after": "done"}, content_type="application/json")
    assert answer.status_code == 403 and "只读" in answer.json()["detail"]


def test_openapi_is_served_to_anyone() -> None:
    answer = Client().get("/api/openapi.json")
    assert answer.status_code == 200 and "/api/ledger/measures/{measure_id}" in answer.json()["paths"]
