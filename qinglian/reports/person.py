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
from qinglian.stats.registry import Figure, RecordRef

PREFIX = "person."


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
