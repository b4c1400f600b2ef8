"""A rectification notice is about one inspection (or a chosen few): a period with several sources is
refused with their list until one is chosen, on the page and on the CLI, and a notice for one source holds
nothing of the other — text, figures or the records its trace page shows."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from paperwork.write import report_text
from qinglian.ledger.models import Aspect, Measure, MeasureStatus, Problem, Source
from qinglian.reports.models import GeneratedReport
from qinglian.reports.services import SourceChoice, report_draft
from qinglian.reports.trace import trace_rows

from .conftest import YEAR

PERIOD = {"date_from": dt.date(YEAR, 1, 1), "date_to": dt.date(YEAR, 12, 31)}


@pytest.fixture
def second(seeded) -> Source:
    w = seeded.world
    source = Source.objects.create(unit=w.a, kind="inspection", issued_by="市委第七巡察组",
                                   feedback_date=dt.date(YEAR, 9, 1))
    aspect = Aspect.objects.create(source=source, unit=w.a, title="意识形态工作责任制落实方面", order=1)
    problem = Problem.objects.create(aspect=aspect, source=source, unit=w.a, text="网络意识形态阵地管理不严", order=1)
    Measure.objects.create(problem=problem, aspect=aspect, source=source, unit=w.a, text="建立网评员队伍",
                           status=MeasureStatus.IN_PROGRESS, deadline=dt.date(YEAR, 12, 31))
    return source


def test_several_sources_and_no_choice_is_refused_with_the_list(seeded, second) -> None:
    with pytest.raises(SourceChoice) as info:
        report_draft(unit=seeded.world.a, genre="rectification", **PERIOD)
    message = info.value.messages[0]
    assert "2 个反馈来源" in message and f"编号 {seeded.source.pk}：县委第三巡察组巡察" in message
    assert f"编号 {second.pk}：市委第七巡察组巡察（{YEAR}年9月1日反馈）" in message


def test_a_notice_for_one_source_holds_only_that_source(seeded, second) -> None:
    draft = report_draft(unit=seeded.world.a, genre="rectification", sources=[second.pk], **PERIOD)
    text = "\n".join(report_text(draft.docx))
    assert "市委第七巡察组" in text and "网络意识形态阵地管理不严" in text and "建立网评员队伍" in text
    assert "县委第三巡察组" not in text and "财务" not in text and "党中央重大决策部署" not in text
    assert "1个方面1项具体问题" in text.replace("\n", "")
    ledger = {f["kind"]: f["count"] for f in draft.figures if f["kind"].startswith("ledger.")}
    assert ledger.get("ledger.problems") == 1 and ledger.get("ledger.measures", 1) == 1


def test_the_page_asks_for_the_source_then_traces_only_its_records(seeded, second) -> None:
    clerk = seeded.world.client("clerk_a")
    post = {"unit": seeded.world.a.pk, "genre": "rectification", "year": YEAR}
    refused = clerk.post("/reports/generate/", post)
    body = refused.content.decode()
    assert refused.status_code == 400 and "整改情况通报须针对其中一个" in body and "市委第七巡察组巡察" in body
    assert not GeneratedReport.objects.exists()
    done = clerk.post("/reports/generate/", {**post, "sources": [seeded.source.pk]})
    assert done.status_code == 302
    report = GeneratedReport.objects.get()
    assert report.sources == [seeded.source.pk]
    rows = {r.figure["kind"]: r for r in trace_rows(report)}
    problems = rows["ledger.problems"]
    assert problems.current == problems.figure["count"] == 3 and not problems.changed
    assert "网络意识形态" not in clerk.get(f"/reports/{report.pk}/trace/").content.decode()


def test_the_cli_takes_source_and_explains_without_it(seeded, second, tmp_path: Path) -> None:
    out = tmp_path / "通报.docx"
    args = ["report", "--unit", "县委宣传部", "--genre", "rectification", "--year", str(YEAR), "-o", str(out)]
    with pytest.raises(CommandError, match="请用 --source 编号 指定"):
        call_command(*args, stdout=io.StringIO())
    with pytest.raises(CommandError, match="不是该单位在此时段内的反馈来源"):
        call_command(*args, "--source", "999999", stdout=io.StringIO())
    call_command(*args, "--source", str(second.pk), stdout=io.StringIO())
    assert "市委第七巡察组" in "\n".join(report_text(out.read_bytes()))
