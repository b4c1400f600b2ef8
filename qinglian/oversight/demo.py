"""Demo: reports the departments of 县委 (what the demo's 派驻纪检监察组 supervises) uploaded this year, with
four planted cases the supervisor's view must find, and ordinary reports it must not flag:

- ordinary: each department's generated draft, uploaded unchanged or with a few sentences of its own;
- inflated figures: 县委组织部's report doubles two counts of its draft;
- a shared paragraph: 县委统战部 and 县委政法委员会 both add the same paragraph to their drafts;
- a copied 述责述廉: 县委办公室's principal's report for this year is last year's with the year changed;
- a year-end 补录 rush: 县直机关工委 enters 24 activities of the spring and summer in the demo's last month.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

PLANTED = {"inflated": "县委组织部", "shared": ("县委统战部", "县委政法委员会"), "copied": "县委办公室",
           "rush": "县直机关工委"}
RUSH_RECORDS = 24
ORDINARY = ["县委宣传部", "县委组织部", "县委统战部", "县委政法委员会", "县委办公室", "县委党校", "县融媒体中心",
            "县档案馆", "县委老干部局", "团县委"]
SHARED_PARAGRAPH = (
    "在推进清廉机关建设中，我们坚持把“小切口”与“大治理”结合起来，围绕窗口服务、项目审批、资金拨付三个关键环节，"
    "逐项梳理办事流程，绘制权力运行流程图十二张，推行“一事一档、全程留痕”，对超时办理的事项由分管领导当面说明情况，"
    "确保群众反映的每一件事都有人管、有回音、有结果。")
OWN_CLAUSES = [
    "结合本单位业务特点，把廉洁文化融入日常工作，在走廊、会议室布置廉洁提示牌",
    "组织新入职干部到县廉政教育基地参观学习，撰写心得体会",
    "与驻点村党支部开展结对共建，联合举办清廉家风故事分享会",
    "在春节、中秋、国庆等节点前向全体干部发送廉洁过节提醒",
    "聘请两名群众代表担任行风监督员，每季度召开一次座谈会听取意见",
    "对公务接待、公车使用情况每月公示，接受干部职工监督",
    "开展“清廉家庭”评选，邀请干部家属参加家庭助廉座谈",
    "把廉政谈话与年度考核结合，对考核排名靠后的干部进行提醒",
    "编印本单位廉政风险防控手册，人手一册，逐岗对照",
    "组织干部职工观看《零容忍》专题片，分组交流观后感",
    "邀请县纪委监委干部来单位讲授廉政专题党课",
    "对采购、报销等环节开展内部审计，发现问题当即整改",
]
PERSONAL_BODY = [
    "一年来，我始终把学习作为第一需要，认真参加理论学习中心组学习，坚持每天阅读党报党刊，撰写学习笔记三万余字，"
    "在办公室系统作了“如何当好参谋助手”的专题辅导。",
    "作为单位主要负责人，我严格落实第一责任人责任，年初召开专题会议研究部署党风廉政建设工作，与班子成员、各科室负责人"
    "逐一签订责任书，做到重要工作亲自部署、重大问题亲自过问。",
    "在廉洁自律方面，我严格遵守中央八项规定精神，从不接受管理服务对象的宴请，坚决不收受礼品礼金，不违规使用公车，"
    "带头执行办公用房标准，配偶子女均未在我分管领域经商办企业。",
    "对照检查，我也存在一些不足：一是理论学习有时满足于读原文、记笔记，联系实际思考不够深入；二是抓班子带队伍有时"
    "偏重业务，对干部思想动态掌握不够及时；三是深入基层调研的时间还不够多。",
    "下一步，我将持续加强理论学习，严格落实“一岗双责”，加强对干部的日常教育管理，以更高标准、更严要求做好各项工作。",
]


def _text(report: Any) -> str:
    from qinglian.oversight.similar import generated_text

    return generated_text(report)


def _upload(user: Any, unit: Any, text: str, name: str, today: dt.date) -> Any:
    from qinglian.oversight.services import keep_checked
    from qinglian.reports.checking import read_for_check

    result = read_for_check(text.encode("utf-8"), name)
    return keep_checked(user=user, current=unit, chosen=unit, name=name, content=text.encode("utf-8"),
                        result=result, date_from=None, date_to=None)


def _inflate(text: str) -> str:
    """Double the first two counts of meetings and studies the draft wrote ("召开党组会12次" → 24次)."""
    done = 0

    def double(m: re.Match[str]) -> str:
        nonlocal done
        if done >= 2 or int(m.group(2)) < 3:
            return m.group(0)
        done += 1
        return f"{m.group(1)}{int(m.group(2)) * 2}{m.group(3)}"

    return re.sub(r"(党组会|中心组学习|集中学习|交流研讨)(\d+)(次)", double, text)


def _rush(ctx: Any, unit: Any) -> int:
    """Activities of March to September entered in the demo's last weeks (補录, counted as usual)."""
    from django.utils import timezone

    from qinglian.records.models import Activity, ActivityKind, is_late
    from qinglian.records.services import tally_rebuild

    kinds = list(ActivityKind.objects.filter(code__in=["collective_study", "seminar"]))
    if not kinds:
        return 0
    tz = timezone.get_current_timezone()
    rows = []
    for i in range(RUSH_RECORDS):
        happened = dt.date(ctx.today.year, 3 + i % 7, 3 + (i * 5) % 24)
        entered = dt.datetime.combine(ctx.today - dt.timedelta(days=i % 5), dt.time(15, i % 60), tzinfo=tz)
        rows.append(Activity(unit=unit, kind=kinds[i % len(kinds)], happened_on=happened,
                             topic=f"{kinds[i % len(kinds)].name}（补记）", entered_at=entered,
                             late=is_late(happened, entered), weight=1))
    Activity.objects.bulk_create(rows)
    tally_rebuild()
    return len(rows)


