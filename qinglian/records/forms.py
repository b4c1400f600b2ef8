from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from qinglian.lib.files import PICTURES, checked_file, converted_workbook, upload_types
from qinglian.lib.forms import (
    ChineseDateField,
    IdChoiceField,
    IdField,
    IdMultipleChoiceField,
    VersionField,
    parse_id,
)
from qinglian.lib.security import LabelField
from qinglian.org.models import Person, TeamRole, Unit
from qinglian.org.scoping import visible_units
from qinglian.records.models import (
    ActivityKind,
    Category,
    DutyListKind,
    Frequency,
    LetterKind,
    RiskCategory,
    RiskLevel,
)
from qinglian.records.services import ActivityInput, activity_problems

UNIT_CHOICE_LIMIT = 500
PICKER_LIMIT = 400


def picker_groups(unit: Unit) -> list[tuple[Unit, list[Person]]]:
    """People of `unit` and its sub-units, grouped by unit, for the participant checkboxes (bounded)."""
    from qinglian.org.scoping import subtree_q

    people = list(Person.objects.filter(subtree_q(unit)).select_related("unit")
                  .order_by("unit__path", "order", "id")[:PICKER_LIMIT])
    groups: list[tuple[Unit, list[Person]]] = []
    for person in people:
        if not groups or groups[-1][0].pk != person.unit_id:
            groups.append((person.unit, []))
        groups[-1][1].append(person)
    return groups


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        items = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


def unit_choices(user: Any, around: Unit | None = None) -> list[tuple[int, str]]:
    """Units for a select: the visible tree down to three levels below the user's root (bounded), plus `around`."""
    root = user.unit
    rows = visible_units(user).filter(path__regex=rf"^.{{{len(root.path)},{len(root.path) + 12}}}$")
    choices = [(u.pk, u.full_name) for u in rows.only("id", "full_name").order_by("path")[:UNIT_CHOICE_LIMIT]]
    if around is not None and all(pk != around.pk for pk, _ in choices):
        choices.insert(0, (around.pk, around.full_name))
    return choices


