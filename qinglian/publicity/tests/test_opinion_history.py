"""A ticket's history keeps every reply and every send-back note, in order; the dates of a ticket make sense
(discovered not in the future, a send-back deadline neither before the letter nor past); refused forms keep
what was typed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from qinglian.publicity import opinion
from qinglian.publicity.models import AlertLetter, LetterEvent, OpinionTicket
from qinglian.publicity.tests.test_opinion import _assess, _capture, _letter


def _alerted(world) -> OpinionTicket:
    ticket = _capture(world)
    _assess(world, ticket)
    _letter(world, ticket)
    return ticket


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_two_replies_and_the_send_back_note_all_stay_on_the_ticket_page_in_order(world) -> None:
    ticket = _alerted(world)
    unit, office = world.client("clerk_b"), world.client("clerk_a")
    later = timezone.localdate() + dt.timedelta(days=5)
    assert unit.post(f"/publicity/opinion/{ticket.pk}/feedback/", {"feedback": "已约谈窗口负责人"}).status_code == 302
    assert office.post(f"/publicity/opinion/{ticket.pk}/verify/", {
        "accepted": "0", "note": "未说明网民诉求是否解决，请补充", "new_deadline": later.isoformat()}).status_code == 302
    assert unit.post(f"/publicity/opinion/{ticket.pk}/feedback/", {
        "feedback": "已电话回访网民，诉求已解决"}).status_code == 302
    for client in (unit, office, world.client("supervisor")):
        page = _text(client.get(f"/publicity/opinion/{ticket.pk}/").content.decode())
        first, note, second = (page.index(t) for t in ("已约谈窗口负责人", "未说明网民诉求是否解决，请补充",
                                                        "已电话回访网民，诉求已解决"))
        assert first < note < second
        assert f"新的反馈时限：{later:%Y-%m-%d}" in page and page.count("反馈处置情况 ·") == 2
        assert "核实未通过，退回重新处置" in page
    # the office accepts: the acceptance is the fourth entry, and the letter keeps the latest of each
    office.post(f"/publicity/opinion/{ticket.pk}/verify/", {"accepted": "1", "note": "经回访属实，办结"})
    assert list(LetterEvent.objects.values_list("kind", flat=True)) == ["feedback", "returned", "feedback",
                                                                        "accepted"]
    letter = AlertLetter.objects.get()
    assert letter.feedback == "已电话回访网民，诉求已解决" and letter.verification == "经回访属实，办结"
    assert [e.by for e in LetterEvent.objects.all()] == [world.clerk_b, world.clerk_a, world.clerk_b, world.clerk_a]


def test_the_reply_box_starts_empty_after_a_send_back(world) -> None:
    ticket = _alerted(world)
    world.client("clerk_b").post(f"/publicity/opinion/{ticket.pk}/feedback/", {"feedback": "第一次反馈"})
    world.client("clerk_a").post(f"/publicity/opinion/{ticket.pk}/verify/", {"accepted": "0", "note": "请补充"})
    html = world.client("clerk_b").get(f"/publicity/opinion/{ticket.pk}/").content.decode()
    assert re.search(r'<textarea name="feedback"[^>]*>\s*</textarea>', html)


# -- dates ------------------------------------------------------------------------------------------------
def test_a_send_back_deadline_before_the_letter_or_in_the_past_is_refused(world) -> None:
    ticket = _alerted(world)  # the letter went out on 2026-03-02
    world.client("clerk_b").post(f"/publicity/opinion/{ticket.pk}/feedback/", {"feedback": "已处理"})
    ticket = OpinionTicket.objects.get()
    with pytest.raises(ValidationError) as exc:
        opinion.letter_verify(user=world.clerk_a, ticket=ticket, accepted=False, note="请补充",
                              new_deadline=dt.date(2026, 3, 1))
    assert "新的反馈时限2026年3月1日早于发函日期2026年3月2日" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        opinion.letter_verify(user=world.clerk_a, ticket=ticket, accepted=False, note="请补充",
                              new_deadline=timezone.localdate() - dt.timedelta(days=1))
    assert "已经过去" in exc.value.messages[0]
    response = world.client("clerk_a").post(f"/publicity/opinion/{ticket.pk}/verify/", {
        "accepted": "0", "note": "反馈过于简单，请补充整改措施", "new_deadline": "2026-03-01"})
    html = response.content.decode()
    assert response.status_code == 400 and "早于发函日期2026年3月2日" in html
    assert "反馈过于简单，请补充整改措施</textarea>" in html and 'value="2026-03-01"' in html
    assert OpinionTicket.objects.get().state == "answered" and not LetterEvent.objects.exclude(kind="feedback")


def test_a_ticket_discovered_in_the_future_is_refused(world) -> None:
    later = timezone.localtime() + dt.timedelta(hours=2)
    ticket = OpinionTicket(issuing_unit=world.a1, source="微博", captured_at=later, summary="网民反映")
    with pytest.raises(ValidationError) as exc:
        opinion.ticket_capture(user=world.clerk_a, ticket=ticket)
    assert "发现时间" in exc.value.messages[0] and "晚于现在" in exc.value.messages[0]
    response = world.client("clerk_a").post("/publicity/opinion/new/", {
        "issuing_unit": world.a1.pk, "source": "抖音", "captured_at": "2030-01-05 09:30",
        "summary": "网民反映县财政局窗口办事推诿"})
    html = response.content.decode()
    assert response.status_code == 200 and "发现时间2030年1月5日 09:30晚于现在" in html
    assert 'value="抖音"' in html and "网民反映县财政局窗口办事推诿</textarea>" in html
    assert not OpinionTicket.objects.exists()


def test_a_letter_or_digest_dated_in_the_future_is_refused(world) -> None:
    ticket = _capture(world)
    _assess(world, ticket)
    later = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    response = _letter(world, ticket, issued=later, deadline=later)
    assert response.status_code == 400 and "发函日期" in response.content.decode()
    assert "请核查并于时限内反馈</textarea>" in response.content.decode()
    assert not AlertLetter.objects.exists()
    response = world.client("clerk_a").post("/publicity/digests/new/", {
        "unit": world.a1.pk, "title": "本期舆情", "issued_on": later, "tickets": [ticket.pk]})
    assert response.status_code == 200 and "编发日期" in response.content.decode()
