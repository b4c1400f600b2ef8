"""The ledger's statistics Provider (prefix "ledger"): the figures of `selectors.ledger_figures`, each
traceable to its rows (`records`)."""

from __future__ import annotations

from collections.abc import Sequence

from qinglian.ledger.selectors import FIGURES, figure_querysets, ledger_figures, record_label
from qinglian.stats.definitions import DELETED, PERIOD, SUBTREE
from qinglian.stats.registry import Definition, Figure, RecordRef, Scope

TRACE_LIMIT = 5000

# The ledger's period rule, worded once: which sources (and so which aspects, problems, measures) count.
SOURCES = f"{SUBTREE}作为整改单位、反馈日期在{PERIOD}内的整改反馈来源"
UNDATED = "未填写反馈日期的来源；反馈日期在时段之外的来源及其问题和措施"
NOW = "状态按统计时的现状，不按时段结束日回溯"
MEASURE_UNIT = "条：每条整改措施记1条"
PROBLEM_UNIT = "项：每项具体问题记1项（有（1）（2）等子问题的按子问题计，没有子问题的问题计1项）"


def _status(name: str, status: str) -> Definition:
    return Definition(
        name=name, group="整改", counting_unit=MEASURE_UNIT,
        counts=f"{SOURCES}的整改措施中，当前状态为“{status}”的；{NOW}。",
        excludes=f"{DELETED}；其他状态的措施；{UNDATED}。",
        records=f"状态为“{status}”的整改措施，逐条显示措施内容和整改时限。")


DEFINITIONS: dict[str, Definition] = {
    "sources": Definition(
        name="整改反馈来源", group="整改", counting_unit="个：每次反馈（一轮巡察、一次审计等）记1个",
        counts=f"{SOURCES}（巡察、巡视、审计、督查、民主生活会、自查、上级交办）。",
        excludes=f"{DELETED}；{UNDATED}。", records="整改反馈来源，逐个显示名称和反馈日期。"),
    "aspects": Definition(
        name="问题方面", group="整改", counting_unit="个：反馈意见的每个方面记1个",
        counts=f"{SOURCES}下的问题方面。", excludes=f"{DELETED}；{UNDATED}。",
        records="问题方面，逐个显示标题，链接到所属来源。"),
    "problems": Definition(
        name="具体问题", group="整改", counting_unit=PROBLEM_UNIT,
        counts=f"{SOURCES}下的具体问题，不论整改状态。",
        excludes=f"{DELETED}；有子问题的上级问题本身（只计其子问题）；{UNDATED}。",
        records="具体问题，逐项显示问题内容和销号日期。"),
    "measures": Definition(
        name="整改措施", group="整改", counting_unit=MEASURE_UNIT,
        counts=f"{SOURCES}的全部整改措施，不论状态。", excludes=f"{DELETED}；{UNDATED}。",
        records="整改措施，逐条显示措施内容和整改时限。"),
    "done": _status("已完成措施", "已完成"),
    "in_progress": _status("推进中措施", "推进中"),
    "not_started": _status("未启动措施", "未启动"),
    "long_term": _status("长期坚持措施", "长期坚持"),
    "overdue": Definition(
        name="逾期措施", group="整改", counting_unit=MEASURE_UNIT,
        counts=(f"{SOURCES}的整改措施中，状态为未启动或推进中、尚未销号，且整改时限早于“时段结束日的次日”和“今天”"
                "中较早一天的（即时限已过仍未完成）。"),
        excludes=(f"{DELETED}；已完成、长期坚持或已销号的措施；没有具体整改时限的措施；时限未到的措施；"
                  f"{UNDATED}。"),
        records="逾期的整改措施，逐条显示措施内容和整改时限。"),
    "closed": Definition(
        name="已销号问题", group="整改", counting_unit=PROBLEM_UNIT,
        counts=f"{SOURCES}下的具体问题中，已经负责人批准销号的；{NOW}。",
        excludes=f"{DELETED}；措施已完成但尚未批准销号（含已完成待验收）的问题；{UNDATED}。",
        records="已销号的具体问题，逐项显示问题内容和销号日期。"),
    "due": Definition(
        name="期内到期措施", group="整改", counting_unit=MEASURE_UNIT,
        counts=f"{SUBTREE}的整改措施中，整改时限在{PERIOD}内的，不论其来源何时反馈、现在是否完成。",
        excludes=f"{DELETED}；没有具体整改时限（如长期坚持）的措施；时限在时段之外的措施。",
        records="期内到期的整改措施，逐条显示措施内容和整改时限。"),
    "orders_open": Definition(
        name="未办结督办", group="整改", counting_unit="件：每份督办单记1件",
        counts=f"{SOURCES}下问题的督办单中，当前状态为待答复或已答复（尚未办结）的。",
        excludes=f"{DELETED}；已办结的督办；{UNDATED}。", records="未办结的督办单，逐件显示督办内容和答复期限。"),
    "reopened": Definition(
        name="回头看后重新整改问题", group="整改", counting_unit=PROBLEM_UNIT,
        counts=f"{SOURCES}下的具体问题中，曾因回头看发现反弹、观察期内复发或抽查核查不属实而重新整改（重新整改次数大于0）的。",
        excludes=f"{DELETED}；从未重新整改的问题；{UNDATED}。", records="重新整改过的具体问题，逐项显示问题内容。"),
}


class LedgerProvider:
    prefix = "ledger"

    def figures(self, scope: Scope) -> list[Figure]:
        values = ledger_figures(scope)
        return [Figure(kind=f"ledger.{key}", name=name, counting_unit=unit, count=int(values[key]), group="整改")
                for key, (name, unit) in FIGURES.items()]

    def records(self, scope: Scope, kind: str) -> list[RecordRef]:
        return source_records(scope, kind)

    def definitions(self) -> dict[str, Definition]:
        return {f"ledger.{key}": DEFINITIONS[key] for key in FIGURES}


def source_records(scope: Scope, kind: str, only: Sequence[int] | None = None) -> list[RecordRef]:
    """The rows behind a ledger figure; `only`: of these sources alone (a notice for one inspection)."""
    key = kind.removeprefix("ledger.")
    if key not in FIGURES:
        return []
    qs = figure_querysets(scope.root, scope.date_from, scope.date_to, only=only)[key]
    refs = []
    for obj in qs.order_by("pk")[:TRACE_LIMIT]:
        label, url, when = record_label(key, obj)
        refs.append(RecordRef(type=obj._meta.label_lower, id=obj.pk, label=label, date=when, url=url))
    return refs
