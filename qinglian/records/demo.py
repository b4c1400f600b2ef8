"""Demo records: the last full calendar year and this year to date, shaped like a real county's year.

中心组学习 monthly at county and department level, 党组会 about twice a month, a few 廉政党课 a year (around
七一 and year end), 廉政提醒谈话 and 警示教育 before 春节 and 中秋/国庆, 任前谈话 around appointments, 三个清单 for
the main departments and towns, letters signed early each year (a few still unsigned this year), risk points
for 宣传部 and some departments; some records entered late (补录). Bulk-created; the statistics pre-aggregate is
rebuilt once at the end.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.utils import timezone

from paperwork.calendar import WorkCalendar
from qinglian.org.demo import DemoContext
from qinglian.org.models import Person, TeamRole, Unit, UnitKind
from qinglian.records.demo_texts import TALK_KINDS, talk_minutes
from qinglian.records.models import (
    Activity,
    ActivityKind,
    Control,
    Duty,
    DutyList,
    DutyListKind,
    Frequency,
    Letter,
    LetterKind,
    RiskPoint,
    RiskReview,
    is_late,
)
from qinglian.records.services import tally_rebuild

CAL = WorkCalendar()

# (text, frequency, kinds) per list kind; the kinds are the records that evidence the duty
DUTIES: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {
    DutyListKind.PARTY_ORG: [
        ("每月召开理论学习中心组学习", Frequency.MONTHLY, ("central_group_study",)),
        ("每季度专题研究党风廉政建设工作", Frequency.QUARTERLY, ("party_group_meeting",)),
        ("每半年开展警示教育", Frequency.HALF_YEARLY, ("warning_education", "warning_film", "education_base_visit")),
        ("每年召开民主生活会", Frequency.YEARLY, ("democratic_life_meeting",)),
        ("每年排查廉政风险点、签订责任书", Frequency.YEARLY, ("rules_made",)),
    ],
    DutyListKind.PRINCIPAL: [
        ("每季度听取班子成员履行一岗双责情况汇报", Frequency.QUARTERLY, ("party_group_meeting",)),
        ("每年讲授廉政党课", Frequency.YEARLY, ("integrity_lecture",)),
        ("每半年约谈班子成员", Frequency.HALF_YEARLY, ("admonition_talk", "integrity_reminder_talk")),
    ],
    DutyListKind.DUAL_ROLE: [
        ("每半年与分管股室负责人开展廉政谈话", Frequency.HALF_YEARLY, ("integrity_reminder_talk", "heart_to_heart_talk")),
        ("每年到分管股室讲廉政党课或开展警示教育", Frequency.YEARLY, ("integrity_lecture", "warning_education")),
    ],
}

TOPICS = {
    "central_group_study": ["传达学习习近平总书记重要讲话精神", "学习党的二十大报告", "学习《中国共产党纪律处分条例》",
                            "专题学习意识形态工作责任制", "学习中央八项规定及其实施细则精神", "学习全国两会精神"],
    "party_group_meeting": ["研究部署党风廉政建设工作", "研究“三重一大”事项", "听取班子成员一岗双责情况汇报",
                            "研究巡察整改工作", "研究意识形态工作", "研究干部选拔任用事项"],
    "collective_study": ["集中学习党章党规", "学习典型案例通报", "学习廉洁从政有关规定"],
    "integrity_lecture": ["以案为鉴 守住底线", "严守纪律规矩 永葆清廉本色", "筑牢拒腐防变思想防线"],
    "integrity_reminder_talk": ["节前廉政提醒谈话", "苗头性问题提醒谈话"],
    "warning_education": ["节前警示教育大会", "典型案例警示教育"],
    "warning_film": ["观看警示教育片《零容忍》", "观看警示教育片《持续发力 纵深推进》"],
    "pre_appointment_talk": ["新任职干部任前廉政谈话"],
    "admonition_talk": ["落实全面从严治党主体责任约谈"],
    "key_post_talk": ["重要岗位人员廉政谈话"],
    "heart_to_heart_talk": ["班子成员谈心谈话"],
    "integrity_sms": ["节前廉政提醒短信"],
    "democratic_life_meeting": ["年度专题民主生活会"],
    "organizational_life_meeting": ["年度组织生活会暨民主评议党员"],
    "branch_committee_meeting": ["支部委员会研究党员发展和教育管理"],
    "party_members_meeting": ["党员大会"],
    "education_base_visit": ["参观廉政教育基地"],
    "court_hearing": ["旁听职务犯罪案件庭审"],
    "inspection": ["节日期间作风纪律监督检查", "落实中央八项规定精神专项督查"],
    "rules_made": ["修订《工作规则》", "制定《公务接待管理办法》", "完善财务报销制度"],
    "seminar": ["专题交流研讨"],
    "training": ["业务能力提升培训班"],
    "study_class": ["主题教育读书班"],
    "party_lecture": ["七一专题党课"],
}


class _Builder:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng: random.Random = ctx.rng
        self.kinds = {k.code: k for k in ActivityKind.objects.all()}
        self.rows: list[Activity] = []
        self.participants: list[tuple[int, list[int]]] = []  # (row index, person ids)
        self.talked: list[tuple[int, list[int]]] = []
        self.tz = timezone.get_current_timezone()
        self.text_rng = random.Random(f"talks-{ctx.seed}")  # its own stream: the rest of the demo is unchanged

    def day_in(self, year: int, month: int, lo: int = 1, hi: int = 28) -> dt.date:
        for _ in range(10):
            d = dt.date(year, month, self.rng.randint(lo, hi))
            if CAL.is_workday(d):
                return d
        return dt.date(year, month, lo)

    def add(self, unit: Unit, code: str, day: dt.date, people: list[Person], talked: list[Person] = ()) -> None:
        if day > self.ctx.today:
            return
        kind = self.kinds[code]
        # most records are entered within a week; about 1 in 15 weeks later (补录)
        lag = self.rng.randint(40, 120) if self.rng.random() < 0.065 else self.rng.randint(0, 6)
        entered = min(day + dt.timedelta(days=lag), self.ctx.today)
        entered_at = dt.datetime.combine(entered, dt.time(9 + self.rng.randint(0, 8), self.rng.randint(0, 59)),
                                         tzinfo=self.tz)
        presided = people[0] if people else None
        weight = max(1, len(talked)) if kind.counts_persons else 1
        self.rows.append(Activity(
            unit=unit, kind=kind, happened_on=day, topic=self.rng.choice(TOPICS.get(code, [kind.name])),
            presided_by=presided, entered_at=entered_at, late=is_late(day, entered_at), weight=weight,
            minutes=talk_minutes(self.text_rng, code, len(self.rows) + 1) if code in TALK_KINDS else "",
            created_by=None))
        index = len(self.rows) - 1
        if people:
            self.participants.append((index, [p.pk for p in people]))
        if talked:
            self.talked.append((index, [p.pk for p in talked]))

    def save(self) -> int:
        Activity.objects.bulk_create(self.rows, batch_size=2000)
        part, talk = Activity.participants.through, Activity.talked_to.through
        part.objects.bulk_create([part(activity_id=self.rows[i].pk, person_id=p)
                                  for i, ids in self.participants for p in ids], batch_size=5000)
        talk.objects.bulk_create([talk(activity_id=self.rows[i].pk, person_id=p)
                                  for i, ids in self.talked for p in ids], batch_size=5000)
        return len(self.rows)


def _holidays(year: int) -> dict[str, dt.date]:
    """First day of each statutory holiday of `year` (春节, 中秋节, 国庆节 …)."""
    found: dict[str, dt.date] = {}
    for h in CAL.upcoming_holidays(dt.date(year, 1, 1), 366):
        if h.first_day.year == year:
            found.setdefault(h.name, h.first_day)
    return found


def _before(day: dt.date, lo: int, hi: int, rng: random.Random) -> dt.date:
    d = day - dt.timedelta(days=rng.randint(lo, hi))
    while not CAL.is_workday(d):
        d -= dt.timedelta(days=1)
    return d


def _months(year: int, today: dt.date) -> Iterator[int]:
    last = 12 if year < today.year else today.month
    yield from range(1, last + 1)


def _units(ctx: DemoContext) -> list[Unit]:
    """Departments and towns whose people the demo knows (all of them at county scale)."""
    units = [u for u in ctx.extra.get("all_units", []) if u.kind in (UnitKind.DEPARTMENT, UnitKind.TOWN)]
    return [u for u in units if ctx.people.get(u.pk)]


def _activities(ctx: DemoContext, b: _Builder, unit: Unit, year: int) -> None:
    rng, today = ctx.rng, ctx.today
    team = ctx.team(unit)
    staff = ctx.staff(unit)
    everyone = team + staff
    if not team:
        return
    holidays = _holidays(year)
    attendees = team + rng.sample(staff, min(len(staff), 3))
    for month in _months(year, today):
        if rng.random() < 0.9:  # a missed month now and then: that duty shows as due
            b.add(unit, "central_group_study", b.day_in(year, month, 8, 25), team)
        for _ in range(rng.choice((1, 2, 2, 2, 3))):
            b.add(unit, "party_group_meeting", b.day_in(year, month), team)
        if rng.random() < 0.5:
            b.add(unit, "collective_study", b.day_in(year, month), everyone[:12])
    for month in rng.sample([6, 7, 11, 12], rng.randint(1, 3)):  # 廉政党课 around 七一 and year end
        if month <= (12 if year < today.year else today.month):
            b.add(unit, "integrity_lecture", b.day_in(year, month), attendees)
    b.add(unit, "democratic_life_meeting", b.day_in(year, rng.choice((1, 2)), 5, 25), team)
    b.add(unit, "organizational_life_meeting", b.day_in(year, rng.choice((1, 2)), 5, 25), attendees)
    for name in ("春节", "中秋节", "国庆节"):
        first = holidays.get(name)
        if first is None or (name == "国庆节" and "中秋节" in holidays
                             and abs((holidays["中秋节"] - first).days) < 20):
            continue  # 中秋 and 国庆 close together: one round of reminders
        talked = team[1:] + rng.sample(staff, min(len(staff), rng.randint(2, 6)))
        b.add(unit, "integrity_reminder_talk", _before(first, 3, 10, rng), team[:1], talked)
        b.add(unit, "warning_education", _before(first, 4, 14, rng), attendees)
        if rng.random() < 0.5:
            b.add(unit, "warning_film", _before(first, 2, 20, rng), attendees)
    # appointments: a few 任前谈话 in the months when cadres are adjusted
    for month in rng.sample(range(1, 13), rng.randint(0, 2)):
        b.add(unit, "pre_appointment_talk", b.day_in(year, month), team[:1], rng.sample(staff, min(2, len(staff))))
    if len(team) > 1:
        for month in rng.sample([3, 4, 8, 9], rng.randint(1, 2)):
            b.add(unit, "admonition_talk", b.day_in(year, month), team[:1], team[1:])
    b.add(unit, "key_post_talk", b.day_in(year, rng.randint(3, 11)), team[:1], rng.sample(staff, min(3, len(staff))))
    if rng.random() < 0.6:
        b.add(unit, "heart_to_heart_talk", b.day_in(year, rng.randint(1, 12)), team[:1],
              rng.sample(everyone, min(5, len(everyone))))
    if rng.random() < 0.3:
        b.add(unit, "education_base_visit", b.day_in(year, rng.randint(4, 10)), attendees)
    if rng.random() < 0.4:
        b.add(unit, "rules_made", b.day_in(year, rng.randint(2, 11)), team[:1])


def _county_level(ctx: DemoContext, b: _Builder, year: int) -> None:
    """县委理论学习中心组 monthly; the discipline commission's reminders and inspections before holidays."""
    rng = ctx.rng
    party, discipline = ctx.units["party"], ctx.units["discipline"]
    party_team = ctx.team(party) or ctx.people.get(party.pk, [])
    for month in _months(year, ctx.today):
        b.add(party, "central_group_study", b.day_in(year, month, 10, 26), party_team)
    jw = ctx.units.get("jw_xcb")
    sender = jw if jw is not None and ctx.people.get(jw.pk) else discipline
    for first in _holidays(year).values():
        b.add(sender, "integrity_sms", _before(first, 1, 3, rng), ctx.people.get(sender.pk, [])[:1])
        b.add(discipline, "inspection", first + dt.timedelta(days=1), ctx.team(discipline)[:2]
              or ctx.people.get(discipline.pk, [])[:2])


