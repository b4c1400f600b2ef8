"""三审三校: the author of a draft holds none of its review stages — not by assignment, not by signing."""

from __future__ import annotations

import pytest

from qinglian.audit.models import AuditEntry
from qinglian.lib import tracking
from qinglian.publicity import review as service
from qinglian.publicity.models import Draft, ReviewStage, SignOff
from qinglian.publicity.services import Refused


def _draft_by_clerk_a(world, authors: str = "张干事") -> Draft:
    """张干事 (clerk_a), named for 初审 in 县委宣传部, writes a draft himself."""
    response = world.client("clerk_a").post("/publicity/drafts/new/", {
        "unit": world.a.pk, "title": "廉政教育月活动综述", "authors": authors, "content": "近日，县委宣传部组织……"})
    assert response.status_code == 302
    return Draft.objects.get()


def test_the_author_cannot_sign_a_stage_even_when_named_for_it(review, world) -> None:
    draft = _draft_by_clerk_a(world)
    page = world.client("clerk_a").get(f"/publicity/drafts/{draft.pk}/").content.decode()
    assert "初审通过并签章" not in page  # no signing form for the author
    response = world.client("clerk_a").post(f"/publicity/drafts/{draft.pk}/sign/first/", {"opinion": "同意"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "您是本稿件的作者，作者不能审核自己的稿件：初审须由其他指定审核人签署" in html
    assert not SignOff.objects.exists() and Draft.objects.get().stage == "first"
    assert AuditEntry.objects.filter(action="refused", summary__contains="作者不能审核").exists()
    with pytest.raises(Refused):
        service.draft_sign(user=world.clerk_a, draft=draft, stage="first", opinion="同意")


def test_a_reviewer_named_among_the_authors_cannot_sign(review, world) -> None:
    """Entered by 张干事 with 李副部长 as co-author: the 复审 person (李副部长) is an author too."""
    draft = _draft_by_clerk_a(world, authors="张干事、李副部长")
    with pytest.raises(Refused, match="作者不能审核"):
        service.draft_sign(user=review.deputy_a, draft=draft, stage="first", opinion="同意")
    assert service.is_author(world.member_a, draft) and not service.is_author(world.principal_a, draft)
    stages = {stage: [p.name for p in service.draft_reviewers(draft, stage)] for stage in ("first", "second", "final")}
    assert stages == {"first": [], "second": [], "final": ["王部长"]}
    page = world.client("leader_a").get(f"/publicity/drafts/{draft.pk}/").content.decode()
    assert page.count("未指定") == 2  # 初审 and 复审 need someone else


def test_assigning_the_author_of_a_draft_under_review_is_refused(review, world) -> None:
    draft = _draft_by_clerk_a(world, authors="赵股长")  # 赵股长 of 新闻宣传股 wrote it
    leader = world.client("leader_a")
    response = leader.post("/publicity/review-stages/", {"stage": "first", "person": world.staff_a1.pk})
    html = response.content.decode()
    assert "赵股长是待初审稿件《廉政教育月活动综述》的作者，作者不能审核自己的稿件" in html
    assert '<option value="first" selected>' in html and f'<option value="{world.staff_a1.pk}" selected>' in html
    assert not ReviewStage.objects.filter(person=world.staff_a1).exists()
    # once the draft has passed that stage, the assignment is fine
    with tracking.bulk("测试准备"):
        Draft.objects.filter(pk=draft.pk).update(state="signed", stage="")
    assert leader.post("/publicity/review-stages/", {"stage": "first", "person": world.staff_a1.pk}).status_code == 302
    assert ReviewStage.objects.filter(person=world.staff_a1, stage="first").exists()


def test_a_refused_sign_or_return_keeps_the_opinion(review, world) -> None:
    draft = service.draft_create(user=world.leader_a, draft=Draft(unit=world.a, title="综述", authors="赵股长",
                                                                  content="近日……"))
    # 李副部长 (复审) cannot return a draft awaiting 初审: refused, the reason stays in its open box
    response = review.client(world, "deputy_a").post(f"/publicity/drafts/{draft.pk}/return/", {"reason": "标题不妥"})
    html = response.content.decode()
    assert response.status_code == 400 and "只有本稿件的初审人或监督员可以退回" in html
    assert "标题不妥</textarea>" in html and "<details open>" in html
    # 初审 signed; then the text is changed behind the app's back: 复审 is refused, the opinion kept
    service.draft_sign(user=world.clerk_a, draft=draft, stage="first", opinion="同意")
    with tracking.bulk("测试准备"):
        Draft.objects.filter(pk=draft.pk).update(content="被改过的正文")
    response = review.client(world, "deputy_a").post(f"/publicity/drafts/{draft.pk}/sign/second/",
                                                     {"opinion": "导向正确，同意"})
    html = response.content.decode()
    assert response.status_code == 400 and "初审后内容已被改动" in html and "导向正确，同意</textarea>" in html
