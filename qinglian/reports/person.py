"""A thin adapter: one person's figures for the 述责述廉 report (kinds "person.…").

The statistics engine counts a unit subtree, not a person, so this module counts what a person did the same
way the engine's providers do (same models, same period rule, same weights) and returns the engine's own
`Figure` / `RecordRef` types, so the report, its trace page and its .xlsx appendix treat them alike.

- person.activity.<code>: activities of that kind the person presided or took part in; for kinds counted in
  人次 (talks), the persons talked to in talks the person held.
- person.letter.signed: responsibility letters and pledges the person signed in the period.
- person.duty.total / person.duty.done: duties of the person's own lists (第一责任人清单, 一岗双责清单) of the
  period's last year, and those evidenced in their current period.
- person.ledger.measures / person.ledger.done: rectification measures the person leads (责任领导).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, Sum
from django.urls import reverse

from qinglian.org.models import Person
from qinglian.stats.registry import Definition, Figure, RecordRef

PREFIX = "person."


def person_definitions() -> dict[str, Definition]:
    """The 统计口径 of a person's figures (added to qinglian.stats.definitions by ReportsConfig.ready)."""
    from qinglian.records.models import ActivityKind
    from qinglian.stats.definitions import DELETED, PERIOD

    out = {}
    for kind in ActivityKind.objects.all():
        cu = kind.counting_unit
        if kind.counts_persons:
            counts = (f"本人主持的、发生日期在{PERIOD}内的“{kind.name}”记录，按谈话（提醒）对象人数计"
                      f"（每名对象记1{cu}）")
            other = "本人只是参加或被谈话的记录"
        else:
            counts = f"本人主持或参加的、发生日期在{PERIOD}内的“{kind.name}”记录，每条记1{cu}"
            other = "本人既未主持也未参加的记录"
        out[f"{PREFIX}activity.{kind.code}"] = Definition(
            name=kind.name, group="本人纪实", counting_unit=cu, counts=f"{counts}；补录的记录照常计入。",
            excludes=f"{DELETED}；{other}；发生日期在时段之外的记录。",
            records=f"本人的“{kind.name}”活动记录，逐条显示单位、主题和发生日期。")
    out[f"{PREFIX}letter.signed"] = Definition(
        name="本人签订责任书", group="本人纪实", counting_unit="份：每份记1份",
        counts=f"本人作为签订人、签订日期在{PERIOD}内的责任书和廉政承诺书。",
        excludes=f"{DELETED}；尚未登记签订的；签订日期在时段之外的。", records="本人签订的责任书，逐份显示。")
    measures = "本人为责任领导的全部整改措施（不受统计时段限制，按现状统计）"
    out[f"{PREFIX}ledger.measures"] = Definition(
        name="牵头整改措施", group="本人整改", counting_unit="条：每条措施记1条", counts=f"{measures}。",
        excludes=f"{DELETED}；本人只是责任人而非责任领导的措施。", records="本人牵头的整改措施，逐条显示状态。")
    out[f"{PREFIX}ledger.done"] = Definition(
        name="牵头整改措施已完成", group="本人整改", counting_unit="条：每条措施记1条",
        counts=f"{measures}中，当前状态为已完成或长期坚持的。",
        excludes=f"{DELETED}；未启动、推进中的措施；本人不是责任领导的措施。", records="本人牵头且已完成的整改措施。")
    lists = "本人的清单（第一责任人清单、一岗双责清单）中，年度为统计时段结束日所在年份的责任事项"
    out[f"{PREFIX}duty.total"] = Definition(
        name="本人责任清单事项", group="本人责任", counting_unit="项：每个事项记1项", counts=f"{lists}。",
        excludes="已删除的清单和事项；其他年度的清单。", records="本人的责任事项，逐项显示当期和履行状态。")
    out[f"{PREFIX}duty.done"] = Definition(
        name="本人已履行责任事项", group="本人责任", counting_unit="项：每个事项记1项",
        counts=f"{lists}中，当期（结束日和今天中较早一天所在的周期）已有佐证记录的。",
        excludes="当期尚无佐证记录的事项；已删除的清单、事项和活动记录。", records="本人已履行的责任事项。")
    return out


def _activity_q(person: Person, counts_persons: bool) -> Q:
    """Presided by the person, or (for kinds not counted in 人次) attended. Attendance as a subquery, not a join:
    an OR across a join made PostgreSQL scan every activity for each person."""
    from qinglian.records.models import Activity

    if counts_persons:
        return Q(presided_by=person)
    attended = Activity.participants.through.objects.filter(person=person).values("activity_id")
    return Q(presided_by=person) | Q(pk__in=attended)


def _duty_statuses(person: Person, date_to: dt.date, today: dt.date):  # type: ignore[no-untyped-def]
    from qinglian.records.models import Duty
    from qinglian.records.selectors import duty_statuses

    duties = (Duty.objects.filter(duty_list__owner=person, duty_list__year=date_to.year,
                                  duty_list__deleted_at__isnull=True)
              .select_related("duty_list", "duty_list__unit", "duty_list__owner").prefetch_related("kinds")
              .order_by("duty_list__kind", "order", "id"))
    return duty_statuses(list(duties), min(date_to, today))


