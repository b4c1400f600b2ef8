"""三审三校: a draft passes 初审 → 复审 → 终审 by three different named people, each sign-off sealed.

`seal` = SM3 over the draft's title and content, the stage, the person, the time and the previous seal.
Any change of the content after a sign-off (through the app, which voids the sign-offs, or behind its
back, which `draft_integrity` detects) leaves the chain unable to vouch for the text.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from qinglian.audit.services import sm3_hex
from qinglian.lib import tracking
from qinglian.lib.services import record_create, record_update
from qinglian.org.models import Person, Role, Unit, path_prefixes
from qinglian.org.scoping import may_see_unit, may_write_unit
from qinglian.publicity.models import (
    STAGE_ORDER,
    Decision,
    Draft,
    DraftState,
    Publication,
    ReviewStage,
    SignOff,
    Stage,
)
from qinglian.publicity.services import Refused, check_published_on, ensure_writer, refusals_audited

STAGE_NAMES = dict(Stage.choices)


def compute_seal(*, title: str, content: str, stage: str, person: Person, at: dt.datetime, prev: str) -> str:
    payload = {"title": title, "content": content, "stage": stage, "person": person.pk, "name": person.name,
               "at": at.astimezone(dt.UTC).isoformat(), "prev": prev}
    return sm3_hex(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode())


def active_signoffs(draft: Draft) -> QuerySet[SignOff]:
    return draft.signoffs.filter(decision=Decision.APPROVE, voided_at__isnull=True).select_related("person")


def draft_integrity(draft: Draft, signoffs: list[SignOff] | None = None) -> str:
    """'' when every active seal vouches for the current text; else a Chinese warning for the banner."""
    rows = signoffs if signoffs is not None else list(active_signoffs(draft).order_by("signed_at", "id"))
    prev = ""
    for s in rows:
        expected = compute_seal(title=draft.title, content=draft.content, stage=s.stage, person=s.person,
                                at=s.signed_at, prev=prev)
        if s.prev_seal != prev or s.seal != expected:
            if any(r.stage == Stage.FINAL for r in rows):
                return "终审后内容已被改动：当前稿件与终审签章不符，须退回重新审核后方可发布。"
            return f"{s.get_stage_display()}后内容已被改动：当前稿件与签章不符，请退回重新审核。"
        prev = s.seal
    return ""


def stage_people(unit: Unit, stage: str) -> list[Person]:
    """The people named for `stage` by the nearest unit up the tree (self first) that named any."""
    rows = list(ReviewStage.objects.filter(unit__path__in=path_prefixes(unit.path), stage=stage)
                .select_related("person", "unit").order_by("-unit__path", "id"))
    if not rows:
        return []
    nearest = rows[0].unit_id
    return [r.person for r in rows if r.unit_id == nearest]


def author_names(authors: str) -> set[str]:
    """The names in a draft's 作者 field ("张三、李四", "张三，李四", "张三 李四")."""
    return {name for name in re.split(r"[、，,；;/\s]+", authors or "") if name}


def is_author(person: Person, draft: Draft) -> bool:
    """The person who entered the draft, or one named in its 作者 field, wrote it."""
    creator = draft.created_by
    return (creator is not None and creator.person_id == person.pk) or person.name in author_names(draft.authors)


def draft_reviewers(draft: Draft, stage: str) -> list[Person]:
    """Who may sign `stage` of this draft: the people named for the stage, but never one of its authors."""
    return [p for p in stage_people(draft.unit, stage) if not is_author(p, draft)]


def _authored_under_review(person: Person, unit: Unit, stage: str) -> Draft | None:
    """A draft of `unit`'s subtree, still to pass `stage`, written by `person` (see `is_author`)."""
    ahead = STAGE_ORDER[: STAGE_ORDER.index(stage) + 1]
    drafts = (Draft.objects.filter(unit__path__startswith=unit.path, state=DraftState.REVIEWING, stage__in=ahead)
              .select_related("created_by").order_by("-created_at"))
    return next((d for d in drafts.filter(Q(created_by__person=person) | Q(authors__contains=person.name))
                 if is_author(person, d)), None)


def review_stage_assign(*, user: Any, unit: Unit, stage: str, person: Person) -> ReviewStage:
    with refusals_audited(user=user, obj=unit, what="指定审核人"), transaction.atomic():
        if user.role != Role.LEADER or not may_write_unit(user, unit):
            raise Refused("审核人须由本单位负责人指定。")
        existing = ReviewStage.objects.filter(unit=unit, person=person).first()
        if existing is not None:
            raise Refused(f"{person.name}已被指定为{existing.get_stage_display()}人，同一人只能担任一个审核环节。")
        if (own := _authored_under_review(person, unit, stage)) is not None:
            raise Refused(f"{person.name}是待{STAGE_NAMES[stage]}稿件《{own.title}》的作者，作者不能审核自己的稿件，"
                          f"不能指定为{STAGE_NAMES[stage]}人。请指定其他人；该稿件审核完成后可再指定。")
        return record_create(user=user, obj=ReviewStage(unit=unit, stage=stage, person=person),
                             summary=f"指定{STAGE_NAMES[stage]}人：{person.name}（{unit.name}）")


