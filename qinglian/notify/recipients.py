"""Who is told about a due item, step by step (the escalation levels are data: ReminderDefault.leader_level and
principal_level per kind):

- "owner": the person responsible (Measure.owner, the duty list's owner, the letter's signatory, the reviewer);
  an item of the unit itself (a 主体责任 duty, an alert letter, a 回头看) goes to the unit's principal;
- "leader": the leader in charge (Measure.leader_in_charge, or the order's measure's), once the item reaches the
  leader level (red by default);
- "principal": the principal (主要领导) of the item's unit, once it reaches the principal level (overdue);
- "team": holiday reminders go to the unit's leadership team (principal and team members).

Never the whole unit for one person's item. A step with nobody (a unit with no principal, a measure with no
leader in charge) is skipped; a person already told at an earlier step is not told again. A person without an
account is still returned, with user_id None (the inbox needs an account: `Recipient.note` says so).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from qinglian.notify.due import DueItem
from qinglian.notify.models import RuleKind
from qinglian.notify.rules import defaults, reaches
from qinglian.org.models import Person, TeamRole, User

STEPS = ("owner", "leader", "principal", "team")


class Recipient(NamedTuple):
    person_id: int
    user_id: int | None  # None: the person has no account (inbox needs one; the item says so)
    step: str  # "owner", "leader", "principal", "team"

    @property
    def note(self) -> str:
        return "" if self.user_id else "该干部没有系统账号，无法送达站内提醒，请线下告知。"


def recipients(item: DueItem) -> list[Recipient]:
    return recipients_for([item])[item.key]


def _ids(items: Iterable[DueItem], kind: str) -> dict[str, int]:
    return {i.key: int(i.key.split(":")[1]) for i in items if i.kind == kind}


def _leaders(items: list[DueItem]) -> dict[str, int]:
    """The leader in charge of each measure and each order (through its measure), by item key."""
    from qinglian.ledger.models import Measure, SupervisionOrder

    found: dict[str, int] = {}
    measures = _ids(items, RuleKind.MEASURE)
    if measures:
        by_pk = dict(Measure.objects.filter(pk__in=measures.values(), leader_in_charge__isnull=False)
                     .values_list("pk", "leader_in_charge_id"))
        found.update({key: by_pk[pk] for key, pk in measures.items() if pk in by_pk})
    orders = _ids(items, RuleKind.ORDER)
    if orders:
        by_pk = dict(SupervisionOrder.objects.filter(pk__in=orders.values(), measure__leader_in_charge__isnull=False)
                     .values_list("pk", "measure__leader_in_charge_id"))
        found.update({key: by_pk[pk] for key, pk in orders.items() if pk in by_pk})
    return found


def recipients_for(items: Iterable[DueItem]) -> dict[str, list[Recipient]]:
    """Recipients of many items (by key) in a fixed number of queries."""
    items = list(items)
    rules = defaults()
    units = {i.unit_id for i in items}
    principals: dict[int, int] = dict(Person.objects.filter(unit_id__in=units, team_role=TeamRole.PRINCIPAL)
                                      .values_list("unit_id", "pk"))
    team: dict[int, list[int]] = defaultdict(list)
    if any(i.kind == RuleKind.HOLIDAY for i in items):
        holiday_units = {i.unit_id for i in items if i.kind == RuleKind.HOLIDAY}
        for unit_id, pk in (Person.objects.filter(unit_id__in=holiday_units,
                                                  team_role__in=[TeamRole.PRINCIPAL, TeamRole.TEAM_MEMBER])
                            .order_by("unit_id", "order", "pk").values_list("unit_id", "pk")):
            team[unit_id].append(pk)
    leaders = _leaders(items)
    steps: dict[str, list[tuple[int, str]]] = {}
    for item in items:
        rule = rules[item.kind]
        if item.kind == RuleKind.HOLIDAY:
            wanted = [(p, "team") for p in team.get(item.unit_id, [])]
        else:
            wanted = [(item.person_id if item.person_id is not None else principals.get(item.unit_id), "owner")]
            if reaches(item.level, rule.leader_level):
                wanted.append((leaders.get(item.key), "leader"))
            if reaches(item.level, rule.principal_level):
                wanted.append((principals.get(item.unit_id), "principal"))
        chosen: list[tuple[int, str]] = []
        for person_id, step in wanted:  # nobody at a step: skipped; a person told once, at the first step
            if person_id is not None and all(person_id != p for p, _ in chosen):
                chosen.append((person_id, step))
        steps[item.key] = chosen
    people = {p for chosen in steps.values() for p, _ in chosen}
    accounts: dict[int, int] = {}
    for person_id, user_id in (User.objects.filter(person_id__in=people, is_active=True).exclude(role="")
                               .order_by("-pk").values_list("person_id", "pk")):
        accounts[person_id] = user_id  # the oldest active account with a role wins
    return {key: [Recipient(p, accounts.get(p), step) for p, step in chosen] for key, chosen in steps.items()}
