"""One cadre's records for the 党风廉政意见回复 (kinds "integrity.…"), beside `reports.person`'s "person.…".

The statistics engine counts a unit subtree, not a person; like `reports.person`, this module counts one
person's rows and returns the engine's own `Figure` / `RecordRef`, each figure from one queryset
(`figure_querysets`) that both the count and its trace use.

- integrity.talk.received / integrity.talk.<code>: talks of the kinds counted in 人次 (谈心谈话, 提醒谈话,
  约谈 …) in which the person was the one talked to (`Activity.talked_to`), in the period; counted in 次.
- integrity.ledger.*: rectification measures the person is 责任领导 or 责任人 of, of the sources fed back in
  the period (the ledger's period rule), and their outcomes: 提前/按期/逾期完成 and 经批准延期 by verify's own
  definitions (`verify.stats.measure_qs`), 验收通过, 逾期未完成, 重新整改 (its problem reopened, or itself),
  反向核查不属实.
- integrity.order.*: 督办 on those measures, or on their problems as a whole.

Counts are not content: every figure counts rows of every 密级. What a talk said is content: it is given only
where the talk's label lies within the reader's clearance, by the check the activity pages use
(`lib.models.label_q`, through `Activity.objects.visible_to`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from qinglian.lib.models import LABEL_ORDER, readable_ids
from qinglian.org.models import Person
from qinglian.reports.genres.common import sentence_end
from qinglian.reports.genres.data import LedgerItem, OrderItem, TalkItem
from qinglian.stats.registry import Definition, Figure, RecordRef

PREFIX = "integrity."
LIST_LIMIT = 30  # rows a document lists per section (every row is counted, and traced on the trace page)

LEDGER_FIGURES: dict[str, str] = {  # key → name; all counted in 条
    "ledger.measures": "牵头或负责整改措施",
    "ledger.leader": "作为责任领导的整改措施",
    "ledger.owner": "作为责任人的整改措施",
    "ledger.early": "提前完成",
    "ledger.on_time": "按期完成",
    "ledger.late": "逾期完成",
    "ledger.extended": "经批准延期",
    "ledger.awaiting": "已完成待验收",
    "ledger.accepted": "验收通过",
    "ledger.overdue": "逾期未完成",
    "ledger.reopened": "重新整改",
    "ledger.refuted": "反向核查不属实",
}
ORDER_FIGURES = {"order.total": ("督办", "件"), "order.open": ("未办结督办", "件")}


def period_measures(person: Person, date_from: dt.date, date_to: dt.date) -> QuerySet[Any]:
    from qinglian.ledger.models import Measure, Source

    sources = Source.objects.filter(feedback_date__gte=date_from, feedback_date__lte=date_to).values("pk")
    return Measure.objects.filter(Q(leader_in_charge=person) | Q(owner=person), source__in=sources)


def received_talks(person: Person, date_from: dt.date, date_to: dt.date) -> QuerySet[Any]:
    from qinglian.records.models import Activity

    return Activity.objects.filter(kind__counts_persons=True, talked_to=person, happened_on__gte=date_from,
                                   happened_on__lte=date_to)


def _orders(measures: QuerySet[Any]) -> QuerySet[Any]:
    from qinglian.ledger.models import SupervisionOrder

    ids = measures.values("pk")
    return SupervisionOrder.objects.filter(
        Q(measure__in=ids) | Q(measure__isnull=True, problem__in=measures.values("problem_id")))


def figure_querysets(person: Person, date_from: dt.date, date_to: dt.date,
                     today: dt.date) -> dict[str, QuerySet[Any]]:
    """key (without the prefix) → the rows behind it: the one definition the counts and the traces use."""
    from qinglian.ledger.models import Closure, OrderState, overdue_q
    from qinglian.records.models import ActivityKind
    from qinglian.verify.models import Acceptance, AcceptanceState, SpotCheckItem, Verdict
    from qinglian.verify.stats import measure_qs

    measures = period_measures(person, date_from, date_to)
    outcome = measure_qs()
    accepted = Acceptance.objects.filter(measure=OuterRef("pk"), state=AcceptanceState.ACCEPTED)
    refuted = SpotCheckItem.objects.filter(measure=OuterRef("pk"), verdict=Verdict.FALSE)
    orders = _orders(measures)
    talks = received_talks(person, date_from, date_to)
    cutoff = min(today, date_to + dt.timedelta(days=1))
    out: dict[str, QuerySet[Any]] = {
        "ledger.measures": measures,
        "ledger.leader": measures.filter(leader_in_charge=person),
        "ledger.owner": measures.filter(owner=person),
        **{f"ledger.{key}": measures.filter(outcome[key]) for key in ("early", "on_time", "late", "extended",
                                                                        "awaiting")},
        "ledger.accepted": measures.filter(Exists(accepted)),
        "ledger.overdue": measures.filter(overdue_q(cutoff)),
        "ledger.reopened": measures.filter(Q(closure=Closure.REOPENED) | Q(problem__reopened_count__gt=0)),
        "ledger.refuted": measures.filter(Exists(refuted)),
        "order.total": orders,
        "order.open": orders.exclude(state=OrderState.CLOSED),
        "talk.received": talks,
    }
    for kind in ActivityKind.objects.filter(counts_persons=True).order_by("order", "id"):
        out[f"talk.{kind.code}"] = talks.filter(kind=kind)
    return out


def _name(key: str, kinds: dict[str, str]) -> tuple[str, str]:
    if key in LEDGER_FIGURES:
        return LEDGER_FIGURES[key], "条"
    if key in ORDER_FIGURES:
        return ORDER_FIGURES[key]
    if key == "talk.received":
        return "接受谈话", "次"
    return f"接受{kinds.get(key.removeprefix('talk.'), key)}", "次"


def integrity_figures(person: Person, date_from: dt.date, date_to: dt.date, today: dt.date) -> list[Figure]:
    from qinglian.records.models import ActivityKind

    kinds = dict(ActivityKind.objects.filter(counts_persons=True).values_list("code", "name"))
    result = []
    for key, qs in figure_querysets(person, date_from, date_to, today).items():
        name, counting_unit = _name(key, kinds)
        result.append(Figure(kind=f"{PREFIX}{key}", name=name, counting_unit=counting_unit, count=qs.count(),
                             group="党风廉政意见回复"))
    return result


def integrity_records(person: Person, date_from: dt.date, date_to: dt.date, kind: str, today: dt.date,
                      clearance: str | None = None) -> list[RecordRef]:
    """The rows behind one figure, for the trace page. A talk is named by its date, unit and kind only (its
    topic is content); a measure above the reader's clearance by its number only."""
    from qinglian.ledger.models import Measure, SupervisionOrder

    qs = figure_querysets(person, date_from, date_to, today).get(kind.removeprefix(PREFIX))
    if qs is None:
        return []
    if qs.model is Measure:
        rows = list(qs.order_by("pk"))
        shown = readable_ids(Measure.objects, [m.pk for m in rows], clearance)
        return [RecordRef(type="ledger.measure", id=m.pk, label=m.text[:80] if m.pk in shown else f"整改措施（编号 {m.pk}）",
                          date=m.deadline, url=reverse("ledger:measure", args=[m.pk]),
                          extra={"status": m.get_status_display()}) for m in rows]
    if qs.model is SupervisionOrder:
        return [RecordRef(type="ledger.supervisionorder", id=o.pk, label=f"督办（{o.get_state_display()}）",
                          date=o.due_date, url=reverse("ledger:problem", args=[o.problem_id]))
                for o in qs.order_by("pk")]
    return [RecordRef(type="records.activity", id=a.pk, label=f"{a.unit.name}：{a.kind.name}",
                      date=a.happened_on, late=a.late, url=reverse("records:activity", args=[a.pk]))
            for a in qs.select_related("unit", "kind").order_by("happened_on", "id")]


