"""Demo publicity: pieces by outlet level, opinion tickets in every state, 《网上舆情》 issues, reviewed drafts.

Covers the last full calendar year and this year up to ctx.today; deterministic from ctx.rng.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import DateTimeField, F
from django.db.models.functions import Cast
from django.utils import timezone

from paperwork.calendar import WorkCalendar
from qinglian.org.demo import DemoContext
from qinglian.org.models import Person, Unit, UnitKind
from qinglian.publicity.models import (
    STAGE_ORDER,
    AlertLetter,
    Decision,
    Draft,
    DraftState,
    LetterEvent,
    LetterEventKind,
    OpinionCategory,
    OpinionDigest,
    OpinionTicket,
    Outlet,
    Publication,
    PublicityRule,
    ReviewStage,
    RiskLevel,
    SignOff,
    Stage,
    TicketState,
)
from qinglian.publicity.opinion import FEEDBACK_WORKDAYS
from qinglian.publicity.review import compute_seal

# Adopted pieces a month for the whole county at scale 1, by outlet level (many county, a few central).
PER_MONTH = {"county": 110, "city": 26, "provincial": 8, "central": 2}
TOPICS = ["清廉机关建设", "作风建设专项整治", "廉洁文化进万家", "警示教育月", "乡村振兴", "营商环境优化",
          "巡察整改“回头看”", "纪检监察干部教育整顿", "中心组专题学习", "基层监督“最后一公里”", "节前廉政提醒",
          "“我为群众办实事”", "新时代文明实践", "党史学习教育", "家风家教"]
VERBS = ["扎实推进", "深入开展", "持续深化", "创新推动", "多措并举抓好", "以“三个一”抓实"]
SOURCES = ["微博", "抖音", "本地论坛", "12345 热线", "微信群", "今日头条", "人民网领导留言板"]
COMPLAINTS = ["窗口办事推诿扯皮", "惠民补贴发放不及时", "道路施工扰民", "村干部优亲厚友", "工作人员态度生硬",
              "项目资金使用不透明", "公车私用", "学校收费不规范", "拖欠农民工工资", "环境污染投诉未回应"]


def _month_starts(first: dt.date, today: dt.date) -> list[dt.date]:
    months, day = [], first
    while day <= today:
        months.append(day)
        day = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return months


def _authors(ctx: DemoContext) -> list[tuple[Unit, int]]:
    """(unit, weight): 宣传部 and its offices, 融媒体中心, 纪委宣传部, towns, some departments."""
    all_units: list[Unit] = ctx.extra["all_units"]
    xcb, media, jw = ctx.units["xcb"], ctx.units["media"], ctx.units["jw_xcb"]
    weighted: list[tuple[Unit, int]] = [(xcb, 14), (media, 30), (jw, 12)]
    weighted += [(u, 2) for u in all_units if u.parent_id == xcb.pk]
    weighted += [(u, 2) for u in all_units if u.kind == UnitKind.TOWN and u.is_within(ctx.county)]
    weighted += [(u, 1) for u in all_units if u.kind == UnitKind.DEPARTMENT and u.is_within(ctx.county)
                 and u.pk not in (xcb.pk, media.pk, jw.pk)][:30]
    return weighted


def _people_names(ctx: DemoContext, unit: Unit) -> str:
    people = ctx.people.get(unit.pk, [])
    return "、".join(p.name for p in ctx.rng.sample(people, min(len(people), ctx.rng.choice((1, 1, 2)))))


def _aware(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, minute))


def _publications(ctx: DemoContext, months: list[dt.date]) -> int:
    rng = ctx.rng
    outlets: dict[str, list[Outlet]] = {}
    for outlet in Outlet.objects.filter(active=True).order_by("order", "id"):
        outlets.setdefault(outlet.level, []).append(outlet)
    authors = _authors(ctx)
    units, weights = [a[0] for a in authors], [a[1] for a in authors]
    rows: list[Publication] = []
    for start in months:
        last = min(ctx.today, (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1))
        span = (last - start).days + 1
        seasonal = 1.0 + 0.25 * ((start.month in (3, 6, 7, 10)) - (start.month in (1, 2, 8)))
        for level, base in PER_MONTH.items():
            n = round(base * ctx.scale * seasonal * span / 30 * rng.uniform(0.8, 1.2))
            for _ in range(n):
                unit = rng.choices(units, weights)[0]
                outlet = rng.choice(outlets[level])
                day = start + dt.timedelta(days=rng.randrange(span))
                item = outlet.channel == "new_media" and rng.random() < 0.6
                rows.append(Publication(
                    unit=unit, outlet=outlet, published_on=day, adopted=True,
                    counting_unit="条" if item else "篇", authors=_people_names(ctx, unit),
                    title=f"{unit.short_name or unit.name}{rng.choice(VERBS)}{rng.choice(TOPICS)}"))
            # pieces submitted but not run (only for the levels above the county)
            if level != "county":
                for _ in range(round(n * 0.5)):
                    unit = rng.choices(units, weights)[0]
                    rows.append(Publication(
                        unit=unit, outlet=rng.choice(outlets[level]), adopted=False, counting_unit="篇",
                        published_on=start + dt.timedelta(days=rng.randrange(span)),
                        authors=_people_names(ctx, unit), title=f"{unit.short_name or unit.name}{rng.choice(TOPICS)}工作综述"))
    Publication.objects.bulk_create(rows, batch_size=2000)
    # entered on the day they ran, not today (bulk_create stamps "now"): no demo piece is 补录
    stamp = Cast("published_on", DateTimeField())
    Publication.objects.filter(pk__in=[p.pk for p in rows]).update(created_at=stamp, updated_at=stamp)
    return len(rows)


def _opinion(ctx: DemoContext, months: list[dt.date]) -> tuple[int, int, int]:
    rng, today, cal = ctx.rng, ctx.today, WorkCalendar()
    xcb = ctx.units["xcb"]
    wxb = Unit.objects.filter(parent=xcb, name="县委网信办").first() or xcb
    offices = [(wxb, 5), (ctx.units["jw_xcb"], 1)]
    targets = [u for u in ctx.extra["all_units"] if u.is_within(ctx.county)
               and u.kind in (UnitKind.DEPARTMENT, UnitKind.TOWN)]
    tickets: list[OpinionTicket] = []
    plans: list[dict[str, Any]] = []
    for start in months:
        last = min(today, (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1))
        for _ in range(round(12 * ctx.scale * rng.uniform(0.7, 1.3))):
            day = start + dt.timedelta(days=rng.randrange((last - start).days + 1))
            office = rng.choices([o[0] for o in offices], [o[1] for o in offices])[0]
            unit = rng.choice(targets)
            age = (today - day).days
            risk = rng.choices([RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW], [1, 4, 5])[0]
            # old tickets are closed; recent ones spread over every state, some overdue
            if age > 30:
                state = TicketState.CLOSED
            else:
                state = rng.choice([TicketState.CAPTURED, TicketState.ASSESSED, TicketState.ALERTED,
                                    TicketState.ALERTED, TicketState.ANSWERED, TicketState.CLOSED])
            if state == TicketState.CAPTURED and age > 2:
                state = TicketState.ASSESSED
            with_letter = state in (TicketState.ALERTED, TicketState.ANSWERED) or (
                state == TicketState.CLOSED and risk != RiskLevel.LOW)
            captured = _aware(day, rng.randrange(8, 22), rng.randrange(60))
            assessed = state != TicketState.CAPTURED
            ticket = OpinionTicket(
                issuing_unit=office, unit=unit if assessed else None, source=rng.choice(SOURCES),
                link=f"https://example.invalid/post/{rng.randrange(10**8)}", captured_at=captured,
                summary=f"网民反映{unit.name}{rng.choice(COMPLAINTS)}", state=state,
                risk_level=risk if assessed else "", category=rng.choice(OpinionCategory.values) if assessed else "",
                assessment="经研判，需涉事单位核查处置并反馈。" if assessed else "",
                assessed_at=captured + dt.timedelta(hours=2) if assessed else None)
            if state == TicketState.CLOSED:
                ticket.closed_at = captured + dt.timedelta(days=rng.randrange(2, 9))
                ticket.closing_note = "经核实，处置到位。" if with_letter else "经研判信息不实，无需发函处置。"
            tickets.append(ticket)
            plans.append({"letter": with_letter, "day": day, "risk": risk, "office": office, "unit": unit})
    OpinionTicket.objects.bulk_create(tickets, batch_size=1000)
    OpinionTicket.objects.filter(pk__in=[t.pk for t in tickets]).update(created_at=F("captured_at"))
    letters: list[AlertLetter] = []
    numbers: dict[tuple[int, int], int] = {}
    for ticket, plan in sorted(zip(tickets, plans, strict=True), key=lambda tp: (tp[1]["day"], tp[0].pk)):
        if not plan["letter"]:
            continue
        issued = plan["day"]
        key = (plan["office"].pk, issued.year)
        numbers[key] = numbers.get(key, 0) + 1
        deadline = cal.add_workdays(issued, FEEDBACK_WORKDAYS[plan["risk"]])
        letter = AlertLetter(ticket=ticket, issuing_unit=plan["office"], unit=plan["unit"], year=issued.year,
                             number=numbers[key], issued_on=issued, deadline=deadline,
                             requirement="请立即核查，依法依规处置，并于时限内书面反馈处置情况。")
        if ticket.state in (TicketState.ANSWERED, TicketState.CLOSED):
            letter.feedback = "已成立核查组调查核实，约谈相关责任人，并通过平台回复网民。"
            letter.feedback_at = _aware(min(deadline, today), 16)
        if ticket.state == TicketState.CLOSED:
            letter.verification = "经电话回访和实地核查，处置到位。"
            letter.verified_at = ticket.closed_at
        letters.append(letter)
    AlertLetter.objects.bulk_create(letters, batch_size=1000)
    # the tickets' history: the unit's reply, then the office's 核实 (opinion.letter_feedback/letter_verify)
    LetterEvent.objects.bulk_create([
        LetterEvent(letter=letter, kind=kind, text=text, at=at)
        for letter in letters
        for kind, text, at in ((LetterEventKind.FEEDBACK, letter.feedback, letter.feedback_at),
                               (LetterEventKind.ACCEPTED, letter.verification, letter.verified_at))
        if at is not None], batch_size=1000)
    # 《网上舆情》: the 网信办 compiles an issue about every five weeks from that period's tickets
    digests, links, number, year = [], [], 0, None
    mine = [t for t in tickets if t.issuing_unit_id == wxb.pk]
    for start in months[::1]:
        if rng.random() < 0.25 or start.replace(day=10) > today:
            continue
        issued = start.replace(day=10)
        number = 1 if year != issued.year else number + 1
        year = issued.year
        chosen = [t for t in mine if 0 < (issued - t.captured_at.date()).days <= 40][:6]
        if not chosen:
            continue
        digests.append((OpinionDigest(unit=wxb, year=year, number=number, issued_on=issued,
                                      title=f"{issued.month}月上旬网络舆情综述", summary="本期收录近期重点舆情。"),
                        chosen))
    OpinionDigest.objects.bulk_create([d for d, _ in digests])
    for digest, chosen in digests:
        links += [OpinionDigest.tickets.through(opiniondigest_id=digest.pk, opinionticket_id=t.pk) for t in chosen]
    OpinionDigest.tickets.through.objects.bulk_create(links, batch_size=2000)
    return len(tickets), len(letters), len(digests)


def _drafts(ctx: DemoContext) -> int:
    rng, xcb = ctx.rng, ctx.units["xcb"]
    staff, team = ctx.staff(xcb), ctx.team(xcb)
    principal = ctx.principal(xcb)
    reviewers: dict[str, Person] = {Stage.FIRST: staff[0], Stage.SECOND: team[1] if len(team) > 1 else staff[1],
                                    Stage.FINAL: principal}
    ReviewStage.objects.bulk_create([ReviewStage(unit=xcb, stage=s, person=p) for s, p in reviewers.items()])
    PublicityRule.objects.bulk_create([PublicityRule(unit=xcb, rank_by=PublicityRule.RankBy.WEIGHTED)])
    outlet = Outlet.objects.filter(level="county", channel="new_media").order_by("order").first()
    count = 24 * ctx.scale
    drafts, plans = [], []
    for i in range(count):
        day = ctx.today - dt.timedelta(days=count - i)
        # the last few are still under review, at each stage; the rest signed, most published
        signed_stages = 3 if i < count - 4 else (count - 1 - i) % 3
        state = DraftState.REVIEWING if signed_stages < 3 else (
            DraftState.SIGNED if i % 7 == 3 else DraftState.PUBLISHED)
        topic = rng.choice(TOPICS)
        drafts.append(Draft(unit=xcb, title=f"县委宣传部{rng.choice(VERBS)}{topic}", authors=staff[-1].name,
                            content=f"近日，县委宣传部围绕{topic}开展系列活动……（正文第{i + 1}稿）", state=state,
                            stage=STAGE_ORDER[signed_stages] if signed_stages < 3 else ""))
        plans.append((day, signed_stages))
    Draft.objects.bulk_create(drafts)
    signoffs, publications = [], []
    for draft, (day, signed_stages) in zip(drafts, plans, strict=True):
        prev = ""
        for k, stage in enumerate(STAGE_ORDER[:signed_stages]):
            at = _aware(day, 9 + 2 * k)
            person = reviewers[stage]
            seal = compute_seal(title=draft.title, content=draft.content, stage=stage, person=person, at=at, prev=prev)
            signoffs.append(SignOff(draft=draft, stage=stage, decision=Decision.APPROVE, person=person, signed_at=at,
                                    opinion="同意，导向正确。" if stage != Stage.FINAL else "同意刊发。",
                                    prev_seal=prev, seal=seal))
            prev = seal
        if draft.state == DraftState.PUBLISHED and outlet is not None:
            publications.append(Publication(unit=xcb, outlet=outlet, draft=draft, title=draft.title,
                                            authors=draft.authors, published_on=day + dt.timedelta(days=1),
                                            adopted=True, counting_unit="篇"))
    SignOff.objects.bulk_create(signoffs)
    Publication.objects.bulk_create(publications)
    # one signed draft edited behind the system's back after 终审: its page shows the red banner
    tampered = next((d for d in drafts if d.state == DraftState.SIGNED), None)
    if tampered is not None:
        Draft.objects.filter(pk=tampered.pk).update(content=tampered.content + "（终审后擅自增加的一段话）")
    return len(drafts)


def populate(ctx: DemoContext) -> str:
    first = dt.date(ctx.today.year - 1, 1, 1)
    months = _month_starts(first, ctx.today)
    pieces = _publications(ctx, months)
    tickets, letters, digests = _opinion(ctx, months)
    drafts = _drafts(ctx)
    return (f"宣传与舆情：稿件 {pieces} 篇（条），舆情 {tickets} 条、《舆情提示函》 {letters} 期、"
            f"《网上舆情》 {digests} 期，三审稿件 {drafts} 篇")
