"""党风廉政意见回复 pages, a supervisor's (纪检): find a cadre of the units supervised (a bounded search),
choose the years, generate → the draft's preview → .docx. Every other role is refused (403)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from qinglian.lib.forms import IdField
from qinglian.lib.views import render_page, roles_required
from qinglian.limits.services import Kind, rate_refusal
from qinglian.org.models import Person, Role
from qinglian.reports import services
from qinglian.reports.forms import PeriodMixin
from qinglian.reports.models import GeneratedReport, Genre
from qinglian.stats.engine import PeriodError

supervisor_required = roles_required(Role.SUPERVISOR)
SEARCH_LIMIT = 20


def cadres(user: Any, query: str) -> list[Person]:
    """People of the units `user` supervises whose name or post contains `query`, at most SEARCH_LIMIT."""
    query = query.strip()[:20]
    if not query:
        return []
    return list(Person.objects.visible_to(user).filter(Q(name__icontains=query) | Q(post__icontains=query))
                .select_related("unit").order_by("unit__path", "order", "id")[:SEARCH_LIMIT])


class IntegrityForm(PeriodMixin):
    person = IdField(label="干部", widget=forms.HiddenInput, required=False,
                     help_text="在上面输入姓名或职务搜索，再点选一人。")
    field_order = ["person", "year", "date_from", "date_to"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["year"].help_text = "填写年度即查全年；查多年请填写开始和结束日期（如 2022-01-01 至 2026-12-31）。"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.clean_period(data)
        person = None
        if data.get("person"):
            person = Person.objects.visible_to(self.user).filter(pk=data["person"]).select_related("unit").first()
            if person is None:
                self.add_error(None, "请从搜索结果中选择您监督范围内的干部。")  # a hidden field: said above the form
        elif "person" not in self.errors:
            self.add_error(None, "请先搜索并选择干部。")
        data["person"] = person
        return data


def _page(request: HttpRequest, form: IntegrityForm, status: int = 200) -> HttpResponse:
    chosen = form.cleaned_data.get("person") if form.is_bound and hasattr(form, "cleaned_data") else None
    recent = (GeneratedReport.objects.visible_to(request.user).filter(genre=Genre.INTEGRITY)
              .select_related("person", "unit", "created_by").defer("blocks", "figures")
              .order_by("-created_at", "-id")[:10])
    return render_page(request, "reports/integrity.html", {"form": form, "chosen": chosen, "recent": recent},
                       status=status)


@supervisor_required
@require_http_methods(["GET", "POST"])
def integrity(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request, IntegrityForm(user=request.user, initial={"year": timezone.localdate().year}))
    if refusal := rate_refusal(request, Kind.GENERATE):
        return refusal
    form = IntegrityForm(request.POST, user=request.user)
    if form.is_valid():
        d = form.cleaned_data
        try:
            report = services.report_generate(user=request.user, unit=d["person"].unit, genre=Genre.INTEGRITY,
                                              date_from=d["date_from"], date_to=d["date_to"], person=d["person"],
                                              request=request)
        except (PeriodError, ValidationError) as exc:
            form.add_error(None, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, f"已生成“{report.title}”，结论意见部分请下载后由纪委监委填写。")
            return redirect(report)
    return _page(request, form, status=400)


@supervisor_required
@require_GET
def people(request: HttpRequest) -> HttpResponse:
    """The search's results (htmx): a list of cadres to pick from."""
    query = request.GET.get("q", "")
    return render_page(request, "reports/_integrity_people.html",
                       {"people": cadres(request.user, query), "query": query.strip(), "limit": SEARCH_LIMIT})
