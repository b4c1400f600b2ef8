"""What a cell of an upper-level form may be mapped to: every figure of the statistics engine, plus the few
ratios forms ask for, each defined here once as a numerator over a denominator of engine figures.

The synonym table holds the words forms use that are not a figure's own name (央媒, 提醒谈话, 整改完成率 …);
everything else is matched by the figures' Chinese names and counting units (paperwork.returns.propose).
"""

from __future__ import annotations

from dataclasses import dataclass

from paperwork.returns import Choice
from qinglian.stats.registry import Figure


@dataclass(frozen=True)
class Ratio:
    """A percentage of two engine figures: numerator / denominator × 100 (an empty denominator: no value)."""

    kind: str
    name: str
    numerator: str
    denominator: str
    definition: str
    group: str = "比率"


RATIOS = {r.kind: r for r in [
    Ratio("ratio.rectification_done", "整改完成率", "ledger.done", "ledger.measures",
          "已完成措施 ÷ 整改措施 × 100%：时段内有关的整改措施中状态为“已完成”的比例；“长期坚持”的措施不计为已完成。"),
    Ratio("ratio.problems_closed", "问题销号率", "ledger.closed", "ledger.problems",
          "已销号问题 ÷ 具体问题 × 100%。"),
    Ratio("ratio.responsibility_signed", "责任书签订率", "letter.responsibility_signed",
          "letter.responsibility_signed+letter.responsibility_unsigned",
          "签订党风廉政建设责任书 ÷（已签订 + 未签订）× 100%。"),
]}

SYNONYMS = {
    "央媒": "publicity.central", "中央媒体": "publicity.central", "中央级媒体": "publicity.central",
    "中央级": "publicity.central", "央媒采用": "publicity.central", "中央媒体采用": "publicity.central",
    "省媒": "publicity.provincial", "省级媒体": "publicity.provincial", "省级": "publicity.provincial",
    "市媒": "publicity.city", "市州媒体": "publicity.city", "市级媒体": "publicity.city",
    "县媒": "publicity.county", "县级媒体": "publicity.county",
    "稿件采用": "publicity.adopted", "新闻稿件": "publicity.adopted", "报送稿件": "publicity.submitted",
    "中心组": "activity.central_group_study", "理论学习中心组": "activity.central_group_study",
    "谈心谈话人次": "activity.heart_to_heart_talk", "谈心": "activity.heart_to_heart_talk",
    "提醒谈话": "activity.integrity_reminder_talk", "廉政谈话": "activity.integrity_reminder_talk",
    "集体约谈": "activity.admonition_talk", "约谈提醒": "activity.admonition_talk",
    "党组会": "activity.party_group_meeting", "部务会": "activity.party_group_meeting",
    "党课": "activity.integrity_lecture", "警示教育片": "activity.warning_film", "廉政短信": "activity.integrity_sms",
    "制度": "activity.rules_made", "建章立制": "activity.rules_made",
    "风险点": "risk.points", "廉政风险点": "risk.points",
    "责任书": "letter.responsibility_signed", "承诺书": "letter.pledge_signed",
    "舆情": "opinion.tickets", "处置舆情": "opinion.tickets", "舆情提示函": "opinion.alert_letters",
    "整改问题": "ledger.problems", "问题数": "ledger.problems", "整改完成": "ledger.done",
    "整改已完成": "ledger.done", "已整改": "ledger.done", "已完成整改": "ledger.done",
    "整改完成率": "ratio.rectification_done", "完成整改率": "ratio.rectification_done",
    "销号率": "ratio.problems_closed", "问题销号": "ledger.closed", "签订率": "ratio.responsibility_signed",
    "逾期": "ledger.overdue", "督办": "ledger.orders_open",
}


def choices(figures: list[Figure]) -> list[Choice]:
    """Everything a cell may be mapped to: the engine's figures (as counted for one scope), then the ratios."""
    return [Choice(f.kind, f.name, f.counting_unit) for f in figures] + [
        Choice(r.kind, r.name, "%") for r in RATIOS.values()]


def parts(kind: str) -> list[str]:
    """The engine figures a mapped kind needs: itself, or a ratio's numerator and denominator terms."""
    ratio = RATIOS.get(kind)
    if ratio is None:
        return [kind]
    return [ratio.numerator, *ratio.denominator.split("+")]


def value(kind: str, counts: dict[str, int]) -> float | int | None:
    """The number for `kind` from the engine's counts; a ratio in percent (one decimal), None without base."""
    ratio = RATIOS.get(kind)
    if ratio is None:
        return counts.get(kind)
    base = sum(counts.get(k, 0) for k in ratio.denominator.split("+"))
    if not base:
        return None
    return round(100 * counts.get(ratio.numerator, 0) / base, 1)


def definitions(kinds: list[str]) -> dict[str, str]:
    """The written definition (统计口径) shown beside each mapped figure: a ratio's own, an engine figure's from
    stats.definitions (what it counts; what it leaves out)."""
    from qinglian.stats.definitions import definitions_for

    found = definitions_for([k for k in kinds if k and k not in RATIOS])
    out = {k: RATIOS[k].definition for k in kinds if k in RATIOS}
    out.update({k: f"{d.counts}；不计：{d.excludes}" if d.excludes else d.counts for k, d in found.items()})
    return out
