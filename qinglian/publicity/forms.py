from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from qinglian.lib.files import PICTURES, checked_file, upload_types
from qinglian.lib.forms import ChineseDateField, IdChoiceField, IdMultipleChoiceField, VersionField
from qinglian.lib.security import LabelField
from qinglian.org.models import Person, Unit
from qinglian.org.scoping import subtree_q, visible_units
from qinglian.publicity.models import (
    Channel,
    CountingUnit,
    Level,
    OpinionCategory,
    OpinionTicket,
    Outlet,
    PublicityRule,
    RiskLevel,
    Stage,
    TicketState,
)


class UnitChoiceField(IdChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.full_name


def _units(user: Any) -> Any:
    return visible_units(user).only("id", "full_name", "path").order_by("path")


def _check_size(upload: Any) -> Any:
    if upload and upload.size > settings.QINGLIAN_MAX_UPLOAD_BYTES:
        limit = settings.QINGLIAN_MAX_UPLOAD_BYTES // (1024 * 1024)
        raise forms.ValidationError(f"文件过大：请上传不超过 {limit} MB 的文件。")
    return upload


class PublicationForm(forms.Form):
    unit = UnitChoiceField(label="作者单位", queryset=Unit.objects.none())
    title = forms.CharField(label="标题", max_length=300)
    authors = forms.CharField(label="作者", max_length=200, required=False, help_text="姓名，多人用顿号“、”分隔。")
    outlet = IdChoiceField(label="媒体", queryset=Outlet.objects.filter(active=True))
    published_on = ChineseDateField(label="刊发（报送）日期")
    adopted = forms.BooleanField(label="已采用（媒体已刊发）", required=False, initial=True)
    counting_unit = forms.ChoiceField(label="计量单位", choices=CountingUnit.choices,
                                      help_text="稿件计“篇”，短消息、帖文计“条”。")
    link = forms.URLField(label="链接", max_length=500, required=False, assume_scheme="https")
    clipping = forms.FileField(label="剪报或截图", required=False, help_text="图片或 PDF，保存在服务器内部目录。")
    version = VersionField(required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(user)

    def clean_clipping(self) -> Any:
        clipping = _check_size(self.cleaned_data.get("clipping"))
        return checked_file(clipping, allowed=upload_types(*PICTURES), what="剪报或截图")


class PublicationFilter(forms.Form):
    q = forms.CharField(label="标题或作者", required=False, max_length=50)
    level = forms.ChoiceField(label="媒体级别", choices=[("", "全部"), *Level.choices], required=False)
    channel = forms.ChoiceField(label="渠道", choices=[("", "全部"), *Channel.choices], required=False)
    adopted = forms.ChoiceField(label="采用", choices=[("", "全部"), ("1", "已采用"), ("0", "未采用")],
                                required=False)
    date_from = ChineseDateField(label="起", required=False)
    date_to = ChineseDateField(label="止", required=False)


class MonthForm(forms.Form):
    year = forms.IntegerField(label="年", min_value=2000, max_value=2100)
    month = forms.IntegerField(label="月", min_value=1, max_value=12)


class RuleForm(forms.ModelForm):
    class Meta:
        model = PublicityRule
        fields = ["counting_unit", "rank_by", "weight_central", "weight_provincial", "weight_city", "weight_county"]


class TicketForm(forms.Form):
    issuing_unit = UnitChoiceField(label="发函单位（监测处置办公室）", queryset=Unit.objects.none())
    source = forms.CharField(label="来源", max_length=100, help_text="如：微博、抖音、本地论坛、12345 热线")
    link = forms.URLField(label="链接", max_length=500, required=False, assume_scheme="https")
    captured_at = forms.DateTimeField(label="发现时间", help_text="如 2026-03-05 09:30")
    summary = forms.CharField(label="内容摘要", widget=forms.Textarea(attrs={"rows": 4}))
    security_label = LabelField()

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuing_unit"].queryset = _units(user)
        self.fields["security_label"].bind(user)


def jurisdiction_units(issuing_unit: Unit) -> Any:
    from qinglian.publicity.opinion import jurisdiction

    root = jurisdiction(issuing_unit)
    return Unit.objects.filter(subtree_q(root, "self")).only("id", "full_name", "path").order_by("path")


class AssessForm(forms.Form):
    risk_level = forms.ChoiceField(label="风险等级", choices=RiskLevel.choices)
    category = forms.ChoiceField(label="类别", choices=OpinionCategory.choices)
    unit = UnitChoiceField(label="涉事单位", queryset=Unit.objects.none(), required=False)
    assessment = forms.CharField(label="研判意见", widget=forms.Textarea(attrs={"rows": 3}))
    version = VersionField()

    def __init__(self, *args: Any, ticket: OpinionTicket, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = jurisdiction_units(ticket.issuing_unit)


class LetterForm(forms.Form):
    unit = UnitChoiceField(label="收函单位（涉事单位）", queryset=Unit.objects.none())
    issued_on = ChineseDateField(label="发函日期")
    deadline = ChineseDateField(label="反馈时限", required=False,
                                help_text="不填则按风险等级计算：高 1 个、中 3 个、低 5 个工作日。")
    requirement = forms.CharField(label="处置要求", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, ticket: OpinionTicket, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = jurisdiction_units(ticket.issuing_unit)


class FeedbackForm(forms.Form):
    feedback = forms.CharField(label="处置情况反馈", widget=forms.Textarea(attrs={"rows": 4}))


class VerifyForm(forms.Form):
    accepted = forms.TypedChoiceField(label="核实结论", coerce=lambda v: v == "1",
                                      choices=[("1", "处置到位，办结"), ("0", "处置不到位，退回重新处置")])
    note = forms.CharField(label="核实意见", widget=forms.Textarea(attrs={"rows": 3}))
    new_deadline = ChineseDateField(label="新的反馈时限", required=False, help_text="退回时可重新设定。")


class CloseForm(forms.Form):
    note = forms.CharField(label="办结说明", max_length=500, help_text="如：经研判信息不实，无需发函处置。")
    version = VersionField()


class TicketFilter(forms.Form):
    state = forms.ChoiceField(label="状态", choices=[("", "全部"), *TicketState.choices], required=False)
    risk_level = forms.ChoiceField(label="风险等级", choices=[("", "全部"), *RiskLevel.choices], required=False)
    side = forms.ChoiceField(label="范围", required=False,
                             choices=[("", "全部"), ("issued", "本单位发出的"), ("received", "发给本单位的")])
    overdue = forms.BooleanField(label="只看逾期", required=False)


class DigestForm(forms.Form):
    unit = UnitChoiceField(label="编发单位", queryset=Unit.objects.none())
    title = forms.CharField(label="本期标题", max_length=200)
    issued_on = ChineseDateField(label="编发日期")
    summary = forms.CharField(label="编者按", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    tickets = IdMultipleChoiceField(label="收录舆情", queryset=OpinionTicket.objects.none(),
                                    widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, user: Any, tickets: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(user)
        self.fields["tickets"].queryset = tickets


class DraftForm(forms.Form):
    unit = UnitChoiceField(label="单位", queryset=Unit.objects.none())
    title = forms.CharField(label="稿件标题", max_length=300)
    authors = forms.CharField(label="作者", max_length=200)
    content = forms.CharField(label="正文", widget=forms.Textarea(attrs={"rows": 14}))
    version = VersionField(required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(user)


class SignForm(forms.Form):
    opinion = forms.CharField(label="审核意见", widget=forms.Textarea(attrs={"rows": 2}),
                              help_text="如：同意，政治导向正确，事实准确。")


class ReturnForm(forms.Form):
    reason = forms.CharField(label="退回理由", widget=forms.Textarea(attrs={"rows": 2}))


class PublishForm(forms.Form):
    outlet = IdChoiceField(label="媒体", queryset=Outlet.objects.filter(active=True))
    published_on = ChineseDateField(label="刊发日期")
    adopted = forms.BooleanField(label="已采用（媒体已刊发）", required=False, initial=True)
    counting_unit = forms.ChoiceField(label="计量单位", choices=CountingUnit.choices)
    link = forms.URLField(label="链接", max_length=500, required=False, assume_scheme="https")


class ReviewStageForm(forms.Form):
    stage = forms.ChoiceField(label="审核环节", choices=Stage.choices)
    person = IdChoiceField(label="审核人", queryset=Person.objects.none())

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (Person.objects.filter(subtree_q(unit)).select_related("unit")
                                          .order_by("unit__path", "order", "id"))
