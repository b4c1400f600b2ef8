"""Report import reads each measure's state from the notice (issue 12): 已完成 / 已整改到位 / 持续推进 /
长期坚持 … per measure, per problem, or the notice-wide "已全面完成整改"; the preview shows the state and
its words as a choice the user may change; the ledger then counts it (no red 2021 items after seed 003)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone

from qinglian.ledger.models import Measure, MeasureStatus, Problem, TextOrigin
from qinglian.ledger.tests.test_report_import import _docx, _media, _preview, _seed, _text  # noqa: F401

PHRASES = {  # measure text → the state the notice gives it
    "集中学习17次，已完成": MeasureStatus.DONE,
    "学习台账已整改到位": MeasureStatus.DONE,
    "台账补录整改完成": MeasureStatus.DONE,
    "谈话制度已落实": MeasureStatus.DONE,
    "制度修订持续推进": MeasureStatus.IN_PROGRESS,
    "专项检查正在推进": MeasureStatus.IN_PROGRESS,
    "资产清查推进中": MeasureStatus.IN_PROGRESS,
    "警示教育长期坚持": MeasureStatus.LONG_TERM,
    "作风建设持续抓好": MeasureStatus.LONG_TERM,
    "谈心谈话常态化开展": MeasureStatus.LONG_TERM,
    "印发学习计划": MeasureStatus.IN_PROGRESS,  # the notice says nothing of it
}


def _notice(measures: list[str], statement: str = "") -> str:
    enum = "".join(f"{'一二三四五六七八九十'[i % 10] if i < 10 else '十一'}是{m}。" for i, m in enumerate(measures))
    return ("县委宣传部关于县委第一巡察组巡察反馈意见整改情况的通报\n"
            "县委第一巡察组于2021年7月26日反馈了巡察意见。现将整改情况通报如下：\n"
            "一、整改落实情况\n" + (statement + "\n" if statement else "") +
            "（一）学习贯彻方面\n1.关于学习贯彻不到位的问题。\n整改情况：" + enum + "\n"
            "二、下一步工作\n一要持续深化思想认识。二要确保问题全部整改到位。\n")


def _measure_rows(form: dict[str, str]) -> list[str]:
    return sorted((k.removesuffix("-status") for k in form if k.endswith("-status")
                   and f"{k.removesuffix('-status')}-target" not in form), key=lambda r: int(r[1:]))


def _confirm(client: Any, action: str, form: dict[str, str], **extra: str) -> Any:
    form.update({"feedback_date": "2021年7月26日", "default-deadline": "2021年10月25日", **extra})
    response = client.post(action, form)
    assert response.status_code == 302, _text(response)[:3000]
    return response


def test_seed_003_all_rectified_so_no_measure_turns_red(world) -> None:
    client = world.client("clerk_a")
    html, action, form = _preview(client, "巡察整改情况.docx", _docx(_seed("003")), world.a)
    rows = _measure_rows(form)
    assert len(rows) == 33
    assert {form[f"{r}-status"] for r in rows} == {MeasureStatus.DONE}  # the select shows 已完成, changeable
    assert html.count("据通报中“已全面完成整改”") == 33
    _confirm(client, action, form)
    measures = Measure.objects.all()
    assert measures.count() == 33 and set(measures.values_list("status", flat=True)) == {MeasureStatus.DONE}
    assert {m.deadline for m in measures} == {dt.date(2021, 10, 25)}
    assert not Measure.objects.overdue(timezone.localdate()).exists()
    home = _text(client.get("/"))
    assert re.search(r"逾期措施\s+0\b", home), home[:2000]
    # what was read from the notice keeps saying so
    assert set(measures.values_list("origin", "origin_document")) == {(TextOrigin.IMPORTED, "巡察整改情况.docx")}
    assert set(Problem.objects.values_list("origin", flat=True)) == {TextOrigin.IMPORTED}


def test_each_state_phrase_sets_the_measure_and_the_user_has_the_last_word(world) -> None:
    client = world.client("clerk_a")
    html, action, form = _preview(client, "通报.docx", _docx(_notice(list(PHRASES))), world.a)
    by_text = {form[f"{r}-text"]: r for r in _measure_rows(form)}
    assert set(by_text) == set(PHRASES)
    assert {t: form[f"{r}-status"] for t, r in by_text.items()} == PHRASES
    assert "据措施原文“持续推进”" in html and "通报未说明，按推进中" in html
    form[f"{by_text['谈话制度已落实']}-status"] = MeasureStatus.IN_PROGRESS  # the user knows better
    _confirm(client, action, form)
    saved = dict(Measure.objects.values_list("text", "status"))
    assert saved == {**PHRASES, "谈话制度已落实": MeasureStatus.IN_PROGRESS}
    overdue = set(Measure.objects.overdue(timezone.localdate()).values_list("text", flat=True))
    assert overdue == {t for t, s in saved.items() if s == MeasureStatus.IN_PROGRESS}


def test_notice_wide_statement_sets_what_the_measures_leave_unsaid(world) -> None:
    client = world.client("clerk_a")
    text = _notice(["印发学习计划", "制度修订持续推进"], statement="反馈的1个方面1项具体问题已全部整改到位。")
    html, action, form = _preview(client, "通报.docx", _docx(text), world.a)
    assert "据通报中“已全部整改到位”" in html
    _confirm(client, action, form)
    assert dict(Measure.objects.values_list("text", "status")) == {
        "印发学习计划": MeasureStatus.DONE, "制度修订持续推进": MeasureStatus.IN_PROGRESS}
