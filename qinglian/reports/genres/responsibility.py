"""落实党风廉政建设责任制情况报告 (seeds 000, 002): 一、基本情况 二、主要做法和成效（一）…（七）
三、存在的主要问题 四、下步工作计划."""

from __future__ import annotations

from paperwork.write import Block, Heading, Paragraph, Report
from qinglian.reports.genres.changes import ledger_outcomes, year_on_year
from qinglian.reports.genres.common import (
    enumerate_zh,
    from_import,
    guidance,
    join,
    listing,
    marked,
    period_label,
    period_short,
    problem_core,
    report_date,
    sentence,
    strip_end,
)
from qinglian.reports.genres.data import ReportInput

TITLE = "落实党风廉政建设责任制情况报告"

DEFAULT_PROBLEMS = (
    "对党员干部的教育管理需要进一步加强，用党的创新理论指导党风廉政建设工作还不够深入",
    "综合运用监督执纪“四种形态”，特别是日常谈心谈话、提醒谈话的针对性还需增强",
    "廉政教育的方式方法还不够丰富，工作特色和亮点不够突出",
)

PLAN_HEADINGS = (
    ("加强政治建设，强化理论武装",
     "始终把学习贯彻习近平新时代中国特色社会主义思想作为首要政治任务，健全理论学习中心组学习制度，"
     "教育引导党员干部增强政治意识、保持政治定力、提高政治能力。"),
    ("坚持全面从严，压实管党治党责任",
     "严格落实党风廉政建设主体责任、第一责任人责任和班子成员“一岗双责”，层层签订责任书，"
     "定期研究部署、督促检查，推动责任落到实处。"),
    ("坚持问题导向，深化整改成果", ""),
    ("加强日常教育，强化监督管理",
     "持续开展警示教育和廉政提醒谈话，及时掌握干部职工思想动态，对苗头性、倾向性问题早提醒、早纠正。"),
)


def _main_duty(d: ReportInput) -> list[Block]:
    blocks: list[Block] = [Heading(3, "认真履行全面从严治党主体责任")]
    p = join([
        f"{d.unit_name}把党风廉政建设与业务工作同谋划、同部署、同落实、同检查，定期专题研究党风廉政建设工作。",
        sentence(d, [("letter.responsibility_signed", "签订党风廉政建设责任书"),
                     ("letter.pledge_signed", "签订廉政承诺书")], lead="层层压实责任，", tail="。", sep="、"),
        sentence(d, [("activity.party_group_meeting", "召开党组会"),
                     ("activity.central_group_study", "组织中心组学习"),
                     ("activity.collective_study", "干部职工集中学习"),
                     ("activity.seminar", "交流研讨"), ("activity.study_class", "举办读书班")],
                 lead="年内", tail="，持续强化政治理论武装。"),
    ])
    if p:
        blocks.append(p)
    blocks.append(Heading(3, "认真履行第一责任人责任"))
    blocks.append(join([
        "主要领导带头履行第一责任人责任，对党风廉政建设重要工作亲自部署、重大问题亲自过问、"
        "重点环节亲自协调、重要案件亲自督办。",
        sentence(d, [("activity.integrity_lecture", "讲授廉政党课"), ("activity.party_lecture", "讲专题党课")],
                 lead="带头", tail="。", sep="、"),
        sentence(d, [("activity.admonition_talk", "约谈"), ("activity.integrity_reminder_talk", "廉政提醒谈话"),
                     ("activity.key_post_talk", "重要岗位谈话"), ("activity.pre_appointment_talk", "任前谈话")],
                 lead="运用监督执纪第一种形态，开展", tail="。"),
    ]) or Paragraph(""))
    blocks.append(Heading(3, "认真履行“一岗双责”"))
    blocks.append(Paragraph(
        "班子成员把党风廉政建设与分管业务工作同安排、同部署、同落实，既管业务又管党风廉政建设，"
        "定期听取分管领域党风廉政建设情况汇报，严格执行民主集中制和“三重一大”集体决策制度。"))
    blocks.append(Heading(3, "强化廉政风险防控"))
    risk = join([
        "结合岗位职责、工作流程和制度机制，采取“自己找、大家提、相互帮”的方式查找廉政风险点。",
        sentence(d, [("risk.points", "共排查廉政风险点"), ("risk.level_high", "其中高等级风险点")], tail="，"),
        sentence(d, [("risk.team_member", "班子成员排查风险点")], tail="，"),
        "对照风险点逐项制定防控措施，促进事后监督向事前、事中监督转变。",
    ])
    if risk:
        blocks.append(risk)
    return blocks


