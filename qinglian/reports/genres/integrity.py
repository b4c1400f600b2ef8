"""党风廉政意见回复: the 纪委's answer to an organisation department asking, before a cadre's promotion,
what the records hold on them. 一、基本情况 二、履行党风廉政建设责任情况 三、接受谈话提醒情况
四、牵头整改事项及完成情况 五、督办情况 六、结论意见 (the standard wording, with blanks the 纪委 fills by hand).

Figures are the person's own: "person.…" (what they did: meetings presided, letters signed, duty lists) and
"integrity.…" (what they received and led: talks, rectification measures and their outcomes, 督办)."""

from __future__ import annotations

from paperwork.write import Block, Heading, Paragraph, Report, Table
from qinglian.reports.genres.common import Line, date_text_short, join, period_label, report_date, sentence
from qinglian.reports.genres.data import Count, ReportInput

TITLE = "党风廉政意见回复"
WITHHELD = "（内容按密级不予显示）"
ROLE_WORDS = {"principal": "主要领导（第一责任人）", "team_member": "班子成员", "staff": "干部"}
BLANK = "________"

CONCLUSION = (
    "经查阅党风廉政建设责任制落实记录和有关台账，该同志在上述期间" + BLANK * 3 + "（由纪委监委填写）。",
    "是否有反映该同志的问题线索：" + BLANK + "；如有，办理情况：" + BLANK * 2 + "。",
    "是否有正在核查的问题线索或正在接受审查调查：" + BLANK + "。",
    "是否受到党纪政务处分、组织处理或诫勉：" + BLANK + "；如有，影响期是否届满：" + BLANK + "。",
    "综合意见：" + BLANK * 4 + "（由纪委监委填写）。",
)
NOTE = ("说明：本意见回复第一至五部分依据清廉台账系统中的记录生成，其中数字均可追溯至具体记录；"
        "信访举报、问题线索、审查调查和处分等情况由纪委监委按规定另行核实后填写。")


def _figure(d: ReportInput, key: str) -> Count:
    found = d.get(key)
    return found if found is not None else Count(key=key, name="", counting_unit="", count=0)


def _figures(d: ReportInput, lead: str, items: list[tuple[str, str]], tail: str = "。") -> Paragraph:
    """"{lead}A1次，B2次{tail}" with every figure given, zero included (an opinion says what was not)."""
    line = Line(lead)
    for i, (key, label) in enumerate(items):
        if i:
            line.add("，")
        line.fig(_figure(d, key), label)
    return line.add(tail).paragraph()


def _basic(d: ReportInput) -> list[Block]:
    p, info = d.person, d.integrity
    assert p is not None and info is not None
    portfolio = f"，分管{'、'.join(p.portfolio)}工作" if p.portfolio and p.team_role == "team_member" else ""
    role = ROLE_WORDS.get(p.team_role, "干部")
    span = f"{date_text_short(d.date_from)}至{date_text_short(d.date_to)}"
    return [Heading(1, "基本情况"),
            Paragraph(f"{p.name}同志，现任{info.unit_name}{p.post or role}（{role}）{portfolio}。"
                      f"本回复所查期间为{period_label(d)}（{span}）。")]


def _duties(d: ReportInput) -> list[Block]:
    p, info = d.person, d.integrity
    assert p is not None and info is not None
    blocks: list[Block] = [Heading(1, "履行党风廉政建设责任情况"), Heading(2, "责任清单履行情况")]
    if _figure(d, "person.duty.total").count:
        line = Line(f"该同志{d.date_to.year}年责任清单").fig(_figure(d, "person.duty.total"), "共列责任事项")
        line.add("，").fig(_figure(d, "person.duty.done"), "已按期履行").add("。")
        due = [x.text.rstrip("。；;，,") for x in p.duties if not x.done][:5]
        if due:
            line.add("尚待履行的有：" + "；".join(due) + "。")
        blocks.append(line.paragraph())
    else:
        blocks.append(Paragraph(f"系统中没有该同志{d.date_to.year}年的责任清单记录。"))
    blocks.append(Heading(2, "责任书签订情况"))
    letters = _figures(d, "期内", [("person.letter.signed", "签订党风廉政建设责任书和廉政承诺书")],
                       tail="：" if info.letters else "。")
    blocks.append(Paragraph(letters.text + ("；".join(info.letters) + "。" if info.letters else ""),
                            figures=letters.figures))
    blocks.append(Heading(2, "主持会议和开展教育提醒情况"))
    found = join(["期内",
                  sentence(d, [("person.activity.party_group_meeting", "主持召开党组会"),
                               ("person.activity.democratic_life_meeting", "参加民主生活会"),
                               ("person.activity.central_group_study", "参加中心组学习"),
                               ("person.activity.integrity_lecture", "讲廉政党课"),
                               ("person.activity.admonition_talk", "开展约谈"),
                               ("person.activity.integrity_reminder_talk", "开展廉政提醒谈话"),
                               ("person.activity.heart_to_heart_talk", "开展谈心谈话")], tail="。")])
    none = Paragraph("期内系统中没有该同志主持会议或开展教育提醒的记录。")
    blocks.append(found if found is not None and found.figures else none)
    return blocks


