"""整改台账 through the API: sources and measures read, a measure edited (If-Match), progress reported and 销号
asked for (Idempotency-Key). Every lookup is the pages' (`visible_to`, `visible_measures`); every write is the
ledger's own service, which checks the same rules as for the pages."""


import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Header, Path, Query, Router, Schema

from qinglian.api.base import (
    EDIT_ERRORS,
    MAX_ID,
    WRITE_ERRORS,
    Page,
    check_if_match,
    check_version,
    etag,
    idempotent,
    one,
    paged,
    responses,
    tagged,
    unit_or_root,
    writes,
)
from qinglian.ledger import services
from qinglian.ledger.models import Closure, Measure, MeasureStatus, Progress, Source, SourceKind
from qinglian.ledger.selectors import ROW_RELATED, ledger_page, visible_measures
from qinglian.lib.models import SecurityLabel, label_q
from qinglian.org.scoping import subtree_q

router = Router(tags=["整改台账"])
IdPath = Path(..., ge=1, le=MAX_ID)
IDEMPOTENCY = Header(None, alias="Idempotency-Key", max_length=200,
                     description="同一键重发同一请求，返回第一次的应答而不重复新建。")


class SourceOut(Schema):
    id: int
    unit_id: int
    kind: SourceKind
    issued_by: str
    title: str
    feedback_date: dt.date | None


class SourcePage(Page):
    items: list[SourceOut]


class MeasureOut(Schema):
    id: int
    version: int
    unit_id: int
    source_id: int
    problem_id: int
    problem: str
    text: str
    leader_in_charge: str
    responsible_unit: str
    owner: str
    deadline: dt.date | None
    deadline_text: str
    status: MeasureStatus
    closure: Closure
    closed_at: dt.date | None
    security_label: SecurityLabel


class MeasurePage(Page):
    items: list[MeasureOut]


class MeasurePatch(Schema):
    version: int | None = None
    text: str | None = None
    deadline_text: str | None = None
    status: MeasureStatus | None = None


class ProgressOut(Schema):
    id: int
    measure_id: int
    date: dt.date
    text: str
    status_after: MeasureStatus
    created_at: dt.datetime


class ProgressPage(Page):
    items: list[ProgressOut]


class ProgressIn(Schema):
    text: str
    status_after: MeasureStatus
    date: dt.date | None = None


class CloseIn(Schema):
    opinion: str


def source_out(s: Source) -> dict[str, Any]:
    return {"id": s.pk, "unit_id": s.unit_id, "kind": s.kind, "issued_by": s.issued_by, "title": str(s),
            "feedback_date": s.feedback_date}


def measure_out(m: Measure) -> dict[str, Any]:
    return {"id": m.pk, "version": m.version, "unit_id": m.unit_id, "source_id": m.source_id,
            "problem_id": m.problem_id, "problem": m.problem.text, "text": m.text,
            "leader_in_charge": m.leader_shown, "responsible_unit": m.unit_shown, "owner": m.owner_shown,
            "deadline": m.deadline.isoformat() if m.deadline else None, "deadline_text": m.deadline_text,
            "status": m.status, "closure": m.closure, "closed_at": m.closed_at.isoformat() if m.closed_at else None,
            "security_label": m.security_label}


def progress_out(p: Progress) -> dict[str, Any]:
    return {"id": p.pk, "measure_id": p.measure_id, "date": p.date.isoformat(), "text": p.text,
            "status_after": p.status_after, "created_at": p.created_at.isoformat()}


@router.get("/sources", response=responses({200: SourcePage}), summary="反馈来源")
def sources(request: HttpRequest, unit: int | None = Query(None, ge=1, le=MAX_ID),
            page: int = Query(1, ge=1, le=10_000)) -> dict[str, Any]:
    qs = Source.objects.visible_to(request.user).filter(subtree_q(unit_or_root(request, unit)))
    return paged(qs.order_by("-feedback_date", "-id"), page, source_out)


@router.get("/sources/{source_id}", response=responses({200: SourceOut}), summary="一个反馈来源")
def source_detail(request: HttpRequest, source_id: int = IdPath) -> dict[str, Any]:
    return source_out(one(Source.objects.visible_to(request.user), source_id))


