"""Reads: the ledger table's rows, a person's 待办, a problem's timeline, and the figures for reports.

Figures rule (`ledger_figures`): a source counts in a period when its feedback date lies in the period;
its aspects, problems and measures count with it, their status taken as of now. `due` counts the
measures of the subtree whose deadline lies in the period, whatever the source; `overdue` counts the
measures of the counted sources still open (未启动/推进中, not 销号) whose deadline is before the end of
the period or today, whichever is earlier.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from qinglian.audit.models import AuditEntry
from qinglian.ledger.calendar import PROVISIONAL_NOTE, countdown, thresholds, warning_bounds, work_calendar
from qinglian.ledger.calendar import stamp as calendar_stamp
from qinglian.ledger.models import (
    ACTIVE_STATUSES,
    Aspect,
    Closure,
    ClosureStep,
    FollowUp,
    FollowUpResult,
    Measure,
    MeasureStatus,
    OrderState,
    Problem,
    Progress,
    Source,
    SourceKind,
    SupervisionOrder,
    deadline_level,
    overdue_q,
    warning_q,
)
from qinglian.lib import sql
from qinglian.lib.memo import memo_key
from qinglian.lib.models import Chosen, PageFirst, ValuesPage, label_q, labels_within
from qinglian.org.models import Person, Role, TeamRole, Unit, path_successor
from qinglian.org.scoping import may_see_unit, rule_key, scope_root, subtree_q

ROW_RELATED = ("problem", "problem__parent", "aspect", "source", "owner", "leader_in_charge", "responsible_unit",
               "unit")
def ledger_memo_key(user: Any, unit: Unit, *question: object) -> str:
    """The lib.memo key of a ledger answer: the question, what the user may see (their scope root decides the
    rows), the unit, and the warning thresholds and holiday arrangements behind every 三色预警."""
    root = scope_root(user)
    return memo_key("ledger", *question, root.path if root else "", unit.path, thresholds(), calendar_stamp())


# Apps beside the ledger may share a measure with units outside its subtree (verify: its 配合单位). Each
# function gives the Q of the measures it shares with `user`, fail-closed like visible_unit_q.
MEASURE_SHARES: list[Callable[[Any], Q]] = []


def visible_measures(user: Any) -> QuerySet[Measure]:
    """The measures `user` may open: those of its units (`visible_to`), and those shared with its unit."""
    qs = Measure.objects.visible_to(user)
    for share in MEASURE_SHARES:
        qs = qs | Measure.objects.filter(share(user)).filter(label_q(Measure, getattr(user, "clearance", "")))
    return qs


def ledger_page(user: Any, unit: Unit, filters: dict[str, Any],
                shape: Callable[[QuerySet[Measure]], QuerySet[Any]] | None = None,
                today: dt.date | None = None) -> PageFirst | ValuesPage:
    """The ledger table, the measures of `unit`'s subtree the user may see, filtered, in ledger order, as a
    page to slice: the page's ids are chosen on the measures alone (the subtree as a range of `position`,
    which starts with the unit's path and follows a moved unit, `ledger_sync_positions`; the clearance; the
    filters; the ledger order), then read through `visible_to` (the rule, on those rows): as the `ROW_VALUES`
    of each (`ValuesPage`), or in `shape` (`PageFirst`). With the rule's join in the choosing, PostgreSQL
    drove a county's page from its 198 units, one probe each (14 ms once the rest of the province held 10× the
    measures, 1 ms from the index)."""
    if shape is None and not (filters.get("q") or filters.get("kind")):
        chosen: Chosen | QuerySet[Measure] | None = _chosen(user, unit, filters, today)
    else:
        chosen = Measure.objects.filter(label_q(Measure, getattr(user, "clearance", ""))).in_subtree(unit)
        if not may_see_unit(user, unit):
            chosen = chosen.none()
        chosen = _filtered(chosen, unit, filters, today)
    if shape is not None:
        return PageFirst(chosen, shape(Measure.objects.visible_to(user)))
    return ValuesPage(chosen, lambda: row_values(Measure.objects.visible_to(user)), ROW_VALUES, rule_key(user),
                      few=filters.get("level") in ("yellow", "green"))


def _nothing_open(filters: dict[str, Any]) -> bool:
    """A 预警 or 逾期 is of an open measure not yet done: asked with a finished status or 已销号, nothing matches
    (answered at once, not by reading every row of that status and dropping it)."""
    status = filters.get("status")
    finished = (status and status not in ACTIVE_STATUSES) or filters.get("closure") == Closure.CLOSED
    return bool((filters.get("level") or filters.get("overdue")) and finished)


def _owner_ids(unit: Unit, owner: str) -> list[int]:
    """The people of `unit`'s subtree of that name: then (owner, position) is one index range, not a join on
    every row."""
    return list(Person.objects.filter(subtree_q(unit), name=owner).values_list("pk", flat=True)[:20])


def _chosen(user: Any, unit: Unit, filters: dict[str, Any], today: dt.date | None) -> Chosen | None:
    """`_filtered` over `ledger_page`'s candidates, written as plain SQL for every filter of the table but 关键词
    and 来源类型 (those go through the queryset): building and compiling the queryset cost 0.5 ms of Python, more
    than PostgreSQL spent choosing the ids. None: nothing can match. test_ledger_page_rows holds both equal to
    the rule and the filters written the plain way."""
    if not may_see_unit(user, unit) or _nothing_open(filters):
        return None
    status, closure = filters.get("status"), filters.get("closure")
    level, overdue = filters.get("level"), filters.get("overdue")
    labels = labels_within(getattr(user, "clearance", ""))  # label_q: a measure carries its own label only
    where = ["deleted_at IS NULL", f"security_label IN ({sql.placeholders(labels)})", "position >= %s",
             "position < %s"]
    params: list[Any] = [*labels, unit.path, path_successor(unit.path)]
    for name, value in (("status", status), ("closure", closure), ("source_id", filters.get("source"))):
        if value:
            where.append(f"{name} = %s")
            params.append(value)
    if owner := filters.get("owner"):
        ids = _owner_ids(unit, owner)
        if not ids:
            return None
        where.append(f"owner_id IN ({sql.placeholders(ids)})")
        params += ids
    today = today or timezone.localdate()
    if overdue or level:  # overdue_q, warning_q: open statuses, not closed, a deadline window
        where.append(f"status IN ({sql.placeholders(ACTIVE_STATUSES)}) AND NOT (closure = %s)")
        params += [*ACTIVE_STATUSES, Closure.CLOSED]
    if overdue:
        where.append("deadline < %s")
        params.append(sql.day(today))
    if level:
        bounds = {k: sql.day(v) for k, v in warning_bounds(today).items()}
        window = {"red": ("deadline < %s", [bounds["today"]]),
                  "yellow": ("deadline >= %s AND deadline <= %s", [bounds["today"], bounds["yellow"]]),
                  "green": ("deadline > %s AND deadline <= %s", [bounds["yellow"], bounds["green"]])}.get(level)
        if window is None:
            return None
        where.append(window[0])
        params += window[1]
    return Chosen(Measure, " AND ".join(where), tuple(params), ("position",))


def _filtered(qs: QuerySet[Measure], unit: Unit, filters: dict[str, Any], today: dt.date | None) -> QuerySet[Measure]:
    today = today or timezone.localdate()
    if status := filters.get("status"):
        qs = qs.filter(status=status)
    if closure := filters.get("closure"):
        qs = qs.filter(closure=closure)
    if owner := filters.get("owner"):
        qs = qs.filter(owner_id__in=_owner_ids(unit, owner))
    if source := filters.get("source"):
        qs = qs.filter(source_id=source)
    if kind := filters.get("kind"):
        qs = qs.filter(source__kind=kind)
    if filters.get("overdue"):
        qs = qs.filter(overdue_q(today))
    if level := filters.get("level"):
        qs = qs.filter(warning_q(level, warning_bounds(today)))
    if _nothing_open(filters):
        qs = qs.none()
    if q := filters.get("q"):
        qs = qs.filter(Q(text__contains=q) | Q(problem__text__contains=q))
    return qs.order_by("position")


# The page's own query joins what every row has (unit, problem, aspect, source); the optional names (parent
# problem's number, owner, leader, responsible unit) come after it by id, for the page's rows only
# (`_with_names`): PostgreSQL spent 20-50 ms planning the ten-table join, for well under 1 ms of execution.
ROW_VALUES = (
    "id", "text", "status", "closure", "deadline", "deadline_text", "problem_id", "problem__text", "problem__order",
    "problem__parent_id", "problem__closure", "aspect_id", "aspect__title", "source_id", "source__kind",
    "source__issued_by", "source__title", "source__feedback_date", "unit__name", "owner_id", "leader_in_charge_id",
    "responsible_unit_id", "owner_text", "leader_in_charge_text", "responsible_unit_text",
)
STATUS_LABELS = dict(MeasureStatus.choices)
CLOSURE_LABELS = dict(Closure.choices)


@dataclass
class LedgerRow:
    """One line of the ledger table from plain values: building nine model instances a row cost more than
    the query itself on a 50-row page."""

    id: int
    text: str
    status: str
    closure: str
    deadline: dt.date | None
    deadline_text: str
    problem_id: int
    problem_text: str
    problem_number: str
    problem_closed: bool
    aspect_id: int
    aspect_title: str
    source_id: int
    source_label: str
    source_date: dt.date | None
    unit_name: str
    owner: str
    leader_in_charge: str
    responsible_unit: str
    level: str = ""
    workdays_left: int | None = None
    provisional: bool = False
    url: str = ""
    problem_url: str = ""
    source_url: str = ""

    status_label = property(lambda self: STATUS_LABELS.get(self.status, ""))
    closure_label = property(lambda self: CLOSURE_LABELS.get(self.closure, ""))
    level_label = property(lambda self: Row.level_label.fget(self))  # type: ignore[attr-defined]
    countdown_text = property(lambda self: Row.countdown_text.fget(self))  # type: ignore[attr-defined]

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "source": self.source_label, "aspect": self.aspect_title, "problem": self.problem_text,
            "problem_id": self.problem_id, "number": self.problem_number, "text": self.text,
            "leader_in_charge": self.leader_in_charge, "responsible_unit": self.responsible_unit,
            "owner": self.owner, "deadline": self.deadline.isoformat() if self.deadline else None,
            "deadline_text": self.deadline_text, "status": self.status, "status_label": self.status_label,
            "closure": self.closure, "warning_level": self.level, "workdays_left": self.workdays_left,
            "provisional": self.provisional, "unit": self.unit_name, "url": self.url,
        }


def row_values(qs: QuerySet[Measure]) -> QuerySet[Any]:
    return qs.values(*ROW_VALUES)


def _with_names(values: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The page's rows with the names `ROW_VALUES` leaves out: two small lookups by id (three with sub-problems)."""
    def names(model: Any, ids: set[Any], field: str) -> dict[int, Any]:
        ids.discard(None)
        # no ORDER BY: a default ordering (a person by unit path) would join and sort for a lookup by id
        return dict(model._base_manager.filter(pk__in=ids).order_by().values_list("pk", field)) if ids else {}

    parents = names(Problem, {v["problem__parent_id"] for v in values}, "order")
    people = names(Person, {v[k] for v in values for k in ("owner_id", "leader_in_charge_id")}, "name")
    units = names(Unit, {v["responsible_unit_id"] for v in values}, "name")
    for v in values:
        v["problem__parent__order"] = parents.get(v["problem__parent_id"])
        v["owner__name"], v["leader_in_charge__name"] = people.get(v["owner_id"]), people.get(v["leader_in_charge_id"])
        v["responsible_unit__name"] = units.get(v["responsible_unit_id"])
    return values


