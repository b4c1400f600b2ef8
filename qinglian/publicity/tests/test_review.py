"""三审三校 through HTTP: order, distinct people, returns, publishing, seals, the 审签单, refusals."""

from __future__ import annotations

import io

import docx
from django.test import Client
from django.utils import timezone

from qinglian.audit.models import AuditEntry
from qinglian.lib import tracking
from qinglian.lib.testing import client_for, make_person, make_user
from qinglian.org.models import Role, User
from qinglian.publicity.models import Draft, Publication, ReviewStage, SignOff
from qinglian.publicity.tests.conftest import outlet


def _writer(world) -> Client:
    """孙干事 of 县委宣传部 writes the drafts; none of the three reviewers is an author."""
    user = User.objects.filter(username="writer_a").first()
    if user is None:
        user = make_user("writer_a", Role.CLERK, world.a, make_person(world.a, "孙干事", post="干事"))
    return client_for(user)


def _draft(world) -> Draft:
    response = _writer(world).post("/publicity/drafts/new/", {
        "unit": world.a.pk, "title": "县委宣传部开展廉政教育月活动", "authors": "孙干事",
        "content": "近日，县委宣传部组织全体干部观看警示教育片。"})
    assert response.status_code == 302
    return Draft.objects.get()


def _sign(review, world, who: str, draft: Draft, stage: str, opinion: str = "同意"):
    return review.client(world, who).post(f"/publicity/drafts/{draft.pk}/sign/{stage}/", {"opinion": opinion},
                                          follow=True)


def _fully_signed(review, world) -> Draft:
    draft = _draft(world)
    _sign(review, world, "clerk_a", draft, "first")
    _sign(review, world, "deputy_a", draft, "second")
    _sign(review, world, "leader_a", draft, "final", "同意刊发")
    return Draft.objects.get(pk=draft.pk)


def test_three_people_sign_in_order_and_the_draft_is_published(review, world):
    draft = _fully_signed(review, world)
    assert draft.state == "signed"
    seals = list(SignOff.objects.order_by("id").values_list("stage", "prev_seal", "seal"))
    assert [s[0] for s in seals] == ["first", "second", "final"]
    assert seals[0][1] == "" and seals[1][1] == seals[0][2] and seals[2][1] == seals[1][2]
    assert all(len(s[2]) == 64 for s in seals)
    client = world.client("clerk_a")
    response = client.post(f"/publicity/drafts/{draft.pk}/publish/", {
        "outlet": outlet("县融媒体中心").pk, "published_on": "2026-03-05", "adopted": "on", "counting_unit": "篇"})
    publication = Publication.objects.get()
    assert response["Location"] == f"/publicity/{publication.pk}/"
    assert publication.draft == draft and publication.title == draft.title and publication.unit == world.a
    assert Draft.objects.get().state == "published"
    assert "经三审发布" in client.get(f"/publicity/{publication.pk}/").content.decode()


def test_a_stage_skipped_by_url_is_refused_and_audited(review, world):
    draft = _draft(world)
    response = _sign(review, world, "leader_a", draft, "final")
    assert "审核须按初审、复审、终审依次进行：当前待初审，不能直接终审" in response.content.decode()
    assert not SignOff.objects.exists() and Draft.objects.get().stage == "first"
    entry = AuditEntry.objects.get(action="refused")
    assert entry.object_type == "publicity.draft" and entry.actor == world.leader_a


def test_the_same_person_cannot_sign_two_stages(review, world):
    draft = _draft(world)
    _sign(review, world, "clerk_a", draft, "first")
    # the county names 张干事 for 复审 while the department named him for 初审: one person, one stage a draft
    with tracking.bulk("测试准备"):
        ReviewStage.objects.filter(unit=world.a, stage="second").update(deleted_at=timezone.now())
    ReviewStage.objects.create(unit=world.county, stage="second", person=world.staff_a)
    response = _sign(review, world, "clerk_a", draft, "second")
    assert "同一人不能担任同一稿件的两个审核环节" in response.content.decode()
    assert SignOff.objects.count() == 1
    assert AuditEntry.objects.filter(action="refused", summary__contains="同一人").exists()


def test_assignment_form_refuses_one_person_for_two_stages(review, world):
    leader = world.client("leader_a")
    response = leader.post("/publicity/review-stages/", {"stage": "final", "person": world.staff_a.pk})
    assert "已被指定为初审人" in response.content.decode()
    assert world.client("clerk_a").post("/publicity/review-stages/", {"stage": "final",
                                                                      "person": world.staff_a1.pk}).status_code == 200
    assert not ReviewStage.objects.filter(stage="final", person=world.staff_a1).exists()


def test_someone_not_named_cannot_sign(review, world):
    draft = _draft(world)
    response = _sign(review, world, "deputy_a", draft, "first")
    assert "您不是本单位指定的初审人" in response.content.decode()


