"""巡察整改情况通报 (seed 003): 一、抓好整改的组织 二、整改落实情况 (per aspect and problem: 问题 →
整改情况 一是…二是…) 三、下一步. The counts ("3个方面12项具体问题") are the ledger's own figures, and the
listing below them is the same ledger, so the two agree."""

from __future__ import annotations

from paperwork.write import Block, Heading, Paragraph, Report
from qinglian.reports.genres.common import (
    Line,
    date_text_short,
    enumerate_zh,
    from_import,
    join,
    marked,
    report_date,
    sentence,
    strip_end,
)
from qinglian.reports.genres.data import MeasureItem, ProblemItem, ReportInput, SourceItem

STATUS_WORDS = {"done": "已完成", "long_term": "长期坚持", "in_progress": "正在推进", "not_started": "尚未启动"}


def _source_phrase(s: SourceItem) -> str:
    when = f"于{date_text_short(s.feedback_date)}" if s.feedback_date else ""
    return f"{s.issued_by}{when}反馈{s.kind_label}意见"


def _measure_text(m: MeasureItem) -> str:
    text = strip_end(m.text)
    situation = strip_end(m.situation)
    if situation.startswith(text):  # a progress note that repeats the measure before saying how it went
        situation = situation[len(text):].lstrip("：:，,。 ")
    if situation:
        text += "。" + situation
    return f"{text}（{STATUS_WORDS.get(m.status, m.status_label)}）"


def _situation(problem: ProblemItem, lead: str = "") -> Paragraph | Heading:
    if not problem.measures:
        return Paragraph(f"{lead}整改情况：正在研究制定整改措施。")
    return marked(Paragraph(f"{lead}整改情况：" + enumerate_zh([_measure_text(m) for m in problem.measures])),
                  [piece for m in problem.measures for piece in from_import(strip_end(m.text), m)])


def _problem_heading(text: str) -> str:
    """"关于…的问题" (the notice's own wording), never "关于关于…": a ledger problem may already begin with it."""
    text = strip_end(text)
    if text.endswith("问题"):
        return text
    return f"{text}的问题" if text.startswith("关于") else f"关于{text}的问题"


def _problem_title(level: int, problem: ProblemItem) -> Block:
    return marked(Heading(level, _problem_heading(problem.text)),  # type: ignore[arg-type]
                  from_import(strip_end(problem.text), problem))


def _problems(problems: tuple[ProblemItem, ...], level: int) -> list[Block]:
    blocks: list[Block] = []
    for problem in problems:
        blocks.append(_problem_title(level, problem))
        if problem.children:
            if problem.measures:  # measures on the parent itself: shown before its parts
                blocks.append(_situation(problem, "总体"))
            blocks.extend(_problems(problem.children, min(level + 1, 4)))
        else:
            blocks.append(_situation(problem))
    return blocks


def _aspect_title(title: str) -> str:
    title = strip_end(title)
    return title if title.endswith("方面") else f"{title}方面"


def _progress(d: ReportInput) -> Paragraph | None:
    aspects, problems = d.positive("ledger.aspects"), d.positive("ledger.problems")
    if problems is None:
        return None
    line = Line(f"截至{date_text_short(d.today)}，反馈的")
    if aspects is not None:
        line.fig(aspects, suffix="方面")
    line.fig(problems, suffix="具体问题")
    measures = d.get("ledger.measures")
    done = (d.get("ledger.done"), d.get("ledger.long_term"))
    if measures is not None and measures.count and all(c is not None for c in done) and \
            sum(c.count for c in done if c is not None) == measures.count:
        line.add("已全面完成整改")
        rest = sentence(d, [("ledger.measures", "制定的整改措施"), ("ledger.done", "已完成"),
                            ("ledger.long_term", "需长期坚持")], lead="，", tail="。")
    else:
        rest = sentence(d, [("ledger.measures", "共制定整改措施"), ("ledger.done", "已完成"),
                            ("ledger.long_term", "需长期坚持"), ("ledger.in_progress", "正在推进"),
                            ("ledger.not_started", "尚未启动")], lead="中，", tail="。")
    if rest:
        line.add(rest[0])
        line.refs.extend(rest[1])
    else:
        line.add("。")
    closed = sentence(d, [("ledger.closed", "经审批销号的问题")], tail="。")
    # 销号 measures against the deadline in force, and the extensions approved (app verify)
    timing = sentence(d, [("verify.early", "提前完成"), ("verify.on_time", "按期完成"), ("verify.late", "逾期完成"),
                          ("verify.extended", "经批准延期")], lead="整改措施中，", tail="。")
    for piece in (closed, timing):
        if piece:
            line.add(piece[0])
            line.refs.extend(piece[1])
    return line.paragraph()