def populate(ctx: Any) -> str:
    from qinglian.org.models import Unit
    from qinglian.reports.services import report_generate

    user = ctx.users.get("county_leader")
    party = ctx.units.get("party")
    if user is None or party is None or ctx.today.month < 2:
        return ""
    units = {u.name: u for u in Unit.objects.filter(parent=party, name__in=[*ORDINARY, PLANTED["rush"]])}
    year = ctx.today.year
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rushed = _rush(ctx, units[PLANTED["rush"]]) if PLANTED["rush"] in units else 0
    uploads = 0
    for n, name in enumerate(ORDINARY):
        unit = units.get(name)
        if unit is None:
            continue
        draft = report_generate(user=user, unit=unit, genre="responsibility", date_from=start, date_to=end,
                                today=ctx.today)
        text = _text(draft)
        if name == PLANTED["inflated"]:
            text = _inflate(text)
        elif name in PLANTED["shared"]:
            text += "\n" + SHARED_PARAGRAPH
        elif n % 2:  # every other department adds a few sentences of its own (no two the same)
            own = OWN_CLAUSES[n - 1:n + 1]
            text += "\n" + f"{unit.name}" + "；".join(own) + "。"
        _upload(user, unit, text, f"{draft.title}.txt", ctx.today)
        uploads += 1
    office = units.get(PLANTED["copied"])
    principal = ctx.principal(office) if office is not None else None
    if office is not None and principal is not None:
        for y, changes in ((year - 1, {}), (year, {"三万余字": "四万余字", "两名": "三名"})):
            body = "\n".join(PERSONAL_BODY)
            for old, new in changes.items():
                body = body.replace(old, new)
            title = f"{principal.name}{y}年度述责述廉报告"
            _upload(user, office, f"{title}\n{body}", f"{title}.txt", ctx.today)
            uploads += 1
    return f"监督视图：县委各部门上传报告 {uploads} 份（含数字虚高、段落雷同、述责述廉照搬往年各一例），县直机关工委年底补录 {rushed} 条"
