"""Form pieces every app reuses: the hidden version field, lenient Chinese dates, and ids bounded to bigint."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from paperwork.calendar import parse_date

# Ids are bigints. A parameter outside 1..ID_MAX names nothing, and an integer that large would overflow the
# database driver (SQLite raises OverflowError) before any lookup could answer "not found".
ID_MAX = 2**63 - 1


def parse_id(value: Any) -> int | None:
    """The id a parameter names (ASCII digits in 1..ID_MAX), or None for anything else."""
    text = str(getattr(value, "pk", value) if value is not None else "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= ID_MAX else None


class IdField(forms.IntegerField):
    """An id typed or carried in a form (often hidden): bounded to the bigint range, so it never overflows."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        kwargs.setdefault("error_messages", {"invalid": "编号无效，请从页面上的链接或列表中选择。",
                                             "min_value": "编号无效，请从页面上的链接或列表中选择。",
                                             "max_value": "编号无效，请从页面上的链接或列表中选择。"})
        super().__init__(**kwargs)


class IdChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that refuses a malformed or out-of-range id before asking the database."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and self.to_field_name is None and parse_id(value) is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that refuses malformed or out-of-range ids before asking the database."""

    def _check_values(self, value: Any) -> Any:
        for pk in value:
            if self.to_field_name is None and parse_id(pk) is None:
                raise forms.ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                            params={"pk": str(pk)[:20]})
        return super()._check_values(value)


class VersionField(forms.IntegerField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        super().__init__(**kwargs)


class ChineseDateField(forms.DateField):
    """Accepts 2023-3-5, 2023.3.5, 2023/3/5 and 2023年3月5日 (paperwork.calendar.parse_date)."""

    widget = forms.DateInput(attrs={"placeholder": "如 2023-03-05", "autocomplete": "off"})

    def to_python(self, value: Any) -> dt.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.date):
            return value
        try:
            parsed = parse_date(str(value))
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if parsed.date is None:
            raise forms.ValidationError(f"“{value}”不是具体日期，请填写如 2023-03-05。")
        return parsed.date


def add_errors(form: forms.Form, exc: Exception) -> None:
    """A service's refusal shown on the form the user filled: a ValidationError keyed by field goes next to
    that field (when the form has it), anything else above the form."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for name, messages in exc.message_dict.items():
            for message in messages:
                form.add_error(name if name in form.fields else None, message)
    elif isinstance(exc, ValidationError):
        for message in exc.messages:
            form.add_error(None, message)
    else:
        form.add_error(None, str(exc))
