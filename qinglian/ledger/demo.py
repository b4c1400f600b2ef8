"""Demo ledgers: an inspection round of the county propaganda department in the image of seed 003 (3 aspects,
12 specific problems, one split into （1）（2）（3）), and self-check ledgers in a few towns, with items in
every state: overdue, returned, closed, reviewed and reopened, an open supervision order."""

from __future__ import annotations

import datetime as dt
from typing import Any

from qinglian.ledger import services
from qinglian.ledger.calendar import work_calendar
from qinglian.ledger.imports import ledger_create_from_plan
from qinglian.ledger.models import Closure, FollowUp, Measure, Problem, Source
from qinglian.org.demo import DemoContext
from qinglian.verify.demo import approve_measure, evidence

# seed 003: (aspect, [(problem, [parts] or None, [measures])]) — measures from its 整改情况 "一是…二是…"
SEED_003: list[tuple[str, list[tuple[str, list[str] | None, list[str]]]]] = [
    ("学习贯彻落实党的路线方针政策和党中央重大决策部署方面", [
        ("关于党中央重大决策部署学习贯彻不到位的问题", None,
         ["创新学习方式，结合党史学习教育、部务会议和“三会一课”开展集中学习", "注重成果转化，开展“我为群众办实事”活动",
          "强化压力传导，推动各级党委（党组）每季度向县委报告学习情况"]),
        ("关于主管领域工作推动不力，部门职能履行不到位的问题", [
            "针对“领导班子还未真正将党的领导贯穿到履行职责的全过程、各环节”问题",
            "针对“对县委理论学习中心组学习的重要性认识不足，重视不够，有计划不执行”问题",
            "针对“对网络舆情转办情况跟踪问效不到位”问题"],
         ["加大培训力度，举办意识形态工作专题培训班", "经常性督促检查，开展督查考核并通报",
          "按照学习计划开展中心组学习，不断丰富学习形式", "加大巡查监看力度，及时发出舆情预警",
          "提升舆情处置效能，对舆情办理情况全程跟踪"]),
        ("关于落实意识形态工作责任制有差距的问题", [
            "针对“领导班子对意识形态工作重要性认识不足，安排部署不到位”问题",
            "针对“《中国通渭网》发布信息未执行“三审”制度，审签流于形式”问题"],
         ["及时跟进学习中央及省市有关文件精神", "召开意识形态工作联席会议，分析研判风险",
          "确定1名副部长和一个股室专项联系指导县融媒体中心", "严格落实新闻稿件“三审”“三校”制度"]),
    ]),
    ("落实管党治党政治责任和整治作风问题方面", [
        ("关于履行管党治党政治责任不到位的问题", None,
         ["认真落实“一岗双责”责任", "班子成员经常性与重点岗位人员开展谈心谈话",
          "重大事项决策经部务会议集体讨论决定"]),
        ("单位财务管理不规范，制度执行不严格", [
            "针对“财务支出审核把关不严，违规报销差旅费问题依然存在”问题", "针对“执行财经纪律不严”问题"],
         ["及时追缴违规报销资金", "修订完善机关财务管理制度", "对办公设备及财务软件进行固定资产登记入账"]),
    ]),
    ("党组织建设、党内政治生活和单位管理方面", [
        ("关于党建工作主体责任落实不到位，组织生活不严肃的问题", [
            "针对“领导班子对开好组织生活会的作用和意义认识不足”问题", "针对“‘三会一课’制度落实不严格”问题"],
         ["高质量召开专题组织生活会和民主生活会", "高标准落实“三会一课”“主题党日”等制度"]),
        ("关于领导班子用制度管人管事意识不强，管理制度更新不及时的问题", None,
         ["梳理需更新的制度5项并全部修订完善", "坚持用制度管人管事"]),
    ]),
]

TOWN_PROBLEMS = [
    ("落实全面从严治党主体责任方面", ["班子成员履行“一岗双责”记录不全", "廉政风险点排查不够深入"],
     ["建立一岗双责工作纪实台账", "组织各站所重新排查廉政风险点"]),
    ("作风建设方面", ["村级财务公开不及时", "惠民资金发放审核把关不严"],
     ["按季度公开村级财务", "建立惠民资金发放三级审核制度"]),
]


