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
        note       holidays: the unit's standard reminder text (else "")

    due_items(*, today, units=None, kinds=None) -> list[DueItem]
        units: a Unit (its subtree), a Unit queryset, or None for the whole tree. Sorted by (due, kind, key).
        Each kind is one indexed date-window query (deadline up to today + the widest window the admin
        allows), so the cost grows with what is due, not with all records.

    recipients(item) -> list[Recipient(person_id, user_id | None, step)]     in qinglian.notify.recipients
        step: the escalation step ("owner", "leader", "principal", "team" for holidays); a reminder is
        sent once per (key, level, step). recipients_for(items) answers for many items in a few queries.

Levels: red and yellow are the ledger's 三色 (ledger.models.deadline_level over ledger.calendar.warning_bounds);
"upcoming" is inside the rule's window before yellow; "today" is the due day, or the last working day before
it when it falls on a holiday or weekend; "overdue" is red for more than the rule's working days. The numbers
are the rules of qinglian.notify.rules (the admin's defaults and bounds, a unit's own for its subtree).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from paperwork.calendar import Period, WorkCalendar, period_containing
from qinglian.ledger.calendar import warning_bounds, work_calendar
from qinglian.ledger.models import deadline_level
from qinglian.lib.models import SecurityLabel
from qinglian.notify.holidays import breaks_ahead
from qinglian.notify.models import DueLevel, RuleKind
from qinglian.notify.rules import Effective, Rules, kinds_enabled
from qinglian.org.models import Unit
from qinglian.org.scoping import subtree_q
from qinglian.records.models import Frequency

KINDS = tuple(RuleKind.values)
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
    note: str = ""  # holidays: the unit's standard reminder text


ONE = dt.timedelta(days=1)


def _url(name: str) -> str:
    """One reverse() per kind of link, not one per row: '/ledger/measures/{}/'."""
    return reverse(name, args=[0]).replace("/0/", "/{}/")


@dataclass
class Context:
    """What every collector needs: the day, the calendar, the ledger's 三色 bounds, the rules, the scope."""

    today: dt.date
    units: Any
    calendar: WorkCalendar = field(init=False)
    bounds: dict[str, dt.date] = field(init=False)
    rules: Rules = field(init=False)

    def __post_init__(self) -> None:
        self.calendar = work_calendar()
        self.bounds = warning_bounds(self.today, self.calendar)
        self.rules = Rules()

    def scope(self, field_name: str = "unit") -> Q:
        """Rows whose unit (at `field_name`) lies in the scope: a Unit means its subtree."""
        if self.units is None:
            return Q()
        if isinstance(self.units, Unit):
            return subtree_q(self.units, field_name)
        return Q(**{f"{field_name}__in": self.units})

    def edge(self, lead: int) -> dt.date:
        """The last due date inside a window of `lead` working days (ledger convention: the day before the
        (lead+1)-th working day, so a Saturday deadline after the lead-th counts like the Friday)."""
        return self.calendar.add_workdays(self.today, lead + 1) - ONE

    def widest(self, kind: str) -> dt.date:
        return self.edge(self.rules.max_lead(kind))

    def level(self, due: dt.date, rule: Effective) -> str | None:
        """The level of an open item due on `due`, or None when it is not yet inside its window.

        Red and yellow are the ledger's 三色 (deadline_level, the one definition); "today" covers the due day
        and, when that is a holiday or weekend, the last working day before it; "overdue" is red for more
        than the rule's working days."""
        ledger = deadline_level(due, self.bounds)
        if ledger == "red":
            late = self.calendar.workdays_between(due, self.today)
            return DueLevel.OVERDUE if late > rule.overdue else DueLevel.RED
        last_workday = due if self.calendar.is_workday(due) else self.calendar.add_workdays(due, -1)
        if self.today >= last_workday:
            return DueLevel.TODAY
        if due > self.edge(rule.lead):
            return None
        return DueLevel.YELLOW if ledger == "yellow" else DueLevel.UPCOMING


def _label(text: str, security_label: str, what: str) -> str:
    """A title never carries 敏感 content: it is read in mail and calendars."""
    if security_label == SecurityLabel.SENSITIVE:
        return f"{what}（敏感，请登录查看）"
    text = " ".join(text.split())
    return f"{what}：{text[:40]}{'…' if len(text) > 40 else ''}"


