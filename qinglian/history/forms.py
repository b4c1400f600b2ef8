from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

# A moment as typed, and how long the typed precision lasts: "18:00" means up to the end of that minute.
FORMATS = (("%Y-%m-%dT%H:%M:%S", dt.timedelta(seconds=1)), ("%Y-%m-%d %H:%M:%S", dt.timedelta(seconds=1)),
           ("%Y-%m-%dT%H:%M", dt.timedelta(minutes=1)), ("%Y-%m-%d %H:%M", dt.timedelta(minutes=1)),
           ("%Y-%m-%d", dt.timedelta(days=1)))
MOMENT_HELP = "请写成 2026-03-15 18:00 这样的时刻，或只写日期 2026-03-15（指当天结束时）。"


def parse_moment(text: str) -> dt.datetime | None:
    """The last instant of what `text` names, in China time (a date: the end of that day); None if unreadable."""
    text = text.strip()
    for fmt, span in FORMATS:
        try:
            start = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        return timezone.make_aware(start + span - dt.timedelta(microseconds=1))
    return None


class MomentForm(forms.Form):
    at = forms.CharField(label="查看某一时刻的内容", max_length=30,
                         widget=forms.TextInput(attrs={"placeholder": "如 2026-03-15 18:00 或 2026-03-15"}))

    def clean_at(self) -> dt.datetime:
        moment = parse_moment(self.cleaned_data["at"])
        if moment is None:
            raise forms.ValidationError(MOMENT_HELP)
        return moment
