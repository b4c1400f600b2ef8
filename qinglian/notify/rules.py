"""Reminder rules as data: the system admin's defaults and bounds per kind, a unit's own numbers for its
subtree, and the one function that says which numbers apply to a unit (the nearest unit's rule, clamped to
the bounds in force)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from qinglian.audit.services import audit_log
from qinglian.lib.services import record_create, record_update
from qinglian.notify.models import DueLevel, ReminderDefault, ReminderRule, RuleKind, sign_by_parts
from qinglian.org.models import Unit, path_prefixes

HOLIDAY_TEXT = (
    "节日将至，请全体党员干部严守中央八项规定及其实施细则精神，严禁违规收送礼品礼金、违规吃喝、"
    "公车私用、违规发放津补贴，自觉抵制享乐主义和奢靡之风，过一个风清气正的廉洁节日。"
)

# The numbers a kind starts with (the system admin changes them on the rules page). The measure window and
# its lower bound come from the ledger's 三色 thresholds, so a unit cannot hide a yellow measure.
_DEFAULTS: dict[str, dict[str, Any]] = {
    RuleKind.MEASURE: {"lead": "green", "lead_min": "yellow", "lead_max": 60, "overdue": 10, "overdue_max": 60},
    RuleKind.DUTY: {"lead": 10, "overdue": 5},
    RuleKind.LETTER: {"lead": 10, "overdue": 10, "sign_by": "3-31"},
    RuleKind.ORDER: {"lead": 3, "overdue": 5},
    RuleKind.ALERT: {"lead": 2, "overdue": 3},
    RuleKind.REVIEW: {"lead": 0, "lead_min": 0, "lead_max": 5, "overdue": 3, "wait": 3},
    RuleKind.FOLLOWUP: {"lead": 5, "overdue": 10},
    RuleKind.HOLIDAY: {"lead": 3, "lead_max": 10, "text": HOLIDAY_TEXT},
}
NUMBERS = ("lead", "overdue", "wait")
ORDER = [DueLevel.UPCOMING, DueLevel.YELLOW, DueLevel.TODAY, DueLevel.RED, DueLevel.OVERDUE]


def _initial(kind: str) -> dict[str, Any]:
    values = dict(_DEFAULTS[kind])
    ledger = {"green": settings.QINGLIAN_WARNING_GREEN_WORKDAYS, "yellow": settings.QINGLIAN_WARNING_YELLOW_WORKDAYS}
    return {k: ledger.get(v, v) if isinstance(v, str) and k != "text" and k != "sign_by" else v
            for k, v in values.items()}


def defaults() -> dict[str, ReminderDefault]:
    """The admin's row of every kind, created with the standard numbers on first use."""
    rows = {r.kind: r for r in ReminderDefault.objects.all()}
    for kind in RuleKind.values:
        if kind not in rows:
            rows[kind], _ = ReminderDefault.objects.get_or_create(kind=kind, defaults=_initial(kind))
    return rows


@dataclass(frozen=True)
class Effective:
    """The numbers that apply to one unit for one kind."""

    kind: str
    enabled: bool
    lead: int  # working days before the due date the reminder starts
    overdue: int  # working days after the due date it becomes "overdue"
    wait: int  # review only: working days a stage may wait
    sign_by: tuple[int, int]  # letters only: (month, day)
    text: str  # holidays only
    leader_level: str
    principal_level: str
    unit_id: int | None  # the unit whose rule applies; None: the admin's defaults


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def _effective(base: ReminderDefault, rule: ReminderRule | None) -> Effective:
    numbers = {n: _clamp(getattr(rule, n) if rule else getattr(base, n), getattr(base, f"{n}_min"),
                         getattr(base, f"{n}_max")) for n in NUMBERS}
    sign_by = (rule.sign_by if rule and rule.sign_by else "") or base.sign_by or "3-31"
    try:
        month_day = sign_by_parts(sign_by)
    except ValueError:
        month_day = (3, 31)
    return Effective(kind=base.kind, enabled=base.enabled, sign_by=month_day,
                     text=(rule.text if rule and rule.text.strip() else base.text) or HOLIDAY_TEXT,
                     leader_level=base.leader_level, principal_level=base.principal_level,
                     unit_id=rule.unit_id if rule else None, **numbers)


