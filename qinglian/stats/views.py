"""The statistics page, the records behind one figure, and the JSON endpoint — all through stats.engine."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from qinglian.audit.models import Action
from qinglian.audit.services import audit_request
from qinglian.lib.exports import XLSX, file_response
from qinglian.lib.forms import ChineseDateField, IdField
from qinglian.lib.memo import remember
from qinglian.lib.views import business_required, chosen_unit, current_unit, id_param, unit_from_param
from qinglian.limits.services import Kind, rate_refusal
from qinglian.org.models import Unit
from qinglian.org.scoping import may_see_unit
from qinglian.stats import engine
from qinglian.stats.definitions import all_definitions, definition, definitions_for
from qinglian.stats.export import TITLE, definitions_docx, definitions_xlsx
from qinglian.stats.registry import Figure

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class StatsForm(forms.Form):
    unit = IdField(label="单位", required=False, widget=forms.Select)
    date_from = ChineseDateField(label="开始日期")
    date_to = ChineseDateField(label="结束日期")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", f"结束日期 {data['date_to']:%Y-%m-%d} 早于开始日期 {data['date_from']:%Y-%m-%d}，"
                                      "请检查统计时段。")
        return data


def _quick_periods(today: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    y = today.year
    q = (today.month - 1) // 3 + 1
    return [
        (f"{y}年至今", dt.date(y, 1, 1), today),
        (f"{y - 1}年", dt.date(y - 1, 1, 1), dt.date(y - 1, 12, 31)),
        (f"{y}年第{q}季度", dt.date(y, 3 * q - 2, 1), today),
        (f"{y}年1至{today.month}月", dt.date(y, 1, 1), today),
    ]


@business_required
def stats_page(request: HttpRequest) -> HttpResponse:
    from qinglian.records.forms import unit_choices

    today = timezone.localdate()
    data = request.GET if request.GET else None
    form = StatsForm(data, initial={"date_from": dt.date(today.year, 1, 1), "date_to": today})
    unit = chosen_unit(request, request.GET.get("unit"))
    form.fields["unit"].widget.choices = unit_choices(request.user, unit)
    groups: list[tuple[str, list[Any]]] = []
    date_from = date_to = None
    if form.is_bound and form.is_valid():
        date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    elif not form.is_bound:
        date_from, date_to = dt.date(today.year, 1, 1), today
    if date_from and date_to:
        found = engine.figures(unit=unit, date_from=date_from, date_to=date_to)
        defined = definitions_for(f.kind for f in found)
        for figure in found:
            if not groups or groups[-1][0] != figure.group:
                groups.append((figure.group, []))
            groups[-1][1].append((figure, defined.get(figure.kind)))
    return render(request, "stats/stats.html", {
        "form": form, "unit": unit, "groups": groups, "date_from": date_from, "date_to": date_to,
        "quick": _quick_periods(today)})


@business_required
def records_page(request: HttpRequest) -> HttpResponse:
    unit = unit_from_param(request, request.GET.get("unit"))
    form = StatsForm(request.GET)
    kind = request.GET.get("kind", "")
    if not form.is_valid():
        return render(request, "stats/records.html", {"form": form, "unit": unit, "error": True}, status=400)
    d = form.cleaned_data
    try:
        refs = engine.records(unit=unit, date_from=d["date_from"], date_to=d["date_to"], kind=kind,
                              clearance=request.user.clearance)
    except engine.UnknownKind as exc:
        return render(request, "stats/records.html", {"unit": unit, "message": str(exc)}, status=404)
    figure = engine.figure_of(kind, engine.figures(unit=unit, date_from=d["date_from"], date_to=d["date_to"],
                                                   kinds=[kind]))
    return render(request, "stats/records.html", {
        "unit": unit, "figure": figure, "definition": definition(kind), "refs": refs[:2000],
        "more": max(0, len(refs) - 2000),
        "date_from": d["date_from"], "date_to": d["date_to"], "late": sum(1 for r in refs if r.late)})


@business_required
def definitions_file(request: HttpRequest, fmt: str) -> HttpResponse:
    """统计口径说明 of every figure as .xlsx or .docx (落款: the unit chosen on the statistics page)."""
    unit = chosen_unit(request, request.GET.get("unit"))
    if refused := rate_refusal(request, Kind.EXPORT):
        return refused
    found = all_definitions()
    audit_request(request, action=Action.EXPORT, summary=f"导出{TITLE}（{len(found)}项，{fmt}）")
    today = timezone.localdate()
    name = f"{TITLE}-{today:%Y%m%d}.{fmt}"
    if fmt == "docx":
        return file_response(definitions_docx(found, issuer=unit.name, today=today), name, DOCX)
    return file_response(definitions_xlsx(found), name, XLSX)


def _iso(value: str | None, name: str) -> dt.date:
    if not value:
        raise engine.PeriodError(f"请提供 {name}=YYYY-MM-DD。")
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise engine.PeriodError(f"{name}={value} 不是有效日期，请写成 YYYY-MM-DD，如 2023-01-01。") from exc


def _unit(request: HttpRequest) -> Unit:
    """The unit asked about (404 when the user may not see it), fetched with the user's own root in one query:
    the endpoint is called often, and the scoping rule (org.scoping.may_see_unit) then needs no query."""
    user: Any = request.user
    pk = id_param(request.GET.get("unit"), "单位编号")
    if pk is None:
        return current_unit(request)
    if not user.unit_id:
        raise Http404
    found = {u.pk: u for u in Unit.objects.filter(pk__in=[pk, user.unit_id])
             .only("id", "name", "full_name", "path", "parent_id", "deleted_at")}
    if user.unit_id in found:
        user.unit = found[user.unit_id]  # fills the cached relation used by scope_root
    unit = found.get(pk)
    if unit is None or unit.deleted_at is not None or not may_see_unit(user, unit):
        raise Http404
    return unit


def _figure_json(f: Figure) -> dict[str, Any]:
    return {"kind": f.kind, "name": f.name, "counting_unit": f.counting_unit, "count": f.count, "late": f.late,
            "group": f.group}


@business_required
def figures_json(request: HttpRequest) -> HttpResponse:
    """/stats/figures.json?unit=ID&from=YYYY-MM-DD&to=YYYY-MM-DD[&records=KIND]

    Without `records` the encoded answer itself is memoised under the engine's key (exact: the key changes
    with every write), so a repeated question costs the session, the scope check and one small query.
    """
    unit = _unit(request)
    kind = request.GET.get("records")
    try:
        date_from, date_to = _iso(request.GET.get("from"), "from"), _iso(request.GET.get("to"), "to")
        scope = engine.make_scope(unit=unit, date_from=date_from, date_to=date_to)
        def encoded() -> bytes:
            figures = engine.figures(unit=unit, date_from=date_from, date_to=date_to)
            body: dict[str, Any] = {"unit": {"id": unit.pk, "full_name": unit.full_name},
                                    "from": date_from.isoformat(), "to": date_to.isoformat(),
                                    "figures": [_figure_json(f) for f in figures]}
            if kind:
                body["records"] = [
                    {"type": r.type, "id": r.id, "label": r.label, "date": r.date.isoformat() if r.date else None,
                     "late": r.late, "weight": r.weight, "url": r.url}
                    for r in engine.records(unit=unit, date_from=date_from, date_to=date_to, kind=kind,
                                            clearance=request.user.clearance)]
            return json.dumps(body, ensure_ascii=False).encode()

        key = engine.memo_key(scope) if not kind else ""
        content = remember(f"{key}|json" if key else "", encoded)
    except engine.PeriodError as exc:
        return JsonResponse({"error": str(exc)}, status=400, json_dumps_params={"ensure_ascii": False})
    except engine.UnknownKind as exc:
        return JsonResponse({"error": str(exc)}, status=404, json_dumps_params={"ensure_ascii": False})
    return HttpResponse(content, content_type="application/json")
