"""Plan coverage (整改方案覆盖情况): does the plan answer every problem of a source, and does every measure say who
answers for it and by when?

A specific problem (`Problem.objects.leaves()`: a problem without parts, or each part （1）（2）) needs at least one
measure; every measure needs 责任领导, 责任单位, 责任人 and 整改时限. A name kept as written by an import and not yet
matched to the roster (待匹配) is present, but said apart so that someone matches it; a 时限 written as text that
names no date (other than 长期坚持) is present and said apart likewise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from qinglian.ledger.models import NAME_FIELDS, Measure, MeasureStatus, Problem, Source

# the four things every measure names, as a page says them
REQUIRED = {"leader_in_charge": "责任领导", "responsible_unit": "责任单位", "owner": "责任人", "deadline": "整改时限"}
LIST_LIMIT = 500  # rows of each list kept (a county's source has a few dozen problems)


@dataclass(frozen=True)
class MeasureGap:
    measure: Measure
    missing: tuple[str, ...]  # labels of what it lacks: ("责任人", "整改时限")
    unmatched: tuple[str, ...]  # "责任领导“李某”（待匹配）": kept as written, not matched
    vague: str = ""  # a deadline as text naming no date: "年底前"

    @property
    def lines(self) -> list[str]:
        out = [f"缺{'、'.join(self.missing)}"] if self.missing else []
        out += self.unmatched
        if self.vague:
            out.append(f"整改时限“{self.vague}”未写明日期")
        return out


@dataclass
class Coverage:
    source: Source
    problems: int = 0  # specific problems
    measures: int = 0
    without_measure: list[Problem] = field(default_factory=list)
    gaps: list[MeasureGap] = field(default_factory=list)

    @property
    def missing(self) -> list[MeasureGap]:
        """Measures lacking one of the four (a name 待匹配 is not lacking)."""
        return [g for g in self.gaps if g.missing]

    @property
    def complete(self) -> bool:
        """Every problem has a measure and every measure names all four (待匹配 names still to match)."""
        return not self.without_measure and not self.missing

    @property
    def clean(self) -> bool:
        """Complete, and nothing left to match or to date."""
        return self.complete and not self.gaps

    def summary(self) -> str:
        """One Chinese sentence: what is missing, or that nothing is."""
        if self.problems == 0:
            return "该来源还没有具体问题。"
        if self.clean:
            return f"{self.problems}项具体问题均已制定整改措施，{self.measures}条措施均明确了责任领导、责任单位、责任人和整改时限。"
        parts = []
        if self.without_measure:
            parts.append(f"{len(self.without_measure)}项具体问题还没有整改措施")
        if self.missing:
            parts.append(f"{len(self.missing)}条措施缺责任领导、责任单位、责任人或整改时限")
        pending = len(self.gaps) - len(self.missing)
        if pending:
            parts.append(f"{pending}条措施的姓名、单位或时限按原文保留，待匹配或待明确")
        return f"{self.problems}项具体问题、{self.measures}条措施中：" + "；".join(parts) + "。"


def _gap(m: Measure) -> MeasureGap | None:
    missing = [label for name, label in REQUIRED.items() if name != "deadline" and getattr(m, f"{name}_id") is None
               and not getattr(m, f"{name}_text")]
    no_date = m.deadline is None and m.status != MeasureStatus.LONG_TERM
    if no_date and not m.deadline_text.strip():
        missing.append(REQUIRED["deadline"])
    unmatched = [f"{REQUIRED[n]}“{getattr(m, f'{n}_text')}”（待匹配）" for n in m.unmatched_fields()]
    vague = m.deadline_text.strip() if no_date and m.deadline_text.strip() else ""
    if not (missing or unmatched or vague):
        return None
    return MeasureGap(m, tuple(missing), tuple(unmatched), vague)


def _scoped(qs: QuerySet[Any], user: Any) -> QuerySet[Any]:
    return qs.visible_to(user) if user is not None else qs


def coverage(source: Source, user: Any = None) -> Coverage:
    """What the plan of `source` lacks. With `user`, only the problems and measures that user may see (their
    密级) are looked at: a list never shows a text its reader may not open."""
    leaves = _scoped(Problem.objects.leaves().filter(source=source), user)
    measures = _scoped(Measure.objects.filter(source=source), user)
    result = Coverage(source, problems=leaves.count(), measures=measures.count())
    result.without_measure = list(
        leaves.filter(~Exists(Measure.objects.filter(problem=OuterRef("pk"))))
        .select_related("aspect", "parent").order_by("aspect__order", "parent__order", "order", "pk")[:LIST_LIMIT])
    fields = ["problem", "text", "status", "deadline", "deadline_text", "position", "security_label", "version"]
    fields += [*NAME_FIELDS, *(f"{n}_text" for n in NAME_FIELDS)]
    rows = measures.only(*fields).order_by("position")
    result.gaps = [g for m in rows.iterator(chunk_size=2000) if (g := _gap(m)) is not None][:LIST_LIMIT]
    return result


def coverages(sources: Iterable[Source], user: Any = None) -> list[Coverage]:
    """The coverage of each source (a rectification report over several), in the order given."""
    return [coverage(s, user) for s in sources]