def _plan(ctx: DemoContext, unit: Any, offices: list[Any], deadlines: list[dt.date | str],
          clerk_name: str) -> list[dict[str, Any]]:
    team = ctx.team(unit)
    leaders = [p.name for p in team[1:]] or [team[0].name]
    staff_by_office = [(o, ctx.staff(o) or ctx.team(o)) for o in offices] or [(None, ctx.staff(unit))]
    plan, n = [], 0
    for aspect, problems in SEED_003:
        rows = []
        for text, parts, measures in problems:
            leaves = [{"text": p, "children": [], "measures": []} for p in parts] if parts else []
            target = leaves or [{"text": text, "children": [], "measures": []}]
            for i, measure in enumerate(measures):
                office, people = staff_by_office[n % len(staff_by_office)]
                owner = people[n % len(people)].name
                if n % 3 == 0:  # the demo clerk owns a third of the items: 我的待办 has something to show
                    office, owner = None, clerk_name
                deadline = deadlines[n % len(deadlines)]
                target[i % len(target)]["measures"].append({
                    "text": measure, "leader": leaders[n % len(leaders)],
                    "responsible_unit": office.name if office else "", "owner": owner,
                    "deadline": None if isinstance(deadline, str) else deadline,
                    "deadline_text": deadline if isinstance(deadline, str) else "",
                    "status": "long_term" if deadline == "长期坚持" else "in_progress"})
                n += 1
            rows.append({"text": text, "children": leaves, "measures": []} if leaves else target[0])
        plan.append({"title": aspect, "problems": rows})
    return plan