def _eight_rules(d: ReportInput) -> list[Block]:
    blocks: list[Block] = [Heading(2, "贯彻落实中央八项规定精神，驰而不息纠治“四风”")]
    blocks.append(join([
        "严格执行中央八项规定及其实施细则精神，严格执行公务接待、公务用车、办公用房等规定。",
        sentence(d, [("activity.rules_made", "健全完善内部管理制度")], tail="，"),
        sentence(d, [("activity.inspection", "开展监督检查")], tail="，"),
        sentence(d, [("activity.integrity_sms", "在重要节点发送廉政提醒短信")], tail="，"),
        "推动作风建设常态长效。",
    ]) or Paragraph(""))
    return blocks


def _education(d: ReportInput) -> list[Block]:
    blocks: list[Block] = [Heading(2, "加强党性教育和警示教育，筑牢拒腐防变思想防线")]
    p = listing(d, "坚持经常性开展纪律教育和警示教育，",
                [("activity.warning_education", "开展警示教育"), ("activity.warning_film", "观看警示片"),
                 ("activity.education_base_visit", "参观廉政教育基地"), ("activity.court_hearing", "旁听庭审"),
                 ("activity.training", "举办培训班")], tail="，以身边事教育身边人。")
    blocks.append(p or Paragraph("坚持经常性开展纪律教育和警示教育，组织党员干部学习党章党规党纪，以身边事教育身边人。"))
    return blocks


def _party_life(d: ReportInput) -> list[Block]:
    blocks: list[Block] = [Heading(2, "严肃党内政治生活，增强党组织战斗力")]
    p = listing(d, "认真落实“三会一课”、民主生活会、组织生活会、谈心谈话等制度，",
                [("activity.democratic_life_meeting", "召开民主生活会"),
                 ("activity.organizational_life_meeting", "组织生活会"),
                 ("activity.branch_committee_meeting", "支部委员会"),
                 ("activity.party_members_meeting", "党员大会"),
                 ("activity.heart_to_heart_talk", "开展谈心谈话")],
                tail="，做到准备充分、程序严格、批评严肃。")
    blocks.append(p or Paragraph("认真落实“三会一课”、民主生活会、组织生活会、谈心谈话等制度，做到准备充分、程序严格、批评严肃。"))
    return blocks


def rectification_summary(d: ReportInput) -> Paragraph | None:
    """The ledger in one paragraph: "建立了3个方面12项具体问题台账，制定整改措施30条，已完成25条…"."""
    aspects, problems = d.positive("ledger.aspects"), d.positive("ledger.problems")
    if problems is None:
        return None
    from qinglian.reports.genres.common import Line

    line = Line("对巡察、审计、督查等反馈的问题全面认领、逐项整改，")
    if aspects is not None:
        line.add("建立了").fig(aspects, suffix="方面").fig(problems, suffix="具体问题").add("整改台账")
    else:
        line.add("建立了").fig(problems, suffix="具体问题").add("整改台账")
    rest = sentence(d, [("ledger.measures", "制定整改措施"), ("ledger.done", "已完成"),
                        ("ledger.long_term", "长期坚持"), ("ledger.in_progress", "正在推进")], lead="，")
    if rest:
        line.add(rest[0])
        line.refs.extend(rest[1])
    closed = sentence(d, [("ledger.closed", "已销号问题")], lead="，")
    if closed:
        line.add(closed[0])
        line.refs.extend(closed[1])
    line.add("。")
    return line.paragraph()


def _rectification(d: ReportInput) -> list[Block]:
    blocks: list[Block] = [Heading(2, "抓好各类反馈问题整改，推动问题见底清零")]
    blocks.append(rectification_summary(d) or Paragraph(
        "对上级巡察、审计、督查等反馈的问题全面认领、逐项整改，做到问题不解决不放过、整改不到位不销号。"))
    outcomes = ledger_outcomes(d)
    if outcomes:
        blocks.append(outcomes)
    return blocks


