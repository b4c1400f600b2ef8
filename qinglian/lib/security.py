"""Security labels, masking and the number checks, in one place (等保 level 3, issue 13).

- A record's 密级 (公开/内部/敏感) is chosen on its form through `LabelField`; a classified label (涉密, 秘密,
  机密, 绝密) is refused wherever it is typed (`label_problem`, also used by the imports), and no account may
  label a record above its own clearance.
- Phone and ID numbers are shown masked (`mask_phone`, `mask_id_number`; the `masked_phone` / `masked_id`
  template filters) on pages, in exports and in generated documents; only an account with `can_unmask`
  sees a full number, one at a time, through an audited POST (org.views.person_unmask).
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from qinglian.lib.models import SecurityLabel, labels_within

# Words of the state-secret grades (and of 涉密 itself): such material is handled offline, never here.
CLASSIFIED_WORDS = ("涉密", "秘密", "机密", "绝密", "国家秘密")
CLASSIFIED_MESSAGE = ("涉密材料（秘密、机密、绝密）不得录入本系统：请按保密规定在涉密计算机或纸质台账中"
                      "离线处理；本系统只能标为公开、内部或敏感。")

_LABELS_BY_TEXT = {**{label.value: label.value for label in SecurityLabel},
                   **{str(label.label): label.value for label in SecurityLabel}}


def is_classified(text: str) -> bool:
    return any(word in str(text) for word in CLASSIFIED_WORDS)


def parse_label(text: Any, *, default: str = SecurityLabel.INTERNAL) -> str:
    """The label a cell or a posted value names (公开/内部/敏感 or public/internal/sensitive; empty = default).
    Raises ValidationError with a Chinese message for a classified grade or an unknown word."""
    value = str(text or "").strip()
    if not value:
        return default
    if is_classified(value):
        raise ValidationError(CLASSIFIED_MESSAGE, code="classified")
    if value not in _LABELS_BY_TEXT:
        raise ValidationError(f"密级“{value[:20]}”无法识别：请填写公开、内部或敏感（不填为内部）。", code="invalid")
    return _LABELS_BY_TEXT[value]


def label_problem(label: str, user: Any) -> str:
    """Why `user` may not give a record `label` ('' when it may, or when no label is given): above its own
    clearance. The system itself (demo loaders, commands run by whoever holds the server: no account) may."""
    if not getattr(user, "is_authenticated", False):
        return ""
    clearance = getattr(user, "clearance", "")
    if label and label not in labels_within(clearance):
        clearance = SecurityLabel(clearance).label if clearance in SecurityLabel.values else "公开"
        return (f"您的可阅密级为“{clearance}”，不能把记录标为“{SecurityLabel(label).label}”：请选择不高于本人"
                "可阅密级的密级，或请安全管理员调整。")
    return ""


def check_label(text: Any, user: Any, *, default: str = SecurityLabel.INTERNAL) -> str:
    """parse_label, then label_problem: the label `user` may give, or ValidationError."""
    label = parse_label(text, default=default)
    if problem := label_problem(label, user):
        raise ValidationError(problem, code="clearance")
    return label


class LabelField(forms.ChoiceField):
    """密级 on a record's form: 公开/内部/敏感, refusing a classified word (posted by hand) with the offline
    rule, and a label above the user's clearance (`bind(user)` from the form's __init__)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "密级")
        kwargs.setdefault("required", False)  # not posted: 内部 for a new record, unchanged for an edited one
        kwargs.setdefault("choices", SecurityLabel.choices)
        kwargs.setdefault("initial", SecurityLabel.INTERNAL)
        kwargs.setdefault("help_text", "公开、内部或敏感；敏感记录只有敏感级账号可见。涉密材料不得录入本系统。")
        super().__init__(**kwargs)
        self.user: Any = None

    def bind(self, user: Any) -> LabelField:
        self.user = user
        allowed = set(labels_within(getattr(user, "clearance", "")))
        self.choices = [(v, label) for v, label in SecurityLabel.choices if v in allowed]
        return self

    def to_python(self, value: Any) -> str:
        return parse_label(value, default="") if value not in self.empty_values else ""

    def validate(self, value: Any) -> None:
        if value in self.empty_values:
            if self.required:
                raise ValidationError("请选择密级。", code="required")
            return
        if self.user is not None and (problem := label_problem(value, self.user)):
            raise ValidationError(problem, code="clearance")


def bind_label(form: forms.Form, user: Any, name: str = "security_label") -> None:
    field = form.fields.get(name)
    if isinstance(field, LabelField):
        field.bind(user)


# -- masking ------------------------------------------------------------------------------------------------
def mask_phone(value: Any) -> str:
    """138****1234 for a mobile number; a landline keeps its area code and last 4 digits (0851-****5678)."""
    text = str(value or "").strip()
    if not text:
        return ""
    digits = re.sub(r"\D", "", text)
    if len(digits) == 11 and digits.startswith("1"):
        return f"{digits[:3]}****{digits[-4:]}"
    if "-" in text:
        head, _, tail = text.partition("-")
        return f"{head}-{'*' * max(len(tail) - 4, 0)}{tail[-4:]}" if len(tail) > 4 else f"{head}-****"
    return f"{digits[:3]}****{digits[-4:]}" if len(digits) > 7 else "****"


def mask_id_number(value: Any) -> str:
    """110105********1234: the first 6 (the area) and last 4 digits kept."""
    text = str(value or "").strip()
    if not text:
        return ""
    if len(text) <= 10:
        return "*" * len(text)
    return f"{text[:6]}{'*' * (len(text) - 10)}{text[-4:]}"


# -- input checks -------------------------------------------------------------------------------------------
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def normalize_phone(value: Any) -> str:
    """A phone number as stored: spaces dropped, full-width digits folded; '' stays ''. ValidationError
    (Chinese) unless a mobile 1[3-9]+9 digits or a landline with its area code (0851-12345678)."""
    import unicodedata

    text = re.sub(r"[\s ]", "", unicodedata.normalize("NFKC", str(value or "")))
    if not text:
        return ""
    if MOBILE.match(text) or LANDLINE.match(text):
        return text
    raise ValidationError("手机号码应为 11 位数字、以 13 至 19 开头（如 13812341234）；固定电话请带区号"
                          "（如 0851-12345678）。", code="phone")


def id_check_digit(first17: str) -> str:
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def normalize_id_number(value: Any) -> str:
    """An 18-digit ID number (GB 11643) with a correct check digit, x as X; '' stays ''."""
    import unicodedata

    text = unicodedata.normalize("NFKC", str(value or "")).strip().upper()
    if not text:
        return ""
    if not re.fullmatch(r"\d{17}[\dX]", text):
        raise ValidationError("身份证号码应为 18 位：前 17 位是数字，最后一位是数字或 X。", code="id_number")
    if id_check_digit(text[:17]) != text[17]:
        raise ValidationError("身份证号码的校验位不对（最后一位），请核对后重新填写。", code="id_number")
    return text