def ledger_rows(values: Iterable[dict[str, Any]], today: dt.date | None = None) -> list[LedgerRow]:
    """The rows of one page (plain values from `row_values`, already sliced) with their 三色预警."""
    today = today or timezone.localdate()
    calendar = work_calendar()
    bounds = warning_bounds(today, calendar)
    measure_url, problem_url, source_url = (reverse(f"ledger:{n}", args=[0]).replace("/0/", "/{}/")
                                            for n in ("measure", "problem", "source"))
    kinds = dict(SourceKind.choices)
    rows = []
    for v in _with_names(list(values)):
        parent_order = v["problem__parent__order"]
        number = f"{parent_order}（{v['problem__order']}）" if v["problem__parent_id"] else f"{v['problem__order']}."
        issued = v["source__issued_by"]
        row = LedgerRow(
            id=v["id"], text=v["text"], status=v["status"], closure=v["closure"], deadline=v["deadline"],
            deadline_text=v["deadline_text"], problem_id=v["problem_id"], problem_text=v["problem__text"],
            problem_number=number, problem_closed=v["problem__closure"] == Closure.CLOSED,
            aspect_id=v["aspect_id"], aspect_title=v["aspect__title"], source_id=v["source_id"],
            source_label=v["source__title"] or f"{issued}{kinds.get(v['source__kind'], '')}反馈问题整改台账",
            source_date=v["source__feedback_date"], unit_name=v["unit__name"],
            # a name an import kept as written (待匹配) is shown as written while no person or unit is linked
            owner=v["owner__name"] or v["owner_text"], leader_in_charge=v["leader_in_charge__name"] or
            v["leader_in_charge_text"], responsible_unit=v["responsible_unit__name"] or v["responsible_unit_text"],
            url=measure_url.format(v["id"]), problem_url=problem_url.format(v["problem_id"]),
            source_url=source_url.format(v["source_id"]))
        active = row.status in ACTIVE_STATUSES and row.closure != Closure.CLOSED
        if active and row.deadline is not None:
            row.level = deadline_level(row.deadline, bounds)
            cd = countdown(row.deadline, today, calendar)
            row.workdays_left, row.provisional = cd.workdays_left, cd.provisional
        rows.append(row)
    return rows


