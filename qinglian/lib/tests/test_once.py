"""A form posted twice creates one record, and the second post shows the first one's result (lib.once)."""

from __future__ import annotations

import datetime as dt
import re
import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from qinglian.ledger.models import Aspect, Measure, Problem, Progress, Source
from qinglian.lib import once
from qinglian.lib.models import FormToken
from qinglian.lib.testing import World, build_world, client_for, reseed
from qinglian.records.models import Activity, ActivityKind


def _token(client: Client, url: str) -> str:
    page = client.get(url).content.decode()
    found = re.search(r'name="once_token" value="([0-9a-f]{32})"', page)
    assert found, f"{url} carries no once_token"
    return found.group(1)


def _activity(world: World, **over: Any) -> dict[str, Any]:
    kind = ActivityKind.objects.filter(active=True).first()
    assert kind is not None
    return {"unit": world.a.pk, "kind": kind.pk, "happened_on": "2024-03-05", "topic": "集中学习",
            "participants": [world.staff_a.pk], **over}


def test_the_activity_form_posted_twice_creates_one_record(world: World) -> None:
    client = world.client("clerk_a")
    data = {**_activity(world), "once_token": _token(client, "/records/activities/new/")}
    first = client.post("/records/activities/new/", data)
    assert first.status_code == 302
    second = client.post("/records/activities/new/", data, follow=True)
    assert Activity.objects.count() == 1
    assert second.redirect_chain[0][0] == first["Location"]  # the second post shows the first one's result
    assert "该表单已提交，无需重复提交" in second.content.decode()


def test_a_form_shown_again_after_an_error_still_posts(world: World) -> None:
    client = world.client("clerk_a")
    token = _token(client, "/records/activities/new/")
    refused = client.post("/records/activities/new/", {**_activity(world, topic=""), "once_token": token})
    assert refused.status_code == 200 and not Activity.objects.exists()
    assert client.post("/records/activities/new/", {**_activity(world), "once_token": token}).status_code == 302
    assert Activity.objects.count() == 1


def test_posts_without_a_token_are_not_guarded(world: World) -> None:
    client = world.client("clerk_a")
    for _ in range(2):
        assert client.post("/records/activities/new/", _activity(world)).status_code == 302
    assert Activity.objects.count() == 2


def _measure(world: World) -> Measure:
    client = world.client("clerk_a")
    client.post("/ledger/sources/new/", {"kind": "inspection", "issued_by": "县委第三巡察组", "feedback_date": "2026-03-02"})
    client.post(f"/ledger/sources/{Source.objects.get().pk}/aspects/", {"title": "落实管党治党政治责任方面"})
    client.post(f"/ledger/aspects/{Aspect.objects.get().pk}/problems/", {"text": "财务管理不规范。"})
    client.post(f"/ledger/problems/{Problem.objects.get().pk}/measures/", {
        "text": "修订财务管理制度", "owner": world.staff_a.pk, "deadline_text": "2026年6月底", "status": "not_started"})
    return Measure.objects.get()


def test_ledger_measure_and_progress_forms_posted_twice_create_one_each(world: World) -> None:
    client = world.client("clerk_a")
    measure = _measure(world)
    problem_url = f"/ledger/problems/{measure.problem_id}/"
    data = {"text": "开展警示教育", "owner": world.staff_a.pk, "deadline_text": "长期坚持", "status": "in_progress",
            "once_token": _token(client, problem_url)}
    for _ in range(2):
        assert client.post(f"{problem_url}measures/", data).status_code == 302
    assert Measure.objects.filter(text="开展警示教育").count() == 1
    data = {"text": "已印发制度", "status_after": "in_progress", "once_token": _token(client, f"/ledger/measures/{measure.pk}/")}
    for _ in range(2):
        assert client.post(f"/ledger/measures/{measure.pk}/progress/", data).status_code == 302
    assert Progress.objects.filter(measure=measure).count() == 1


def test_tokens_older_than_a_day_are_swept(db: None) -> None:
    old, fresh = FormToken.objects.create(token="a" * 32), FormToken.objects.create(token="b" * 32)
    FormToken.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=1, minutes=1))
    assert once.sweep() == 1
    assert list(FormToken.objects.values_list("token", flat=True)) == [fresh.token]


@pytest.mark.django_db(transaction=True)
def test_two_threads_posting_the_same_form_at_once_create_one_record(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises the whole database)")
    # the second post waits for the first; on a loaded 2-core machine that can pass the 10 s a user waits
    monkeypatch.setattr(once, "WAIT_SECONDS", 60.0)
    reseed()  # an earlier transactional test's flush emptied the seeded activity kinds
    world = build_world()
    token = _token(client_for(world.clerk_a), "/records/activities/new/")
    data = {**_activity(world), "once_token": token}
    barrier, answers = threading.Barrier(2), []

    def post() -> None:
        client = client_for(world.clerk_a)
        barrier.wait()
        try:
            answers.append(client.post("/records/activities/new/", data))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0]["Location"] == answers[1]["Location"]
    assert Activity.objects.count() == 1