# -- the collectors: one indexed, date-windowed query each ----------------------------------------------------
def _measures(ctx: Context) -> Iterator[DueItem]:
    from qinglian.ledger.models import Measure

    url = _url("ledger:measure")
    rows = (Measure.objects.active().filter(ctx.scope(), deadline__lte=ctx.widest(RuleKind.MEASURE))
            .order_by().values_list("pk", "text", "security_label", "owner_id", "unit_id", "unit__path", "deadline"))
    for pk, text, label, owner_id, unit_id, path, deadline in rows:
        level = ctx.level(deadline, ctx.rules.for_path(RuleKind.MEASURE, path))
        if level:
            yield DueItem(RuleKind.MEASURE, f"measure:{pk}", _label(text, label, "整改措施"), owner_id, unit_id,
                          deadline, level, url.format(pk))


def _duties(ctx: Context) -> Iterator[DueItem]:
    """Duties with no record in their period: the current period inside its window, and the period just
    ended (red, then overdue) for as long as the widest escalation lasts."""
    from qinglian.records.models import Duty
    from qinglian.records.selectors import duty_statuses

    url = _url("records:duty")
    base = ctx.rules.base[RuleKind.DUTY]
    judged: list[tuple[str, Period, dt.date]] = []
    for frequency in Frequency.values:
        current = period_containing(ctx.today, frequency)
        if current.end <= ctx.widest(RuleKind.DUTY):
            judged.append((frequency, current, ctx.today))
        previous = period_containing(current.start - ONE, frequency)
        if ctx.today <= ctx.calendar.add_workdays(previous.end, base.overdue_max + 1):
            judged.append((frequency, previous, previous.end))
    for frequency, period, as_of in judged:
        duties = list(Duty.objects.filter(ctx.scope("duty_list__unit"), frequency=frequency,
                                          duty_list__year=period.end.year, duty_list__deleted_at__isnull=True)
                      .select_related("duty_list", "duty_list__unit").prefetch_related("kinds"))
        for status in duty_statuses(duties, as_of):
            if status.done or status.period != period:
                continue
            duty = status.duty
            unit = duty.duty_list.unit
            level = ctx.level(period.end, ctx.rules.for_path(RuleKind.DUTY, unit.path))
            if level:
                title = f"{period.label}尚无纪实：{duty.text[:40]}"
                yield DueItem(RuleKind.DUTY, f"duty:{duty.pk}:{period.start.isoformat()}", title,
                              duty.duty_list.owner_id, unit.pk, period.end, level, url.format(duty.pk))


def _letters(ctx: Context) -> Iterator[DueItem]:
    """Letters not signed by the date the issuing unit set (this year's and last year's)."""
    from qinglian.records.models import Letter

    url = _url("records:letter")
    rows = (Letter.objects.filter(ctx.scope(), signed_on__isnull=True, year__in=[ctx.today.year - 1, ctx.today.year])
            .select_related("issuer", "unit", "signatory"))
    for letter in rows:
        rule = ctx.rules.for_path(RuleKind.LETTER, letter.issuer.path)
        month, day = rule.sign_by
        due = dt.date(letter.year, month, day)
        level = ctx.level(due, rule)
        if level:
            yield DueItem(RuleKind.LETTER, f"letter:{letter.pk}", f"未签订：{letter}", letter.signatory_id,
                          letter.unit_id, due, level, url.format(letter.pk))


def _orders(ctx: Context) -> Iterator[DueItem]:
    from qinglian.ledger.models import OrderState, SupervisionOrder

    url = _url("ledger:problem")
    rows = (SupervisionOrder.objects.filter(ctx.scope(), state=OrderState.OPEN,
                                            due_date__lte=ctx.widest(RuleKind.ORDER))
            .order_by().values_list("pk", "content", "security_label", "measure__owner_id", "unit_id", "unit__path",
                                    "due_date", "problem_id"))
    for pk, content, label, owner_id, unit_id, path, due, problem_id in rows:
        level = ctx.level(due, ctx.rules.for_path(RuleKind.ORDER, path))
        if level:
            yield DueItem(RuleKind.ORDER, f"order:{pk}", _label(content, label, "督办答复"), owner_id, unit_id, due,
                          level, url.format(problem_id))


def _alerts(ctx: Context) -> Iterator[DueItem]:
    from qinglian.publicity.models import AlertLetter, TicketState

    url = _url("publicity:ticket")
    rows = (AlertLetter.objects.filter(ctx.scope(), ticket__state=TicketState.ALERTED,
                                       deadline__lte=ctx.widest(RuleKind.ALERT))
            .order_by().values_list("pk", "year", "number", "unit_id", "unit__path", "deadline", "ticket_id"))
    for pk, year, number, unit_id, path, deadline, ticket_id in rows:
        level = ctx.level(deadline, ctx.rules.for_path(RuleKind.ALERT, path))
        if level:
            yield DueItem(RuleKind.ALERT, f"alert:{pk}", f"《舆情提示函》〔{year}〕第{number}期待反馈", None, unit_id,
                          deadline, level, url.format(ticket_id))


