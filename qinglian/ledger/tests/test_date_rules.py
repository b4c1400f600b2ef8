"""Dates nobody could mean are refused, in the service and through the pages, with a message that says what
to fix: a 整改时限 before the feedback (typed, imported from Excel, imported from a report), a 督办 due in the
past, progress notes, follow-ups and feedback dates in the future. "Today" is China's."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from qinglian.ledger import services
from qinglian.ledger.imports import ledger_create_from_plan
from qinglian.ledger.models import Measure, MeasureStatus, Problem, Progress, Source, SupervisionOrder
from qinglian.ledger.tests.sheets import build, seed003_rows
from qinglian.lib import tracking

FEEDBACK = dt.date(2026, 3, 2)


@pytest.fixture
def problem(world) -> Problem:
    source = services.ledger_source_create(user=world.clerk_a, unit=world.a, kind="inspection",
                                           issued_by="县委第三巡察组", feedback_date=FEEDBACK)
    aspect = services.ledger_aspect_create(user=world.clerk_a, source=source, title="财务管理方面")
    return services.ledger_problem_create(user=world.clerk_a, aspect=aspect, text="财务管理不规范。")


def _message(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return "；".join(exc.value.messages)


# -- 整改时限 not before the 反馈日期 ---------------------------------------------------------------------
def test_a_deadline_before_the_feedback_is_refused_on_create_and_update(world, problem) -> None:
    with pytest.raises(ValidationError) as exc:
        services.ledger_measure_create(user=world.clerk_a, problem=problem, text="修订制度", deadline_text="2025-04-08")
    assert "整改时限2025年4月8日早于县委第三巡察组反馈日期2026年3月2日" in _message(exc)
    assert exc.value.message_dict.keys() == {"deadline_text"}
    # the feedback day itself, 长期坚持 and 立行立改 are fine
    for text in ("2026-03-02", "长期坚持", "立行立改"):
        services.ledger_measure_create(user=world.clerk_a, problem=problem, text=f"措施{text}", deadline_text=text)
    measure = Measure.objects.get(text="措施2026-03-02")
    with pytest.raises(ValidationError):
        services.ledger_measure_update(user=world.clerk_a, measure=measure, version=measure.version,
                                       data={"deadline_text": "2026年2月底", "status": MeasureStatus.IN_PROGRESS})
    assert Measure.objects.get(pk=measure.pk).deadline == FEEDBACK


def test_a_deadline_before_the_feedback_is_refused_through_the_page(world, problem) -> None:
    response = world.client("clerk_a").post(f"/ledger/problems/{problem.pk}/measures/", {
        "text": "修订制度", "deadline_text": "2025年4月底", "status": "not_started"})
    assert response.status_code == 400
    assert "早于县委第三巡察组反馈日期2026年3月2日" in response.content.decode()
    assert not Measure.objects.exists()


def test_a_plan_row_due_before_the_feedback_is_a_row_error_and_nothing_is_written(world) -> None:
    plan = [{"title": "方面一", "problems": [{"text": "问题一", "children": [], "measures": [
        {"text": "措施一", "deadline": dt.date(2021, 5, 1), "row": 7},
        {"text": "措施二", "deadline_text": "2021年9月底", "row": 8}]}]}]
    fields = {"kind": "inspection", "issued_by": "市委第七巡察组", "feedback_date": dt.date(2021, 7, 26)}
    result = ledger_create_from_plan(user=world.clerk_a, unit=world.a, source_fields=fields, aspects=plan)
    assert [(e.row, e.column) for e in result.errors] == [(7, "整改时限")]
    assert "2021年5月1日早于市委第七巡察组反馈日期2021年7月26日" in result.errors[0].message
    assert not Source.objects.exists()
    # into an existing source: its own feedback date is the one that counts
    source = services.ledger_source_create(user=world.clerk_a, unit=world.a, kind="inspection",
                                           issued_by="市委第七巡察组", feedback_date=dt.date(2021, 10, 1))
    result = ledger_create_from_plan(user=world.clerk_a, unit=world.a, source=source, aspects=plan)
    assert [e.row for e in result.errors] == [7, 8]


def test_an_excel_row_due_before_the_feedback_shows_in_the_preview(world) -> None:
    rows = seed003_rows()
    rows[2][1][6] = "2021-05-01"  # spreadsheet row 5; the feedback was on 2021-07-26
    upload = io.BytesIO(build(rows))
    upload.name = "台账.xlsx"
    client = world.client("clerk_a")
    response = client.post("/ledger/import/", {"file": upload, "kind": "inspection", "issued_by": "市委第七巡察组",
                                               "feedback_date": "2021年7月26日"})
    body = client.get(response["Location"]).content.decode()
    assert "第5行" in body and "整改时限2021年5月1日早于市委第七巡察组反馈日期2021年7月26日" in body
    assert "确认导入" not in body
    client.post(response["Location"] + "confirm/")
    assert not Source.objects.exists()


def test_a_feedback_date_in_the_future_is_refused(world) -> None:
    later = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.ledger_source_create(user=world.clerk_a, unit=world.a, kind="audit", issued_by="县审计局",
                                      feedback_date=later)
    assert "晚于今天" in _message(exc)
    response = world.client("clerk_a").post("/ledger/sources/new/", {
        "kind": "audit", "issued_by": "县审计局", "feedback_date": later.isoformat()})
    html = response.content.decode()
    assert response.status_code == 200 and "晚于今天" in html and 'value="县审计局"' in html
    assert not Source.objects.exists()


# -- 督办 not due in the past --------------------------------------------------------------------------
def test_an_order_due_in_the_past_is_refused(world, problem) -> None:
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        services.ledger_order_issue(user=world.supervisor, problem=problem, content="请说明进度",
                                    due_date=today - dt.timedelta(days=1))
    assert "办理时限" in _message(exc) and "已经过去" in _message(exc)
    services.ledger_order_issue(user=world.supervisor, problem=problem, content="请说明进度", due_date=today)
    response = world.client("supervisor").post(f"/ledger/problems/{problem.pk}/orders/", {
        "content": "请补充材料", "due_date": "2020-06-30"})
    assert response.status_code == 400 and "办理时限2020年6月30日早于今天" in response.content.decode()
    assert SupervisionOrder.objects.count() == 1


def test_today_is_chinas_today(world, problem, settings) -> None:
    """At 00:30 in Beijing it is still yesterday in UTC: a 督办 due "today" is China's today, accepted."""
    beijing_midnight = dt.datetime.combine(timezone.localdate(), dt.time(0, 30), tzinfo=timezone.get_current_timezone())
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=beijing_midnight.astimezone(dt.UTC)):
        china_today = timezone.localdate()
        assert china_today != beijing_midnight.astimezone(dt.UTC).date()
        services.ledger_order_issue(user=world.supervisor, problem=problem, content="请说明", due_date=china_today)
        with pytest.raises(ValidationError):
            services.ledger_progress_add(user=world.clerk_a, measure=_measure(world, problem), text="已开展",
                                         status_after="in_progress", date=china_today + dt.timedelta(days=1))


