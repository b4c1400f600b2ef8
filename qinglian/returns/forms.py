"""Forms of the upper-level form pages: the upload (form, unit, period), and the mapping of its labels."""

from __future__ import annotations

from typing import Any

from django import forms

from paperwork.returns import Choice
from qinglian.lib.forms import IdField
from qinglian.org.scoping import visible_units
from qinglian.reports.forms import PeriodMixin


class FillForm(PeriodMixin):
    unit = IdField(label="单位", widget=forms.Select, help_text="按该单位及其下级单位的记录填写；表中每行（每个工作表）"
                                                            "写明单位的，按该行单位填写。")
    office = forms.CharField(label="报送机关", max_length=200, required=False,
                             help_text="发来报表的上级机关（可不填），便于在填报记录中查找。")
    field_order = ["unit", "year", "date_from", "date_to", "office"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.clean_period(data)
        if data.get("unit") is not None:
            data["unit"] = visible_units(self.user).filter(pk=data["unit"]).first()
            if data["unit"] is None:
                self.add_error("unit", "请选择您可以查看的单位。")
        return data


class UploadForm(FillForm):
    file = forms.FileField(label="上级报表（.xlsx）",
                           help_text="上级机关发来的 Excel 报表原样上传即可；旧版 .xls 在装有 LibreOffice 时自动转换。")
    field_order = ["file", *FillForm.field_order]


def figure_choices(choices: list[Choice], groups: dict[str, str]) -> list[Any]:
    """<optgroup>s of the figures a label may be mapped to, "不填" first."""
    grouped: dict[str, list[tuple[str, str]]] = {}
    for c in choices:
        grouped.setdefault(groups.get(c.kind, "比率"), []).append((c.kind, f"{c.name}（{c.counting_unit}）"))
    return [("", "— 不填 —"), *grouped.items()]


class MappingForm(forms.Form):
    """One <select> per distinct label of the form, named map_0, map_1 … in the form's order."""

    def __init__(self, *args: Any, labels: list[tuple[str, str]], choices: list[Any], initial_map: dict[str, str],
                 definition_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.keys = [key for key, _ in labels]
        for i, (key, label) in enumerate(labels):
            self.fields[f"map_{i}"] = forms.ChoiceField(label=label, choices=choices, required=False,
                                                        initial=initial_map.get(key, ""))
            if definition_url:  # the 统计口径 beside the select follows the choice
                self.fields[f"map_{i}"].widget.attrs.update({"hx-get": definition_url, "hx-target": f"#def_{i}",
                                                             "hx-trigger": "change"})

    def mapping(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(f"map_{i}", "") for i, key in enumerate(self.keys)}

    def rows(self) -> list[tuple[str, Any]]:
        return [(key, self[f"map_{i}"]) for i, key in enumerate(self.keys)]