# -- the lists the document prints ------------------------------------------------------------------------
def _date_zh(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def talk_items(person: Person, date_from: dt.date, date_to: dt.date,
               clearance: str | None) -> tuple[tuple[TalkItem, ...], str]:
    """The talks the person received, oldest first; the content of those above `clearance` withheld. Also the
    highest 密级 whose content is given (the draft is labelled so, and is out of reach of lower readers)."""
    from qinglian.records.models import Activity

    talks = list(received_talks(person, date_from, date_to).select_related("kind", "presided_by")
                 .order_by("happened_on", "id")[:LIST_LIMIT])
    within = readable_ids(Activity.objects, [t.pk for t in talks], clearance)
    items, shown = [], []
    for t in talks:
        if t.pk not in within:
            items.append(TalkItem(date=t.happened_on, kind=t.kind.name, protected=True))
            continue
        who = f"谈话人：{t.presided_by.name}。" if t.presided_by_id else ""
        minutes = str(t.minutes or "").strip()
        content = f"{who}{sentence_end(t.topic)}{sentence_end(minutes[:300]) if minutes else ''}"
        items.append(TalkItem(date=t.happened_on, kind=t.kind.name, protected=False, content=content))
        shown.append(t.security_label)
    return tuple(items), highest(shown)


def highest(labels: list[str]) -> str:
    order = [label.value for label in LABEL_ORDER]
    return max(labels, key=lambda v: order.index(v) if v in order else 0, default="")


def ledger_items(person: Person, date_from: dt.date, date_to: dt.date, today: dt.date,
                 clearance: str | None) -> tuple[tuple[LedgerItem, ...], str]:
    from qinglian.ledger.models import Measure, overdue_q
    from qinglian.verify.stats import measure_qs

    outcome = measure_qs()
    qs = period_measures(person, date_from, date_to)
    rows = list(qs.select_related("leader_in_charge", "owner").order_by("deadline", "id")[:LIST_LIMIT])
    ids = [m.pk for m in rows]
    judged = {key: set(qs.filter(outcome[key], pk__in=ids).values_list("pk", flat=True))
              for key in ("early", "on_time", "late", "awaiting")}
    within = readable_ids(Measure.objects, ids, clearance)
    overdue = set(qs.filter(overdue_q(min(today, date_to + dt.timedelta(days=1))), pk__in=ids)
                  .values_list("pk", flat=True))
    names = {"early": "提前完成", "on_time": "按期完成", "late": "逾期完成", "awaiting": "已完成待验收"}
    items, shown = [], []
    for m in rows:
        roles = (("责任领导", m.leader_in_charge_id), ("责任人", m.owner_id))
        result = next((names[k] for k in names if m.pk in judged[k]), m.get_status_display())
        if m.pk in overdue:
            result += "（已逾期）"
        items.append(LedgerItem(text=m.text if m.pk in within else "", outcome=result,
                                role="、".join(r for r, pk in roles if pk == person.pk),
                                deadline=m.deadline_text or _date_zh(m.deadline)))
        if m.pk in within:
            shown.append(m.security_label)
    return tuple(items), highest(shown)


def order_items(person: Person, date_from: dt.date, date_to: dt.date,
                clearance: str | None) -> tuple[tuple[OrderItem, ...], str]:
    from qinglian.ledger.models import Problem

    orders = list(_orders(period_measures(person, date_from, date_to)).select_related("problem")
                  .order_by("due_date", "id")[:LIST_LIMIT])
    within = readable_ids(Problem.objects, [o.problem_id for o in orders], clearance)
    items = tuple(OrderItem(content=o.content if o.problem_id in within else "", due=_date_zh(o.due_date),
                            state=o.get_state_display()) for o in orders)
    return items, highest([o.problem.security_label for o in orders if o.problem_id in within])


def letter_lines(person: Person, date_from: dt.date, date_to: dt.date) -> tuple[str, ...]:
    from qinglian.records.models import Letter

    rows = (Letter.objects.filter(signatory=person, signed_on__gte=date_from, signed_on__lte=date_to)
            .select_related("issuer", "unit", "signatory").order_by("signed_on", "id")[:LIST_LIMIT])
    return tuple(f"{_date_zh(x.signed_on)}签订{x}" for x in rows)


# -- 统计口径 ------------------------------------------------------------------------------------------------
LEDGER_RULES: dict[str, tuple[str, str]] = {  # key → (what counts among the period's measures, what does not)
    "ledger.measures": ("全部", "本人既非责任领导也非责任人的措施"),
    "ledger.leader": ("本人为责任领导的", "本人只是责任人的措施"),
    "ledger.owner": ("本人为责任人的", "本人只是责任领导的措施"),
    "ledger.early": ("已销号、销号日期早于整改时限（经批准延期的按延期后的时限）的", "未销号、已完成待验收的措施"),
    "ledger.on_time": ("已销号、销号日期恰为整改时限当日的", "未销号、已完成待验收的措施"),
    "ledger.late": ("已销号、销号日期晚于整改时限的", "未销号的措施（逾期未完成另计）"),
    "ledger.extended": ("延期申请已获批准的", "延期申请待审批或未获批准的措施"),
    "ledger.awaiting": ("已批准完成、待验收的", "已销号的措施"),
    "ledger.accepted": ("验收通过的", "待验收、验收不通过的措施"),
    "ledger.overdue": ("未启动或推进中、整改时限早于统计时段结束次日（或今天）且未销号的", "已完成、长期坚持的措施"),
    "ledger.reopened": ("因回头看反弹、观察期内复发等重新整改的（措施本身或其问题重新打开过）", "从未重新打开的措施"),
    "ledger.refuted": ("在反向核查（抽查）中核查结论为不属实的", "属实、部分属实、待核查的措施"),
}


def integrity_definitions() -> dict[str, Definition]:
    """The 统计口径 of the 意见回复's own figures (added to qinglian.stats.definitions by ReportsConfig.ready)."""
    from qinglian.records.models import ActivityKind
    from qinglian.stats.definitions import DELETED, PERIOD

    group = "党风廉政意见回复"
    measures = f"本人为责任领导或责任人、其反馈来源的反馈日期在{PERIOD}内的整改措施"
    out = {}
    for key, (which, other) in LEDGER_RULES.items():
        out[f"{PREFIX}{key}"] = Definition(
            name=LEDGER_FIGURES[key], group=group, counting_unit="条：每条措施记1条",
            counts=f"{measures}中，{which}措施；按现状判断。", excludes=f"{DELETED}；{other}。",
            records="这些整改措施，逐条显示状态（密级高于阅读人的只显示编号）。")
    orders = "对上述整改措施（或其所属问题）下发的督办"
    out[f"{PREFIX}order.total"] = Definition(
        name="督办", group=group, counting_unit="件：每件督办记1件", counts=f"{orders}，不论是否办结。",
        excludes=f"{DELETED}；针对其他人牵头事项的督办。", records="这些督办，逐件显示状态和办理时限。")
    out[f"{PREFIX}order.open"] = Definition(
        name="未办结督办", group=group, counting_unit="件：每件督办记1件", counts=f"{orders}中，待答复或已答复未办结的。",
        excludes=f"{DELETED}；已办结的督办。", records="这些督办，逐件显示状态和办理时限。")
    talks = f"本人为谈话（提醒）对象、发生日期在{PERIOD}内的谈话类记录（按人次计的类型）"
    out[f"{PREFIX}talk.received"] = Definition(
        name="接受谈话", group=group, counting_unit="次：每条谈话记录记1次", counts=f"{talks}，各密级均计入。",
        excludes=f"{DELETED}；本人主持而非被谈话的记录。", records="这些谈话，逐条显示日期、单位和类型（不显示内容）。")
    for kind in ActivityKind.objects.filter(counts_persons=True):
        out[f"{PREFIX}talk.{kind.code}"] = Definition(
            name=f"接受{kind.name}", group=group, counting_unit="次：每条记录记1次",
            counts=f"{talks}中，类型为“{kind.name}”的，各密级均计入。", excludes=f"{DELETED}；其他类型的谈话。",
            records="这些谈话，逐条显示日期、单位和类型（不显示内容）。")
    return out