def _duties(ctx: DemoContext, units: list[Unit], year: int) -> int:
    kinds = {k.code: k for k in ActivityKind.objects.all()}
    lists: list[DutyList] = []
    for unit in units:
        lists.append(DutyList(unit=unit, kind=DutyListKind.PARTY_ORG, year=year))
        principal = ctx.principal(unit)
        if principal:
            lists.append(DutyList(unit=unit, kind=DutyListKind.PRINCIPAL, year=year, owner=principal))
        for member in [p for p in ctx.team(unit) if p.team_role == TeamRole.TEAM_MEMBER][:2]:
            lists.append(DutyList(unit=unit, kind=DutyListKind.DUAL_ROLE, year=year, owner=member))
    DutyList.objects.bulk_create(lists, batch_size=2000)
    duties: list[Duty] = []
    for dl in lists:
        for order, (text, freq, _codes) in enumerate(DUTIES[dl.kind], start=1):
            duties.append(Duty(duty_list=dl, text=text, frequency=freq, order=order))
    Duty.objects.bulk_create(duties, batch_size=2000)
    through = Duty.kinds.through
    links = []
    for duty in duties:
        codes = next(c for t, _f, c in DUTIES[duty.duty_list.kind] if t == duty.text)
        links.extend(through(duty_id=duty.pk, activitykind_id=kinds[c].pk) for c in codes)
    through.objects.bulk_create(links, batch_size=5000)
    return len(duties)


