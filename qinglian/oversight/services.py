"""Writes of the supervisor's view: keeping an uploaded report (called by the report check page), and turning
a finding into a 督办 (ledger_order_issue) with one action."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from paperwork.read import ReadResult
from qinglian.lib.files import Upload, stored_files
from qinglian.lib.services import record_create
from qinglian.org.models import Person, Role, Unit
from qinglian.org.scoping import may_see_unit
from qinglian.oversight.models import FindingOrder, UploadedReport
from qinglian.reports.models import Genre

ORDER_DAYS = 15  # the 督办's time limit, in calendar days from today


def person_named(unit: Unit, result: ReadResult) -> Person | None:
    """The unit's cadre a 述责述廉 report is by: the longest name of the unit's people in its title or its first
    three paragraphs."""
    head = result.title + "".join(result.paragraphs[:3])
    people = [p for p in Person.objects.filter(unit=unit).only("id", "name", "unit_id") if len(p.name) >= 2]
    found = [p for p in people if p.name in head]
    return max(found, key=lambda p: len(p.name)) if found else None


def upload_record(*, user: Any, unit: Unit, name: str, content: bytes, result: ReadResult,
                  date_from: dt.date | None, date_to: dt.date | None, request: Any = None) -> UploadedReport:
    """Keep a report the check page read, and index it for 雷同. The same bytes for the same unit are kept once."""
    from qinglian.oversight.similar import index_upload

    genre = result.genre if result.genre in Genre.values else ""
    year = (date_to or date_from or timezone.localdate()).year
    existing = UploadedReport.objects.filter(unit=unit, size=len(content)).order_by("id")
    with stored_files() as files, transaction.atomic():
        stored = files.store(Upload(name=name, content=content), "oversight")
        same = existing.filter(sha256=stored["sha256"]).first()
        if same is not None:
            return same
        upload = record_create(user=user, obj=UploadedReport(
            unit=unit, genre=genre, title=(result.title or name)[:300], year=year, date_from=date_from,
            date_to=date_to, text="\n".join(result.paragraphs),
            person=person_named(unit, result) if genre == Genre.PERSONAL else None,
            figures=[{"text": f.text, "number": f.number, "counting_unit": f.counting_unit, "paragraph": f.paragraph,
                      "start": f.start, "placeholder": f.placeholder} for f in result.figures],
            **stored), summary=f"留存上传的报告：{unit.name}·{(result.title or name)[:60]}", request=request)
    index_upload(upload)
    return upload


def _anchor(*, user: Any, unit: Unit, aspect_title: str, text: str, request: Any = None) -> Any:
    """The ledger problem a finding's 督办 is attached to: under the unit's source "<office>监督发现问题" (kind
    督查) of this year, one aspect per kind of finding. Written on the supervisor's behalf, audited, because
    a 督办 needs a problem and the finding is one; the unit then adds measures to it as to any problem."""
    from qinglian.ledger.models import Aspect, Problem, Source, SourceKind

    office = user.unit.name if user.unit_id else "监督员"
    today = timezone.localdate()
    issued_by = f"{office}（监督发现）"
    source = (Source.objects.filter(unit=unit, kind=SourceKind.SUPERVISION, issued_by=issued_by,
                                    feedback_date__year=today.year).order_by("id").first()
              or record_create(user=user, obj=Source(unit=unit, kind=SourceKind.SUPERVISION, issued_by=issued_by,
                                                     feedback_date=today, title=f"{office}{today.year}年监督发现问题"),
                               request=request))
    aspect = (Aspect.objects.filter(source=source, title=aspect_title).first()
              or record_create(user=user, obj=Aspect(source=source, unit=unit, title=aspect_title,
                                                     order=Aspect.with_deleted.filter(source=source).count() + 1),
                               request=request))
    return record_create(user=user, obj=Problem(
        aspect=aspect, source_id=source.pk, unit=unit, text=text,
        order=Problem.with_deleted.filter(aspect=aspect, parent=None).count() + 1), request=request)


def finding_order_issue(*, user: Any, finding: Any, request: Any = None) -> Any:
    """One click: the finding becomes a 督办 to its unit (ledger_order_issue, which refuses anyone but a
    supervisor who may see the unit). A finding already ordered answers its existing 督办."""
    from qinglian.ledger.services import ledger_order_issue

    done = FindingOrder.objects.filter(key=finding.key).select_related("order").first()
    if done is not None:
        return done.order
    if getattr(user, "role", None) != Role.SUPERVISOR or not may_see_unit(user, finding.unit):
        raise PermissionDenied("只有监督该单位的监督员可以督办。")
    today = timezone.localdate()
    try:
        with transaction.atomic():
            problem = _anchor(user=user, unit=finding.unit, aspect_title=finding.kind_label,
                              text=f"{finding.title}：{finding.detail}"[:2000], request=request)
            order = ledger_order_issue(user=user, problem=problem, content=f"请核实并整改：{finding.detail}"[:2000],
                                       due_date=today + dt.timedelta(days=ORDER_DAYS), today=today, request=request)
            FindingOrder.objects.create(key=finding.key, order=order, created_by=user)
    except IntegrityError:  # a second click raced the first (FindingOrder.key is unique): keep the first
        return FindingOrder.objects.get(key=finding.key).order
    return order


def keep_checked(*, user: Any, current: Unit, chosen: Any, name: str, content: bytes, result: ReadResult,
                 date_from: dt.date | None, date_to: dt.date | None, request: Any = None) -> UploadedReport:
    """What the report check page calls once it has read a file: the unit chosen (a Unit, an id, or none: the
    unit the title names, else the current unit) and the period given (else the title's) decide where the
    report is kept."""
    from paperwork.check import document_period
    from qinglian.org.scoping import visible_units
    from qinglian.reports.checking import unit_named_in

    unit = chosen if isinstance(chosen, Unit) else (visible_units(user).filter(pk=chosen).first() if chosen else None)
    unit = unit or unit_named_in(result.title, user) or current
    if date_from is None or date_to is None:
        date_from, date_to = document_period(result.title) or (None, None)
    return upload_record(user=user, unit=unit, name=name, content=content, result=result, date_from=date_from,
                         date_to=date_to, request=request)
