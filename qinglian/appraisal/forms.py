"""Forms of the rule editor. The measure is a select over the catalogue, validated as free text so that a
crafted key (login_count …) gets the sentence citing the rule, not a bare "not a valid choice"; a posted
`formula` is refused the same way (no indicator is a formula of one's own)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from qinglian.appraisal import bands as band_rules
from qinglian.appraisal.catalogue import ForbiddenMeasure, choices, measure_for
from qinglian.appraisal.forbidden import refusal
from qinglian.appraisal.models import AppealState, IfNone


class RuleSetForm(forms.Form):
    year = forms.IntegerField(label="考核年度", min_value=2000, max_value=2100)
    name = forms.CharField(label="名称", max_length=200, required=False,
                           help_text="不填则为“某年度党风廉政建设责任制考核细则”。")

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        if reason := refusal(name):
            raise ValidationError(reason)
        return str(name)


class IndicatorForm(forms.Form):
    measure = forms.CharField(label="考核内容", max_length=60, widget=forms.Select(choices=[]),
                              help_text="只能从考核指标目录中选择：均为工作结果类指标，不统计登录、点击、在线时长、学习时长或上传数量。")
    name = forms.CharField(label="指标名称", max_length=100, required=False, help_text="不填则用目录中的名称。")
    weight = forms.DecimalField(label="分值", min_value=Decimal("0.1"), max_value=Decimal(100), decimal_places=1)
    bands = forms.CharField(label="计分档次", required=False, widget=forms.Textarea(attrs={"rows": 4}),
                            help_text="每行一档：下限%,上限%,下限得分,上限得分（两个得分相同为固定分，不同为档内按比例）。"
                                      "如 95,100,20,20 与 0,95,0,20。不填则按完成率比例计分。")
    evidence = forms.CharField(label="佐证要求", max_length=300, required=False,
                               help_text="以系统中已有的记录为准（如台账销号记录），不要求另报材料、照片。")
    if_none = forms.ChoiceField(label="无考核事项时", choices=IfNone.choices, initial=IfNone.FULL)
    formula = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measure"].widget.choices = choices()

    def clean_measure(self) -> str:
        key = str(self.cleaned_data["measure"]).strip()
        try:
            measure_for(key)
        except ForbiddenMeasure as exc:
            raise ValidationError(str(exc)) from exc
        return key

    def _screened(self, field: str) -> str:
        text = str(self.cleaned_data.get(field) or "")
        if reason := refusal(text):
            raise ValidationError(reason)
        return text

    def clean_name(self) -> str:
        return self._screened("name")

    def clean_evidence(self) -> str:
        return self._screened("evidence")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        formula = str(data.get("formula") or "")
        if formula.strip():  # a hidden field's error shows above the form
            self.add_error(None, refusal(formula) or "考核指标只能从考核指标目录中选择，不接受自定义的公式或统计口径。")
        if data.get("weight") is not None:
            try:
                band_rules.parse(data.get("bands", ""), data["weight"])
            except band_rules.BandError as exc:
                self.add_error("bands", str(exc))
        return data


class AppealForm(forms.Form):
    reason = forms.CharField(label="申诉理由", widget=forms.Textarea(attrs={"rows": 4}),
                             help_text="写明哪项指标、哪条记录有误，应当如何计算。")


class DecisionForm(forms.Form):
    state = forms.ChoiceField(label="处理结果", choices=[(AppealState.GRANTED, AppealState.GRANTED.label),
                                                      (AppealState.UPHELD, AppealState.UPHELD.label)])
    decision = forms.CharField(label="处理意见", widget=forms.Textarea(attrs={"rows": 3}))
