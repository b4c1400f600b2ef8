"""Reads of 抽查: the figures (provider prefix "spotcheck"), a check's counts, and the .docx 抽查情况通报.

A finding is counted in the period of its 核查日期 (`checked_on`), for the unit subtree of the items checked:
checked = 属实 + 不属实 + 部分属实; a sampled item not yet checked counts nowhere.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from qinglian.lib import sql
from qinglian.org.models import Unit
from qinglian.org.scoping import subtree_q
from qinglian.stats.definitions import PERIOD, SUBTREE
from qinglian.stats.registry import Definition, Figure, RecordRef, Scope
from qinglian.verify.models import SpotCheck, SpotCheckItem, Verdict

FIGURES: dict[str, tuple[str, Q]] = {  # kind → (name, the items behind it)
    "checked": ("抽查核查事项", ~Q(verdict=Verdict.PENDING)),
    "true": ("抽查属实", Q(verdict=Verdict.TRUE)),
    "false": ("抽查不属实", Q(verdict=Verdict.FALSE)),
    "partial": ("抽查部分属实", Q(verdict=Verdict.PARTIAL)),
}
TRACE_LIMIT = 5000


def checked_items(root: Unit, date_from: dt.date, date_to: dt.date) -> QuerySet[SpotCheckItem]:
    return SpotCheckItem.objects.filter(subtree_q(root), checked_on__gte=date_from, checked_on__lte=date_to)


def verdict_counts(items: QuerySet[SpotCheckItem]) -> dict[str, int]:
    """checked / true / false / partial (and pending: drawn, not yet checked) in one aggregate."""
    found = items.aggregate(pending=Count("pk", filter=Q(verdict=Verdict.PENDING)),
                            **{key: Count("pk", filter=q) for key, (_, q) in FIGURES.items()})
    return {key: int(value or 0) for key, value in found.items()}


VERDICT_RULES = {"checked": "已得出核查结论（属实、不属实或部分属实）的", "true": "核查结论为“属实”的",
                 "false": "核查结论为“不属实”的（该事项已重新整改并下发督办）", "partial": "核查结论为“部分属实”的"}


def spotcheck_definitions() -> dict[str, Definition]:
    out = {}
    for key, (name, _q) in FIGURES.items():
        other = "已抽中但尚未核查的事项" + ("" if key == "checked" else "；其他结论的事项")
        out[f"spotcheck.{key}"] = Definition(
            name=name, group="整改", counting_unit="项：每个被抽中的销号事项记1项",
            counts=f"被抽查事项属于{SUBTREE}、核查日期在{PERIOD}内的抽查事项中，{VERDICT_RULES[key]}。",
            excludes=f"{other}；核查日期在时段之外的事项（不论何时抽取）；已删除的抽查事项。",
            records="抽查事项，逐项显示核查结论、被查事项和核查日期，链接到所属抽查。")
    return out


@functools.cache
def _verdicts_sql(whole: bool) -> str:
    """`checked_items` counted by verdict in one statement (see lib.sql)."""
    t = sql.tables(SpotCheckItem)
    return (f"SELECT x.verdict, COUNT(*) FROM {t['spotcheckitem']} x WHERE x.deleted_at IS NULL "  # identifiers from the models (lib.sql.tables), every value a bound parameter  # nosec B608
            f"AND {sql.in_subtree('x.unit_id', whole)} AND x.checked_on >= %(date_from)s "
            f"AND x.checked_on <= %(date_to)s GROUP BY x.verdict")


def scope_verdict_counts(scope: Scope) -> dict[str, int]:
    """`verdict_counts(checked_items(…))` of a statistics scope, from one plain statement."""
    found = dict(sql.fetch(_verdicts_sql(scope.whole), sql.period(scope)))
    counts = {key: found.get(verdict, 0) for key, verdict in
              (("true", Verdict.TRUE), ("false", Verdict.FALSE), ("partial", Verdict.PARTIAL))}
    return {"checked": sum(n for verdict, n in found.items() if verdict != Verdict.PENDING), **counts}


class SpotCheckProvider:
    prefix = "spotcheck"

    def definitions(self) -> dict[str, Definition]:
        return spotcheck_definitions()

    def figures(self, scope: Scope) -> list[Figure]:
        counts = scope_verdict_counts(scope)
        return [Figure(kind=f"spotcheck.{key}", name=name, counting_unit="项", count=counts[key], group="整改")
                for key, (name, _) in FIGURES.items()]

    def records(self, scope: Scope, kind: str) -> list[RecordRef]:
        key = kind.removeprefix("spotcheck.")
        if key not in FIGURES:
            return []
        items = (checked_items(scope.root, scope.date_from, scope.date_to).filter(FIGURES[key][1])
                 .select_related("measure", "problem").order_by("pk")[:TRACE_LIMIT])
        return [RecordRef(type="verify.spotcheckitem", id=i.pk, label=f"{i.get_verdict_display()}：{str(i.item)[:70]}",
                          date=i.checked_on, url=reverse("verify:spotcheck", args=[i.spot_check_id]))
                for i in items]


def check_items(check: SpotCheck, user: Any) -> QuerySet[SpotCheckItem]:
    """A check's items the user may see (a unit below sees only its own)."""
    return (SpotCheckItem.objects.visible_to(user).filter(spot_check=check)
            .select_related("unit", "measure", "problem", "checked_by", "order_issued")
            .prefetch_related("evidence"))


