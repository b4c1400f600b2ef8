"""Helpers for the supervisor's view: a report uploaded as the check page keeps it, activities seeded in bulk."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from qinglian.lib import tracking
from qinglian.oversight.models import UploadedReport
from qinglian.oversight.services import keep_checked
from qinglian.reports.checking import read_for_check

YEAR = timezone.localdate().year


def upload(user: Any, unit: Any, text: str, name: str = "报告.txt") -> UploadedReport:
    """`text` (title on the first line) kept as the report check page keeps an uploaded file."""
    data = text.encode("utf-8")
    return keep_checked(user=user, current=unit, chosen=unit, name=name, content=data,
                        result=read_for_check(data, name), date_from=None, date_to=None)


def activities(unit: Any, rows: list[tuple[dt.date, dt.date]], code: str = "collective_study") -> None:
    """Activities (happened_on, entered_on) of one kind, entered at 10:00 China time on the day given."""
    from qinglian.records.models import Activity, ActivityKind, is_late
    from qinglian.records.services import tally_rebuild

    kind = ActivityKind.objects.get(code=code)
    tz = timezone.get_current_timezone()
    with tracking.bulk("测试准备"):
        made = []
        for happened, entered in rows:
            at = dt.datetime.combine(entered, dt.time(10), tzinfo=tz)
            made.append(Activity(unit=unit, kind=kind, happened_on=happened, topic=kind.name, entered_at=at,
                                 late=is_late(happened, at), weight=1))
        Activity.objects.bulk_create(made)
    tally_rebuild()


@pytest.fixture
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path
