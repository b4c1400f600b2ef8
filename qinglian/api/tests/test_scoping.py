"""A crawl like the pages': every operation of the OpenAPI document, with a token of unit A and the ids of unit B,
answers 403 or 404 and never shows B's rows; the lists asked without a unit show only A's subtree."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client

from qinglian.api.jobs import API_REPORT
from qinglian.jobs.queue import enqueue
from qinglian.org.scoping import visible_units
from qinglian.reports.services import report_generate

pytestmark = pytest.mark.django_db

BODIES: dict[str, dict[str, Any]] = {
    "/api/ledger/measures/{measure_id}/progress": {"text": "已完成", "status_after": "done"},
    "/api/ledger/measures/{measure_id}": {"text": "改写"},
    "/api/ledger/measures/{measure_id}/request-close": {"opinion": "申请销号"},
}


def _b_ids(api_world: Any, settings: Any, tmp_path: Any) -> dict[str, int]:
    settings.MEDIA_ROOT = tmp_path
    w = api_world.world
    report = report_generate(user=w.clerk_b, unit=w.b, genre="responsibility", date_from=dt.date(2026, 1, 1),
                             date_to=dt.date(2026, 6, 30))
    job = enqueue(API_REPORT, {"genre": "responsibility", "from": "2026-01-01", "to": "2026-06-30"}, user=w.clerk_b,
                  unit=w.b)
    return {"unit_id": w.b.pk, "person_id": w.staff_b.pk, "source_id": api_world.b.source.pk,
            "measure_id": api_world.b.measure.pk, "activity_id": api_world.activity_b.pk, "report_id": report.pk,
            "job_id": job.pk}


def test_a_token_of_unit_a_reaches_nothing_of_unit_b(api_world, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ids = _b_ids(api_world, settings, tmp_path)
    w = api_world.world
    client = api_world.client(api_world.leader_a)  # a writer and approver of A: the widest A token
    paths = Client().get("/api/openapi.json").json()["paths"]
    b_bodies = {"/api/records/activities": {"unit_id": w.b.pk, "kind": "central_group_study",
                                            "happened_on": "2026-03-05", "topic": "学习", "participants": [w.staff_b.pk]},
                "/api/reports": {"unit_id": w.b.pk, "genre": "responsibility", "date_from": "2026-01-01",
                                 "date_to": "2026-06-30"}}
    crawled, wrong = 0, []
    for template, operations in paths.items():
        path = re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), template)
        for method in operations:
            if method == "get":
                query = {} if "{" in template else {"unit": w.b.pk}
                if template == "/api/figures":
                    query.update(date_from="2026-01-01", date_to="2026-12-31")
                if template in ("/api/me", "/api/records/kinds"):
                    continue  # the token's own account, and reference data shared by all units
                answer = client.get(path, query)
            else:
                body = BODIES.get(template) or b_bodies.get(template, {})
                answer = getattr(client, method)(path, body, content_type="application/json",
                                                 HTTP_IF_MATCH=f'"measure-{ids["measure_id"]}-v1"')
            crawled += 1
            if answer.status_code not in (403, 404) and not (answer.status_code == 422 and method != "get"):
                wrong.append(f"{method.upper()} {path}: {answer.status_code} {answer.content[:120]!r}")
            assert "财政整改" not in answer.content.decode(errors="replace")
    assert crawled >= 18
    assert not wrong, "\n".join(wrong)


def test_lists_without_a_unit_show_only_the_token_accounts_subtree(api_world) -> None:  # type: ignore[no-untyped-def]
    w = api_world.world
    client = api_world.client(api_world.read_a)
    mine = set(visible_units(w.clerk_a).values_list("pk", flat=True))
    for path in ("/api/units", "/api/people", "/api/ledger/sources", "/api/ledger/measures",
                 "/api/records/activities", "/api/reports"):
        answer = client.get(path)
        assert answer.status_code == 200, path
        items = answer.json()["items"]
        units = {i.get("unit_id", i.get("id")) for i in items}
        assert units <= mine, path
    assert {i["id"] for i in client.get("/api/ledger/measures").json()["items"]} == {api_world.a.measure.pk}
    assert client.get("/api/figures", {"date_from": "2026-01-01", "date_to": "2026-12-31",
                                       "unit": w.b.pk}).status_code == 404
