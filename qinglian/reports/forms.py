"""Forms of the report pages: what to generate, the document to check, the template to upload."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from qinglian.lib.files import READ_HINT, READABLE, checked_file
from qinglian.lib.forms import ChineseDateField, IdField
from qinglian.org.models import Person, TeamRole, Unit
from qinglian.org.scoping import visible_units
from qinglian.reports.models import Genre

PEOPLE_LIMIT = 300


def people_choices(unit: Unit | None) -> list[tuple[str, str]]:
    """People of the unit itself, the team first (a 述责述廉 report is usually a team member's)."""
    choices = [("", "— 述责述廉报告请选择述职人 —")]
    if unit is None:
        return choices
    order = {TeamRole.PRINCIPAL: 0, TeamRole.TEAM_MEMBER: 1, TeamRole.STAFF: 2}
    people = sorted(Person.objects.filter(unit=unit).only("id", "name", "post", "team_role")[:PEOPLE_LIMIT],
                    key=lambda p: (order.get(p.team_role, 3), p.pk))
    return choices + [(str(p.pk), f"{p.name}（{p.post or p.get_team_role_display()}）") for p in people]


def source_choices(unit: Unit | None) -> list[tuple[int, str]]:
    """The subtree's feedback sources, newest first, for the rectification notice's choice."""
    from qinglian.ledger.models import Source
    from qinglian.org.scoping import subtree_q

    if unit is None:
        return []
    rows = Source.objects.filter(subtree_q(unit)).order_by("-feedback_date", "-id")[:100]
    return [(s.pk, s.choice_label) for s in rows]


class PeriodMixin(forms.Form):
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100,
                              help_text="填写年度即统计全年；也可改填开始和结束日期。")
    date_from = ChineseDateField(label="开始日期", required=False)
    date_to = ChineseDateField(label="结束日期", required=False)

    def clean_period(self, data: dict[str, Any]) -> None:
        if data.get("date_from") or data.get("date_to"):
            if not (data.get("date_from") and data.get("date_to")):
                self.add_error("date_to" if data.get("date_from") else "date_from", "请同时填写开始日期和结束日期。")
                return
            if data["date_to"] < data["date_from"]:
                self.add_error("date_to", "结束日期早于开始日期，请检查统计时段。")
                return
        elif data.get("year"):
            data["date_from"], data["date_to"] = dt.date(data["year"], 1, 1), dt.date(data["year"], 12, 31)
        elif "year" not in self.errors:
            self.add_error("year", "请填写年度，或填写开始日期和结束日期。")


class GenerateForm(PeriodMixin):
    unit = IdField(label="单位", widget=forms.Select, help_text="统计该单位及其下级单位的记录。")
    # the 意见回复 has its own page (a supervisor's, for one cadre)
    genre = forms.ChoiceField(label="报告类型", choices=[c for c in Genre.choices if c[0] != Genre.INTEGRITY])
    person = IdField(label="述职人", required=False, widget=forms.Select,
                     help_text="仅述责述廉报告需要选择。")
    sources = forms.TypedMultipleChoiceField(
        label="反馈来源", required=False, coerce=int, widget=forms.SelectMultiple(attrs={"size": 4}),
        help_text="仅整改情况通报需要：通报针对哪一轮巡察（巡视、审计…）的反馈；时段内只有一个来源时可不选。"
                  "按住 Ctrl 可多选。")
    field_order = ["unit", "genre", "year", "date_from", "date_to", "person", "sources"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.clean_period(data)
        unit = None
        if data.get("unit") is not None:
            unit = visible_units(self.user).filter(pk=data["unit"]).first()
            if unit is None:
                self.add_error("unit", "请选择您可以查看的单位。")
        data["unit"] = unit
        person = None
        if data.get("genre") == Genre.PERSONAL:
            if not data.get("person"):
                self.add_error("person", "述责述廉报告请选择述职人。")
            elif unit is not None:
                person = Person.objects.filter(pk=data["person"]).select_related("unit").first()
                if person is None or not person.unit.is_within(unit):
                    self.add_error("person", "述职人须是所选单位（或其下级单位）的干部。")
                    person = None
        data["person"] = person
        return data


class CheckForm(PeriodMixin):
    file = forms.FileField(label="报告文件", help_text="Word 文档（.docx）、文字版 PDF 或纯文本（.txt）。")
    compare = forms.BooleanField(label="同时与记录比对", required=False,
                                 help_text="勾选后，报告中的数字逐一与所选单位、时段的记录比对。")
    unit = IdField(label="单位", required=False, widget=forms.Select,
                   help_text="留空：按报告标题中的单位比对（标题中没有时为当前单位）。")
    field_order = ["file", "compare", "unit", "year", "date_from", "date_to"]

    def __init__(self, *args: Any, user: Any, max_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.max_bytes = max_bytes

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise forms.ValidationError(f"文件超过 {self.max_bytes // (1024 * 1024)} MB，无法检查。")
        return checked_file(upload, allowed=READABLE, what="报告文件", hint=READ_HINT)  # a .doc becomes a .docx

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("compare"):
            # left blank, the period and the unit are read from the report's title (the view does it)
            if data.get("year") or data.get("date_from") or data.get("date_to"):
                self.clean_period(data)
            unit = None
            if data.get("unit"):
                unit = visible_units(self.user).filter(pk=data["unit"]).first()
                if unit is None:
                    self.add_error("unit", "请选择您可以查看的单位。")
            data["unit"] = unit
        return data


class TemplateForm(forms.Form):
    genre = forms.ChoiceField(label="报告类型", choices=Genre.choices)
    file = forms.FileField(label="模板文件（.docx）",
                           help_text="可先下载默认模板，在 Word 或 WPS 中修改固定文字和格式后上传；"
                                     "{{ }} 与 {%p %} 标签是数据填入的位置，请勿删改其中的文字。")

    def clean_file(self) -> Any:
        return checked_file(self.cleaned_data["file"], allowed=("docx",), what="模板文件")  # .doc → .docx