# -- recorded events not in the future -----------------------------------------------------------------
def _measure(world, problem) -> Measure:
    return Measure.objects.filter(problem=problem).first() or services.ledger_measure_create(
        user=world.clerk_a, problem=problem, text="修订制度", deadline_text="2026年6月底")


def test_a_progress_note_in_the_future_is_refused(world, problem) -> None:
    measure = _measure(world, problem)
    later = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.ledger_progress_add(user=world.clerk_a, measure=measure, text="已开展", status_after="done",
                                     date=later)
    assert exc.value.message_dict.keys() == {"date"} and "晚于今天" in _message(exc)
    response = world.client("clerk_a").post(f"/ledger/measures/{measure.pk}/progress/", {
        "text": "已开展", "status_after": "done", "date": later.isoformat()})
    assert response.status_code == 400 and "进展日期" in response.content.decode()
    assert not Progress.objects.exists()
    services.ledger_progress_add(user=world.clerk_a, measure=measure, text="已开展", status_after="done",
                                 date=timezone.localdate())


def test_a_follow_up_done_in_the_future_is_refused(world, problem) -> None:
    measure = _measure(world, problem)
    with tracking.bulk("测试准备"):
        Measure.objects.filter(pk=measure.pk).update(status=MeasureStatus.LONG_TERM)
    services.ledger_problem_approve(user=world.leader_a, problem=Problem.objects.get(pk=problem.pk), opinion="同意")
    # a follow-up is planned: its scheduled date may lie ahead
    follow_up = services.ledger_follow_up_schedule(user=world.clerk_a, problem=Problem.objects.get(pk=problem.pk),
                                                   scheduled_date=timezone.localdate() + dt.timedelta(days=30))
    later = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.ledger_follow_up_record(user=world.clerk_a, follow_up=follow_up, result="held", finding="巩固",
                                         done_date=later)
    assert "开展日期" in _message(exc) and "晚于今天" in _message(exc)
    response = world.client("clerk_a").post(f"/ledger/follow-ups/{follow_up.pk}/record/", {
        "result": "held", "finding": "巩固", "done_date": later.isoformat()})
    assert response.status_code == 400 and "开展日期" in response.content.decode()


def test_a_report_row_due_before_the_feedback_is_named_and_nothing_is_written(world, settings, tmp_path) -> None:
    from qinglian.ledger.tests.test_report_import import _docx, _preview, _rows, _seed, _text

    settings.MEDIA_ROOT = tmp_path / "media"
    client = world.client("clerk_a")
    _html, action, form = _preview(client, "003.docx", _docx(_seed("003")), world.a)
    before = _rows()
    form["feedback_date"] = "2021年7月26日"
    first = next(k for k in form if k.startswith("r") and k.endswith("-deadline"))
    form[first] = "2021年5月底"
    response = client.post(action, form)
    assert response.status_code == 200
    assert "整改时限2021年5月31日早于市委第七提级交叉巡察组反馈日期2021年7月26日" in _text(response)
    assert 'value="2021年5月底"' in response.content.decode()  # the user's edit stays on the page
    assert _rows() == before
