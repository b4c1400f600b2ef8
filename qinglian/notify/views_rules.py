"""The reminder rules page: a leader sets the numbers for the current unit's subtree within the bounds; the
system admin sets the defaults and the bounds."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from qinglian.lib.forms import add_errors
from qinglian.lib.services import ConflictError
from qinglian.lib.views import current_unit, roles_required
from qinglian.notify.models import ReminderDefault, RuleKind
from qinglian.notify.rules import Rules, reminder_default_save, reminder_rule_save
from qinglian.org.models import Role
from qinglian.org.scoping import may_see_unit


class UnitRuleForm(forms.Form):
    lead = forms.IntegerField(label="提前提醒（工作日）", min_value=0, help_text="到期前这么多个工作日起开始提醒。")
    overdue = forms.IntegerField(label="逾期升级（工作日）", min_value=0,
                                 help_text="逾期超过这么多个工作日，同时告知单位主要领导。")
    wait = forms.IntegerField(label="审核等待（工作日）", min_value=0, required=False,
                              help_text="仅稿件三审：某一环节等待超过这么多个工作日即提醒审核人。")
    sign_by = forms.CharField(label="签订时限（月-日）", max_length=5, required=False,
                              help_text="仅责任书：每年这一天前应签订，如 3-31。")
    text = forms.CharField(label="提醒文字", required=False, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text="仅节前廉政提醒：本单位及下级单位使用的文字；留空用标准文字。")

    def __init__(self, kind: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kind != RuleKind.REVIEW:
            del self.fields["wait"]
        if kind != RuleKind.LETTER:
            del self.fields["sign_by"]
        if kind != RuleKind.HOLIDAY:
            del self.fields["text"]
        if kind == RuleKind.HOLIDAY:
            del self.fields["overdue"]


class DefaultForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ReminderDefault
        fields = ["enabled", "lead", "lead_min", "lead_max", "overdue", "overdue_min", "overdue_max", "wait",
                  "wait_min", "wait_max", "leader_level", "principal_level", "sign_by", "text"]


def _kind(request: HttpRequest) -> str:
    kind = request.GET.get("kind") or RuleKind.MEASURE
    if kind not in RuleKind.values:
        raise Http404
    return kind


@roles_required(Role.LEADER, Role.SYSADMIN)
def rules_page(request: HttpRequest) -> HttpResponse:
    kind = _kind(request)
    if request.user.role == Role.SYSADMIN:  # type: ignore[union-attr]
        return _defaults(request, kind)
    unit = current_unit(request)
    if not may_see_unit(request.user, unit):
        raise Http404
    rules = Rules()
    current, base = rules.for_path(kind, unit.path), rules.base[kind]
    initial = {"lead": current.lead, "overdue": current.overdue, "wait": current.wait,
               "sign_by": f"{current.sign_by[0]}-{current.sign_by[1]}", "text": current.text}
    form = UnitRuleForm(kind, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if v is not None}
        try:
            reminder_rule_save(user=request.user, unit=unit, kind=kind, values=values, request=request)
        except (ValidationError, ConflictError) as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"已保存{unit.name}的提醒规则：{RuleKind(kind).label}。")
            return redirect(f"{request.path}?kind={kind}")
    inherited = None if current.unit_id == unit.pk else current.unit_id
    return render(request, "notify/rules.html", {
        "form": form, "kind": kind, "kinds": RuleKind.choices, "unit": unit, "base": base,
        "inherited": inherited, "is_admin": False})


def _defaults(request: HttpRequest, kind: str) -> HttpResponse:
    row = Rules().base[kind]
    form = DefaultForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        values = {f: form.cleaned_data[f] for f in DefaultForm.Meta.fields}
        try:
            reminder_default_save(user=request.user, kind=kind, values=values, request=request)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"已保存提醒规则的默认值与范围：{RuleKind(kind).label}。")
            return redirect(f"{request.path}?kind={kind}")
    return render(request, "notify/rules.html", {"form": form, "kind": kind, "kinds": RuleKind.choices,
                                                 "base": row, "is_admin": True})
