"""The demo county's 考核: the county's rules for the demo year, drafted, published (locked) and scored."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from qinglian.appraisal.services import (
    appraisal_indicator_add,
    appraisal_rule_set_create,
    appraisal_rule_set_publish,
    appraisal_run,
)

# measure, weight, bands ("" = in proportion), evidence
STANDARD: tuple[tuple[str, str, str, str], ...] = (
    ("ledger.on_time", "30", "95,100,30,30\n80,95,18,30\n0,80,0,18", "整改台账中的销号记录"),
    ("ledger.not_reopened", "20", "", "回头看、复发登记与反向核查结论"),
    ("records.duties", "20", "90,100,20,20\n0,90,0,18", "三个清单所列事项的纪实记录"),
    ("records.letters", "10", "", "责任书签订登记"),
    ("publicity.review", "10", "", "审签单"),
    ("publicity.opinion", "10", "", "舆情提示函的反馈与核实记录"),
)


def standard_rule_set(*, user: Any, unit: Any, year: int, today: Any = None) -> Any:
    """Draft the standard rules (100 points), publish them, score them; the run is returned."""
    rule_set = appraisal_rule_set_create(user=user, unit=unit, year=year)
    for measure, weight, bands, evidence in STANDARD:
        appraisal_indicator_add(user=user, rule_set=rule_set, measure=measure, weight=Decimal(weight), bands=bands,
                                evidence=evidence)
    rule_set = appraisal_rule_set_publish(user=user, rule_set=rule_set, today=today)
    return appraisal_run(user=user, rule_set=rule_set, today=today)


def populate(ctx: Any) -> str:
    leader = ctx.users.get("county_leader")
    if leader is None:
        return "年度考核：无县级负责人账号，未生成"
    run = standard_rule_set(user=leader, unit=ctx.county, year=ctx.today.year, today=ctx.today)
    return f"年度考核：{ctx.today.year}年度考核规则已发布并计分（{run.units}个单位）"