def populate(ctx: DemoContext) -> str:
    today = ctx.today
    cal = work_calendar()
    xcb = ctx.units["xcb"]
    offices = [u for u in ctx.extra["all_units"] if u.parent_id == xcb.pk and u.kind == "office"]
    clerk, leader = ctx.users["xcb_clerk"], ctx.users["xcb_leader"]
    supervisor = ctx.users["jjz_supervisor"]
    deadlines: list[dt.date | str] = [
        today - dt.timedelta(days=20), cal.add_workdays(today, 6), cal.add_workdays(today, 15), "长期坚持",
        cal.add_workdays(today, 40), today - dt.timedelta(days=60), cal.add_workdays(today, 3)]
    feedback = today - dt.timedelta(days=120)
    result = ledger_create_from_plan(user=None, unit=xcb, aspects=_plan(ctx, xcb, offices, deadlines, clerk.person.name),
                                     source_fields={"kind": "inspection", "issued_by": "县委第三巡察组",
                                                    "feedback_date": feedback}, today=today, origin="示范数据")
    if not result.ok:
        raise ValueError("示范台账生成失败：" + "；".join(str(e) for e in result.errors))
    source = Source.objects.get(pk=result.source_id)
    leaves = list(Problem.objects.leaves().filter(source=source).order_by("aspect__order", "parent__order", "order"))

    def finish(problem: Problem, *, close_problem: bool) -> None:
        for m in Measure.objects.filter(problem=problem):
            if m.status != "long_term":
                services.ledger_progress_add(user=clerk, measure=m, text=f"{m.text}：已按期完成，相关材料已归档。",
                                             status_after="done", date=today - dt.timedelta(days=30),
                                             files=evidence())
                m.refresh_from_db()
                services.ledger_measure_request_close(user=clerk, measure=m, opinion="已完成整改，申请销号")
                m.refresh_from_db()
                # 巡察 items are 验收'd (app verify): 完成 by the leader, then 验收 by the 派驻组's supervisor
                approve_measure(leader=leader, checker=supervisor, measure=m, opinion="经核实，整改到位，同意销号。")
        if close_problem:
            services.ledger_problem_approve(user=leader, problem=Problem.objects.get(pk=problem.pk),
                                            opinion="该问题各项措施均已落实，同意销号。")

    # closed problems; one reviewed and held, one reviewed and relapsed (reopened), one review pending
    for p in leaves[:5]:
        finish(p, close_problem=True)
    held, relapsed, pending = leaves[0], leaves[1], leaves[2]
    for p, result_code, finding in ((held, "held", "抽查近三个月学习记录，整改成果巩固。"),
                                    (relapsed, "relapsed", "回头看发现近两月仍有未按计划开展学习的情况。")):
        fu = services.ledger_follow_up_schedule(user=clerk, problem=Problem.objects.get(pk=p.pk),
                                                scheduled_date=today - dt.timedelta(days=5))
        services.ledger_follow_up_record(user=clerk, follow_up=FollowUp.objects.get(pk=fu.pk), result=result_code,
                                         finding=finding, done_date=today - dt.timedelta(days=3))
    services.ledger_follow_up_schedule(user=clerk, problem=Problem.objects.get(pk=pending.pk),
                                       scheduled_date=today + dt.timedelta(days=20))
    # a returned measure: reported done, asked to close, returned by the supervisor
    returned = Measure.objects.filter(problem=leaves[6], closure=Closure.OPEN).exclude(status="long_term").first()
    if returned is not None:
        services.ledger_progress_add(user=clerk, measure=returned, text="已开展督查考核。", status_after="done",
                                     files=evidence())
        returned.refresh_from_db()
        services.ledger_measure_request_close(user=clerk, measure=returned, opinion="申请销号")
        returned.refresh_from_db()
        services.ledger_measure_return(user=supervisor, measure=returned, reason="未附督查通报，请补充证明材料后再申请。")
    # a measure waiting for the leader's approval
    waiting = Measure.objects.filter(problem=leaves[7], closure=Closure.OPEN).exclude(status="long_term").first()
    if waiting is not None:
        services.ledger_progress_add(user=clerk, measure=waiting, text="制度已修订印发。", status_after="done",
                                     files=evidence())
        waiting.refresh_from_db()
        services.ledger_measure_request_close(user=clerk, measure=waiting, opinion="已完成，申请销号")
    # supervision orders: one open on an overdue item, one answered
    overdue = Measure.objects.filter(source=source, deadline__lt=today, closure=Closure.OPEN,
                                     status="in_progress").select_related("problem").first()
    if overdue is not None:
        services.ledger_order_issue(user=supervisor, problem=overdue.problem, measure=overdue,
                                    content="该措施已逾期，请于限期内完成整改并报送佐证材料。",
                                    due_date=cal.add_workdays(today, 5), today=today)
    answered = services.ledger_order_issue(user=supervisor, problem=leaves[8], content="请说明整改进度。",
                                           due_date=cal.add_workdays(today, 2), today=today)
    services.ledger_order_answer(user=clerk, order=answered, answer="已召开专题会议推进，预计月底完成。")

    towns = [ctx.units[k] for k in ("towns:城关镇", "towns:东关镇", "towns:西山镇") if k in ctx.units]
    for i, town in enumerate(towns):
        town_offices = [u for u in ctx.extra["all_units"] if u.parent_id == town.pk]
        people = ctx.staff(town) or ctx.team(town)
        team = ctx.team(town)
        plan = [{"title": aspect, "problems": [{"text": problem, "children": [], "measures": [{
            "text": measure, "leader": team[(j + 1) % len(team)].name,
            "responsible_unit": town_offices[j % len(town_offices)].name if town_offices else "",
            "owner": people[(i + j) % len(people)].name,
            "deadline": [today - dt.timedelta(days=9), cal.add_workdays(today, 8), cal.add_workdays(today, 30)][
                (i + j) % 3], "status": ["in_progress", "not_started", "done"][(i + j) % 3]}]}
            for j, (problem, measure) in enumerate(zip(problems, measures, strict=True))]}
            for aspect, problems, measures in TOWN_PROBLEMS]
        r = ledger_create_from_plan(user=None, unit=town, aspects=plan, today=today, origin="示范数据",
                                    source_fields={"kind": "self_check", "issued_by": f"{town.name}党委",
                                                   "feedback_date": today - dt.timedelta(days=60 + 10 * i)})
        if not r.ok:
            raise ValueError("示范自查台账生成失败：" + "；".join(str(e) for e in r.errors))
    total = Measure.objects.count()
    return (f"整改台账：县委宣传部巡察整改 3个方面12项具体问题，{len(towns)}个乡镇自查台账，共{total}条措施"
            "（含逾期、退回、销号、回头看反弹、督办）")
