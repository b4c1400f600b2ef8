"""Form pieces every app reuses: the hidden version field and lenient Chinese dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from paperwork.calendar import parse_date


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