def _letters(ctx: DemoContext, units: list[Unit], year: int) -> tuple[int, int]:
    """Letters between the county and each main unit, and each unit with its team members (责任书) and all its
    people (承诺书), signed in the first weeks of the year; a few of this year's left unsigned."""
    rng, today, tz = ctx.rng, ctx.today, timezone.get_current_timezone()
    rows: list[Letter] = []
    county = ctx.units["county"]
    this_year = year == today.year

    def letter(kind: str, issuer: Unit, unit: Unit, signatory: Person | None, to_member: bool) -> None:
        signed = dt.date(year, rng.choice((1, 2, 2, 3)), rng.randint(1, 28))
        if signed > today or (this_year and rng.random() < 0.08):
            rows.append(Letter(kind=kind, year=year, issuer=issuer, unit=unit, signatory=signatory,
                               to_member=to_member))
            return
        recorded = min(today, signed + dt.timedelta(days=rng.choice((0, 1, 2, 3, 45))))
        recorded_at = dt.datetime.combine(recorded, dt.time(10), tzinfo=tz)
        rows.append(Letter(kind=kind, year=year, issuer=issuer, unit=unit, signatory=signatory, to_member=to_member,
                           signed_on=signed, signed_recorded_at=recorded_at, late=is_late(signed, recorded_at)))

    for unit in units:
        letter(LetterKind.RESPONSIBILITY, county, unit, ctx.principal(unit), False)
        for member in [p for p in ctx.team(unit) if p.team_role == TeamRole.TEAM_MEMBER]:
            letter(LetterKind.RESPONSIBILITY, unit, unit, member, True)
        for person in ctx.people.get(unit.pk, []):
            letter(LetterKind.PLEDGE, unit, unit, person, True)
    Letter.objects.bulk_create(rows, batch_size=2000)
    return len(rows), sum(1 for r in rows if r.signed_on is None)