def kind_choices() -> list[Any]:
    """Active kinds grouped by category (an <optgroup> each), in the admin's order."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for kind in ActivityKind.objects.filter(active=True):
        groups.setdefault(Category(kind.category).label, []).append((kind.pk, f"{kind.name}（{kind.counting_unit}）"))
    return [("", "— 请选择 —"), *groups.items()]


class ActivityForm(forms.Form):
    unit = IdChoiceField(Unit.objects.none(), label="单位", help_text="记录属于哪个单位（默认为上次选择的单位）。")
    kind = IdChoiceField(ActivityKind.objects.filter(active=True), label="类型")
    happened_on = ChineseDateField(label="发生日期", help_text="可写 2023-3-5、2023.3.5 或 2023年3月5日。")
    topic = forms.CharField(label="主题", max_length=200)
    presided_by = IdChoiceField(Person.objects.none(), label="主持人（主讲人、谈话人）", required=False)
    participants = IdMultipleChoiceField(Person.objects.all(), label="参加人员", required=False)
    talked_to = IdMultipleChoiceField(Person.objects.all(), label="谈话（提醒）对象", required=False,
                                     help_text="谈话类按对象人数计人次。")
    minutes = forms.CharField(label="记录内容", widget=forms.Textarea, required=False)
    security_label = LabelField()
    files = MultipleFileField(label="附件", required=False, help_text="会议记录、签到表、照片等，可多选。")

    def __init__(self, *args: Any, user: Any, today: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.today = today or timezone.localdate()
        self.fields["security_label"].bind(user)
        self.fields["unit"].queryset = visible_units(user)
        self.fields["kind"].choices = kind_choices()
        self.fields["presided_by"].queryset = Person.objects.all()
        unit = self.chosen_unit()
        self.fields["unit"].choices = unit_choices(user, unit)
        # the people to pick from: the chosen unit's subtree, grouped by unit (bounded)
        self.picker = picker_groups(unit) if unit is not None else []
        people = [p for _, group in self.picker for p in group]
        self.fields["presided_by"].choices = [("", "（不填）")] + [(p.pk, f"{p.name}（{p.post}）") for p in people]

    @property
    def participants_selected(self) -> set[int]:
        return self.selected("participants")

    @property
    def talked_to_selected(self) -> set[int]:
        return self.selected("talked_to")

    def selected(self, name: str) -> set[int]:
        if self.is_bound:
            values = self.data.getlist(name) if hasattr(self.data, "getlist") else self.data.get(name, [])
        else:
            values = self.initial.get(name, [])
        return {pk for pk in map(parse_id, values) if pk is not None}

    def chosen_unit(self) -> Unit | None:
        value = self.data.get("unit") if self.is_bound else self.initial.get("unit")
        if isinstance(value, Unit):
            return value
        pk = parse_id(value)
        return visible_units(self.user).filter(pk=pk).first() if pk is not None else None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors or not all(data.get(k) for k in ("unit", "kind", "happened_on", "topic")):
            return data
        self.activity_input = ActivityInput(
            unit=data["unit"], kind=data["kind"], happened_on=data["happened_on"], topic=data["topic"],
            participants=list(data.get("participants") or []), talked_to=list(data.get("talked_to") or []),
            presided_by=data.get("presided_by"), minutes=data.get("minutes", ""),
            security_label=data.get("security_label") or "")
        for field, messages in activity_problems(user=self.user, data=self.activity_input, today=self.today).items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
        return data


class ActivityEditForm(ActivityForm):
    version = VersionField()


class ActivityFilter(forms.Form):
    kind = IdChoiceField(ActivityKind.objects.all(), label="类型", required=False, empty_label="全部类型")
    date_from = ChineseDateField(label="从", required=False)
    date_to = ChineseDateField(label="到", required=False)
    late = forms.BooleanField(label="只看补录", required=False)
    q = forms.CharField(label="主题", required=False, max_length=50)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "结束日期早于开始日期，请检查。")
        return data


class ImportUploadForm(forms.Form):
    unit = IdChoiceField(Unit.objects.none(), label="默认单位", help_text="“单位”列留空的行记入此单位。")
    file = forms.FileField(label="Excel 文件（.xlsx）")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = visible_units(user)
        self.fields["unit"].choices = unit_choices(user)

    def clean_file(self) -> Any:
        from django.conf import settings

        f = self.cleaned_data["file"]
        if f.size > settings.QINGLIAN_MAX_UPLOAD_BYTES:
            raise forms.ValidationError("文件过大，请分批导入。")
        f = converted_workbook(f)
        if not f.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("请上传 .xlsx 格式的 Excel 文件（可先下载模板）。")
        return f


# -- duties -------------------------------------------------------------------------------------------------
class DutyListForm(forms.Form):
    kind = forms.ChoiceField(label="清单类型", choices=DutyListKind.choices)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    owner = IdChoiceField(Person.objects.none(), label="责任人", required=False,
                                   help_text="主体责任清单不填；第一责任人清单选主要领导；一岗双责清单选班子成员。")

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Person.objects.filter(unit=unit).exclude(team_role=TeamRole.STAFF)


class DutyForm(forms.Form):
    text = forms.CharField(label="责任事项", max_length=300)
    frequency = forms.ChoiceField(label="频次", choices=Frequency.choices, initial=Frequency.QUARTERLY)
    kinds = IdMultipleChoiceField(ActivityKind.objects.filter(active=True), label="佐证记录类型",
                                  widget=forms.CheckboxSelectMultiple, required=False,
                                  help_text="本单位期内有这些类型的记录即视为已履行；也可在事项页手工关联记录。")


class DutyEditForm(DutyForm):
    version = VersionField()


class LinkForm(forms.Form):
    activity = IdField(label="纪实记录")
    linked = forms.BooleanField(required=False, initial=True)


# -- letters ------------------------------------------------------------------------------------------------
class LetterFilter(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label="类型", choices=LetterKind.choices)


class LetterSignForm(forms.Form):
    signed_on = ChineseDateField(label="签订日期")
    scan = forms.FileField(label="扫描件", required=False, help_text="签字盖章后的扫描件（PDF 或图片）。")
    version = VersionField()

    def clean_scan(self) -> Any:
        return checked_file(self.cleaned_data.get("scan"), allowed=upload_types(*PICTURES), what="扫描件")


# -- risk points --------------------------------------------------------------------------------------------
class RiskPointForm(forms.Form):
    unit = IdChoiceField(Unit.objects.none(), label="单位")
    post = forms.CharField(label="岗位", max_length=100)
    holder = IdChoiceField(Person.objects.none(), label="岗位人员", required=False)
    category = forms.ChoiceField(label="类别", choices=RiskCategory.choices)
    level = forms.ChoiceField(label="风险等级", choices=RiskLevel.choices)
    description = forms.CharField(label="风险点描述", widget=forms.Textarea)
    identified_on = ChineseDateField(label="排查日期")
    controls = forms.CharField(label="防控措施", widget=forms.Textarea, required=False, help_text="每行一条。")
    security_label = LabelField()

    def __init__(self, *args: Any, user: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["security_label"].bind(user)
        self.fields["unit"].queryset = visible_units(user)
        self.fields["unit"].choices = unit_choices(user, unit)
        self.fields["holder"].queryset = Person.objects.visible_to(user).select_related("unit")
        self.fields["holder"].choices = [("", "（不填）")] + [
            (p.pk, f"{p.name}（{p.post}）") for p in Person.objects.filter(unit=unit).order_by("order", "id")[:200]]


class RiskPointEditForm(RiskPointForm):
    """Correcting a risk point: its unit and its controls are kept (controls are added on the detail page)."""

    version = VersionField()

    def __init__(self, *args: Any, user: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, user=user, unit=unit, **kwargs)
        del self.fields["unit"], self.fields["controls"]


class ControlForm(forms.Form):
    measure = forms.CharField(label="防控措施", widget=forms.Textarea)
    responsible = forms.CharField(label="责任人（岗位）", max_length=100, required=False)


class ReviewForm(forms.Form):
    reviewed_by = IdChoiceField(Person.objects.none(), label="复核人")
    reviewed_on = ChineseDateField(label="复核日期")
    finding = forms.CharField(label="复核意见", widget=forms.Textarea)

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewed_by"].queryset = Person.objects.filter(unit=unit).exclude(team_role=TeamRole.STAFF)
