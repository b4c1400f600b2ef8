"""Edits: ETag on reads, If-Match required (428), stale (412), a stale body version (409 with the other writer's
change); Idempotency-Key replays a create; a token past its per-minute limit gets 429 with Retry-After."""

from __future__ import annotations

import pytest

from qinglian.api.tests.conftest import make_ledger
from qinglian.ledger.models import Progress
from qinglian.limits.models import RateCounter
from qinglian.records.models import Activity

pytestmark = pytest.mark.django_db
JSON = "application/json"


def test_an_edit_needs_the_current_etag(api_world) -> None:  # type: ignore[no-untyped-def]
    client, other = api_world.client(api_world.write_a), api_world.client(api_world.leader_a)
    url = f"/api/ledger/measures/{api_world.a.measure.pk}"
    read = client.get(url)
    tag = read["ETag"]
    assert read.status_code == 200 and read.json()["version"] == 1
    missing = client.patch(url, {"text": "甲的修改"}, content_type=JSON)
    assert missing.status_code == 428 and "If-Match" in missing.json()["detail"]
    first = other.patch(url, {"text": "乙的修改"}, content_type=JSON, HTTP_IF_MATCH=tag)
    assert first.status_code == 200 and first["ETag"] != tag and first.json()["text"] == "乙的修改"
    stale = client.patch(url, {"text": "甲的修改"}, content_type=JSON, HTTP_IF_MATCH=tag)
    assert stale.status_code == 412
    assert stale.json()["changes"][0]["new"] == "乙的修改"
    conflict = client.patch(url, {"text": "甲的修改", "version": 1}, content_type=JSON, HTTP_IF_MATCH=first["ETag"])
    assert conflict.status_code == 409
    assert "乙的修改" in conflict.json()["detail"] and conflict.json()["changes"][0]["field"] == "整改措施"
    fresh = client.patch(url, {"text": "甲的修改", "version": 2}, content_type=JSON, HTTP_IF_MATCH=first["ETag"])
    assert fresh.status_code == 200 and fresh.json()["version"] == 3


def test_a_create_with_the_same_key_is_made_once(api_world) -> None:  # type: ignore[no-untyped-def]
    client = api_world.client(api_world.write_a)
    url = f"/api/ledger/measures/{api_world.a.measure.pk}/progress"
    body = {"text": "已建立学习制度", "status_after": "done"}
    first = client.post(url, body, content_type=JSON, HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post(url, body, content_type=JSON, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Progress.objects.filter(measure=api_world.a.measure).count() == 1
    other = client.post(url, {**body, "text": "另一条"}, content_type=JSON, HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 422 and "幂等键" in other.json()["detail"]
    # the key belongs to its account: another account's same key is a new request
    w = api_world.world
    activity = {"unit_id": w.a.pk, "kind": "central_group_study", "happened_on": "2026-03-05", "topic": "传达学习",
                "participants": [w.staff_a.pk]}
    made = api_world.client(api_world.leader_a).post("/api/records/activities", activity, content_type=JSON,
                                                     HTTP_IDEMPOTENCY_KEY="k-1")
    assert made.status_code == 201 and made["Location"].endswith(f"/{made.json()['id']}")
    assert Activity.objects.filter(topic="传达学习").count() == 1


def test_ask_for_closure_through_the_ledger_rules(api_world) -> None:  # type: ignore[no-untyped-def]
    client = api_world.client(api_world.write_a)
    measure = make_ledger(api_world.world.a, kind="self_check").measure  # 自查: no 验收 step (verify)
    url = f"/api/ledger/measures/{measure.pk}"
    refused = client.post(url + "/request-close", {"opinion": "已完成"}, content_type=JSON)
    assert refused.status_code == 422 and "尚未完成" in refused.json()["detail"]  # the ledger's own rule
    client.post(url + "/progress", {"text": "已完成", "status_after": "done"}, content_type=JSON)
    stale = client.post(url + "/request-close", {"opinion": "已完成"}, content_type=JSON,
                        HTTP_IF_MATCH=f'"measure-{measure.pk}-v1"')
    assert stale.status_code == 412
    asked = client.post(url + "/request-close", {"opinion": "已完成"}, content_type=JSON)
    assert asked.status_code == 200 and asked.json()["closure"] == "requested"


def test_too_many_requests_answer_429(api_world, settings) -> None:  # type: ignore[no-untyped-def]
    settings.QINGLIAN_RATE_LIMITS_OFF = False
    settings.QINGLIAN_API_PER_MINUTE = 3
    client = api_world.client(api_world.read_a)
    answers = [client.get("/api/units").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = client.get("/api/units")
    assert int(refused["Retry-After"]) >= 1 and "频繁" in refused.json()["detail"]
    assert RateCounter.objects.filter(kind="api").exists()
    assert api_world.client(api_world.write_a).get("/api/units").status_code == 200  # per token