RISKS = [
    ("部长", "authority", "high", "在干部选拔任用、评先评优中可能存在优亲厚友、打招呼等问题"),
    ("常务副部长", "authority", "medium", "在宣传经费审批使用中可能存在把关不严问题"),
    ("副部长", "post", "medium", "在新闻稿件审核发布中可能存在收受好处、有偿新闻问题"),
    ("办公室主任", "process", "medium", "公务接待、公车使用不按规定审批"),
    ("财务人员", "system", "high", "报销票据审核不严、资金支付不按制度执行"),
    ("新闻宣传股股长", "post", "low", "对外宣传稿件“三审三校”流于形式"),
    ("县委网信办主任", "authority", "medium", "网络舆情处置中可能存在瞒报、迟报问题"),
]
CONTROLS = ["严格执行民主集中制和“三重一大”集体决策制度", "实行资金审批“双签”制度，定期公开", "落实“三审三校”，留存审签单",
            "建立台账，纪检监察员全程监督", "每半年开展一次自查，结果报派驻纪检组"]


def _risks(ctx: DemoContext, units: list[Unit], year: int) -> int:
    rng, tz = ctx.rng, timezone.get_current_timezone()
    chosen = [ctx.units["xcb"], *rng.sample([u for u in units if u != ctx.units["xcb"]], min(12, len(units) - 1))]
    points: list[RiskPoint] = []
    for unit in chosen:
        team = ctx.team(unit)
        specs = RISKS if unit == ctx.units["xcb"] else rng.sample(RISKS, rng.randint(2, 4))
        for i, (post, cat, level, text) in enumerate(specs):
            day = dt.date(year, 3, rng.randint(1, 31))
            entered = dt.datetime.combine(day + dt.timedelta(days=rng.choice((1, 2, 3, 50))), dt.time(15), tzinfo=tz)
            holder = team[i] if i < len(team) and i < 3 else None
            points.append(RiskPoint(unit=unit, post=holder.post if holder else post, holder=holder, category=cat,
                                    level=level, description=text, identified_on=day, entered_at=entered,
                                    late=is_late(day, entered)))
    RiskPoint.objects.bulk_create(points, batch_size=2000)
    Control.objects.bulk_create([Control(risk_point=p, measure=m) for p in points
                                 for m in rng.sample(CONTROLS, 2)], batch_size=2000)
    reviewers = [p for p in points if ctx.team(p.unit)]
    RiskReview.objects.bulk_create([
        RiskReview(risk_point=p, year=year, reviewed_by=ctx.team(p.unit)[0], reviewed_on=dt.date(year, 12, 20),
                   finding="风险点仍存在，防控措施落实到位。") for p in reviewers], batch_size=2000)
    return len(points)


@transaction.atomic
def populate(ctx: DemoContext) -> str:
    today = ctx.today
    years = [today.year - 1, today.year]
    units = _units(ctx)
    builder = _Builder(ctx)
    for year in years:
        _county_level(ctx, builder, year)
        for _ in range(max(1, ctx.scale)):
            for unit in units:
                _activities(ctx, builder, unit, year)
    count = builder.save()
    main = [u for u in units if u.kind == UnitKind.TOWN or u.parent_id in (ctx.units["party"].pk,
                                                                             ctx.units["gov"].pk)][:60]
    duties = sum(_duties(ctx, main, y) for y in years)
    letters = [_letters(ctx, units, y) for y in years]
    risks = _risks(ctx, units, years[0])
    tally_rebuild()
    late = sum(1 for a in builder.rows if a.late)
    unsigned = letters[-1][1]
    return (f"全程纪实：纪实记录 {count} 条（补录 {late} 条），责任事项 {duties} 项，责任书/承诺书 "
            f"{sum(n for n, _ in letters)} 份（今年未签 {unsigned} 份），廉政风险点 {risks} 项")


__all__: list[Any] = ["populate"]