def _publicity(d: ReportInput) -> list[Block]:
    blocks: list[Block] = [Heading(2, "加强新闻宣传和舆论引导，营造风清气正的舆论氛围")]
    p = join([
        "坚持正确政治方向和舆论导向，严格落实“三审三校”制度。",
        sentence(d, [("publicity.central", "中央级媒体采用"), ("publicity.provincial", "省级媒体采用"),
                     ("publicity.city", "市州级媒体采用"), ("publicity.county", "县级媒体采用")],
                 lead="累计被", tail="。", sep="，"),
        sentence(d, [("opinion.tickets", "监测处置舆情"), ("opinion.alert_letters", "下发《舆情提示函》"),
                     ("opinion.digests", "编发《网上舆情》")], tail="。"),
    ])
    blocks.append(p or Paragraph(""))
    return blocks


def problems_section(d: ReportInput, defaults: tuple[str, ...] = DEFAULT_PROBLEMS) -> list[Block]:
    shown = d.open_problems[:3]
    several = len({p.source for p in shown}) > 1  # say whose problem it is only when it is not obvious
    items = [(f"{p.source}反馈的" if several else "") + f"{problem_core(p.text)}的问题，整改尚未全部到位"
             for p in shown]
    items += list(defaults)
    return [marked(Paragraph(enumerate_zh(items[:5])),
                   [piece for p in shown for piece in from_import(problem_core(p.text), p)])]


def plans_section(d: ReportInput, headings: tuple[tuple[str, str], ...] = PLAN_HEADINGS) -> list[Block]:
    """The plans; the one built from this year's open measures (its body left empty) comes first when there
    are any, so the year's own plans lead and the stock ones follow."""
    blocks: list[Block] = []
    if any(m.status != "long_term" for m in d.open_measures):
        headings = tuple(sorted(headings, key=lambda h: bool(h[1])))
    for title, body in headings:
        blocks.append(Heading(2, title))
        if body:
            blocks.append(Paragraph(body))
            continue
        under_way = [m for m in d.open_measures if m.status != "long_term"][:3]
        text = ("对照既定目标，对已完成整改的问题适时开展“回头看”，对需长期坚持的问题盯住不放、持续用力，"
                "巩固和扩大整改成果。")
        if under_way:
            text += "重点抓好" + "；".join(
                strip_end(m.text) + (f"（整改时限：{m.deadline}）" if m.deadline else "") for m in under_way)
            text += "等整改措施的落实。"
        blocks.append(marked(Paragraph(text), [piece for m in under_way for piece in from_import(strip_end(m.text), m)]))
    return blocks


def build(d: ReportInput) -> Report:
    period = period_label(d)
    blocks: list[Block] = [
        Paragraph(f"现将{d.unit_name}{period}落实党风廉政建设责任制情况报告如下。"),
        Heading(1, "基本情况"),
        year_on_year(d) or Paragraph(""),  # what changed leads; the standing wording follows
        Paragraph(f"{period_short(d)}，{d.unit_name}{guidance(d)}，全面落实新时代党的建设总要求，"
                  "坚持全面从严治党战略方针，认真履行党风廉政建设主体责任，推动管党治党不断向纵深发展，"
                  "以高质量党建引领保障各项工作。"),
        Heading(1, "主要做法和成效"),
        Heading(2, "落实全面从严治党要求，精心研究部署党风廉政建设工作"),
        *_main_duty(d),
        *_eight_rules(d),
        *_education(d),
        *_party_life(d),
        *_rectification(d),
        *_publicity(d),
        Heading(2, "领导和支持纪检监察机关履行监督责任"),
        Paragraph("积极主动接受纪检监察机关监督，支持派驻纪检监察组开展日常监督，对反映的问题线索认真核查、"
                  "及时处置，做到件件有着落。"),
        Heading(1, "存在的主要问题"),
        *problems_section(d),
        Heading(1, "下步工作计划"),
        *plans_section(d),
    ]
    blocks = [b for b in blocks if not (isinstance(b, Paragraph) and not b.text)]
    return Report(title=f"{d.unit_name}{period}{TITLE}", genre="responsibility", issuer=d.unit_name,
                  date=report_date(d), blocks=blocks)
