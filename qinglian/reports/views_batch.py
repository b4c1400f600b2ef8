"""批量生成: one draft for each unit directly below the chosen one, on the job queue; the job's page shows the
progress bar and links each draft when done."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from qinglian.lib.forms import IdField
from qinglian.lib.views import business_required, current_unit, render_page
from qinglian.limits.services import Kind, rate_limited
from qinglian.org.scoping import visible_units
from qinglian.records.forms import unit_choices
from qinglian.reports.forms import PeriodMixin
from qinglian.reports.jobs import BATCH_GENRES, MAX_UNITS, report_batch_enqueue


class BatchForm(PeriodMixin):
    unit = IdField(label="上级单位", widget=forms.Select,
                   help_text=f"为该单位的每个直属下级单位各生成一份（最多 {MAX_UNITS} 个）。")
    genre = forms.ChoiceField(label="报告类型", choices=[(g.value, g.label) for g in BATCH_GENRES])
    field_order = ["unit", "genre", "year", "date_from", "date_to"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.clean_period(data)
        if data.get("unit") is not None:
            data["unit"] = visible_units(self.user).filter(pk=data["unit"]).first()
            if data["unit"] is None:
                self.add_error("unit", "请选择您可以查看的单位。")
        return data


def _form(request: HttpRequest, data: Any = None) -> BatchForm:
    unit = current_unit(request)
    form = BatchForm(data, user=request.user, initial={"unit": unit.pk, "year": timezone.localdate().year})
    form.fields["unit"].widget.choices = unit_choices(request.user, unit)
    return form


@business_required
@require_GET
def batch(request: HttpRequest) -> HttpResponse:
    return render_page(request, "reports/batch.html", {"form": _form(request)})


@business_required
@require_POST
@rate_limited(Kind.GENERATE)
def batch_start(request: HttpRequest) -> HttpResponse:
    form = _form(request, request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            job = report_batch_enqueue(user=request.user, unit=d["unit"], genre=d["genre"], date_from=d["date_from"],
                                       date_to=d["date_to"])
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, f"已开始批量生成“{d['unit'].name}”下级单位的报告，完成后本页列出每份报告。")
            return redirect(job)
    return render_page(request, "reports/batch.html", {"form": form}, status=400)
