"""The other kinds of due items: 督办 replies, alert-letter feedback, letters to sign, 回头看, review stages."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from qinglian.ledger.models import FollowUp, SupervisionOrder
from qinglian.lib import tracking
from qinglian.notify.due import due_items
from qinglian.notify.recipients import Recipient, recipients
from qinglian.notify.rules import reminder_rule_save
from qinglian.notify.tests.conftest import Office, make_measure
from qinglian.publicity.models import AlertLetter, Draft, OpinionTicket, ReviewStage
from qinglian.records.models import Letter

D = dt.date


def found(day: dt.date, kind: str) -> list[tuple[str, str, dt.date]]:
    return [(i.title, i.level, i.due) for i in due_items(today=day, kinds=[kind])]


def test_order_reply_goes_to_the_measure_owner_then_its_leader(office: Office) -> None:
    measure = make_measure(office.dept, D(2026, 12, 31), owner=office.owner, leader=office.leader)
    SupervisionOrder.objects.create(unit=office.dept, problem=measure.problem, measure=measure,
                                    issued_by=office.leader_user, content="限期完成财务制度修订", due_date=D(2026, 11, 27))
    assert found(D(2026, 11, 23), "order") == []  # four working days ahead; the window is three
    # inside the window and within the ledger's yellow (10 working days): yellow
    assert found(D(2026, 11, 24), "order") == [("督办答复：限期完成财务制度修订", "yellow", D(2026, 11, 27))]
    (item,) = due_items(today=D(2026, 11, 30), kinds=["order"])
    assert item.level == "red"
    assert recipients(item) == [Recipient(office.owner.pk, office.owner_user.pk, "owner"),
                                Recipient(office.leader.pk, office.leader_user.pk, "leader")]


def test_alert_letter_feedback_is_the_units_item(office: Office) -> None:
    ticket = OpinionTicket.objects.create(issuing_unit=office.county, unit=office.dept, source="本地论坛",
                                          captured_at=timezone.now(), state="alerted")
    AlertLetter.objects.create(ticket=ticket, issuing_unit=office.county, unit=office.dept, year=2026, number=12,
                               issued_on=D(2026, 11, 20), deadline=D(2026, 11, 25), requirement="核实并反馈")
    (item,) = due_items(today=D(2026, 11, 24), kinds=["alert"])
    assert (item.title, item.level, item.person_id) == ("《舆情提示函》〔2026〕第12期待反馈", "yellow", None)
    assert item.url == f"/publicity/opinion/{ticket.pk}/"
    assert recipients(item) == [Recipient(office.principal.pk, office.principal_user.pk, "owner")]
    ticket.state = "answered"
    ticket.save()
    assert due_items(today=D(2026, 11, 24), kinds=["alert"]) == []


def test_letter_not_signed_by_the_date_the_issuer_set(office: Office) -> None:
    Letter.objects.create(kind="pledge", year=2026, issuer=office.dept, unit=office.dept, signatory=office.owner,
                          to_member=True)
    reminder_rule_save(user=office.principal_user, unit=office.dept, kind="letter", values={"sign_by": "4-30"})
    assert found(D(2026, 4, 15), "letter") == []
    (title, level, due) = found(D(2026, 4, 30), "letter")[0]
    assert (level, due) == ("today", D(2026, 4, 30)) and title.startswith("未签订：2026年廉政承诺书")


def test_follow_up_date(office: Office) -> None:
    measure = make_measure(office.dept, D(2026, 3, 31))
    FollowUp.objects.create(unit=office.dept, problem=measure.problem, scheduled_date=D(2026, 11, 27))
    assert found(D(2026, 11, 27), "followup") == [("回头看：财务制度执行不严", "today", D(2026, 11, 27))]


def test_review_stage_waiting(office: Office) -> None:
    """A draft waits for 初审 from the day it was entered; after three working days its reviewer is told."""
    ReviewStage.objects.create(unit=office.dept, stage="first", person=office.leader)
    draft = Draft.objects.create(unit=office.dept, title="我局开展廉政教育月活动", authors="张科长", content="正文")
    with tracking.bulk("测试准备"):
        Draft.objects.filter(pk=draft.pk).update(created_at=dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC))
    assert due_items(today=D(2026, 11, 25), kinds=["review"]) == []
    (item,) = due_items(today=D(2026, 11, 26), kinds=["review"])
    assert (item.title, item.level, item.person_id) == ("稿件待初审：我局开展廉政教育月活动", "today", office.leader.pk)
