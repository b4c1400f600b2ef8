"""Forms of problem classification: one problem's (the problem page) and several at once (the source page)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from qinglian.verify.models import ProblemNature, Reach, RectificationType

KEEP = "keep"  # a bulk field left as it was


def _choices(model: Any, current: int | None = None) -> Any:
    """The active rows, and the one already chosen even if since retired."""
    return model.objects.filter(Q(active=True) | Q(pk=current or 0))


class ProfileForm(forms.Form):
    nature = forms.ModelChoiceField(label="问题性质", queryset=ProblemNature.objects.none(), required=False,
                                    empty_label="（未定）", help_text="问题性质的选项由系统管理员维护。")
    reach = forms.ChoiceField(label="共性或个性", choices=[("", "（未定）"), *Reach.choices], required=False)
    rect_type = forms.ModelChoiceField(label="整改类型", queryset=RectificationType.objects.none(), required=False,
                                       empty_label="（未定）")
    propose = forms.BooleanField(label="按整改类型的默认时限，为尚未填写时限的措施设定整改时限", required=False,
                                 initial=True)
    cause = forms.CharField(label="原因剖析", required=False, max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 4}),
                            help_text="从思想认识、制度机制、监督管理等方面剖析问题产生的原因。")

    def __init__(self, *args: Any, nature_id: int | None = None, type_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nature"].queryset = _choices(ProblemNature, nature_id)
        self.fields["rect_type"].queryset = _choices(RectificationType, type_id)
        types = [f"{t.name}{t.limit_label}" for t in self.fields["rect_type"].queryset]
        self.fields["rect_type"].help_text = "默认时限（自反馈日期起）：" + "，".join(types) + "。"


class BulkForm(forms.Form):
    problems = forms.TypedMultipleChoiceField(label="问题", coerce=int, choices=[],
                                              error_messages={"required": "请勾选要分类的问题。"})
    nature = forms.ModelChoiceField(label="问题性质", queryset=ProblemNature.objects.filter(active=True),
                                    empty_label="（不改）", required=False)
    reach = forms.ChoiceField(label="共性或个性", choices=[(KEEP, "（不改）"), *Reach.choices], required=False)
    rect_type = forms.ModelChoiceField(label="整改类型", queryset=RectificationType.objects.filter(active=True),
                                       empty_label="（不改）", required=False,
                                       help_text="选定整改类型的，尚未填写时限的措施按其默认时限设定整改时限。")

    def __init__(self, *args: Any, problem_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["problems"].choices = [(pk, pk) for pk in problem_ids]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("nature") and data.get("reach", KEEP) in ("", KEEP) and not data.get("rect_type"):
            raise forms.ValidationError("请至少选择问题性质、共性或个性、整改类型中的一项。")
        return data