@dataclass
class Row:
    """A measure with its 三色预警 as shown on the ledger page and in 我的待办."""

    measure: Measure
    level: str
    workdays_left: int | None
    provisional: bool
    url: str = ""
    problem_url: str = ""
    source_url: str = ""

    @property
    def level_label(self) -> str:
        return {"red": "逾期", "yellow": "黄色预警", "green": "绿色预警"}.get(self.level, "")

    @property
    def countdown_text(self) -> str:
        if self.workdays_left is None:
            return ""
        note = PROVISIONAL_NOTE if self.provisional else ""
        if self.workdays_left < 0:
            return f"已逾期 {-self.workdays_left} 个工作日{note}"
        return f"剩 {self.workdays_left} 个工作日{note}"


def with_warnings(measures: list[Measure], today: dt.date | None = None) -> list[Row]:
    today = today or timezone.localdate()
    calendar = work_calendar()
    bounds = warning_bounds(today, calendar)
    # one reverse() per kind of link, not three per row
    measure_url, problem_url, source_url = (reverse(f"ledger:{n}", args=[0]).replace("/0/", "/{}/")
                                            for n in ("measure", "problem", "source"))
    rows = []
    for m in measures:
        level = m.warning(bounds)
        left, provisional = None, False
        if m.deadline is not None and m.is_active:
            cd = countdown(m.deadline, today, calendar)
            left, provisional = cd.workdays_left, cd.provisional
        rows.append(Row(m, level, left, provisional, measure_url.format(m.pk), problem_url.format(m.problem_id),
                        source_url.format(m.source_id)))
    return rows