def build(d: ReportInput) -> Report:
    sources = d.sources
    if len(sources) == 1:
        s = sources[0]
        title = f"{d.unit_name}关于{s.issued_by}{s.kind_label}反馈意见整改情况的通报"
        intro = (f"按照上级统一安排，{_source_phrase(s)}。{d.unit_name}高度重视，坚持全面认领、认真整改。"
                 f"根据{s.kind_label}工作要求，现将整改情况通报如下：")
    else:
        title = f"{d.unit_name}关于{d.date_from.year}年反馈问题整改情况的通报"
        heard = "；".join(_source_phrase(s) for s in sources[:5])
        intro = (f"{heard}。" if heard else "") + (
            f"{d.unit_name}高度重视，坚持全面认领、认真整改。现将整改情况通报如下：")
    org = join([
        "反馈意见后，班子坚持把问题整改作为重要政治任务，成立了由主要领导任组长的整改工作领导小组，",
        sentence(d, [("activity.party_group_meeting", "先后召开党组会")], tail="，"),
        "研究制定整改落实方案，",
    ])
    assert org is not None
    ledger = Line()
    aspects, problems, measures = (d.positive("ledger.aspects"), d.positive("ledger.problems"),
                                   d.positive("ledger.measures"))
    if problems is not None:
        ledger.add("建立了")
        if aspects is not None:
            ledger.fig(aspects, suffix="方面")
        ledger.fig(problems, suffix="具体问题").add("台账，")
        if measures is not None:
            ledger.fig(measures, "制定整改措施").add("，")
    ledger.add("逐项明确了整改措施、责任领导、责任单位、责任人和整改时限，形成了整改落实的“路线图”和“时间表”。")
    life = sentence(d, [("activity.democratic_life_meeting", "召开专题民主生活会")], tail="，班子成员主动认领问题，"
                    "从思想上挖根源，严肃开展批评和自我批评。")
    blocks: list[Block] = [
        Paragraph(intro),
        Heading(1, "强化政治自觉，全力以赴抓好整改"),
        join([(org.text + ledger.text, [*org.figures, *ledger.refs]), life]) or Paragraph(""),
        Heading(1, "强化政治担当，一抓到底推动整改任务落地见效"),
    ]
    progress = _progress(d)
    if progress:
        blocks.append(progress)
    titles = [_aspect_title(a.title) for s in sources for a in s.aspects]
    for source in sources:
        for aspect in source.aspects:
            heading = _aspect_title(aspect.title)
            if titles.count(heading) > 1:  # several sources name an aspect alike: say whose it is
                heading = f"{source.issued_by}{source.kind_label}反馈的{heading}"
            blocks.append(Heading(2, heading))
            blocks.extend(_problems(aspect.problems, 3))
    open_measures = [m for m in d.open_measures if m.status in ("in_progress", "not_started")][:5]
    next_steps = ("虽然整改工作取得了阶段性成效，但与整改要求相比还存在一定差距。下一步，我们将坚持政治态度不变、"
                  "整改标准不降、措施力度不减，举一反三、标本兼治。一要持续深化思想认识，把抓好反馈问题整改作为"
                  "重要政治任务。二要持续推进整改，对已完成整改的问题适时开展“回头看”，巩固整改成果，防止问题反弹；"
                  "对需长期坚持整改的问题，盯住不放、持续用力。三要持续压实整改责任，严格实行牵头领导包抓落实制。")
    blocks += [Heading(1, "强化政治定力，持之以恒提升整改成效"), Paragraph(next_steps)]
    if open_measures:
        blocks.append(marked(Paragraph("对尚未完成的整改措施，明确专人跟踪落实：" + "；".join(
            strip_end(m.text) + (f"（责任领导：{m.leader}）" if m.leader else "") for m in open_measures) + "。"),
            [piece for m in open_measures for piece in from_import(strip_end(m.text), m)]))
    blocks.append(Paragraph("欢迎广大干部群众对整改落实情况进行监督。如有意见建议，请及时向我们反映。"))
    blocks = [b for b in blocks if not (isinstance(b, Paragraph) and not b.text)]
    return Report(title=title, genre="rectification", issuer=d.unit_name, date=report_date(d), blocks=blocks)
