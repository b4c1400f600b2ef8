"""Publications, the monthly bulletin and the unit's counting rule."""

from __future__ import annotations

import datetime as dt
import mimetypes
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from qinglian.audit.models import Action
from qinglian.audit.services import audit_request
from qinglian.lib.exports import XLSX, file_response, xlsx_response
from qinglian.lib.forms import add_errors
from qinglian.lib.services import ConflictError, record_delete
from qinglian.lib.views import (
    Page,
    business_required,
    chosen_unit,
    current_unit,
    page_number,
    render_page,
    writer_required,
)
from qinglian.org.scoping import may_write_unit, subtree_q
from qinglian.publicity.bulletin import bulletin_build, bulletin_docx, bulletin_xlsx
from qinglian.publicity.forms import MonthForm, PublicationFilter, PublicationForm, RuleForm
from qinglian.publicity.models import Publication, PublicityRule
from qinglian.publicity.services import Refused, publication_create, publication_update, publicity_rule_save

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FIELDS = ("unit", "title", "authors", "outlet", "published_on", "adopted", "counting_unit", "link")


def form_errors(form: Any, exc: Exception) -> None:
    """A refusal or a date rule of the services shown on the form (next to the field it names)."""
    add_errors(form, exc)


# -- publications ------------------------------------------------------------------------------------
def _publications(request: HttpRequest, form: PublicationFilter) -> Any:
    unit = current_unit(request)
    qs = Publication.objects.visible_to(request.user).filter(subtree_q(unit)).select_related("unit", "outlet")
    if form.is_valid():
        data = form.cleaned_data
        if q := data["q"]:
            qs = qs.filter(Q(title__contains=q) | Q(authors__contains=q))
        if data["level"]:
            qs = qs.filter(outlet__level=data["level"])
        if data["channel"]:
            qs = qs.filter(outlet__channel=data["channel"])
        if data["adopted"]:
            qs = qs.filter(adopted=data["adopted"] == "1")
        if data["date_from"]:
            qs = qs.filter(published_on__gte=data["date_from"])
        if data["date_to"]:
            qs = qs.filter(published_on__lte=data["date_to"])
    return qs.order_by("-published_on", "-id")


def recent_page(qs: Any, request: HttpRequest, *, field: str, size: int = 50) -> Page:
    """Newest first, without sorting a whole subtree's rows: look back a week, widening the window four
    times over until the page fills (then no window at all). The cost follows the page asked for, not
    the years of pieces behind it."""
    number = page_number(request)
    offset, today = (number - 1) * size, timezone.localdate()
    rows: list[Any] = []
    for days in (7, 28, 112, 448, 1792, 7168):
        rows = list(qs.filter(**{f"{field}__gte": today - dt.timedelta(days=days)})[offset:offset + size + 1])
        if len(rows) > size:
            break
    else:
        rows = list(qs[offset:offset + size + 1])
    return Page(rows=rows[:size], number=number, size=size, has_next=len(rows) > size)


@business_required
def publications(request: HttpRequest) -> HttpResponse:
    form = PublicationFilter(request.GET)
    page = recent_page(_publications(request, form), request, field="published_on")
    return render_page(request, "publicity/publications.html", {"form": form, "page": page},
                       fragment="publicity/_publication_rows.html")


@business_required
def publications_export(request: HttpRequest) -> HttpResponse:
    form = PublicationFilter(request.GET)
    rows = [[p.published_on, p.unit.full_name, p.title, p.authors, p.outlet.name, p.outlet.get_level_display(),
             p.outlet.get_channel_display(), "是" if p.adopted else "否", p.counting_unit, p.link]
            for p in _publications(request, form)[:50000]]
    return xlsx_response(request, "宣传稿件",
                         ["日期", "作者单位", "标题", "作者", "媒体", "级别", "渠道", "已采用", "计量单位", "链接"], rows)


@business_required
def publication_detail(request: HttpRequest, pk: int) -> HttpResponse:
    publication = get_object_or_404(Publication.objects.visible_to(request.user).select_related("unit", "outlet"),
                                    pk=pk)
    return render(request, "publicity/publication_detail.html", {"publication": publication})


@business_required
def publication_clipping(request: HttpRequest, pk: int) -> HttpResponse:
    publication = get_object_or_404(Publication.objects.visible_to(request.user), pk=pk)
    if not publication.clipping:
        raise Http404
    with publication.clipping.open("rb") as fh:
        content = fh.read()
    name = publication.clipping.name.rsplit("/", 1)[-1]
    audit_request(request, action=Action.DOWNLOAD, summary=f"下载剪报：{publication.title}", obj=publication)
    return file_response(content, name, mimetypes.guess_type(name)[0] or "application/octet-stream")