def measure_json(row: Row) -> dict[str, Any]:
    m = row.measure
    return {
        "id": m.pk, "source": str(m.source), "aspect": m.aspect.title, "problem": m.problem.text,
        "problem_id": m.problem_id, "number": m.problem.number, "text": m.text,
        "leader_in_charge": m.leader_shown, "responsible_unit": m.unit_shown, "owner": m.owner_shown,
        "unmatched": m.unmatched_fields(), "deadline": m.deadline.isoformat() if m.deadline else None,
        "deadline_text": m.deadline_text, "status": m.status, "status_label": m.get_status_display(),
        "closure": m.closure, "warning_level": row.level, "workdays_left": row.workdays_left,
        "provisional": row.provisional, "unit": m.unit.name,
    }


# -- 我的待办 -----------------------------------------------------------------------------------------
def todo_for(user: Any, today: dt.date | None = None, limit: int = 200) -> dict[str, Any]:
    """What is due for the logged-in user's person: as 责任人 (green and beyond), as 责任领导 (yellow and
    red), as 主要领导 of the unit (red); closures waiting for a leader; open supervision orders."""
    today = today or timezone.localdate()
    bounds = warning_bounds(today)
    person = getattr(user, "person", None)
    visible = Measure.objects.visible_to(user).select_related(*ROW_RELATED)
    result: dict[str, Any] = {"owner": [], "leader": [], "principal": [], "approvals": [], "orders": []}
    if person is not None:
        due = warning_q("red", bounds) | warning_q("yellow", bounds) | warning_q("green", bounds)
        hot = warning_q("red", bounds) | warning_q("yellow", bounds)
        result["owner"] = with_warnings(list(visible.filter(due, owner=person).order_by("deadline")[:limit]), today)
        result["leader"] = with_warnings(
            list(visible.filter(hot, leader_in_charge=person).order_by("deadline")[:limit]), today)
        if person.team_role == TeamRole.PRINCIPAL:
            units = Unit.objects.filter(subtree_q(person.unit, "self")).values("pk")
            result["principal"] = with_warnings(list(
                visible.filter(warning_q("red", bounds)).filter(Q(unit=person.unit_id) | Q(responsible_unit__in=units))
                .order_by("deadline")[:limit]), today)
    if user.role == Role.LEADER:
        result["approvals"] = list(
            Measure.objects.visible_to(user).filter(closure=Closure.REQUESTED).select_related("problem")[:limit])
        result["problem_approvals"] = list(
            Problem.objects.visible_to(user).filter(closure=Closure.REQUESTED)[:limit])
    orders = SupervisionOrder.objects.visible_to(user).exclude(state=OrderState.CLOSED).select_related("problem")
    if user.role == Role.SUPERVISOR:
        orders = orders.filter(issued_by=user)
    result["orders"] = list(orders.order_by("due_date")[:limit])
    result["follow_ups"] = list(FollowUp.objects.visible_to(user).filter(result=FollowUpResult.PENDING,
                                scheduled_date__lte=today + dt.timedelta(days=30)).select_related("problem")[:limit])
    return result