def person_figures(person: Person, date_from: dt.date, date_to: dt.date, today: dt.date | None = None,
                   with_duties: bool = True) -> list[Figure]:
    from qinglian.ledger.models import Measure, MeasureStatus
    from qinglian.records.models import Activity, ActivityKind, Letter

    today = today or dt.date.today()
    kinds = list(ActivityKind.objects.all())
    span = Q(happened_on__gte=date_from, happened_on__lte=date_to)
    plain = dict(Activity.objects.filter(span, _activity_q(person, False), kind__counts_persons=False)
                 .order_by().values_list("kind_id").annotate(n=Count("id")))
    talks = dict(Activity.objects.filter(span, _activity_q(person, True), kind__counts_persons=True)
                 .order_by().values_list("kind_id").annotate(n=Sum("weight")))
    result = []
    for kind in kinds:
        n = (talks if kind.counts_persons else plain).get(kind.pk) or 0
        result.append(Figure(kind=f"{PREFIX}activity.{kind.code}", name=kind.name, counting_unit=kind.counting_unit,
                             count=int(n), group="本人纪实"))
    letters = Letter.objects.filter(signatory=person, signed_on__gte=date_from, signed_on__lte=date_to).count()
    result.append(Figure(kind=f"{PREFIX}letter.signed", name="本人签订责任书", counting_unit="份", count=letters,
                         group="本人纪实"))
    measures = Measure.objects.filter(leader_in_charge=person).aggregate(
        total=Count("id"), done=Count("id", filter=Q(status__in=[MeasureStatus.DONE, MeasureStatus.LONG_TERM])))
    result.append(Figure(kind=f"{PREFIX}ledger.measures", name="牵头整改措施", counting_unit="条",
                         count=measures["total"], group="本人整改"))
    result.append(Figure(kind=f"{PREFIX}ledger.done", name="牵头整改措施已完成", counting_unit="条",
                         count=measures["done"], group="本人整改"))
    if with_duties:
        statuses = _duty_statuses(person, date_to, today)
        result.append(Figure(kind=f"{PREFIX}duty.total", name="本人责任清单事项", counting_unit="项",
                             count=len(statuses), group="本人责任"))
        result.append(Figure(kind=f"{PREFIX}duty.done", name="本人已履行责任事项", counting_unit="项",
                             count=sum(1 for s in statuses if s.done), group="本人责任"))
    return result


def person_duties(person: Person, date_to: dt.date, today: dt.date):  # type: ignore[no-untyped-def]
    return _duty_statuses(person, date_to, today)


def person_records(person: Person, date_from: dt.date, date_to: dt.date, kind: str,
                   today: dt.date | None = None) -> list[RecordRef]:
    from qinglian.ledger.models import Measure, MeasureStatus
    from qinglian.records.models import Activity, ActivityKind, Letter

    code = kind.removeprefix(PREFIX)
    if code.startswith("activity."):
        found = ActivityKind.objects.filter(code=code.removeprefix("activity.")).first()
        if found is None:
            return []
        rows = (Activity.objects.filter(_activity_q(person, found.counts_persons), kind=found,
                                        happened_on__gte=date_from, happened_on__lte=date_to)
                .select_related("unit").distinct().order_by("happened_on", "id"))
        return [RecordRef(type="records.activity", id=a.pk, label=f"{a.unit.name}：{a.topic}", date=a.happened_on,
                          late=a.late, weight=a.weight if found.counts_persons else 1,
                          url=reverse("records:activity", args=[a.pk])) for a in rows]
    if code == "letter.signed":
        return [RecordRef(type="records.letter", id=x.pk, label=str(x), date=x.signed_on, late=x.late,
                          url=reverse("records:letter", args=[x.pk]))
                for x in Letter.objects.filter(signatory=person, signed_on__gte=date_from, signed_on__lte=date_to)
                .select_related("issuer", "unit", "signatory").order_by("signed_on", "id")]
    if code in ("ledger.measures", "ledger.done"):
        qs = Measure.objects.filter(leader_in_charge=person)
        if code == "ledger.done":
            qs = qs.filter(status__in=[MeasureStatus.DONE, MeasureStatus.LONG_TERM])
        return [RecordRef(type="ledger.measure", id=m.pk, label=m.text[:80], date=m.deadline,
                          url=reverse("ledger:measure", args=[m.pk]), extra={"status": m.get_status_display()})
                for m in qs.order_by("pk")]
    if code in ("duty.total", "duty.done"):
        statuses = _duty_statuses(person, date_to, today or dt.date.today())
        return [RecordRef(type="records.duty", id=s.duty.pk, label=f"{s.duty.duty_list}：{s.duty.text}",
                          date=s.last_on, url=reverse("records:duty", args=[s.duty.pk]),
                          extra={"period": s.period.label, "status": "已履行" if s.done else "待履行"})
                for s in statuses if code == "duty.total" or s.done]
    return []
