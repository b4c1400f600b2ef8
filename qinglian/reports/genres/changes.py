"""What changed this year: the sentences that make one year's report differ from the last where the facts do.

- `year_on_year`: the year's main figures beside the previous period's ("中心组学习12次，比上年增加3次"), in the
  order of the largest change first, so the paragraph leads with what moved;
- `ledger_outcomes`: how the rectification measures ended (提前 / 按期 / 逾期完成, 经批准延期, 已完成待验收).

Each current figure is tagged (it is traced like any other); the previous period's numbers and the differences
stand after a comma, untagged, so the report checker never reads them as a claim about this period.
"""

from __future__ import annotations

from paperwork.write import Paragraph
from qinglian.reports.genres.common import Line
from qinglian.reports.genres.data import Count, ReportInput

# (kind, how the sentence names it): outcomes first (DESIGN §7: figures lead with problems solved), then work
COMPARED = (
    ("ledger.closed", "已销号问题"),
    ("ledger.problems", "新反馈具体问题"),
    ("ledger.overdue", "逾期措施"),
    ("risk.points", "排查廉政风险点"),
    ("activity.central_group_study", "中心组学习"),
    ("activity.integrity_lecture", "廉政党课"),
    ("activity.admonition_talk", "约谈"),
    ("activity.integrity_reminder_talk", "廉政提醒谈话"),
    ("activity.warning_education", "警示教育"),
    ("publicity.adopted", "媒体采用稿件"),
    ("opinion.tickets", "监测处置舆情"),
)
COMPARED_SHOWN = 6
OUTCOMES = (("verify.early", "提前完成"), ("verify.on_time", "按期完成"), ("verify.late", "逾期完成"),
            ("verify.extended", "经批准延期"), ("verify.awaiting", "已完成待验收"))


def _change(now: int, before: int, counting_unit: str) -> str:
    if now == before:
        return "与上年持平"
    word = "增加" if now > before else "减少"
    return f"比上年{word}{abs(now - before)}{counting_unit}"


def year_on_year(d: ReportInput) -> Paragraph | None:
    """"与2025年相比，销号问题12项，比上年增加5项；…" for the figures either period has; None without a
    previous period (or when both are empty)."""
    if not d.previous:
        return None
    rows: list[tuple[Count, str, int]] = []
    for key, label in COMPARED:
        now, before = d.get(key), d.previous.get(key)
        if now is None or (now.count == 0 and (before is None or before.count == 0)):
            continue
        rows.append((now, label, before.count if before is not None else 0))
    if not rows:
        return None
    rows.sort(key=lambda r: -abs(r[0].count - r[2]))  # stable: the order above among equal changes
    line = Line(f"与{d.previous_label or '上年'}相比，")
    for i, (now, label, before) in enumerate(rows[:COMPARED_SHOWN]):
        if i:
            line.add("；")
        if now.count:
            line.fig(now, label).add("，" + _change(now.count, before, now.counting_unit))
        else:
            line.add(f"{label}本期没有，比上年减少{before}{now.counting_unit}")
    return line.add("。").paragraph()


def ledger_outcomes(d: ReportInput) -> Paragraph | None:
    """"整改措施提前完成3项、按期完成5项、逾期完成1项，经批准延期2项。" with only the outcomes there are."""
    found = [(d.positive(key), label) for key, label in OUTCOMES]
    found = [(c, label) for c, label in found if c is not None]
    if not found:
        return None
    line = Line("从整改结果看，整改措施")
    for i, (count, label) in enumerate(found):
        if i:
            line.add("、")
        line.fig(count, label)
    late = d.positive("verify.late")
    line.add("，逾期完成的已逐项分析原因、压实责任。" if late else "，未出现逾期完成的情况。")
    return line.paragraph()
