"""Small helpers every app's views use: role decorators, the current unit, fragments, pagination."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from qinglian.lib.forms import parse_id
from qinglian.org.models import Role, Unit
from qinglian.org.scoping import may_see_unit, scope_root, visible_units

CURRENT_UNIT = "qinglian_unit"

View = Callable[..., HttpResponse]


def roles_required(*roles: str) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if getattr(request.user, "role", None) not in roles:
                raise PermissionDenied("您的角色无权访问此页面。")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


business_required = roles_required(Role.CLERK, Role.LEADER, Role.SUPERVISOR)
writer_required = roles_required(Role.CLERK, Role.LEADER)
leader_required = roles_required(Role.LEADER)


def current_unit(request: HttpRequest) -> Unit:
    """The unit chosen in the top bar's switcher, always inside what the user may see."""
    root = scope_root(request.user)
    if root is None:
        raise Http404
    unit_id = request.session.get(CURRENT_UNIT)
    if unit_id and unit_id != root.pk:
        unit = Unit.objects.filter(pk=unit_id).first()
        if unit is not None and may_see_unit(request.user, unit):
            return unit
    return root


class BadParameter(BadRequest):
    """A malformed GET/POST parameter: answered 400 with this message (Chinese, safe to show) by lib.errors."""


def id_param(value: Any, what: str = "编号") -> int | None:
    """The id a GET/POST parameter names: None when absent or empty, a 400 (BadParameter) when malformed or
    outside the bigint range (abc, -1, 0, 20 digits), so no view ever hands such a value to the database."""
    if value is None or str(value).strip() == "":
        return None
    pk = parse_id(value)
    if pk is None:
        raise BadParameter(f"{what}“{str(value)[:20]}”无效，请从页面上的链接或列表中选择。")
    return pk


def unit_from_param(request: HttpRequest, value: Any) -> Unit:
    """A unit named by a GET/POST parameter: 400 when missing or malformed; 404 unless visible (never a hint
    it exists)."""
    pk = id_param(value, "单位编号")
    if pk is None:
        raise BadParameter("请选择单位。")
    unit = visible_units(request.user).filter(pk=pk).first()
    if unit is None:
        raise Http404
    return unit


def followed_unit(request: HttpRequest) -> Unit:
    """The current unit, or the one a link names (`?unit=ID`, e.g. a dashboard's drill-down), which then becomes
    the current unit as if chosen in the top bar, so the page's own filters and pager stay on it."""
    value = request.GET.get("unit")
    if value is None or str(value).strip() == "":
        return current_unit(request)
    unit = unit_from_param(request, value)
    request.session[CURRENT_UNIT] = unit.pk
    return unit


def chosen_unit(request: HttpRequest, value: Any) -> Unit:
    """The unit a parameter names (as `unit_from_param`), or the current unit when the parameter is empty."""
    return current_unit(request) if value is None or str(value).strip() == "" else unit_from_param(request, value)


def is_htmx(request: HttpRequest) -> bool:
    """htmx asks for a part of the page; when it restores history (the Back button) it asks for the whole."""
    headers = request.headers
    return headers.get("HX-Request") == "true" and headers.get("HX-History-Restore-Request") != "true"


def render_page(
    request: HttpRequest, template: str, context: dict[str, Any], fragment: str | None = None, status: int = 200
) -> HttpResponse:
    """Render the whole page, or only `fragment` when htmx asks for a part of it."""
    name = fragment if fragment and is_htmx(request) else template
    return render(request, name, context, status=status)


@dataclass
class Page:
    """A page of rows without COUNT(*): the cost stays the same however many rows lie behind it."""

    rows: Sequence[Any]
    number: int
    size: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.size + 1


def page_number(request: HttpRequest) -> int:
    """?page=N, clamped to 1..10,000 (anything else is page 1)."""
    return min(parse_id(request.GET.get("page", "1")) or 1, 10_000)


def paginate(qs: QuerySet[Any], request: HttpRequest, size: int = 50) -> Page:
    number = page_number(request)
    offset = (number - 1) * size
    rows = list(qs[offset : offset + size + 1])
    return Page(rows=rows[:size], number=number, size=size, has_next=len(rows) > size)
