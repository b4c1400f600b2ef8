"""Reports that are not copies of last year's: the narrative leads with what changed, and the preview warns
when a draft's records-based text repeats the unit's earlier report (oversight.drafts), through HTTP."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from paperwork.write import Paragraph
from qinglian.ledger.models import Aspect, Closure, Measure, MeasureStatus, Problem, Source
from qinglian.lib import tracking
from qinglian.oversight.drafts import WARN_AT, draft_matches, draft_similarity
from qinglian.records.models import Activity
from qinglian.records.services import tally_rebuild
from qinglian.reports.genres.changes import ledger_outcomes, year_on_year
from qinglian.reports.genres.data import Count, ReportInput
from qinglian.reports.models import GeneratedReport
from qinglian.reports.services import report_draft
from qinglian.stats.definitions import definition

from .conftest import YEAR, _activity


def _generate(client, unit, year: int, genre: str = "responsibility") -> GeneratedReport:
    response = client.post("/reports/generate/", {"unit": unit.pk, "genre": genre, "year": year})
    assert response.status_code == 302, response.content.decode()[:600]
    return GeneratedReport.objects.filter(unit=unit, genre=genre, date_to__year=year).latest("id")


def _last_year(w) -> None:
    """Unit A's 2025: other work, and an inspection whose problems were open at its end, closed since."""
    for month, code, topic in ((4, "central_group_study", "春季学习"), (5, "admonition_talk", "约谈"),
                               (6, "warning_education", "观看警示片"), (10, "integrity_lecture", "廉政党课")):
        _activity(w.a, code, dt.date(YEAR - 1, month, 8), topic, presided=w.principal_a,
                  talked_to=[w.member_a, w.staff_a] if code == "admonition_talk" else ())
    tally_rebuild()
    source = Source.objects.create(unit=w.a, kind="audit", issued_by="县审计局", feedback_date=dt.date(YEAR - 1, 5, 6))
    aspect = Aspect.objects.create(source=source, unit=w.a, title="预算执行方面", order=1)
    for i, (problem, measure) in enumerate((("公务接待费超标准列支", "清退超标准接待费用并建立台账"),
                                            ("政府采购程序执行不到位", "修订采购内控制度，开展专项培训"))):
        p = Problem.objects.create(aspect=aspect, source=source, unit=w.a, text=problem, order=i,
                                   closure=Closure.CLOSED, closed_at=dt.date(YEAR, 3, 1))
        Measure.objects.create(problem=p, aspect=aspect, source=source, unit=w.a, text=measure,
                               status=MeasureStatus.IN_PROGRESS, leader_in_charge=w.member_a,
                               deadline=dt.date(YEAR - 1, 11, 30))


def _every_year_alike(w, years) -> None:
    """Unit B does the same things on the same days every year (and nothing else)."""
    with tracking.bulk("测试准备"):
        Activity.objects.filter(unit=w.b).update(deleted_at=timezone.now())
    for year in years:
        for month, code in ((3, "central_group_study"), (6, "central_group_study"), (9, "central_group_study"),
                            (4, "party_group_meeting"), (5, "integrity_lecture"), (7, "warning_education")):
            _activity(w.b, code, dt.date(year, month, 12), "例行工作", presided=w.principal_b)
        _activity(w.b, "integrity_reminder_talk", dt.date(year, 2, 1), "节前提醒", presided=w.principal_b,
                  talked_to=[w.staff_b])
    tally_rebuild()


def test_the_narrative_leads_with_the_change_from_last_year(seeded):
    w = seeded.world
    _last_year(w)
    draft = report_draft(unit=w.a, genre="responsibility", date_from=dt.date(YEAR, 1, 1),
                         date_to=dt.date(YEAR, 12, 31), today=dt.date(YEAR, 12, 20))
    text = [b.text for b in draft.report.blocks if isinstance(b, Paragraph)]
    basic = text[1]  # 一、基本情况: the general sentence, then what changed
    assert basic.startswith("与2025年相比，")
    assert "中心组学习4次，比上年增加2次" in basic and "约谈本期没有，比上年减少2人次" in basic
    assert basic.endswith("新反馈具体问题3项，比上年增加1项。")  # the largest changes first
    assert "廉政党课" not in basic  # a change of one, beyond the six shown
    # the current figures are traced; the previous year's numbers and the differences are not claims
    traced = {f["text"] for f in draft.figures}
    assert "中心组学习4次" in traced and not any(t.startswith("比上年") for t in traced)


def test_outcomes_and_no_comparison_without_a_previous_year():
    d = ReportInput(genre="responsibility", unit_name="县委宣传部", date_from=dt.date(YEAR, 1, 1),
                    date_to=dt.date(YEAR, 12, 31), today=dt.date(YEAR, 12, 31), figures={
                        "verify.early": Count("verify.early", "提前完成", "项", 2),
                        "verify.late": Count("verify.late", "逾期完成", "项", 1),
                        "verify.extended": Count("verify.extended", "经批准延期", "项", 0)})
    assert year_on_year(d) is None
    outcome = ledger_outcomes(d)
    assert outcome.text == "从整改结果看，整改措施提前完成2项、逾期完成1项，逾期完成的已逐项分析原因、压实责任。"
    assert [r.key for r in outcome.figures] == ["verify.early", "verify.late"]


def test_different_years_do_not_warn_and_a_repeated_year_does_through_http(seeded):
    w = seeded.world
    _last_year(w)
    clerk = w.client("clerk_a")
    earlier = _generate(clerk, w.a, YEAR - 1)
    draft = _generate(clerk, w.a, YEAR)
    assert draft_similarity(draft, earlier) < WARN_AT
    page = clerk.get(f"/reports/{draft.pk}/").content.decode()
    assert "相似度达" not in page
    trace = clerk.get(f"/reports/{draft.pk}/trace/").content.decode()  # each figure with its 统计口径
    assert 'aria-label="中心组学习的统计口径"' in trace
    assert definition("activity.central_group_study").excludes in trace

    _every_year_alike(w, (YEAR - 2, YEAR - 1, YEAR))
    clerk_b = w.client("clerk_b")
    before = _generate(clerk_b, w.b, YEAR - 1)
    again = _generate(clerk_b, w.b, YEAR)
    # the same records: only the year-specific words differ
    changed = [(x["text"], y["text"]) for x, y in zip(before.blocks, again.blocks, strict=True)
               if re.sub(r"20\d\d", "Y", x["text"]) != re.sub(r"20\d\d", "Y", y["text"])]
    assert changed == [] and len(before.blocks) == len(again.blocks)
    [match] = draft_matches(again)
    assert match.year == YEAR - 1 and match.generated == before and match.similarity >= WARN_AT
    page = clerk_b.get(f"/reports/{again.pk}/").content.decode()
    assert f"与本单位{YEAR - 1}年的报告相似度达{match.percent}%，请结合本年实际修改" in page
    assert f'href="/reports/{before.pk}/"' in page and "对照查看" not in page  # a clerk has no 查重 pages
    leader_page = w.client("supervisor").get(f"/reports/{again.pk}/").content.decode()
    assert f'href="/oversight/similar/generated:{before.pk}/generated:{again.pk}/"' in leader_page
    # the earlier draft itself repeats nothing before it (2024 had no report)
    assert "相似度达" not in clerk_b.get(f"/reports/{before.pk}/").content.decode()