@router.get("/measures", response=responses({200: MeasurePage}), summary="整改措施（台账）")
def measures(request: HttpRequest, unit: int | None = Query(None, ge=1, le=MAX_ID),
             status: MeasureStatus | None = None, closure: Closure | None = None,
             source: int | None = Query(None, ge=1, le=MAX_ID), overdue: bool = False,
             page: int = Query(1, ge=1, le=10_000)) -> dict[str, Any]:
    filters = {"status": status, "closure": closure, "source": source, "overdue": overdue}
    rows = ledger_page(request.user, unit_or_root(request, unit), filters, lambda qs: qs.select_related(*ROW_RELATED))
    return paged(rows, page, measure_out)


def _measure(request: HttpRequest, pk: int) -> Measure:
    """As the measure page: the measures of one's units and those shared with one's unit (配合单位)."""
    return one(visible_measures(request.user).select_related(*ROW_RELATED), pk)


@router.get("/measures/{measure_id}", response=responses({200: MeasureOut}), summary="一项整改措施（带 ETag）")
def measure_detail(request: HttpRequest, response: HttpResponse, measure_id: int = IdPath) -> dict[str, Any]:
    measure = _measure(request, measure_id)
    tagged(response, measure)
    return measure_out(measure)


@router.patch("/measures/{measure_id}", response=responses({200: MeasureOut}, EDIT_ERRORS),
              summary="修改整改措施（须带 If-Match）")
@writes
def measure_update(request: HttpRequest, response: HttpResponse, data: MeasurePatch, measure_id: int = IdPath,
                   if_match: str | None = Header(None, alias="If-Match", description="读取时应答的 ETag。")
                   ) -> dict[str, Any]:
    measure = one(Measure.objects.visible_to(request.user).select_related(*ROW_RELATED), measure_id)
    check_if_match(request, measure)
    check_version(measure, data.version)
    changes = {k: v for k, v in data.dict(exclude={"version"}).items() if v is not None}
    updated = services.ledger_measure_update(user=request.user, measure=measure, data=changes,
                                             version=measure.version, request=request)
    updated = _measure(request, updated.pk)
    tagged(response, updated)
    return measure_out(updated)


def _progress(request: HttpRequest, measure: Measure) -> Any:
    return (measure.progress.filter(label_q(Progress, getattr(request.user, "clearance", "")))
            .order_by("-date", "-id"))


@router.get("/measures/{measure_id}/progress", response=responses({200: ProgressPage}), summary="整改进展")
def progress_list(request: HttpRequest, measure_id: int = IdPath, page: int = Query(1, ge=1, le=10_000)
                  ) -> dict[str, Any]:
    return paged(_progress(request, _measure(request, measure_id)), page, progress_out)


@router.post("/measures/{measure_id}/progress", response=responses({201: ProgressOut}, WRITE_ERRORS),
             summary="报送整改进展（可带 Idempotency-Key）")
@writes
def progress_add(request: HttpRequest, response: HttpResponse, data: ProgressIn, measure_id: int = IdPath,
                 idempotency_key: str | None = IDEMPOTENCY) -> Any:
    measure = _measure(request, measure_id)

    def create() -> tuple[int, dict[str, Any], dict[str, str]]:
        progress = services.ledger_progress_add(user=request.user, measure=measure, text=data.text,
                                                status_after=data.status_after, date=data.date, request=request)
        location = reverse("api:progress_list", args=[measure.pk])
        return 201, progress_out(progress), {"Location": location}

    return idempotent(request, response, idempotency_key, create)


@router.post("/measures/{measure_id}/request-close", response=responses({200: MeasureOut}, EDIT_ERRORS),
             summary="申请销号（If-Match 可选，带则须为当前版本）")
@writes
def measure_request_close(request: HttpRequest, response: HttpResponse, data: CloseIn, measure_id: int = IdPath,
                          if_match: str | None = Header(None, alias="If-Match"),
                          idempotency_key: str | None = IDEMPOTENCY) -> Any:
    measure = one(Measure.objects.visible_to(request.user).select_related(*ROW_RELATED), measure_id)

    def create() -> tuple[int, dict[str, Any], dict[str, str]]:
        check_if_match(request, measure, required=False)
        updated = services.ledger_measure_request_close(user=request.user, measure=measure, opinion=data.opinion,
                                                        request=request)
        updated = _measure(request, updated.pk)
        return 200, measure_out(updated), {"ETag": etag(updated)}

    return idempotent(request, response, idempotency_key, create)