def open_order_counts(user: Any, unit: Unit) -> int:
    qs = SupervisionOrder.objects.visible_to(user).filter(subtree_q(unit)).exclude(state=OrderState.CLOSED)
    return qs.count()


# -- a problem's whole road ------------------------------------------------------------------------------
@dataclass
class Event:
    at: Any
    kind: str
    who: str
    text: str
    url: str = ""
    files: Any = None


def problem_timeline(problem: Problem) -> list[Event]:
    problems = [problem.pk, *Problem.objects.filter(parent=problem).values_list("pk", flat=True)]
    measures = {m.pk: m for m in Measure.objects.filter(problem__in=problems)}
    events: list[Event] = []
    for p in Progress.objects.filter(measure__in=list(measures)).select_related("created_by").prefetch_related(
            "evidence"):
        events.append(Event(p.created_at, "进展", _who(p.created_by),
                            f"措施“{measures[p.measure_id].text[:30]}”：{p.text}（{p.get_status_after_display()}）",
                            files=list(p.evidence.all())))
    for s in ClosureStep.objects.filter(problem__in=problems).select_related("created_by", "measure"):
        target = f"措施“{s.measure.text[:30]}”" if s.measure_id else "问题"
        events.append(Event(s.created_at, s.get_kind_display(), _who(s.created_by), f"{target}：{s.opinion}"))
    for f in FollowUp.objects.filter(problem__in=problems).select_related("created_by"):
        events.append(Event(f.created_at, "安排回头看", _who(f.created_by), f"计划于 {f.scheduled_date} 开展"))
        if f.result != FollowUpResult.PENDING:
            events.append(Event(f.updated_at, "回头看", _who(f.updated_by), f"{f.get_result_display()}：{f.finding}"))
    for o in SupervisionOrder.objects.filter(problem__in=problems).select_related("issued_by"):
        events.append(Event(o.created_at, "督办", _who(o.issued_by), f"{o.content}（限 {o.due_date} 前）"))
        if o.answered_at:
            events.append(Event(o.answered_at, "答复督办", "", o.answer))
    ids = [str(pk) for pk in problems]
    audit = AuditEntry.objects.filter(
        Q(object_type="ledger.problem", object_id__in=ids)
        | Q(object_type="ledger.measure", object_id__in=[str(pk) for pk in measures])
    ).filter(action__in=["create", "update", "delete", "restore", "import"]).order_by("id")[:500]
    for e in audit:
        events.append(Event(e.at, e.get_action_display(), e.actor_name, e.summary))
    return sorted(events, key=lambda e: e.at, reverse=True)