def draft_create(*, user: Any, draft: Draft) -> Draft:
    with refusals_audited(user=user, obj=draft.unit, what="新建稿件"), transaction.atomic():
        ensure_writer(user, draft.unit)
        draft.state, draft.stage = DraftState.REVIEWING, Stage.FIRST
        return record_create(user=user, obj=draft, summary=f"新建稿件：{draft.title}")


def draft_update(*, user: Any, draft: Draft, data: dict[str, Any], version: int) -> tuple[Draft, bool]:
    """Edit a draft under review. Sign-offs already given are voided (the text they vouched for changed);
    returns (draft, restarted). A fully signed draft cannot be edited."""
    with refusals_audited(user=user, obj=draft, what="修改稿件"), tracking.bulk("", user):
        ensure_writer(user, draft.unit)
        if draft.state != DraftState.REVIEWING:
            raise Refused("终审后稿件内容不能修改。如需改动，请由终审人退回后重新审核。")
        changed = data.get("title") != draft.title or data.get("content") != draft.content
        restarted = False
        if changed and active_signoffs(draft).exists():
            active_signoffs(draft).update(voided_at=timezone.now())
            data = {**data, "stage": Stage.FIRST}
            restarted = True
        draft = record_update(user=user, obj=draft, data=data, version=version,
                              summary=f"修改稿件：{draft.title}" + ("（已签署的审核作废，重新初审）" if restarted else ""))
        return draft, restarted


def draft_sign(*, user: Any, draft: Draft, stage: str, opinion: str) -> SignOff:
    with refusals_audited(user=user, obj=draft, what=f"{STAGE_NAMES.get(stage, stage)}签署"), transaction.atomic():
        draft = Draft.objects.select_for_update().get(pk=draft.pk)
        if stage not in STAGE_NAMES:
            raise Refused("没有这个审核环节。")
        if not user.can_write or not may_write_unit(user, draft.unit) or user.person_id is None:
            raise Refused("只有本单位指定的审核人可以签署。")
        if draft.state != DraftState.REVIEWING:
            raise Refused("该稿件三审已完成，不能再签署。")
        if stage != draft.stage:
            raise Refused(f"审核须按初审、复审、终审依次进行：当前待{draft.get_stage_display()}，"
                          f"不能直接{STAGE_NAMES[stage]}。")
        person = user.person
        if is_author(person, draft):
            raise Refused(f"您是本稿件的作者，作者不能审核自己的稿件：{STAGE_NAMES[stage]}须由其他指定审核人签署。")
        if person.pk not in {p.pk for p in stage_people(draft.unit, stage)}:
            raise Refused(f"您不是本单位指定的{STAGE_NAMES[stage]}人，不能签署{STAGE_NAMES[stage]}。")
        signed = list(active_signoffs(draft).order_by("signed_at", "id"))
        mine = [s for s in signed if s.person_id == person.pk]
        if mine:
            raise Refused(f"同一人不能担任同一稿件的两个审核环节：您已签署{mine[0].get_stage_display()}，"
                          f"{STAGE_NAMES[stage]}须由其他指定审核人签署。")
        if not opinion.strip():
            raise Refused("请填写审核意见。")
        if warning := draft_integrity(draft, signed):
            raise Refused(warning)
        now = timezone.now()
        prev = signed[-1].seal if signed else ""
        signoff = SignOff(draft=draft, stage=stage, decision=Decision.APPROVE, person=person, signed_at=now,
                          opinion=opinion, prev_seal=prev,
                          seal=compute_seal(title=draft.title, content=draft.content, stage=stage, person=person,
                                            at=now, prev=prev))
        record_create(user=user, obj=signoff, summary=f"{STAGE_NAMES[stage]}通过：{draft.title}")
        following = STAGE_ORDER.index(stage) + 1
        data = ({"stage": STAGE_ORDER[following]} if following < len(STAGE_ORDER)
                else {"stage": "", "state": DraftState.SIGNED})
        record_update(user=user, obj=draft, data=data, version=draft.version,
                      summary=f"稿件{STAGE_NAMES[stage]}完成：{draft.title}")
        return signoff


