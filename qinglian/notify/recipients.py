"""Who is told about a due item: the 责任人, then the leader in charge when red, then the unit's principal when
overdue (escalation steps as data, in rules.py)."""

from __future__ import annotations

from typing import NamedTuple

from qinglian.notify.due import DueItem


class Recipient(NamedTuple):
    person_id: int
    user_id: int | None  # None: the person has no account (inbox needs one; the item says so)
    step: str  # "owner", "leader", "principal"


def recipients(item: DueItem) -> list[Recipient]:
    return []
