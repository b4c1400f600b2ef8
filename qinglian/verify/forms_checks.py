"""Plain forms of 抽查, 质效评估, 申诉 and 投诉建议; views copy `cleaned_data` into the services explicitly."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms

from qinglian.ledger.forms import MultipleFileField
from qinglian.lib.forms import ChineseDateField
from qinglian.verify.models import AppealState, ComplaintKind, IndicatorKind, SpotCheckTarget, Verdict


class DrawForm(forms.Form):
    title = forms.CharField(label="抽查名称", max_length=200, help_text="如：2026年第二季度整改销号反向核查。")
    target = forms.ChoiceField(label="抽查对象", choices=SpotCheckTarget.choices)
    ratio = forms.DecimalField(label="抽查比例（%）", required=False, min_value=Decimal("0.01"), max_value=Decimal("100"),
                               decimal_places=2, help_text="如 10 表示 10%；与抽查数量填一项。")
    size = forms.IntegerField(label="抽查数量", required=False, min_value=1, max_value=500)
    closed_from = ChineseDateField(label="销号日期自", required=False)
    closed_to = ChineseDateField(label="销号日期至", required=False)
    seed = forms.IntegerField(label="随机种子", required=False, min_value=0, max_value=2**62,
                              help_text="留空由系统随机生成；复核他人的抽样时，填写其记录的种子。")


class FindingForm(forms.Form):
    verdict = forms.ChoiceField(label="核查结论", widget=forms.RadioSelect,
                                choices=[(v.value, v.label) for v in Verdict if v != Verdict.PENDING])
    notes = forms.CharField(label="核查情况", widget=forms.Textarea(attrs={"rows": 3}),
                            help_text="到现场看了什么、问了谁、对照了哪些材料。")
    due_date = ChineseDateField(label="督办时限", required=False,
                                help_text="核查不属实时，重新打开整改并下发督办；留空为30天后。")
    files = MultipleFileField(label="核查材料", required=False, help_text="可选；照片、谈话记录等。")


class IndicatorSetForm(forms.Form):
    name = forms.CharField(label="名称", max_length=200)
    months_after = forms.IntegerField(label="整改时限届满后（月）", min_value=0, max_value=36, initial=6)
    excellent_min = forms.DecimalField(label="优秀（分以上）", initial=90, min_value=0, max_value=100)
    good_min = forms.DecimalField(label="较好（分以上）", initial=80, min_value=0, max_value=100)
    fair_min = forms.DecimalField(label="一般（分以上）", initial=60, min_value=0, max_value=100,
                                  help_text="低于此分为“差”。")


class IndicatorForm(forms.Form):
    name = forms.CharField(label="指标", max_length=100)
    kind = forms.ChoiceField(label="计分方式", choices=IndicatorKind.choices)
    weight = forms.DecimalField(label="分值", min_value=Decimal("0.1"), max_value=100, decimal_places=1)
    guidance = forms.CharField(label="评分说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AssessmentStartForm(forms.Form):
    indicator_set = forms.IntegerField(label="指标体系", widget=forms.Select)


class ScoresForm(forms.Form):
    """One score field per assessor-scored indicator (`score_<id>`), the opinion, and whether to finish."""

    opinion = forms.CharField(label="评估意见", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    finish = forms.BooleanField(label="定级（定级后不再修改）", required=False)

    def __init__(self, *args: Any, indicators: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for ind in indicators:
            self.fields[f"score_{ind.pk}"] = forms.DecimalField(
                label=f"{ind.name}（满分{ind.weight}）", required=False, min_value=0, max_value=ind.weight,
                decimal_places=1, help_text=ind.guidance)
            self.fields[f"basis_{ind.pk}"] = forms.CharField(label=f"{ind.name}打分理由", required=False,
                                                             max_length=1000)


class AppealForm(forms.Form):
    reason = forms.CharField(label="申诉理由", widget=forms.Textarea(attrs={"rows": 4}),
                             help_text="说明原结论哪里与事实不符，并指出可以核实的材料。")


class AppealDecisionForm(forms.Form):
    state = forms.ChoiceField(label="处理结果", widget=forms.RadioSelect,
                              choices=[(AppealState.GRANTED.value, AppealState.GRANTED.label),
                                       (AppealState.UPHELD.value, AppealState.UPHELD.label)])
    decision = forms.CharField(label="处理意见", widget=forms.Textarea(attrs={"rows": 3}))
    verdict = forms.ChoiceField(label="改定的核查结论", required=False,
                                choices=[("", "—"), (Verdict.TRUE.value, Verdict.TRUE.label),
                                         (Verdict.PARTIAL.value, Verdict.PARTIAL.label)],
                                help_text="只用于对抽查结论的申诉成立时。")


class ComplaintForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=ComplaintKind.choices, initial=ComplaintKind.SUGGESTION)
    title = forms.CharField(label="标题", max_length=200)
    text = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 5}),
                           help_text="反映的情况、涉及的页面或事项，以及希望怎样改进。")


class AnswerForm(forms.Form):
    answer = forms.CharField(label="答复", widget=forms.Textarea(attrs={"rows": 3}))