def office_name(user: Any, fallback: Unit) -> str:
    """The 落款 of a document an account issues: the unit its person works in (a 巡察办, a 派驻组), else `fallback`."""
    person = getattr(user, "person", None)
    return person.unit.name if person is not None else fallback.name


def spotcheck_docx(check: SpotCheck, *, issuer: str, today: dt.date) -> bytes:
    """抽查情况通报 in GB/T 9704 layout (paperwork.write): what was drawn and how, the counts, each finding."""
    from paperwork.write import Heading, Paragraph, Report, Table, build_docx, date_text

    items = list(SpotCheckItem.objects.filter(spot_check=check).select_related("unit", "measure", "problem"))
    counts = verdict_counts(SpotCheckItem.objects.filter(spot_check=check))
    how = f"按{check.ratio.normalize():f}%的比例" if check.ratio is not None else f"按{check.size}项"
    period = ""
    if check.closed_from or check.closed_to:
        period = (f"{date_text(check.closed_from) if check.closed_from else ''}至"
                  f"{date_text(check.closed_to) if check.closed_to else '今'}")
    lead = (f"{date_text(check.drawn_on)}，对{check.unit.name}及所属单位{period}已销号的"
            f"{len(check.population)}项{'整改措施' if check.target == 'measure' else '问题'}，"
            f"{how}随机抽取{len(items)}项开展反向核查（随机种子{check.seed}，可据此复核抽样）。")
    result = (f"已核查{counts['checked']}项，其中属实{counts['true']}项、不属实{counts['false']}项、"
              f"部分属实{counts['partial']}项" + (f"，尚有{counts['pending']}项待核查" if counts["pending"] else "") + "。")
    tail = (f"对核查不属实的{counts['false']}项，已重新打开整改并下发督办，请相关单位按期报送整改情况。"
            if counts["false"] else "核查未发现销号不实的情况。")
    rows = [[str(i.order), i.unit.name, str(i.item)[:60], i.get_verdict_display(), i.notes[:80]] for i in items]
    report = Report(title=f"关于{check.title}情况的通报", genre="bulletin", issuer=issuer, date=today, blocks=[
        Paragraph(lead), Heading(1, "核查结果"), Paragraph(result),
        Table(header=["序号", "单位", "事项", "核查结论", "核查情况"], rows=rows, title="抽查事项核查情况"),
        Heading(1, "下一步要求"), Paragraph(tail)])
    return build_docx(report)
