"""A source's page at any size: aspects with their counts, the first problems of each, more on demand; the
page's cost (queries and bytes) the same for 12 problems or 2,000 measures."""

from __future__ import annotations

import datetime as dt

import pytest

from qinglian.ledger.imports import ledger_create_from_plan
from qinglian.ledger.models import Aspect, Measure, Source
from qinglian.ledger.selectors import PARTS_SHOWN, PROBLEMS_SHOWN

pytestmark = pytest.mark.django_db


def _source(world, aspects: int, problems: int, parts: int, measures: int) -> Source:  # type: ignore[no-untyped-def]
    """`aspects` × `problems` top-level problems, each split into `parts` (or none), `measures` a leaf."""
    def leaf(text: str) -> dict:  # type: ignore[type-arg]
        return {"text": text, "children": [], "measures": [{"text": f"{text}措施{m}"} for m in range(measures)]}

    plan = [{"title": f"方面{a}", "problems": [
        {**leaf(f"问题{a}-{p}"), "measures": [] if parts else leaf("")["measures"],
         "children": [leaf(f"问题{a}-{p}-{c}") for c in range(parts)]}
        for p in range(problems)]} for a in range(aspects)]
    result = ledger_create_from_plan(user=world.clerk_a, unit=world.a, aspects=plan, source_fields={
        "kind": "inspection", "issued_by": f"县委第{Source.objects.count() + 1}巡察组",
        "feedback_date": dt.date(2026, 3, 1)})
    assert result.ok, result.errors
    return Source.objects.get(pk=result.source_id)


def test_small_source_shows_every_problem_with_counts(world) -> None:  # type: ignore[no-untyped-def]
    source = _source(world, aspects=2, problems=3, parts=2, measures=1)
    body = world.client("clerk_a").get(f"/ledger/sources/{source.pk}/").content.decode()
    assert "方面0" in body and "问题1-2-1" in body
    assert "3 项问题（具体问题 6 项），已销号 0 项" in body
    assert "显示更多问题" not in body


def test_a_source_with_2000_measures_answers_a_bounded_page(world, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = world.client("clerk_a")
    small = _source(world, aspects=1, problems=2, parts=0, measures=1)
    client.get(f"/ledger/sources/{small.pk}/")
    with django_assert_num_queries(QUERIES):
        client.get(f"/ledger/sources/{small.pk}/")
    # 4 aspects × 20 problems × 25 parts = 2,000 measures, and one aspect of 100 problems besides
    big = _source(world, aspects=4, problems=20, parts=25, measures=1)
    wide = Aspect.objects.get(source=_source(world, aspects=1, problems=100, parts=0, measures=1))
    assert Measure.objects.filter(problem__source=big).count() == 2000
    with django_assert_num_queries(QUERIES):
        response = client.get(f"/ledger/sources/{big.pk}/")
    body = response.content.decode()
    assert len(response.content) < 120_000, len(response.content)
    assert "20 项问题（具体问题 500 项），已销号 0 项" in body
    assert body.count("查看全部具体问题") == 4 * PROBLEMS_SHOWN and f"问题0-0-{PARTS_SHOWN - 1}<" in body
    assert f"问题0-0-{PARTS_SHOWN}<" not in body
    # an aspect of 100 problems shows the first page and loads the next on demand
    page = client.get(f"/ledger/sources/{wide.source_id}/").content.decode()
    assert f"问题0-{PROBLEMS_SHOWN - 1}<" in page and f"问题0-{PROBLEMS_SHOWN}<" not in page
    more = f"/ledger/aspects/{wide.pk}/?page=2"
    assert f'hx-get="{more}"' in page and "（共 100 项）" in page
    rows = client.get(more, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in rows and f"问题0-{PROBLEMS_SHOWN}<" in rows and f"问题0-{PROBLEMS_SHOWN - 1}<" not in rows
    last = client.get(f"/ledger/aspects/{wide.pk}/?page={100 // PROBLEMS_SHOWN}").content.decode()
    assert "<html" in last and "问题0-99<" in last and "显示更多问题" not in last
    assert world.client("clerk_b").get(more).status_code == 404


QUERIES = 11  # with the session's second-factor device (django-otp); 4 of them verify's 整改方案覆盖情况 panel
