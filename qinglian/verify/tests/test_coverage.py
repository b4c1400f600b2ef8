"""Plan coverage: a planted source lists exactly what its plan lacks (a problem without a measure, a measure
without a 责任人 or a 时限, a name kept as written 待匹配), a complete one lists nothing, and the source's page and
a rectification report's preview say so."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.urls import reverse

from qinglian.ledger.models import Measure, Problem, Source
from qinglian.ledger.services import (
    ledger_aspect_create,
    ledger_measure_create,
    ledger_problem_create,
    ledger_source_create,
)
from qinglian.lib.services import record_update
from qinglian.lib.testing import World
from qinglian.reports.models import Genre
from qinglian.reports.services import report_generate
from qinglian.verify.coverage import coverage

FEEDBACK = dt.date(2026, 3, 2)


@dataclass
class Planted:
    source: Source
    full: Measure  # names all four
    bare: Problem  # no measure
    parted: Problem  # split into parts: not itself a specific problem
    part_bare: Problem  # its part （2）, no measure
    no_owner: Measure  # 责任人 missing
    no_deadline: Measure  # 时限 missing
    as_written: Measure  # 责任领导 kept as written, not matched


def _measure(w: World, problem: Problem, text: str, **kw: object) -> Measure:
    args = {"leader_in_charge": w.member_a, "responsible_unit": w.a1, "owner": w.staff_a1,
            "deadline_text": "2026年6月30日", **kw}
    return ledger_measure_create(user=w.clerk_a, problem=problem, text=text, today=FEEDBACK, **args)  # type: ignore[arg-type]


def plant(w: World) -> Planted:
    source = ledger_source_create(user=w.clerk_a, unit=w.a, kind="inspection", issued_by="县委第二巡察组",
                                  feedback_date=FEEDBACK)
    aspect = ledger_aspect_create(user=w.clerk_a, source=source, title="落实全面从严治党责任")
    complete = ledger_problem_create(user=w.clerk_a, aspect=aspect, text="谈心谈话开展不经常")
    full = _measure(w, complete, "制定年度谈心谈话计划")
    no_owner = _measure(w, complete, "班子成员带头谈话", owner=None)
    bare = ledger_problem_create(user=w.clerk_a, aspect=aspect, text="廉政风险点排查不全面")
    parted = ledger_problem_create(user=w.clerk_a, aspect=aspect, text="财务管理不规范")
    part1 = ledger_problem_create(user=w.clerk_a, aspect=aspect, text="公务接待无公函", parent=parted)
    part_bare = ledger_problem_create(user=w.clerk_a, aspect=aspect, text="差旅费报销超标准", parent=parted)
    no_deadline = _measure(w, part1, "严格执行公务接待制度", deadline_text="")
    as_written = _measure(w, part1, "清理近三年接待台账", leader_in_charge=None)
    as_written = record_update(user=w.clerk_a, obj=as_written, data={"leader_in_charge_text": "李某某"},
                               version=as_written.version)
    return Planted(source, full, bare, Problem.objects.get(pk=parted.pk), part_bare, no_owner, no_deadline,
                   as_written)


def test_coverage_lists_exactly_what_is_missing(world: World) -> None:
    p = plant(world)
    cov = coverage(p.source)
    assert cov.problems == 4 and cov.measures == 4  # 谈心谈话, 风险点, （1）, （2): the parted parent is not counted
    assert {x.pk for x in cov.without_measure} == {p.bare.pk, p.part_bare.pk}
    gaps = {g.measure.pk: g for g in cov.gaps}
    assert set(gaps) == {p.no_owner.pk, p.no_deadline.pk, p.as_written.pk}
    assert gaps[p.no_owner.pk].missing == ("责任人",)
    assert gaps[p.no_deadline.pk].missing == ("整改时限",)
    # a name kept as written counts as present, flagged 待匹配
    assert gaps[p.as_written.pk].missing == () and gaps[p.as_written.pk].unmatched == ("责任领导“李某某”（待匹配）",)
    assert {g.measure.pk for g in cov.missing} == {p.no_owner.pk, p.no_deadline.pk}
    assert not cov.complete
    assert "2项具体问题还没有整改措施" in cov.summary() and "2条措施缺" in cov.summary()
    assert "1条措施的姓名、单位或时限按原文保留" in cov.summary()


def test_a_complete_plan_lists_nothing_and_long_term_counts_as_a_deadline(world: World) -> None:
    p = plant(world)
    for problem in (p.bare, p.part_bare):
        _measure(world, problem, "建立长效机制", deadline_text="长期坚持")
    for m in (p.no_owner, p.no_deadline, p.as_written):
        m = Measure.objects.get(pk=m.pk)
        record_update(user=world.clerk_a, obj=m, version=m.version, data={
            "owner": world.staff_a1, "leader_in_charge": world.member_a, "leader_in_charge_text": "",
            "deadline": dt.date(2026, 6, 30)})
    cov = coverage(p.source)
    assert cov.complete and cov.clean and cov.without_measure == [] and cov.gaps == []
    assert cov.summary().startswith("4项具体问题均已制定整改措施，6条措施均明确了")
    # a deleted measure no longer covers its problem
    from qinglian.lib.services import record_delete

    only = Measure.objects.filter(problem=p.bare).get()
    record_delete(user=world.clerk_a, obj=only)
    assert [x.pk for x in coverage(p.source).without_measure] == [p.bare.pk]


def test_source_page_shows_the_gaps(world: World) -> None:
    p = plant(world)
    page = world.client("clerk_a").get(reverse("ledger:source", args=[p.source.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "整改方案覆盖情况" in html
    assert "差旅费报销超标准" in html and "没有整改措施的问题" in html
    assert "班子成员带头谈话" in html and "缺责任人" in html
    assert "责任领导“李某某”（待匹配）" in html
    full = world.client("clerk_a").get(reverse("verify:coverage", args=[p.source.pk])).content.decode()
    assert "差旅费报销超标准" in full and "缺整改时限" in full
    assert world.client("clerk_b").get(reverse("verify:coverage", args=[p.source.pk])).status_code == 404
    # and another unit's clerk does not reach the page at all
    assert world.client("clerk_b").get(reverse("ledger:source", args=[p.source.pk])).status_code == 404


def test_rectification_preview_warns_before_download(world: World) -> None:
    p = plant(world)
    report = report_generate(user=world.clerk_a, unit=world.a, genre=Genre.RECTIFICATION,
                             date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 12, 31), sources=[p.source.pk])
    html = world.client("clerk_a").get(report.get_absolute_url()).content.decode()
    assert "整改方案覆盖情况" in html and "下载或印发前请核对" in html and "差旅费报销超标准" in html
    # the official text itself carries no such warning
    assert not any("覆盖情况" in b.get("text", "") for b in report.blocks)


@pytest.mark.parametrize("genre", [Genre.RESPONSIBILITY])
def test_other_genres_show_no_coverage(world: World, genre: str) -> None:
    plant(world)
    report = report_generate(user=world.clerk_a, unit=world.a, genre=genre, date_from=dt.date(2026, 1, 1),
                             date_to=dt.date(2026, 12, 31))
    assert "整改方案覆盖情况" not in world.client("clerk_a").get(report.get_absolute_url()).content.decode()


def test_the_panels_cost_the_same_queries_however_many_problems(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from qinglian.verify.classes import classes_profile_set
    from qinglian.verify.models import ProblemNature

    p = plant(world)
    client = world.client("clerk_a")
    url = reverse("ledger:source", args=[p.source.pk])

    def queries() -> int:
        client.get(url)  # warm the session and the memo
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = queries()
    aspect = p.bare.aspect
    nature = ProblemNature.objects.first()
    for i in range(5):
        extra = ledger_problem_create(user=world.clerk_a, aspect=aspect, text=f"新增问题{i}")
        _measure(world, extra, f"新增措施{i}", owner=None)
        classes_profile_set(user=world.clerk_a, problem=extra, nature=nature, reach="", rect_type=None, cause="")
    assert queries() == before


def test_the_counts_go_beyond_the_listed_rows(world: World) -> None:
    p = plant(world)
    cov = coverage(p.source, limit=1)
    assert (cov.without_count, cov.missing_count, cov.pending_count) == (2, 2, 1)
    assert len(cov.without_measure) == 1 and len(cov.gaps) == 1 and cov.more
    assert cov.summary() == coverage(p.source).summary()
