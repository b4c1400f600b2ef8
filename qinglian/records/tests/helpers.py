"""Plain helpers for records tests: make activities through the services at a chosen moment of entry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from qinglian.org.models import Person, Unit
from qinglian.records.models import Activity, ActivityKind
from qinglian.records.services import ActivityInput, activity_create


def kind(code: str) -> ActivityKind:
    return ActivityKind.objects.get(code=code)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def make_activity(user: Any, unit: Unit, code: str, day: dt.date, *, topic: str = "", people: list[Person] = (),
                  talked_to: list[Person] = (), entered: dt.date | None = None) -> Activity:
    """An activity entered `entered` (default: the same day) by `user`."""
    k = kind(code)
    participants = list(people) or list(Person.objects.filter(unit=unit)[:2])
    return activity_create(
        user=user,
        data=ActivityInput(unit=unit, kind=k, happened_on=day, topic=topic or f"{k.name}（{day}）",
                           participants=participants, talked_to=list(talked_to)),
        now=at(entered or day))
