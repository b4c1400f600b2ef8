"""What is due: one module computes, from the records, every item inside its rule's reminder window or overdue.

Public interface (delivery, the CLI and the dashboard build on it):

    DueItem(kind, key, title, person_id, unit_id, due, level, url)   frozen dataclass
        kind       "measure", "duty", "letter", "order", "alert", "review", "followup", "holiday"
        key        stable id of the thing, e.g. "measure:123", "duty:7:2026Q2", "holiday:45:2026-10-01"
        title      Chinese, what the reminder says (titles only, never 敏感 content)
        person_id  the Person responsible (责任人), or None when the item belongs to the unit
        unit_id    the unit the item belongs to
        due        the deadline (for a holiday: its first day off)
        level      "upcoming" (in the reminder window, before yellow), "today", "yellow",
                   "red" (past the deadline), "overdue" (red for more than the escalation threshold)
        url        the item's page

    due_items(*, today, units=None) -> list[DueItem]
        units: a Unit queryset (e.g. a subtree) or None for the whole tree. Sorted by (due, kind, key).

    recipients(item) -> list[Recipient(person_id, user_id | None, step)]     in qinglian.notify.recipients
        step: the escalation step ("owner", "leader", "principal"); a reminder is sent once per
        (key, level, step).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

KINDS = ("measure", "duty", "letter", "order", "alert", "review", "followup", "holiday")
LEVELS = ("upcoming", "today", "yellow", "red", "overdue")


@dataclass(frozen=True)
class DueItem:
    kind: str
    key: str
    title: str
    person_id: int | None
    unit_id: int
    due: dt.date
    level: str
    url: str


def due_items(*, today: dt.date, units: Iterable[Any] | None = None) -> list[DueItem]:
    """Everything due as of `today` in `units` (None: the whole tree)."""
    return []
