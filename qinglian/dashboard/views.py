"""The leaders' and supervisors' dashboard: the visible subtree over a period, read from the pre-aggregated
cells (dashboard.snapshot), never from the records, so a province costs the same few queries as a township."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from qinglian.dashboard import reading
from qinglian.lib.forms import ChineseDateField, IdField
from qinglian.lib.views import chosen_unit, roles_required
from qinglian.org.models import Role, Unit, path_prefixes
from qinglian.org.scoping import scope_root

leaders_required = roles_required(Role.LEADER, Role.SUPERVISOR)
CHOICES_BELOW = 300


class PeriodForm(forms.Form):
    unit = IdField(label="单位", required=False, widget=forms.Select)
    date_from = ChineseDateField(label="开始日期", required=False)
    date_to = ChineseDateField(label="结束日期", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        a, b = data.get("date_from"), data.get("date_to")
        if a and b and b < a:
            self.add_error("date_to", f"结束日期 {b:%Y-%m-%d} 早于开始日期 {a:%Y-%m-%d}，请检查时段。")
        if a and b and (b - a).days > 366 * 5:
            self.add_error("date_from", "时段最长五年，请缩短时段。")
        return data


def unit_choices(user: Any, unit: Unit) -> list[tuple[int, str]]:
    """The units above this one (up to the user's own root), itself and those right below it: a drill-down
    picker whose size does not grow with the tree."""
    root = scope_root(user)
    above = [p for p in path_prefixes(unit.path) if root is not None and len(p) >= len(root.path)]
    rows = list(Unit.objects.filter(path__in=above).order_by("path").values_list("pk", "full_name"))
    below = Unit.objects.filter(parent=unit).order_by("path").values_list("pk", "full_name")[:CHOICES_BELOW]
    return rows + [(pk, f"　{name}") for pk, name in below]


@leaders_required
def dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = PeriodForm(request.GET or None)
    unit = chosen_unit(request, request.GET.get("unit"))
    form.fields["unit"].widget.choices = unit_choices(request.user, unit)
    date_from, date_to = dt.date(today.year, 1, 1), today
    if form.is_bound and form.is_valid():
        date_from = form.cleaned_data["date_from"] or date_from
        date_to = form.cleaned_data["date_to"] or date_to
    board = reading.board(unit, date_from, date_to) if not form.errors else None
    return render(request, "dashboard/dashboard.html", {
        "form": form, "unit": unit, "board": board, "date_from": date_from, "date_to": date_to,
        "ledger_url": reverse("ledger:ledger"), "charts": board.charts() if board else {}})
