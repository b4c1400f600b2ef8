from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse

from qinglian.audit import display
from qinglian.audit.models import Action, AuditEntry
from qinglian.lib.forms import ChineseDateField
from qinglian.lib.views import paginate, render_page, roles_required
from qinglian.org.models import Role


class AuditFilter(forms.Form):
    who = forms.CharField(label="操作人", required=False, max_length=150)
    action = forms.ChoiceField(label="操作", choices=[("", "全部"), *Action.choices], required=False)
    object_type = forms.ChoiceField(label="对象类型", required=False)
    date_from = ChineseDateField(label="起始日期", required=False)
    date_to = ChineseDateField(label="截止日期", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [("", "全部"), *display.object_type_choices()]

    def clean(self) -> dict[str, object]:
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise forms.ValidationError("截止日期早于起始日期，请检查。")
        return data


@roles_required(Role.AUDITOR)
def log(request: HttpRequest) -> HttpResponse:
    """Only the audit admin reads the trail (三员分立)."""
    form = AuditFilter(request.GET)
    qs = AuditEntry.objects.all()
    if form.is_valid():
        data = form.cleaned_data
        if data["who"]:
            qs = qs.filter(actor_name__contains=data["who"])
        if data["action"]:
            qs = qs.filter(action=data["action"])
        if data["object_type"]:
            qs = qs.filter(object_type=data["object_type"])
        if data["date_from"]:
            qs = qs.filter(at__date__gte=data["date_from"])
        if data["date_to"]:
            qs = qs.filter(at__date__lte=data["date_to"])
    page = paginate(qs.order_by("-id"), request, size=100)
    diffs = display.changes(page.rows)
    for entry in page.rows:
        entry.changes = diffs[entry.pk]
        entry.type_label = display.object_type_label(entry.object_type)
    return render_page(request, "audit/log.html", {"form": form, "page": page}, fragment="audit/_rows.html")