def test_returning_sends_it_back_a_stage(review, world):
    draft = _draft(world)
    _sign(review, world, "clerk_a", draft, "first")
    review.client(world, "deputy_a").post(f"/publicity/drafts/{draft.pk}/return/", {"reason": "导语过长"})
    draft = Draft.objects.get()
    assert draft.stage == "first" and draft.state == "reviewing"
    assert not SignOff.objects.filter(decision="approve", voided_at__isnull=True).exists()
    page = world.client("clerk_a").get(f"/publicity/drafts/{draft.pk}/").content.decode()
    assert "复审退回" in page and "导语过长" in page and "已作废" in page


def test_publishing_an_unsigned_draft_is_refused(review, world):
    draft = _draft(world)
    _sign(review, world, "clerk_a", draft, "first")
    response = world.client("clerk_a").post(f"/publicity/drafts/{draft.pk}/publish/", {
        "outlet": outlet("县融媒体中心").pk, "published_on": "2026-03-05", "adopted": "on", "counting_unit": "篇"})
    assert "须经初审、复审、终审全部签署后才能发布" in response.content.decode()
    assert not Publication.objects.exists()


def test_editing_mid_review_restarts_at_first_review(review, world):
    draft = _draft(world)
    _sign(review, world, "clerk_a", draft, "first")
    world.client("clerk_a").post(f"/publicity/drafts/{draft.pk}/edit/", {
        "unit": world.a.pk, "title": draft.title, "authors": "孙干事", "content": "改过的正文", "version": 2})
    draft = Draft.objects.get()
    assert draft.stage == "first" and draft.content == "改过的正文"


def test_edit_after_final_is_refused_and_audited(review, world):
    draft = _fully_signed(review, world)
    response = world.client("clerk_a").post(f"/publicity/drafts/{draft.pk}/edit/", {
        "unit": world.a.pk, "title": draft.title, "authors": "孙干事", "content": "偷偷改", "version": draft.version})
    assert "终审后稿件内容不能修改" in response.content.decode()
    assert Draft.objects.get().content != "偷偷改"
    assert AuditEntry.objects.filter(action="refused", summary__contains="终审后稿件内容不能修改").exists()


def test_a_change_behind_the_apps_back_is_detected_and_shown(review, world):
    draft = _fully_signed(review, world)
    with tracking.bulk("测试准备"):
        Draft.objects.filter(pk=draft.pk).update(content="终审后被人直接改了数据库")
    client = world.client("clerk_a")
    page = client.get(f"/publicity/drafts/{draft.pk}/").content.decode()
    assert "终审后内容已被改动" in page
    sheet = docx.Document(io.BytesIO(client.get(f"/publicity/drafts/{draft.pk}/sheet.docx").content))
    assert any("终审后内容已被改动" in p.text for p in sheet.paragraphs)
    response = client.post(f"/publicity/drafts/{draft.pk}/publish/", {
        "outlet": outlet("县融媒体中心").pk, "published_on": "2026-03-05", "adopted": "on", "counting_unit": "篇"})
    assert "终审后内容已被改动" in response.content.decode() and not Publication.objects.exists()


def test_sign_off_sheet_docx(review, world):
    draft = _fully_signed(review, world)
    response = world.client("clerk_a").get(f"/publicity/drafts/{draft.pk}/sheet.docx")
    document = docx.Document(io.BytesIO(response.content))
    cells = [[c.text for c in row.cells] for row in document.tables[0].rows]
    flat = [text for row in cells for text in row]
    assert "县委宣传部开展廉政教育月活动" in flat and "张干事" in flat
    final = next(row for row in cells if row[0] == "终审")
    seal = SignOff.objects.get(stage="final").seal
    assert final[1] == "王部长" and final[2] == "同意刊发" and final[4] == seal[:12]
    assert not any("被改动" in p.text for p in document.paragraphs)
    run = document.paragraphs[0].runs[0]
    assert run._element.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")


def test_scoping_and_supervisor(review, world):
    draft = _draft(world)
    clerk_b = world.client("clerk_b")
    for url in (f"/publicity/drafts/{draft.pk}/", f"/publicity/drafts/{draft.pk}/edit/",
                f"/publicity/drafts/{draft.pk}/sheet.docx"):
        assert clerk_b.get(url).status_code == 404
    assert clerk_b.post(f"/publicity/drafts/{draft.pk}/sign/first/", {"opinion": "同意"}).status_code == 404
    assert "廉政教育月" not in clerk_b.get("/publicity/drafts/").content.decode()
    supervisor = world.client("supervisor")
    assert supervisor.get(f"/publicity/drafts/{draft.pk}/").status_code == 200
    assert supervisor.post(f"/publicity/drafts/{draft.pk}/sign/first/", {"opinion": "同意"}).status_code == 403
    assert supervisor.get(f"/publicity/drafts/{draft.pk}/edit/").status_code == 403
    _sign(review, world, "clerk_a", draft, "first")
    supervisor.post(f"/publicity/drafts/{draft.pk}/return/", {"reason": "监督检查发现标题不规范"})
    assert Draft.objects.get().stage == "first"
    for admin in ("sysadmin", "auditor"):
        assert world.client(admin).get(f"/publicity/drafts/{draft.pk}/").status_code == 403
