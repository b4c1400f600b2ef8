"""Units, people and the token itself: what the token's account sees of the unit tree (org.scoping)."""


import datetime as dt

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema

from qinglian.api.base import MAX_ID, Page, one, paged, responses, token_of, unit_or_root
from qinglian.org.models import Person, Unit
from qinglian.org.scoping import subtree_q, visible_units

router = Router(tags=["单位与干部"])


class UnitOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    parent_id: int | None
    full_name: str


class UnitPage(Page):
    items: list[UnitOut]


class PersonOut(Schema):
    id: int
    name: str
    unit_id: int
    unit_name: str
    post: str
    team_role: str


class PersonPage(Page):
    items: list[PersonOut]


class MeOut(Schema):
    token_id: int
    token_name: str
    scope: str
    expires_at: dt.datetime
    username: str
    role: str
    unit_id: int | None


def unit_out(u: Unit) -> dict[str, object]:
    return {"id": u.pk, "name": u.name, "short_name": u.short_name, "kind": u.kind, "parent_id": u.parent_id,
            "full_name": u.full_name}


def person_out(p: Person) -> dict[str, object]:
    # the phone and ID numbers are sealed and never leave through the API
    return {"id": p.pk, "name": p.name, "unit_id": p.unit_id, "unit_name": p.unit.name, "post": p.post,
            "team_role": p.team_role}


@router.get("/me", response=responses({200: MeOut}), summary="当前令牌及其账号")
def me(request: HttpRequest) -> dict[str, object]:
    token = token_of(request)
    return {"token_id": token.pk, "token_name": token.name, "scope": token.scope, "expires_at": token.expires_at,
            "username": token.user.username, "role": token.user.role, "unit_id": token.user.unit_id}


@router.get("/units", response=responses({200: UnitPage}), summary="可见的单位（本单位及下级单位）")
def units(request: HttpRequest, unit: int | None = Query(None, ge=1, le=MAX_ID, description="只列此单位及其下级"),
          page: int = Query(1, ge=1, le=10_000)) -> dict[str, object]:
    root = unit_or_root(request, unit)
    qs = visible_units(request.user).filter(subtree_q(root, "self")).order_by("path")
    return paged(qs, page, unit_out)


@router.get("/units/{unit_id}", response=responses({200: UnitOut}), summary="一个单位")
def unit_detail(request: HttpRequest, unit_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, object]:
    return unit_out(one(visible_units(request.user), unit_id))


@router.get("/people", response=responses({200: PersonPage}), summary="可见单位的干部")
def people(request: HttpRequest, unit: int | None = Query(None, ge=1, le=MAX_ID),
           page: int = Query(1, ge=1, le=10_000)) -> dict[str, object]:
    root = unit_or_root(request, unit)
    qs = (Person.objects.visible_to(request.user).filter(subtree_q(root)).select_related("unit")
          .defer("phone", "id_number").order_by("unit__path", "order", "id"))
    return paged(qs, page, person_out)


@router.get("/people/{person_id}", response=responses({200: PersonOut}), summary="一名干部")
def person_detail(request: HttpRequest, person_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, object]:
    qs = Person.objects.visible_to(request.user).select_related("unit").defer("phone", "id_number")
    return person_out(one(qs, person_id))
