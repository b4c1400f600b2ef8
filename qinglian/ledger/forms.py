from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from qinglian.ledger.excel import FIELD_LABELS
from qinglian.ledger.models import Closure, FollowUpResult, MeasureStatus, SourceKind
from qinglian.lib.files import converted_workbook
from qinglian.lib.forms import ChineseDateField, IdChoiceField, IdField, VersionField
from qinglian.lib.security import LabelField
from qinglian.org.models import Person, Unit
from qinglian.org.scoping import subtree_q

LEVELS = [("", "全部"), ("red", "红色（逾期）"), ("yellow", "黄色"), ("green", "绿色")]


class LedgerFilter(forms.Form):
    status = forms.ChoiceField(label="完成状态", choices=[("", "全部"), *MeasureStatus.choices], required=False)
    closure = forms.ChoiceField(label="销号", choices=[("", "全部"), *Closure.choices], required=False)
    level = forms.ChoiceField(label="预警", choices=LEVELS, required=False)
    kind = forms.ChoiceField(label="来源", choices=[("", "全部"), *SourceKind.choices], required=False)
    source = IdField(label="反馈来源编号", required=False, widget=forms.HiddenInput)
    owner = forms.CharField(label="责任人", required=False, max_length=50)
    overdue = forms.BooleanField(label="只看逾期", required=False)
    q = forms.CharField(label="关键词", required=False, max_length=50)

    def filters(self) -> dict[str, Any]:
        return dict(self.cleaned_data) if self.is_valid() else {}


class SourceForm(forms.Form):
    kind = forms.ChoiceField(label="来源", choices=SourceKind.choices)
    issued_by = forms.CharField(label="反馈机关", max_length=200, help_text="如：县委第三巡察组、县审计局。")
    feedback_date = ChineseDateField(label="反馈日期", required=False)
    title = forms.CharField(label="名称", max_length=300, required=False, help_text="留空时自动生成。")


class AspectForm(forms.Form):
    title = forms.CharField(label="方面", max_length=500, help_text="如：落实管党治党政治责任和整治作风问题方面")


class ProblemForm(forms.Form):
    text = forms.CharField(label="问题", widget=forms.Textarea(attrs={"rows": 3}))
    security_label = LabelField()


class _UnitPeopleMixin:
    """Choices limited to the people and units of the answering unit's subtree."""

    def limit_to(self, unit: Unit) -> None:
        people = Person.objects.filter(subtree_q(unit)).select_related("unit").order_by("unit__path", "order")
        fields: Any = self.fields  # type: ignore[attr-defined]
        for name in ("leader_in_charge", "owner"):
            fields[name].queryset = people
            fields[name].label_from_instance = lambda p: f"{p.name}（{p.unit.label} {p.post}）"
        fields["responsible_unit"].queryset = Unit.objects.filter(subtree_q(unit, "self")).order_by("path")
        fields["responsible_unit"].label_from_instance = lambda u: u.full_name


class MeasureForm(_UnitPeopleMixin, forms.Form):
    text = forms.CharField(label="整改措施", widget=forms.Textarea(attrs={"rows": 3}))
    leader_in_charge = IdChoiceField(label="责任领导", queryset=Person.objects.none(), required=False)
    responsible_unit = IdChoiceField(label="责任单位", queryset=Unit.objects.none(), required=False)
    owner = IdChoiceField(label="责任人", queryset=Person.objects.none(), required=False)
    deadline_text = forms.CharField(label="整改时限", max_length=50, required=False,
                                    help_text="如 2021-10-31、2021年9月底、长期坚持、立行立改。")
    status = forms.ChoiceField(label="完成状态", choices=MeasureStatus.choices, initial=MeasureStatus.NOT_STARTED)
    security_label = LabelField(help_text="不选则与所属问题相同。涉密材料不得录入本系统。")


class MeasureEditForm(MeasureForm):
    version = VersionField()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ProgressForm(forms.Form):
    text = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 3}))
    status_after = forms.ChoiceField(label="报送后状态", choices=MeasureStatus.choices,
                                     initial=MeasureStatus.IN_PROGRESS)
    date = ChineseDateField(label="日期", required=False, help_text="留空为今天。")
    files = MultipleFileField(label="证明材料", required=False,
                              help_text="可选多个文件；只有能查看本事项的人可以下载。")

    def clean_files(self) -> Any:
        limit = settings.QINGLIAN_MAX_UPLOAD_BYTES
        for f in self.cleaned_data["files"]:
            if f.size > limit:
                raise forms.ValidationError(f"“{f.name}”超过 {limit // 1024 // 1024} MB，请压缩后再上传。")
        return self.cleaned_data["files"]