@writer_required
def publication_new(request: HttpRequest) -> HttpResponse:
    unit = current_unit(request)
    form = PublicationForm(request.POST or None, request.FILES or None, user=request.user, initial={
        "unit": unit, "counting_unit": PublicityRule.for_unit(unit).counting_unit, "adopted": True,
        "published_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in FIELDS}
        try:
            publication = publication_create(user=request.user, publication=Publication(**data),
                                             clipping=form.cleaned_data["clipping"])
        except (Refused, ValidationError) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"已录入：{publication.title}")
            return redirect("publicity:publication", pk=publication.pk)
    return render(request, "publicity/publication_form.html", {"form": form, "publication": None})


@writer_required
def publication_edit(request: HttpRequest, pk: int) -> HttpResponse:
    publication = get_object_or_404(Publication.objects.visible_to(request.user), pk=pk)
    if request.method == "POST":
        form = PublicationForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            data = {k: form.cleaned_data[k] for k in FIELDS}
            try:
                publication_update(user=request.user, publication=publication, data=data,
                                   version=form.cleaned_data["version"] or 0, clipping=form.cleaned_data["clipping"])
            except (Refused, ValidationError, ConflictError) as exc:
                form_errors(form, exc)
            else:
                messages.success(request, f"已保存：{publication.title}")
                return redirect("publicity:publication", pk=publication.pk)
    else:
        initial = {k: getattr(publication, k) for k in FIELDS}
        form = PublicationForm(user=request.user, initial={**initial, "version": publication.version})
    return render(request, "publicity/publication_form.html", {"form": form, "publication": publication})


@require_POST
@writer_required
def publication_delete(request: HttpRequest, pk: int) -> HttpResponse:
    publication = get_object_or_404(Publication.objects.visible_to(request.user), pk=pk)
    if not may_write_unit(request.user, publication.unit):
        raise Http404
    record_delete(user=request.user, obj=publication, request=request)
    messages.success(request, f"已删除：{publication.title}")
    return redirect("publicity:publications")


# -- bulletin ----------------------------------------------------------------------------------------
def _bulletin_args(request: HttpRequest) -> tuple[Any, int, int]:
    unit = chosen_unit(request, request.GET.get("unit"))
    form = MonthForm(request.GET)
    if form.is_valid():
        return unit, form.cleaned_data["year"], form.cleaned_data["month"]
    first = timezone.localdate().replace(day=1)
    last_month = first - dt.timedelta(days=1)
    return unit, last_month.year, last_month.month


@business_required
def bulletin(request: HttpRequest) -> HttpResponse:
    unit, year, month = _bulletin_args(request)
    built = bulletin_build(unit=unit, year=year, month=month)
    form = MonthForm(initial={"year": year, "month": month})
    query = f"unit={unit.pk}&year={year}&month={month}"
    return render(request, "publicity/bulletin.html", {"bulletin": built, "form": form, "query": query,
                                                       "header": built.header(), "table": built.table()})


@business_required
def bulletin_download(request: HttpRequest, fmt: str) -> HttpResponse:
    unit, year, month = _bulletin_args(request)
    built = bulletin_build(unit=unit, year=year, month=month)
    audit_request(request, action=Action.EXPORT, summary=f"导出{built.title}（{fmt}）", unit_id=unit.pk)
    if fmt == "docx":
        content = bulletin_docx(built, issuer=unit.name, today=timezone.localdate())
        return file_response(content, f"{built.title}.docx", DOCX)
    return file_response(bulletin_xlsx(built), f"{built.title}.xlsx", XLSX)


@writer_required
def rule(request: HttpRequest) -> HttpResponse:
    unit = current_unit(request)
    if not may_write_unit(request.user, unit):
        raise Http404
    current = PublicityRule.for_unit(unit)
    instance = current if current.unit_id == unit.pk else PublicityRule(
        unit=unit, **{f: getattr(current, f) for f in RuleForm.Meta.fields})
    form = RuleForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in RuleForm.Meta.fields}
        try:
            publicity_rule_save(user=request.user, unit=unit, data=data)
        except (Refused, ValidationError, ConflictError) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"已保存{unit.name}的宣传计分规则。")
            return redirect("publicity:bulletin")
    inherited = current.pk is not None and current.unit_id != unit.pk
    return render(request, "publicity/rule.html", {"form": form, "unit": unit, "inherited_from": current.unit
                                                   if inherited else None})
