"""述责述廉报告 (seed 001): 一、遵守政治纪律 二、履行责任（一）…（四） 三、存在的问题和下一步打算.

Figures are the person's own (kinds "person.…", counted by `qinglian.reports.person`): meetings they
presided, study they took part in, talks they held (人次 = persons talked to), their duty lists and the
rectification measures they lead.
"""

from __future__ import annotations

from paperwork.write import Block, Heading, Paragraph, Report
from qinglian.reports.genres.common import (
    Line,
    enumerate_zh,
    from_import,
    guidance,
    join,
    marked,
    period_label,
    period_short,
    report_date,
    sentence,
    strip_end,
)
from qinglian.reports.genres.data import ReportInput

TITLE = "述责述廉报告"

ROLE_WORDS = {"principal": "第一责任人", "team_member": "“一岗双责”", "staff": "党员"}

DEFAULT_PROBLEMS = (
    "理论学习还不够系统深入，学习成果转化为推动工作的能力还有差距",
    "对全面从严治党督促落实的力度还需加大，廉政教育的针对性、实效性有待提高",
    "创新意识还不够强，对新形势下加强党风廉政建设的思考研究不够深",
)


def _duties(d: ReportInput) -> list[Block]:
    p = d.person
    assert p is not None
    blocks: list[Block] = []
    total, done = d.positive("person.duty.total"), d.positive("person.duty.done")
    if total is not None:
        line = Line(f"对照本人{d.date_to.year}年责任清单，").fig(total, "共列责任事项")
        if done is not None:
            line.add("，").fig(done, "已按期履行")
        line.add("。")
        due = [x for x in p.duties if not x.done][:3]
        if due:
            line.add("尚待履行的有：" + "；".join(strip_end(x.text) for x in due) + "，将抓紧落实。")
        blocks.append(line.paragraph())
    return blocks


def build(d: ReportInput) -> Report:
    p = d.person
    if p is None:
        raise ValueError("述责述廉报告须指定述职人。")
    period = period_label(d)
    role = ROLE_WORDS.get(p.team_role, "党员")
    portfolio = f"分管{'、'.join(p.portfolio)}工作，" if p.portfolio and p.team_role == "team_member" else ""
    blocks: list[Block] = [
        Paragraph(f"本人现任{d.unit_name}{p.post}，{portfolio}按照组织安排，现将{period}履行党风廉政建设责任和"
                  "个人廉洁自律情况报告如下。"),
        Heading(1, "严于律己，自觉遵守政治纪律和政治规矩"),
        Paragraph("始终把严守党的政治纪律和政治规矩作为最根本的行为准则，增强“四个意识”、坚定“四个自信”、"
                  "做到“两个维护”。严格执行中央八项规定及其实施细则精神，严格执行个人有关事项报告制度，"
                  "管好配偶、子女和身边工作人员，自觉接受组织和群众监督。"),
        Heading(1, "恪尽职守，认真履行全面从严治党责任"),
        Heading(2, "坚持理论武装，理想信念更加坚定"),
        join([f"{period_short(d)}，{guidance(d)}。",
              sentence(d, [("person.activity.central_group_study", "参加中心组学习"),
                           ("person.activity.study_class", "参加读书班"),
                           ("person.activity.collective_study", "参加集中学习"),
                           ("person.activity.seminar", "参加交流研讨"),
                           ("person.activity.party_lecture", "讲专题党课")], tail="。")]) or Paragraph(""),
        Heading(2, f"认真履行{role}责任，使命担当更加强烈"),
        join(["坚持党风廉政建设与业务工作同部署、同落实、同检查、同考核，",
              sentence(d, [("person.activity.party_group_meeting", "主持召开党组会"),
                           ("person.activity.democratic_life_meeting", "参加民主生活会")], tail="，"),
              sentence(d, [("person.letter.signed", "签订党风廉政建设责任书和廉政承诺书")], tail="，"),
              "层层传导压力。"]) or Paragraph(""),
        *_duties(d),
        Heading(2, "严格履行监督责任，思想防线更加牢固"),
        join(["坚持抓早抓小，经常性开展谈心谈话和教育提醒。",
              sentence(d, [("person.activity.integrity_lecture", "讲廉政党课"),
                           ("person.activity.admonition_talk", "约谈"),
                           ("person.activity.integrity_reminder_talk", "廉政提醒谈话"),
                           ("person.activity.heart_to_heart_talk", "谈心谈话"),
                           ("person.activity.pre_appointment_talk", "任前谈话")], lead="年内", tail="。"),
              sentence(d, [("person.activity.integrity_sms", "发送廉政提醒短信"),
                           ("person.activity.integrity_certificate", "开具廉洁自律证明")], tail="。")])
        or Paragraph(""),
        Heading(2, "抓好分管领域问题整改，整改成效更加明显"),
        join(["对巡察、审计等反馈问题全面认领、带头整改，",
              sentence(d, [("person.ledger.measures", "作为责任领导牵头整改措施"),
                           ("person.ledger.done", "已完成")], tail="，"),
              "做到问题不解决不放过、整改不到位不销号。"]) or Paragraph(""),
        Heading(1, "存在的问题和下一步打算"),
        Paragraph("回顾一年来的工作，虽然取得了一些成绩，但对照上级要求和群众期盼，还存在一些问题和不足。"
                  + enumerate_zh(list(DEFAULT_PROBLEMS))),
    ]
    own = [m for m in d.open_measures if m.leader == p.name][:3]
    plan = ("下一步，本人将坚持把强化理论武装作为终身任务，带头贯彻落实中央八项规定及其实施细则精神，"
            "深化党内监督，加强警示教育，转变工作作风，不断涵养良好政治生态。")
    if own:
        plan += "抓紧推进" + "；".join(strip_end(m.text) for m in own) + "等本人牵头的整改措施，确保按期完成。"
    blocks.append(marked(Paragraph(plan), [piece for m in own for piece in from_import(strip_end(m.text), m)]))
    blocks = [b for b in blocks if not (isinstance(b, Paragraph) and not b.text)]
    return Report(title=f"{d.unit_name}{p.name}{period}{TITLE}", genre="personal", issuer=p.name,
                  date=report_date(d), blocks=blocks)
