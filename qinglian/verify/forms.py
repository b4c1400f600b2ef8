"""Plain forms for POST bodies; views copy `cleaned_data` into the services explicitly."""

from __future__ import annotations

from django import forms

from qinglian.lib.forms import ChineseDateField
from qinglian.verify.models import AcceptanceMode, PartStatus


class ExtensionForm(forms.Form):
    proposed_date = ChineseDateField(label="申请延期至", help_text="如：2026年9月30日。")
    reason = forms.CharField(label="延期理由", widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="说明不能按期完成的客观原因和已做的工作。")


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="审批结果", choices=[("approve", "同意"), ("refuse", "不同意")],
                                 widget=forms.RadioSelect)
    opinion = forms.CharField(label="审批意见", max_length=1000)


class CompleteForm(forms.Form):
    opinion = forms.CharField(label="审批意见", max_length=1000)
    pledge = forms.BooleanField(label="真实性承诺：我已审核整改情况和证明材料，承诺真实、完整，经得起核查。", required=False)


class AcceptForm(forms.Form):
    decision = forms.ChoiceField(label="验收结果", choices=[("accept", "验收通过"), ("reject", "验收不通过，退回重办")],
                                 widget=forms.RadioSelect)
    opinion = forms.CharField(label="验收意见", max_length=1000, help_text="书面审核（必要时实地核查）的情况。")


class PartForm(forms.Form):
    unit = forms.CharField(label="配合单位", max_length=200,
                           help_text="单位名称，如“县财政局”；名称重复的写上级单位，如“县委宣传部/办公室”。")
    part = forms.CharField(label="配合事项", widget=forms.Textarea(attrs={"rows": 2}))


class PartProgressForm(forms.Form):
    text = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 3}))
    status_after = forms.ChoiceField(label="报送后状态", choices=PartStatus.choices)
    date = ChineseDateField(label="日期", required=False, help_text="留空为今天。")


class RecurrenceForm(forms.Form):
    note = forms.CharField(label="复发情况", widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="在观察期内发现的同类问题：何时、何处、什么情况。")


class IssuerForm(forms.Form):
    unit = forms.CharField(label="反馈机关（单位）", max_length=200, help_text="如“县委巡察办”：其监督员审批延期、参与验收。")


class RulesForm(forms.Form):
    acceptance = forms.ChoiceField(label="验收要求", choices=AcceptanceMode.choices)
    watch_months = forms.IntegerField(label="观察期（月）", min_value=1, max_value=36, initial=6,
                                      help_text="巡察、巡视反馈的问题验收后的观察期。")