def draft_return(*, user: Any, draft: Draft, reason: str) -> Draft:
    """退回: back one stage, voiding the sign-off of the stage before. By the reviewer whose turn it is
    (the 终审 person for a signed draft not yet published), or a supervisor."""
    with refusals_audited(user=user, obj=draft, what="退回稿件"), tracking.bulk("", user):
        draft = Draft.objects.select_for_update().get(pk=draft.pk)
        if draft.state == DraftState.PUBLISHED:
            raise Refused("稿件已发布，不能退回。")
        if not reason.strip():
            raise Refused("请填写退回理由。")
        current = draft.stage if draft.state == DraftState.REVIEWING else Stage.FINAL
        person = getattr(user, "person", None)
        if user.role == Role.SUPERVISOR:
            allowed = may_see_unit(user, draft.unit)
        else:
            allowed = (user.can_write and may_write_unit(user, draft.unit) and person is not None
                       and person.pk in {p.pk for p in draft_reviewers(draft, current)})
        if not allowed:
            raise Refused(f"只有本稿件的{STAGE_NAMES[current]}人或监督员可以退回。")
        if draft.state == DraftState.SIGNED:
            back_to = Stage.FINAL
        else:
            index = STAGE_ORDER.index(draft.stage)
            back_to = STAGE_ORDER[max(0, index - 1)]
        now = timezone.now()
        if draft.state == DraftState.SIGNED or draft.stage != Stage.FIRST:
            active_signoffs(draft).filter(stage=back_to).update(voided_at=now)
        record_create(user=user, obj=SignOff(draft=draft, stage=current, decision=Decision.RETURN, person=person,
                                             signed_at=now, opinion=reason),
                      summary=f"退回稿件至{STAGE_NAMES[back_to]}：{draft.title}")
        return record_update(user=user, obj=draft, version=draft.version,
                             data={"state": DraftState.REVIEWING, "stage": back_to},
                             summary=f"稿件退回至{STAGE_NAMES[back_to]}：{draft.title}")


def draft_publish(*, user: Any, draft: Draft, publication: Publication) -> Publication:
    """Only a fully signed draft whose seals still match its text becomes a Publication."""
    with refusals_audited(user=user, obj=draft, what="发布稿件"), transaction.atomic():
        draft = Draft.objects.select_for_update().get(pk=draft.pk)
        ensure_writer(user, draft.unit)
        if draft.state == DraftState.PUBLISHED:
            raise Refused("该稿件已发布。")
        if draft.state != DraftState.SIGNED:
            raise Refused(f"稿件须经初审、复审、终审全部签署后才能发布（当前待{draft.get_stage_display()}）。")
        if warning := draft_integrity(draft):
            raise Refused(warning)
        check_published_on(publication.published_on)
        publication.unit, publication.draft = draft.unit, draft
        publication.title = publication.title or draft.title
        publication.authors = publication.authors or draft.authors
        publication.set_entry_lag(timezone.localdate())
        record_create(user=user, obj=publication, summary=f"发布稿件：{draft.title}（{publication.outlet.name}）")
        record_update(user=user, obj=draft, version=draft.version, data={"state": DraftState.PUBLISHED},
                      summary=f"稿件已发布：{draft.title}")
        return publication


@dataclass(frozen=True)
class SheetRow:
    stage: str
    person: str
    opinion: str
    at: str
    seal: str


@dataclass(frozen=True)
class SignOffSheet:
    """审签单: who signed each stage, when, with what opinion, and the short seal; plus the integrity note."""

    title: str
    authors: str
    unit: str
    rows: list[SheetRow]
    warning: str

    @classmethod
    def of(cls, draft: Draft) -> SignOffSheet:
        signed = {s.stage: s for s in active_signoffs(draft).order_by("signed_at", "id")}
        rows = []
        for stage in STAGE_ORDER:
            s = signed.get(stage)
            rows.append(SheetRow(
                stage=STAGE_NAMES[stage], person=s.person.name if s else "",
                opinion=s.opinion if s else "", seal=s.short_seal if s else "",
                at=timezone.localtime(s.signed_at).strftime("%Y-%m-%d %H:%M") if s else ""))
        return cls(title=draft.title, authors=draft.authors, unit=draft.unit.full_name, rows=rows,
                   warning=draft_integrity(draft))

    def docx(self) -> bytes:
        from docx import Document
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Mm, Pt, RGBColor

        from qinglian.publicity.documents import cjk_run, set_a4

        doc = Document()
        set_a4(doc)
        heading = doc.add_paragraph()
        heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
        cjk_run(heading, "稿件审签单", "方正小标宋简体", Pt(22))
        if self.warning:
            warn = doc.add_paragraph()
            run = cjk_run(warn, self.warning, "黑体", Pt(14))
            run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
        table = doc.add_table(rows=0, cols=5)
        table.style = "Table Grid"
        for label, value in (("稿件标题", self.title), ("作者", self.authors), ("单位", self.unit)):
            cells = table.add_row().cells
            merged = cells[1].merge(cells[4])
            cjk_run(cells[0].paragraphs[0], label, "黑体", Pt(12))
            cjk_run(merged.paragraphs[0], value, "仿宋_GB2312", Pt(12))
        header = table.add_row().cells
        for cell, text in zip(header, ("审核环节", "审核人", "审核意见", "时间", "签章"), strict=True):
            cjk_run(cell.paragraphs[0], text, "黑体", Pt(12))
        for row in self.rows:
            cells = table.add_row().cells
            values = (row.stage, row.person or "（未签署）", row.opinion, row.at, row.seal)
            for cell, text in zip(cells, values, strict=True):
                cjk_run(cell.paragraphs[0], text, "仿宋_GB2312", Pt(12))
        for row in table.rows:
            row.cells[0].width = Mm(22)
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()
