"""Public-opinion tickets from capture to verified closure, both sides' views, refusals, digests."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from qinglian.audit.models import AuditEntry
from qinglian.lib import tracking
from qinglian.publicity.models import AlertLetter, OpinionDigest, OpinionTicket


def _capture(world, client=None) -> OpinionTicket:
    client = client or world.client("clerk_a")
    response = client.post("/publicity/opinion/new/", {
        "issuing_unit": world.a1.pk, "source": "微博", "link": "https://weibo.example/1",
        "captured_at": "2026-03-02 09:30", "summary": "网民反映县财政局窗口办事推诿"})
    assert response.status_code == 302, response.content.decode()
    return OpinionTicket.objects.get()


def _assess(world, ticket, client=None):
    client = client or world.client("clerk_a")
    return client.post(f"/publicity/opinion/{ticket.pk}/assess/", {
        "risk_level": "medium", "category": "conduct", "unit": world.b.pk, "assessment": "属实可能性大",
        "version": OpinionTicket.objects.get(pk=ticket.pk).version})


def _letter(world, ticket, issued: str = "2026-03-02", deadline: str = "2026-03-05"):
    return world.client("clerk_a").post(f"/publicity/opinion/{ticket.pk}/letter/", {
        "unit": world.b.pk, "issued_on": issued, "deadline": deadline, "requirement": "请核查并于时限内反馈"})


def test_the_whole_road_to_verified_closure(world):
    ticket = _capture(world)
    assert _assess(world, ticket).status_code == 302
    _letter(world, ticket)
    letter = AlertLetter.objects.get()
    assert letter.label == "〔2026〕第1期" and letter.unit == world.b and letter.issuing_unit == world.a1
    # the concerned unit sees the ticket addressed to it, though it lies elsewhere in the tree
    clerk_b = world.client("clerk_b")
    page = clerk_b.get(f"/publicity/opinion/{ticket.pk}/").content.decode()
    assert "〔2026〕第1期" in page and "反馈处置情况" in page and "下发" not in page.split("<h2>")[-1]
    clerk_b.post(f"/publicity/opinion/{ticket.pk}/feedback/", {"feedback": "已约谈窗口负责人，整改到位"})
    assert OpinionTicket.objects.get().state == "answered"
    # the concerned unit cannot verify its own feedback
    clerk_b.post(f"/publicity/opinion/{ticket.pk}/verify/", {"accepted": "1", "note": "自己核实"})
    assert OpinionTicket.objects.get().state == "answered"
    assert AuditEntry.objects.filter(action="refused", summary__contains="只有发函单位或其监督员").exists()
    # the supervisor may do 核实 (DESIGN.md §1) and closes it
    world.client("supervisor").post(f"/publicity/opinion/{ticket.pk}/verify/", {"accepted": "1", "note": "经电话回访属实"})
    ticket = OpinionTicket.objects.get()
    assert ticket.state == "closed" and ticket.closed_at is not None
    assert AlertLetter.objects.get().verified_by == world.supervisor


def test_verification_can_send_it_back_with_a_new_deadline(world):
    ticket = _capture(world)
    _assess(world, ticket)
    _letter(world, ticket)
    world.client("clerk_b").post(f"/publicity/opinion/{ticket.pk}/feedback/", {"feedback": "已处理"})
    later = timezone.localdate() + timedelta(days=5)
    world.client("leader_a").post(f"/publicity/opinion/{ticket.pk}/verify/",
                                  {"accepted": "0", "note": "反馈过于简单", "new_deadline": later.isoformat()})
    assert OpinionTicket.objects.get().state == "alerted"
    assert AlertLetter.objects.get().deadline == later


def test_feedback_after_closure_is_refused_and_audited(world):
    ticket = _capture(world)
    _assess(world, ticket)
    _letter(world, ticket)
    clerk_b = world.client("clerk_b")
    clerk_b.post(f"/publicity/opinion/{ticket.pk}/feedback/", {"feedback": "已处理"})
    world.client("clerk_a").post(f"/publicity/opinion/{ticket.pk}/verify/", {"accepted": "1", "note": "属实"})
    response = clerk_b.post(f"/publicity/opinion/{ticket.pk}/feedback/", {"feedback": "补充反馈"}, follow=True)
    assert "该舆情已办结，不能再提交反馈" in response.content.decode()
    assert AlertLetter.objects.get().feedback == "已处理"
    refused = AuditEntry.objects.filter(action="refused", object_type="publicity.opinionticket").get()
    assert "已办结" in refused.summary and refused.actor == world.clerk_b


def test_letter_before_assessment_is_refused(world):
    ticket = _capture(world)
    response = world.client("clerk_a").post(f"/publicity/opinion/{ticket.pk}/letter/", {
        "unit": world.b.pk, "issued_on": "2026-03-02", "requirement": "请处置"}, follow=True)
    assert "请先完成研判" in response.content.decode()
    assert not AlertLetter.objects.exists()


def test_default_deadline_counts_working_days(world):
    ticket = _capture(world)
    _assess(world, ticket)  # medium: 3 working days
    world.client("clerk_a").post(f"/publicity/opinion/{ticket.pk}/letter/", {
        "unit": world.b.pk, "issued_on": "2026-03-06", "requirement": "请处置"})  # a Friday
    assert AlertLetter.objects.get().deadline == date(2026, 3, 11)


def test_overdue_shows_red_on_both_sides(world):
    ticket = _capture(world)
    _assess(world, ticket)
    past = timezone.localdate() - timedelta(days=20)
    _letter(world, ticket, issued=past.isoformat(), deadline=(past + timedelta(days=3)).isoformat())
    for who in ("clerk_a", "clerk_b"):
        page = world.client(who).get("/publicity/opinion/").content.decode()
        assert 'class="overdue"' in page and "tag-red\">已逾期" in page
        assert "已逾期" in world.client(who).get("/publicity/opinion/?overdue=on").content.decode()
        home = world.client(who).get("/").content.decode()
        assert "逾期未反馈的舆情" in home


def test_letters_and_digests_are_numbered_per_year(world):
    for captured, issued in (("2025-12-30 10:00", "2025-12-30"), ("2026-01-03 10:00", "2026-01-04"),
                             ("2026-01-05 10:00", "2026-01-05")):
        t = OpinionTicket.objects.create(issuing_unit=world.a1, source="论坛", summary=f"舆情{captured}",
                                         captured_at=timezone.make_aware(timezone.datetime.fromisoformat(captured)))
        _assess(world, t)
        _letter(world, t, issued=issued, deadline=issued)
    labels = sorted(AlertLetter.objects.values_list("year", "number"))
    assert labels == [(2025, 1), (2026, 1), (2026, 2)]
    client = world.client("clerk_a")
    ids = list(OpinionTicket.objects.values_list("pk", flat=True))
    for issued in ("2026-01-10", "2026-02-10"):
        response = client.post("/publicity/digests/new/", {"unit": world.a1.pk, "title": "本期舆情",
                                                            "issued_on": issued, "tickets": ids[:2]})
        assert response.status_code == 302
    assert sorted(OpinionDigest.objects.values_list("year", "number")) == [(2026, 1), (2026, 2)]
    digest = OpinionDigest.objects.get(number=2)
    page = client.get(f"/publicity/digests/{digest.pk}/").content.decode()
    assert "《网上舆情》2026年第2期" in page
    assert world.client("clerk_b").get(f"/publicity/digests/{digest.pk}/").status_code == 404


def test_scoping_of_tickets(world):
    ticket = _capture(world)
    clerk_b = world.client("clerk_b")
    # not addressed to B (yet): B sees nothing
    assert clerk_b.get(f"/publicity/opinion/{ticket.pk}/").status_code == 404
    assert "窗口办事推诿" not in clerk_b.get("/publicity/opinion/").content.decode()
    _assess(world, ticket)
    _letter(world, ticket)
    assert clerk_b.get(f"/publicity/opinion/{ticket.pk}/").status_code == 200
    # B cannot act as the issuing office
    clerk_b.post(f"/publicity/opinion/{ticket.pk}/assess/", {"risk_level": "low", "category": "other",
                                                              "assessment": "x", "version": 3})
    assert OpinionTicket.objects.get().risk_level == "medium"
    supervisor = world.client("supervisor")
    assert supervisor.get(f"/publicity/opinion/{ticket.pk}/").status_code == 200
    assert supervisor.post(f"/publicity/opinion/{ticket.pk}/feedback/", {"feedback": "x"}).status_code == 403
    assert supervisor.post(f"/publicity/opinion/{ticket.pk}/assess/", {}).status_code == 403
    assert supervisor.get("/publicity/opinion/new/").status_code == 403
    for admin in ("sysadmin", "secadmin", "auditor"):
        assert world.client(admin).get(f"/publicity/opinion/{ticket.pk}/").status_code == 403


def test_close_without_letter(world):
    ticket = _capture(world)
    world.client("clerk_a").post(f"/publicity/opinion/{ticket.pk}/close/", {"note": "经研判信息不实", "version": 1})
    assert OpinionTicket.objects.get().state == "closed"


def test_opinion_figures_count_the_subtree_and_period_with_late_entries(world):
    """Figures and traces agree: a ticket entered 31 days after capture is 补录 (the default threshold is 30),
    one entered on the 30th day is not, one captured after the period or outside the subtree does not count."""
    from qinglian.stats import engine

    def ticket(unit, captured: str, entered_after: timedelta | None = None) -> OpinionTicket:
        moment = timezone.make_aware(timezone.datetime.fromisoformat(captured))
        made = OpinionTicket.objects.create(issuing_unit=unit, source="微博", link="https://weibo.example/x",
                                            captured_at=moment, summary=f"舆情{captured}")
        with tracking.bulk("测试准备"):
            OpinionTicket.objects.filter(pk=made.pk).update(created_at=moment + (entered_after or timedelta(hours=2)))
        return made

    ticket(world.a1, "2026-03-02 09:30")
    late = ticket(world.a, "2026-03-03 23:50", timedelta(days=32))
    ticket(world.a, "2026-03-04 08:00", timedelta(days=30, hours=23))
    ticket(world.a, "2026-04-01 00:10")  # after the period
    ticket(world.b, "2026-03-05 10:00")  # another subtree
    period = {"date_from": date(2026, 3, 1), "date_to": date(2026, 3, 31)}
    found = {f.kind: f for f in engine.figures(unit=world.a, kinds=["opinion."], **period, memo=False)}
    assert (found["opinion.tickets"].count, found["opinion.tickets"].late) == (3, 1)
    assert found["opinion.closed"].count == 0 and found["opinion.digests"].count == 0
    refs = engine.records(unit=world.a, kind="opinion.tickets", **period)
    assert len(refs) == 3 and [r.id for r in refs if r.late] == [late.pk]
    whole = {f.kind: f.count for f in engine.figures(unit=world.county, kinds=["opinion."], **period, memo=False)}
    assert whole["opinion.tickets"] == 4