def _who(user: Any) -> str:
    return user.display_name if user is not None else "系统"


# -- figures ------------------------------------------------------------------------------------------------
def scoped_sources(root: Unit, date_from: dt.date, date_to: dt.date,
                   only: Sequence[int] | None = None) -> QuerySet[Source]:
    """The sources fed back in the period (the ledger's period rule); `only`: just these of them."""
    qs = Source.objects.filter(subtree_q(root), feedback_date__gte=date_from, feedback_date__lte=date_to)
    return qs.filter(pk__in=list(only)) if only else qs


def figure_querysets(root: Unit, date_from: dt.date, date_to: dt.date, today: dt.date | None = None,
                     only: Sequence[int] | None = None) -> dict[str, QuerySet[Any]]:
    """kind → the rows behind it; the one definition both the figures and their traces use. `only`: the
    figures of these sources alone (a rectification notice for one inspection)."""
    today = today or timezone.localdate()
    sources = scoped_sources(root, date_from, date_to, only)
    source_ids = sources.values("pk")
    measures = Measure.objects.filter(source__in=source_ids)
    leaves = Problem.objects.leaves().filter(source__in=source_ids)
    cutoff = min(today, date_to + dt.timedelta(days=1))
    return {
        "sources": sources,
        "aspects": Aspect.objects.filter(source__in=source_ids),
        "problems": leaves,
        "measures": measures,
        "done": measures.filter(status=MeasureStatus.DONE),
        "in_progress": measures.filter(status=MeasureStatus.IN_PROGRESS),
        "not_started": measures.filter(status=MeasureStatus.NOT_STARTED),
        "long_term": measures.filter(status=MeasureStatus.LONG_TERM),
        "overdue": measures.filter(overdue_q(cutoff)),
        "closed": leaves.filter(closure=Closure.CLOSED),
        "due": (measures if only else Measure.objects.filter(subtree_q(root))).filter(
            deadline__gte=date_from, deadline__lte=date_to),
        "orders_open": SupervisionOrder.objects.filter(problem__source__in=source_ids).exclude(
            state=OrderState.CLOSED),
        "reopened": leaves.filter(reopened_count__gt=0),
    }


FIGURES: dict[str, tuple[str, str]] = {  # kind → (name, counting unit)
    "sources": ("整改反馈来源", "个"),
    "aspects": ("问题方面", "个"),
    "problems": ("具体问题", "项"),
    "measures": ("整改措施", "条"),
    "done": ("已完成措施", "条"),
    "in_progress": ("推进中措施", "条"),
    "not_started": ("未启动措施", "条"),
    "long_term": ("长期坚持措施", "条"),
    "overdue": ("逾期措施", "条"),
    "closed": ("已销号问题", "项"),
    "due": ("期内到期措施", "条"),
    "orders_open": ("未办结督办", "件"),
    "reopened": ("回头看后重新整改问题", "项"),
}


def source_figures(root: Unit, date_from: dt.date, date_to: dt.date, only: Sequence[int]) -> dict[str, int]:
    """The ledger's figures for some sources of the period only, counted from `figure_querysets` itself
    (one COUNT each: a notice asks this once)."""
    return {key: qs.count() for key, qs in figure_querysets(root, date_from, date_to, only=only).items()}


COUNT_KEYS = ("sources", "aspects", "measures", "done", "in_progress", "not_started", "long_term", "overdue",
              "problems", "closed", "reopened", "due", "orders_open")


