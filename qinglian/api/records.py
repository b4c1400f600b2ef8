"""纪实 through the API: activity kinds, activities read (with ETag) and recorded (Idempotency-Key), through
records.services (the same checks as the entry form: the unit, the people, the kind, the date)."""


import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Header, Path, Query, Router, Schema

from qinglian.api.base import (
    MAX_ID,
    WRITE_ERRORS,
    Id,
    Page,
    idempotent,
    one,
    paged,
    responses,
    tagged,
    unit_or_root,
    writes,
)
from qinglian.lib.models import SecurityLabel
from qinglian.org.models import Person
from qinglian.org.scoping import subtree_q, visible_units
from qinglian.records.models import Activity, ActivityKind
from qinglian.records.services import ActivityInput, activity_create

router = Router(tags=["纪实"])


class KindOut(Schema):
    code: str
    name: str
    category: str
    counting_unit: str
    counts_persons: bool
    active: bool


class ActivityOut(Schema):
    id: int
    version: int
    unit_id: int
    kind: str
    kind_name: str
    happened_on: dt.date
    topic: str
    late: bool
    weight: int
    presided_by_id: int | None
    security_label: SecurityLabel


class ActivityDetail(ActivityOut):
    participants: list[int]
    talked_to: list[int]


class ActivityPage(Page):
    items: list[ActivityOut]


class ActivityIn(Schema):
    unit_id: Id
    kind: str
    happened_on: dt.date
    topic: str
    participants: list[Id] = []
    talked_to: list[Id] = []
    presided_by_id: Id | None = None
    minutes: str = ""
    security_label: SecurityLabel | None = None


def activity_out(a: Activity) -> dict[str, Any]:
    return {"id": a.pk, "version": a.version, "unit_id": a.unit_id, "kind": a.kind.code, "kind_name": a.kind.name,
            "happened_on": a.happened_on.isoformat(), "topic": a.topic, "late": a.late, "weight": a.weight,
            "presided_by_id": a.presided_by_id, "security_label": a.security_label}


def activity_detail_out(a: Activity) -> dict[str, Any]:
    return {**activity_out(a), "participants": sorted(a.participants.values_list("pk", flat=True)),
            "talked_to": sorted(a.talked_to.values_list("pk", flat=True))}


@router.get("/kinds", response=responses({200: list[KindOut]}), summary="活动类型")
def kinds(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"code": k.code, "name": k.name, "category": k.category, "counting_unit": k.counting_unit,
             "counts_persons": k.counts_persons, "active": k.active} for k in ActivityKind.objects.all()]


@router.get("/activities", response=responses({200: ActivityPage}), summary="纪实记录")
def activities(request: HttpRequest, unit: int | None = Query(None, ge=1, le=MAX_ID), kind: str | None = None,
               date_from: dt.date | None = None, date_to: dt.date | None = None,
               page: int = Query(1, ge=1, le=10_000)) -> dict[str, Any]:
    qs = (Activity.objects.visible_to(request.user).filter(subtree_q(unit_or_root(request, unit)))
          .select_related("kind").defer("minutes"))
    if kind:
        qs = qs.filter(kind__code=kind)
    if date_from:
        qs = qs.filter(happened_on__gte=date_from)
    if date_to:
        qs = qs.filter(happened_on__lte=date_to)
    return paged(qs.order_by("-happened_on", "-id"), page, activity_out)


@router.get("/activities/{activity_id}", response=responses({200: ActivityDetail}), summary="一条纪实记录（带 ETag）")
def activity_detail(request: HttpRequest, response: HttpResponse, activity_id: int = Path(..., ge=1, le=MAX_ID)
                    ) -> dict[str, Any]:
    activity = one(Activity.objects.visible_to(request.user).select_related("kind").defer("minutes"), activity_id)
    tagged(response, activity)
    return activity_detail_out(activity)


def _people(request: HttpRequest, ids: list[int], field: str) -> list[Person]:
    wanted = set(ids)
    found = list(Person.objects.visible_to(request.user).filter(pk__in=wanted)) if wanted else []
    missing = sorted(set(ids) - {p.pk for p in found})
    if missing:  # no hint whether they exist elsewhere
        raise ValidationError({field: [f"人员编号 {'、'.join(map(str, missing[:10]))} 不存在或不在您的范围内，"
                                       "请用 /api/people 查到本单位及下级单位的干部编号。"]})
    return found


@router.post("/activities", response=responses({201: ActivityDetail}, WRITE_ERRORS),
             summary="登记纪实记录（可带 Idempotency-Key）")
@writes
def activity_new(request: HttpRequest, response: HttpResponse, data: ActivityIn,
                 idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=200)
                 ) -> Any:
    unit = one(visible_units(request.user), data.unit_id)
    kind = ActivityKind.objects.filter(code=data.kind).first()
    if kind is None:
        raise ValidationError(f"没有活动类型“{data.kind[:50]}”，请用 /api/records/kinds 查到类型代码。")
    presided = _people(request, [data.presided_by_id], "presided_by") if data.presided_by_id is not None else []
    entry = ActivityInput(unit=unit, kind=kind, happened_on=data.happened_on, topic=data.topic,
                          participants=_people(request, data.participants, "participants"),
                          talked_to=_people(request, data.talked_to, "talked_to"),
                          presided_by=presided[0] if presided else None, minutes=data.minutes,
                          security_label=data.security_label or "")

    def create() -> tuple[int, dict[str, Any], dict[str, str]]:
        activity = activity_create(user=request.user, data=entry, request=request)
        return 201, activity_detail_out(activity), {"Location": reverse("api:activity_detail", args=[activity.pk])}

    return idempotent(request, response, idempotency_key, create)