def _talks(d: ReportInput) -> list[Block]:
    info = d.integrity
    assert info is not None
    kinds = [(k, f"{_figure(d, k).name.removeprefix('接受')}") for k in d.figures
             if k.startswith("integrity.talk.") and k != "integrity.talk.received" and d.figures[k].count]
    blocks: list[Block] = [Heading(1, "接受谈话提醒情况")]
    line = Line("期内该同志").fig(_figure(d, "integrity.talk.received"), "接受谈话")
    if kinds:
        line.add("，其中")
        for i, (key, label) in enumerate(kinds):
            if i:
                line.add("，")
            line.fig(_figure(d, key), label)
    line.add("。" if info.talks else "，系统中没有该同志接受谈话的记录。")
    blocks.append(line.paragraph())
    if info.talks:
        rows = [[str(i), date_text_short(t.date), t.kind, WITHHELD if t.protected else t.content]
                for i, t in enumerate(info.talks, start=1)]
        blocks.append(Table(["序号", "日期", "类型", "谈话要点"], rows, title="接受谈话情况"))
    return blocks


def _ledger(d: ReportInput) -> list[Block]:
    info = d.integrity
    assert info is not None
    blocks: list[Block] = [Heading(1, "牵头整改事项及完成情况")]
    blocks.append(_figures(d, "期内反馈的巡察、审计等问题中，该同志", [
        ("integrity.ledger.measures", "作为责任领导或责任人牵头整改措施"),
        ("integrity.ledger.leader", "其中作为责任领导"),
        ("integrity.ledger.owner", "作为责任人")]))
    if _figure(d, "integrity.ledger.measures").count:
        blocks.append(_figures(d, "完成情况：", [
            ("integrity.ledger.early", "提前完成"), ("integrity.ledger.on_time", "按期完成"),
            ("integrity.ledger.late", "逾期完成"), ("integrity.ledger.awaiting", "已完成待验收"),
            ("integrity.ledger.overdue", "逾期未完成"), ("integrity.ledger.extended", "经批准延期")]))
        blocks.append(_figures(d, "验收核查：", [
            ("integrity.ledger.accepted", "验收通过"),
            ("integrity.ledger.reopened", "因退回、复发等重新整改"),
            ("integrity.ledger.refuted", "反向核查不属实")]))
        rows = [[str(i), m.text or WITHHELD, m.role, m.deadline, m.outcome]
                for i, m in enumerate(info.ledger, start=1)]
        blocks.append(Table(["序号", "整改措施", "担任", "整改时限", "完成情况"], rows, title="牵头整改措施"))
    return blocks


def _orders(d: ReportInput) -> list[Block]:
    info = d.integrity
    assert info is not None
    blocks: list[Block] = [Heading(1, "督办情况")]
    blocks.append(_figures(d, "针对该同志牵头的整改事项，", [("integrity.order.total", "下发督办"),
                                                     ("integrity.order.open", "其中尚未办结")]))
    if info.orders:
        rows = [[str(i), o.content or WITHHELD, o.due, o.state] for i, o in enumerate(info.orders, start=1)]
        blocks.append(Table(["序号", "督办要求", "办理时限", "状态"], rows, title="督办事项"))
    return blocks


def build(d: ReportInput) -> Report:
    p, info = d.person, d.integrity
    if p is None or info is None:
        raise ValueError("党风廉政意见回复须指定干部。")
    blocks: list[Block] = [
        Paragraph(f"根据干部考察工作需要，现将{p.name}同志{period_label(d)}党风廉政建设有关情况回复如下。"),
        *_basic(d), *_duties(d), *_talks(d), *_ledger(d), *_orders(d),
        Heading(1, "结论意见"), *[Paragraph(text) for text in CONCLUSION], Paragraph(NOTE),
    ]
    return Report(title=f"关于{p.name}同志党风廉政情况的意见回复", genre="integrity",
                  issuer=info.issuer or BLANK, recipient=BLANK + "：", date=report_date(d), blocks=blocks)