@functools.cache
def _counts_sql(whole: bool = False) -> str:
    """`figure_querysets` counted in one statement (six ORM queries took ~8 ms to build; see lib.sql); `whole`:
    the subtree is the whole tree, nothing to test of each row's unit."""
    t = sql.tables(Source, Aspect, Problem, Measure, SupervisionOrder)
    # identifiers from the models (lib.sql.tables), every value a bound parameter
    return f"""
        WITH src AS (
            SELECT s.id FROM {t["source"]} s
            WHERE s.deleted_at IS NULL AND {sql.in_subtree("s.unit_id", whole)}
              AND s.feedback_date >= %(date_from)s AND s.feedback_date <= %(date_to)s)
        SELECT
            (SELECT COUNT(*) FROM src),
            (SELECT COUNT(*) FROM {t["aspect"]} a WHERE a.deleted_at IS NULL AND a.source_id IN (SELECT id FROM src)),
            m.total, m.done, m.in_progress, m.not_started, m.long_term, m.overdue,
            p.total, p.closed, p.reopened,
            (SELECT COUNT(*) FROM {t["measure"]} d
             WHERE d.deleted_at IS NULL AND {sql.in_subtree("d.unit_id", whole)}
               AND d.deadline >= %(date_from)s AND d.deadline <= %(date_to)s),
            (SELECT COUNT(*) FROM {t["supervisionorder"]} o JOIN {t["problem"]} op ON op.id = o.problem_id
             WHERE o.deleted_at IS NULL AND NOT (o.state = %(order_closed)s) AND op.source_id IN (SELECT id FROM src))
        FROM
            (SELECT COUNT(*) AS total,
                    COALESCE(SUM(CASE WHEN status = %(done)s THEN 1 ELSE 0 END), 0) AS done,
                    COALESCE(SUM(CASE WHEN status = %(in_progress)s THEN 1 ELSE 0 END), 0) AS in_progress,
                    COALESCE(SUM(CASE WHEN status = %(not_started)s THEN 1 ELSE 0 END), 0) AS not_started,
                    COALESCE(SUM(CASE WHEN status = %(long_term)s THEN 1 ELSE 0 END), 0) AS long_term,
                    COALESCE(SUM(CASE WHEN status IN (%(not_started)s, %(in_progress)s) AND deadline < %(cutoff)s
                                       AND NOT (closure = %(closed)s) THEN 1 ELSE 0 END), 0) AS overdue
             FROM {t["measure"]} WHERE deleted_at IS NULL AND source_id IN (SELECT id FROM src)) m,
            (SELECT COUNT(*) AS total,
                    COALESCE(SUM(CASE WHEN closure = %(closed)s THEN 1 ELSE 0 END), 0) AS closed,
                    COALESCE(SUM(CASE WHEN reopened_count > 0 THEN 1 ELSE 0 END), 0) AS reopened
             FROM {t["problem"]} WHERE deleted_at IS NULL AND is_leaf = %(true)s
               AND source_id IN (SELECT id FROM src)) p"""  # nosec B608


def ledger_counts(root: Unit, date_from: dt.date, date_to: dt.date, today: dt.date | None = None,
                  whole: bool = False) -> dict[str, int]:
    """The count of every kind of `figure_querysets`, from one statement; `whole`: `root` is the whole tree
    (`lib.sql.whole_tree`)."""
    cutoff = min(today or timezone.localdate(), date_to + dt.timedelta(days=1))
    params = {**sql.subtree(root), "date_from": sql.day(date_from), "date_to": sql.day(date_to),
              "cutoff": sql.day(cutoff), "closed": Closure.CLOSED, "order_closed": OrderState.CLOSED, "true": True,
              **{status.value: status.value for status in MeasureStatus}}
    (row,) = sql.fetch(_counts_sql(whole), params)
    return dict(zip(COUNT_KEYS, map(int, row), strict=True))


def ledger_figures(scope: Any, today: dt.date | None = None) -> dict[str, Any]:
    """All ledger figures of a unit subtree and period (see the module docstring for the rule).

    Returns {"aspects": 3, "problems": 12, …, "completion_rate": 0.75, "closure_rate": 0.5, "phrase":
    "3个方面12项具体问题"}: `completion_rate` = measures done or 长期坚持 / measures; `closure_rate` =
    specific problems 销号 / specific problems."""
    figures: dict[str, Any] = ledger_counts(scope.root, scope.date_from, scope.date_to, today,
                                            whole=getattr(scope, "whole", False))
    total, problems = figures["measures"], figures["problems"]
    figures["completion_rate"] = round((figures["done"] + figures["long_term"]) / total, 4) if total else 0.0
    figures["closure_rate"] = round(figures["closed"] / problems, 4) if problems else 0.0
    figures["phrase"] = f"{figures['aspects']}个方面{figures['problems']}项具体问题"
    return figures