def _reviews(ctx: Context) -> Iterator[DueItem]:
    """Drafts whose current stage has waited more than the rule's working days: one item per reviewer."""
    from qinglian.publicity.models import Draft, DraftState, Stage
    from qinglian.publicity.review import draft_reviewers

    url = _url("publicity:draft")
    drafts = (Draft.objects.filter(ctx.scope(), state=DraftState.REVIEWING).select_related("unit", "created_by")
              .annotate(last=Max("signoffs__signed_at")))
    for draft in drafts:
        since = timezone.localdate(max(filter(None, (draft.last, draft.created_at))))
        rule = ctx.rules.for_path(RuleKind.REVIEW, draft.unit.path)
        due = ctx.calendar.add_workdays(since, rule.wait)
        level = ctx.level(due, rule)
        if not level:
            continue
        stage = Stage(draft.stage).label if draft.stage else ""
        for person in draft_reviewers(draft, draft.stage):
            yield DueItem(RuleKind.REVIEW, f"review:{draft.pk}:{draft.stage}:{since.isoformat()}:{person.pk}",
                          _label(draft.title, draft.security_label, f"稿件待{stage}"), person.pk, draft.unit_id, due,
                          level, url.format(draft.pk))


def _follow_ups(ctx: Context) -> Iterator[DueItem]:
    from qinglian.ledger.models import FollowUp, FollowUpResult

    url = _url("ledger:problem")
    rows = (FollowUp.objects.filter(ctx.scope(), result=FollowUpResult.PENDING,
                                    scheduled_date__lte=ctx.widest(RuleKind.FOLLOWUP))
            .order_by().values_list("pk", "problem__text", "problem__security_label", "unit_id", "unit__path",
                                    "scheduled_date", "problem_id"))
    for pk, text, label, unit_id, path, day, problem_id in rows:
        level = ctx.level(day, ctx.rules.for_path(RuleKind.FOLLOWUP, path))
        if level:
            yield DueItem(RuleKind.FOLLOWUP, f"followup:{pk}", _label(text, label, "回头看"), None, unit_id, day,
                          level, url.format(problem_id))


def _holidays(ctx: Context) -> Iterator[DueItem]:
    """节前廉政提醒 for each unit, from its `lead`-th working day before the break until the break begins."""
    base = ctx.rules.base[RuleKind.HOLIDAY]
    # the widest lead in working days spans at most about twice as many calendar days, plus a long break
    breaks = [b for b in breaks_ahead(ctx.calendar, ctx.today + ONE, 2 * base.lead_max + 14)
              if b.remind_on(ctx.calendar, base.lead_max) <= ctx.today]
    if not breaks:
        return
    url = reverse("home")
    units = Unit.objects.filter(ctx.scope("self")).order_by().values_list("pk", "path")
    for unit_id, path in units:
        rule = ctx.rules.for_path(RuleKind.HOLIDAY, path)
        for b in breaks:
            if b.remind_on(ctx.calendar, rule.lead) <= ctx.today < b.first_day:
                title = f"节前廉政提醒：{b.name}（{b.first_day.month}月{b.first_day.day}日起放假）"
                yield DueItem(RuleKind.HOLIDAY, f"holiday:{unit_id}:{b.first_day.isoformat()}", title, None, unit_id,
                              b.first_day, DueLevel.UPCOMING, url, rule.text)


COLLECTORS: dict[str, Callable[[Context], Iterable[DueItem]]] = {
    RuleKind.MEASURE: _measures, RuleKind.DUTY: _duties, RuleKind.LETTER: _letters, RuleKind.ORDER: _orders,
    RuleKind.ALERT: _alerts, RuleKind.REVIEW: _reviews, RuleKind.FOLLOWUP: _follow_ups,
    RuleKind.HOLIDAY: _holidays,
}


def due_items(*, today: dt.date, units: Any = None, kinds: Iterable[str] | None = None) -> list[DueItem]:
    """Everything due as of `today` in `units` (a Unit: its subtree; a Unit queryset; None: the whole tree),
    sorted by (due, kind, key). `kinds` limits the kinds computed (default: every enabled kind)."""
    ctx = Context(today, units)
    items: list[DueItem] = []
    for kind in kinds_enabled(ctx.rules, kinds):
        items.extend(COLLECTORS[kind](ctx))
    return sorted(items, key=lambda i: (i.due, i.kind, i.key))
