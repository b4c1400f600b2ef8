"""Upper-level form pages: upload → the proposed mapping (confirm or change each label) → fill → download;
the history of fills. Scoped like reports: a business account fills for the units it sees (404 elsewhere)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from paperwork.returns import FormRefused
from qinglian.lib import files
from qinglian.lib.views import business_required, chosen_unit, current_unit, paginate, render_page
from qinglian.limits.services import Kind, rate_limited
from qinglian.org.models import Unit
from qinglian.org.scoping import subtree_q
from qinglian.records.forms import unit_choices
from qinglian.returns import figures as returns_figures
from qinglian.returns import services
from qinglian.returns.forms import FillForm, MappingForm, UploadForm, figure_choices
from qinglian.returns.models import ReturnFill
from qinglian.stats.engine import PeriodError


def _history(request: HttpRequest) -> Any:
    return (ReturnFill.objects.visible_to(request.user).filter(subtree_q(current_unit(request)))
            .select_related("unit", "form", "created_by").defer("filled", "unfilled").order_by("-created_at", "-id"))


def _upload_form(request: HttpRequest, data: Any = None, files_: Any = None) -> UploadForm:
    unit = current_unit(request)
    chosen = chosen_unit(request, data.get("unit")) if data is not None else unit
    form = UploadForm(data, files_, user=request.user, initial={"unit": unit.pk, "year": dt.date.today().year})
    form.fields["unit"].widget.choices = unit_choices(request.user, chosen)
    return form


@business_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render_page(request, "returns/index.html", {
        "form": _upload_form(request), "page": paginate(_history(request), request, size=20),
        "unit": current_unit(request)}, fragment="returns/_history.html")


def _fill_and_show(request: HttpRequest, parked: dict[str, Any], token: str, mapping: dict[str, str], *,
                   save: bool, query: str = "") -> HttpResponse:
    content = files.parked(token)
    if content is None:
        raise Http404("上传的报表已过期，请重新上传。")
    unit = get_object_or_404(Unit.objects.filter(pk=parked["unit"]))
    fill = services.return_fill(
        user=request.user, unit=unit, layout=services.layout_of(parked["layout"]), content=content.read_bytes(),
        name=parked["name"], mapping=mapping, date_from=dt.date.fromisoformat(parked["date_from"]),
        date_to=dt.date.fromisoformat(parked["date_to"]), office=parked["office"], save_mapping=save,
        request=request)
    return redirect(fill.get_absolute_url() + query)


@business_required
@require_POST
@rate_limited(Kind.GENERATE)
def upload(request: HttpRequest) -> HttpResponse:
    form = _upload_form(request, request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        upload = d["file"]
        try:
            layout, content, name = services.form_read(upload.read(), upload.name)
            choices, _ = services.catalogue(d["unit"], d["date_from"], d["date_to"])
            mapping, saved = services.mapping_for(layout, unit=d["unit"], choices=choices)
            if not any(mapping.values()) and saved is None:
                raise FormRefused(f"表中没有找到系统统计的项目（认出的栏目：{'、'.join(k for k, _ in layout.labels()[:8])}）。"
                                  "请确认是党风廉政建设方面的统计表，或在下一步手工为各栏选择统计项。")
        except FormRefused as exc:
            form.add_error("file", exc.message_zh)
        except PeriodError as exc:
            form.add_error(None, str(exc))
        else:
            token = files.park(content)
            parked = {"layout": services.layout_json(layout), "name": name, "unit": d["unit"].pk,
                      "date_from": d["date_from"].isoformat(), "date_to": d["date_to"].isoformat(),
                      "office": d["office"], "user": request.user.pk}
            files.park_parsed(token, parked)
            if saved is not None and all(k in saved.mapping for k in layout.keys):
                response = _fill_and_show(request, parked, token, mapping, save=False, query=f"?remap={token}")
                messages.success(request, f"已按上次保存的对应关系（{saved.unit.name}）填好“{name}”，无需再选择。")
                return response
            return redirect("returns:mapping", token=token)
    return render_page(request, "returns/index.html", {
        "form": form, "page": paginate(_history(request), request, size=20), "unit": current_unit(request)},
        status=400)


def _parked(request: HttpRequest, token: str) -> dict[str, Any]:
    parked = files.parked_parsed(token)
    if parked is None or files.parked(token) is None or parked.get("user") != request.user.pk:
        raise Http404("上传的报表已过期，请重新上传。")
    return parked


@business_required
@require_http_methods(["GET", "POST"])
def mapping(request: HttpRequest, token: str) -> HttpResponse:
    parked = _parked(request, token)
    layout = services.layout_of(parked["layout"])
    unit = chosen_unit(request, parked["unit"])  # 404 unless still visible
    period = FillForm(request.POST or None, user=request.user, initial={
        "unit": unit.pk, "date_from": parked["date_from"], "date_to": parked["date_to"], "office": parked["office"]})
    period.fields["unit"].widget.choices = unit_choices(request.user, unit)
    date_from, date_to = dt.date.fromisoformat(parked["date_from"]), dt.date.fromisoformat(parked["date_to"])
    choices, found = services.catalogue(unit, date_from, date_to)
    proposal, saved = services.mapping_for(layout, unit=unit, choices=choices)
    groups = {f.kind: f.group for f in found.values()}
    form = MappingForm(request.POST or None, labels=layout.labels(), choices=figure_choices(choices, groups),
                       initial_map=proposal, definition_url=reverse("returns:definition"))
    if request.method == "POST" and period.is_valid() and form.is_valid():
        d = period.cleaned_data
        parked.update(unit=d["unit"].pk, date_from=d["date_from"].isoformat(), date_to=d["date_to"].isoformat(),
                      office=d["office"])
        try:
            return _fill_and_show(request, parked, token, form.mapping(), save=True)
        except FormRefused as exc:
            form.add_error(None, exc.message_zh)
        except (PeriodError, PermissionDenied) as exc:
            period.add_error(None, str(exc))
    cells: dict[str, list[str]] = {}
    for c in layout.cells:
        cells.setdefault(c.key, []).append(f"{c.sheet}!{c.cell}")
    written = returns_figures.definitions(list(proposal.values()))
    rows = [{"key": key, "field": field, "cells": cells.get(key, []), "proposed": proposal.get(key, ""),
             "definition": written.get(proposal.get(key, ""), "")} for key, field in form.rows()]
    return render_page(request, "returns/mapping.html", {
        "form": form, "period": period, "rows": rows, "layout": layout, "name": parked["name"], "saved": saved,
        "unit": unit, "token": token}, status=400 if form.errors or period.errors else 200)


def _fill(request: HttpRequest, pk: int) -> ReturnFill:
    return get_object_or_404(ReturnFill.objects.visible_to(request.user).select_related("unit", "form", "created_by"),
                             pk=pk)


def trace_links(fill: ReturnFill, cell: dict[str, Any]) -> list[tuple[str, str]]:
    """(name, stats trace URL) of the engine figures behind one filled cell: the figure, or a ratio's parts."""
    from qinglian.stats.definitions import definitions_for

    kinds = returns_figures.parts(cell["figure"])
    names = {k: d.name for k, d in definitions_for(kinds).items()}
    links = []
    for kind in kinds:
        query = urlencode({"unit": cell["unit_id"], "date_from": fill.date_from.isoformat(),
                           "date_to": fill.date_to.isoformat(), "kind": kind})
        links.append((names.get(kind, kind), f"{reverse('stats:records')}?{query}"))
    return links


@business_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    fill = _fill(request, pk)
    filled = [{**c, "links": trace_links(fill, c)} for c in fill.filled]
    remap = request.GET.get("remap", "")
    return render_page(request, "returns/detail.html", {
        "fill": fill, "filled": filled, "unfilled": fill.unfilled,
        "remap": remap if remap.isalnum() and files.parked(remap) is not None else ""})


@business_required
@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponse:
    fill = _fill(request, pk)
    return files.download(request, fill, reverse("returns:detail", args=[pk]))


@business_required
@require_GET
def definition(request: HttpRequest) -> HttpResponse:
    """The 统计口径 of the figure just chosen in a mapping's <select> (htmx: the select sends map_N=KIND)."""
    kind = next((v for k, v in request.GET.items() if k.startswith("map_")), "")
    return HttpResponse(returns_figures.definitions([kind]).get(kind, ""), content_type="text/plain; charset=utf-8")