class OpinionForm(forms.Form):
    opinion = forms.CharField(label="意见", widget=forms.Textarea(attrs={"rows": 2}))
    version = VersionField(required=False)


class FollowUpScheduleForm(forms.Form):
    scheduled_date = ChineseDateField(label="计划日期")


class FollowUpRecordForm(forms.Form):
    result = forms.ChoiceField(label="结论", choices=[c for c in FollowUpResult.choices if c[0] != "pending"])
    finding = forms.CharField(label="发现情况", widget=forms.Textarea(attrs={"rows": 3}))
    done_date = ChineseDateField(label="开展日期", required=False)


class OrderForm(forms.Form):
    content = forms.CharField(label="督办要求", widget=forms.Textarea(attrs={"rows": 3}))
    due_date = ChineseDateField(label="办理时限")
    measure = IdField(required=False, widget=forms.HiddenInput)


class AnswerForm(forms.Form):
    answer = forms.CharField(label="答复", widget=forms.Textarea(attrs={"rows": 3}))


class ImportForm(forms.Form):
    file = forms.FileField(label="台账文件（.xlsx）", help_text="Excel 97-2003（.xls）文件会先自动转换为 .xlsx。")
    sheet = forms.CharField(label="工作表", required=False, max_length=100, help_text="工作簿有多个工作表时填写。")
    kind = forms.ChoiceField(label="来源", choices=[("", "按表格中的说明"), *SourceKind.choices], required=False)
    issued_by = forms.CharField(label="反馈机关", max_length=200, required=False)
    feedback_date = ChineseDateField(label="反馈日期", required=False)

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        limit = settings.QINGLIAN_MAX_UPLOAD_BYTES
        if f.size > limit:
            raise forms.ValidationError(f"文件大小为 {f.size / 1024 / 1024:.1f} MB，超过上限 {limit // 1024 // 1024} MB。")
        return converted_workbook(f)


class MappingForm(forms.Form):
    """The mapping step: which header holds which field, when the names were guessed."""

    def __init__(self, headers: list[str], initial_map: dict[str, str], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "（无此列）")] + [(h, h) for h in headers if h]
        for key, label in FIELD_LABELS.items():
            self.fields[f"map_{key}"] = forms.ChoiceField(label=label, choices=choices, required=False,
                                                          initial=initial_map.get(key, ""))

    def mapping(self) -> dict[str, str]:
        return {k.removeprefix("map_"): v for k, v in self.cleaned_data.items() if k.startswith("map_") and v}


REASONS = {"找不到": "名册中找不到", "同名": "名册中有同名的人或单位", "多个": "写了多个名称"}
FIELD_TITLES = {"leader_in_charge": "责任领导", "responsible_unit": "责任单位", "owner": "责任人"}


class UnmatchedNamesForm(forms.Form):
    """For each name of an import that matched no one: keep it as written (待匹配), take one of the closest
    people or units, or (people only, for a user who may add them) put it on the roster."""

    def __init__(self, unmatched: list[dict[str, Any]], can_add: bool, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.entries, self.can_add = unmatched, can_add
        for i, entry in enumerate(unmatched):
            rows = "、".join(str(r) for r in entry["rows"][:8]) + ("等" if len(entry["rows"]) > 8 else "")
            choices = [("keep", "按原文保留（待匹配）")]
            choices += [(value, f"匹配：{label}") for value, label in entry.get("candidates", [])]
            if can_add and entry["field"] != "responsible_unit" and entry.get("reason") != "多个" and len(entry["text"]) <= 50:
                choices.append(("add", f"加入名册：在本单位新增干部“{entry['text']}”"))
            self.fields[f"name_{i}"] = forms.ChoiceField(
                label=f"{FIELD_TITLES.get(entry['field'], '')}“{entry['text']}”", choices=choices, initial="keep",
                help_text=f"第{rows}行；{REASONS.get(entry.get('reason', ''), '')}。")

    def choices(self) -> dict[str, str]:
        """{"field|text": choice} for what the user chose; an invalid form keeps every name as written."""
        if not self.is_valid():
            return {}
        return {f"{e['field']}|{e['text']}": self.cleaned_data[f"name_{i}"] for i, e in enumerate(self.entries)
                if self.cleaned_data.get(f"name_{i}", "keep") != "keep"}


class UndoForm(forms.Form):
    reason = forms.CharField(label="撤销原因", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="如：导入了错误的文件。撤销后本批次新建的内容全部删除，并记入操作日志。")


class MatchNameForm(forms.Form):
    """Match a name kept as written on a source's measures to a person or unit."""

    field = forms.ChoiceField(label="字段", choices=list(FIELD_TITLES.items()), widget=forms.HiddenInput)
    text = forms.CharField(label="原文", max_length=200, widget=forms.HiddenInput)
    target = IdField(label="匹配为")