class Rules:
    """Answers "which numbers apply to this unit" for many units with two queries in all."""

    def __init__(self) -> None:
        self.base = defaults()
        self._by_path: dict[tuple[str, str], ReminderRule] = {
            (r.kind, r.unit.path): r for r in ReminderRule.objects.select_related("unit")}
        self._memo: dict[tuple[str, str], Effective] = {}

    def default(self, kind: str) -> Effective:
        return _effective(self.base[kind], None)

    def for_path(self, kind: str, path: str) -> Effective:
        memo = self._memo.get((kind, path))
        if memo is None:
            rule = next((self._by_path[(kind, p)] for p in reversed(path_prefixes(path))
                         if (kind, p) in self._by_path), None)
            memo = self._memo[(kind, path)] = _effective(self.base[kind], rule)
        return memo

    def max_lead(self, kind: str) -> int:
        return self.base[kind].lead_max


def rule_for(unit: Unit, kind: str) -> Effective:
    return Rules().for_path(kind, unit.path)


def reaches(level: str, step_level: str) -> bool:
    """Whether an item at `level` has reached the escalation step that starts at `step_level`."""
    if step_level not in ORDER or level not in ORDER:
        return False
    return ORDER.index(level) >= ORDER.index(step_level)


# -- writes --------------------------------------------------------------------------------------------------
def _check_bounds(base: ReminderDefault, values: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    labels = {"lead": "提前提醒", "overdue": "逾期升级", "wait": "审核等待"}
    for n in NUMBERS:
        low, high = getattr(base, f"{n}_min"), getattr(base, f"{n}_max")
        if n in values and not low <= int(values[n]) <= high:
            errors[n] = f"{labels[n]}须在 {low} 到 {high} 个工作日之间（系统管理员设定的范围）。"
    if base.kind == RuleKind.LETTER and values.get("sign_by"):
        try:
            sign_by_parts(values["sign_by"])
        except ValueError as exc:
            errors["sign_by"] = str(exc)
    if errors:
        raise ValidationError(errors)


def reminder_rule_save(*, user: Any, unit: Unit, kind: str, values: dict[str, Any], request: Any = None
                       ) -> ReminderRule:
    """A leader sets the numbers of `kind` for `unit`'s subtree, within the admin's bounds (audited)."""
    base = defaults()[kind]
    _check_bounds(base, values)
    data = {n: int(values[n]) for n in NUMBERS if n in values}
    data.update({k: values[k] for k in ("sign_by", "text") if k in values})
    with transaction.atomic():
        rule = ReminderRule.objects.select_for_update().filter(unit=unit, kind=kind).first()
        if rule is None:
            current = rule_for(unit, kind)
            fields = {n: getattr(current, n) for n in NUMBERS} | {"sign_by": "", "text": ""} | data
            return record_create(user=user, obj=ReminderRule(unit=unit, kind=kind, **fields), request=request,
                                 summary=f"设定{unit.name}的提醒规则：{RuleKind(kind).label}")
        return record_update(user=user, obj=rule, data=data, version=rule.version, request=request,
                             summary=f"修改{unit.name}的提醒规则：{RuleKind(kind).label}")


def reminder_default_save(*, user: Any, kind: str, values: dict[str, Any], request: Any = None) -> ReminderDefault:
    """The system admin changes the defaults and bounds of one kind (audited)."""
    from qinglian.audit.models import Action

    with transaction.atomic():
        row = defaults()[kind]
        row = ReminderDefault.objects.select_for_update().get(pk=row.pk)
        before = {f: getattr(row, f) for f in values}
        for field, value in values.items():
            setattr(row, field, value)
        row.full_clean()
        row.save()
        audit_log(action=Action.UPDATE, summary=f"修改提醒规则默认值与范围：{row.get_kind_display()}", actor=user,
                  obj=row, before={k: str(v) for k, v in before.items()},
                  after={k: str(getattr(row, k)) for k in values})
    return row


def kinds_enabled(rules: Rules, kinds: Iterable[str] | None = None) -> list[str]:
    return [k for k in (kinds or RuleKind.values) if rules.base[k].enabled]