def record_label(kind: str, obj: Any) -> tuple[str, str, dt.date | None]:
    """(label, url, date) of one row behind a figure."""
    if isinstance(obj, Source):
        return str(obj), reverse("ledger:source", args=[obj.pk]), obj.feedback_date
    if isinstance(obj, Aspect):
        return obj.title, reverse("ledger:source", args=[obj.source_id]), None
    if isinstance(obj, Problem):
        return obj.text[:80], reverse("ledger:problem", args=[obj.pk]), obj.closed_at
    if isinstance(obj, Measure):
        return obj.text[:80], reverse("ledger:measure", args=[obj.pk]), obj.deadline
    if isinstance(obj, SupervisionOrder):
        return obj.content[:80], reverse("ledger:problem", args=[obj.problem_id]), obj.due_date
    return str(obj), "", None


ACTIVE = ACTIVE_STATUSES


# -- a source's outline, a page at a time --------------------------------------------------------------------
PROBLEMS_SHOWN = 10  # top-level problems of an aspect per page
PARTS_SHOWN = 10  # sub-problems shown under a problem (the problem's page lists them all)


def aspects_with_counts(source: Source) -> QuerySet[Aspect]:
    """The source's aspects, each with its problem counts (problem_count top-level, leaf_count specific,
    closed_count specific and 销号), in one query."""
    from django.db.models import Count

    alive = Q(problems__deleted_at__isnull=True)
    return (Aspect.objects.filter(source=source).order_by("order", "id").annotate(
        problem_count=Count("problems", filter=alive & Q(problems__parent__isnull=True)),
        leaf_count=Count("problems", filter=alive & Q(problems__is_leaf=True)),
        closed_count=Count("problems", filter=alive & Q(problems__is_leaf=True, problems__closure=Closure.CLOSED))))


def _first_of_each(qs: QuerySet[Problem], by: str, offset: int, size: int) -> list[Problem]:
    """Rows offset+1 … offset+size+1 of each `by` group in (order, id), one query whatever the groups hold."""
    from django.db.models import F, Window
    from django.db.models.functions import RowNumber

    rank = Window(RowNumber(), partition_by=[F(by)], order_by=[F("order").asc(), F("id").asc()])
    return list(qs.annotate(rank=rank).filter(rank__gt=offset, rank__lte=offset + size + 1).order_by(by, "rank"))


def aspect_problems(aspects: Iterable[Aspect], page: int = 1, size: int = PROBLEMS_SHOWN, *,
                    user: Any = None) -> None:
    """Set on each aspect `top` (its top-level problems of page `page`, each with `parts` and `more_parts`),
    `more` (a next page exists) and `offset`: two queries whatever the number of problems. With `user`, only
    the problems of the labels within the user's clearance (the aspects were fetched through visible_to)."""
    within = Q() if user is None else label_q(Problem, getattr(user, "clearance", ""))
    by_id = {a.pk: a for a in aspects}
    offset = (page - 1) * size
    tops = _first_of_each(Problem.objects.filter(within, aspect_id__in=list(by_id), parent__isnull=True), "aspect_id",
                          offset, size)
    for a in by_id.values():
        a.top, a.more, a.offset, a.next_page = [], False, offset, page + 1
    for p in tops:
        aspect = by_id[p.aspect_id]
        if len(aspect.top) < size:
            aspect.top.append(p)
            p.parts, p.more_parts = [], False
        else:
            aspect.more = True
    shown = {p.pk: p for a in by_id.values() for p in a.top}
    for c in _first_of_each(Problem.objects.filter(within, parent_id__in=list(shown)), "parent_id", 0, PARTS_SHOWN):
        parent = shown[c.parent_id]
        if len(parent.parts) < PARTS_SHOWN:
            parent.parts.append(c)
        else:
            parent.more_parts = True
