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

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from qinglian.ledger.models import NAME_FIELDS, Measure, MeasureStatus, Problem, Source, unmatched_q

# the four things every measure names, as a page says them
REQUIRED = {"leader_in_charge": "责任领导", "responsible_unit": "责任单位", "owner": "责任人", "deadline": "整改时限"}
LIST_LIMIT = 500  # rows of each list on the coverage page (a county's source has a few dozen problems)
PANEL_LIMIT = 10  # rows of each list on the source page


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
    without_count: int = 0  # specific problems without a measure
    missing_count: int = 0  # measures lacking one of the four
    pending_count: int = 0  # measures complete but with a name 待匹配 or a deadline naming no date
    without_measure: list[Problem] = field(default_factory=list)  # the first `limit` of them
    gaps: list[MeasureGap] = field(default_factory=list)  # the first `limit` measures lacking or pending

    @property
    def missing(self) -> list[MeasureGap]:
        """The listed measures lacking one of the four (a name 待匹配 is not lacking)."""
        return [g for g in self.gaps if g.missing]

    @property
    def complete(self) -> bool:
        """Every problem has a measure and every measure names all four (待匹配 names still to match)."""
        return not self.without_count and not self.missing_count

    @property
    def clean(self) -> bool:
        """Complete, and nothing left to match or to date."""
        return self.complete and not self.pending_count

    @property
    def more(self) -> bool:
        """The lists hold fewer rows than the counts."""
        return len(self.without_measure) < self.without_count or \
            len(self.gaps) < self.missing_count + self.pending_count

    def summary(self) -> str:
        """One Chinese sentence: what is missing, or that nothing is."""
        if self.problems == 0:
            return "该来源还没有具体问题。"
        if self.clean:
            return f"{self.problems}项具体问题均已制定整改措施，{self.measures}条措施均明确了责任领导、责任单位、责任人和整改时限。"
        parts = []
        if self.without_count:
            parts.append(f"{self.without_count}项具体问题还没有整改措施")
        if self.missing_count:
            parts.append(f"{self.missing_count}条措施缺责任领导、责任单位、责任人或整改时限")
        if self.pending_count:
            parts.append(f"{self.pending_count}条措施的姓名、单位或时限按原文保留，待匹配或待明确")
        return f"{self.problems}项具体问题、{self.measures}条措施中：" + "；".join(parts) + "。"


# the list twins of `_gap` (one rule for the row and for the counts)
NO_DATE_Q = Q(deadline__isnull=True) & ~Q(status=MeasureStatus.LONG_TERM)


def missing_q() -> Q:
    q = NO_DATE_Q & Q(deadline_text="")
    for name in NAME_FIELDS:
        q |= Q(**{f"{name}__isnull": True, f"{name}_text": ""})
    return q


def pending_q() -> Q:
    return unmatched_q() | (NO_DATE_Q & ~Q(deadline_text=""))


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


def coverage(source: Source, user: Any = None, limit: int = LIST_LIMIT) -> Coverage:
    """What the plan of `source` lacks: the counts, and the first `limit` rows of each list. With `user`, only
    the problems and measures that user may see (their 密级) are looked at: a list never shows a text its
    reader may not open. Two aggregates, and a query for each list that is not empty."""
    leaves = _scoped(Problem.objects.leaves().filter(source=source), user)
    measures = _scoped(Measure.objects.filter(source=source), user)
    no_measure = ~Exists(Measure.objects.filter(problem=OuterRef("pk")))
    p = leaves.aggregate(n=Count("pk"), without=Count("pk", filter=Q(no_measure)))
    m = measures.aggregate(n=Count("pk"), missing=Count("pk", filter=missing_q()),
                           pending=Count("pk", filter=~missing_q() & pending_q()))
    result = Coverage(source, problems=p["n"], measures=m["n"], without_count=p["without"],
                      missing_count=m["missing"], pending_count=m["pending"])
    if result.without_count:
        result.without_measure = list(leaves.filter(no_measure).select_related("aspect", "parent")
                                      .order_by("aspect__order", "parent__order", "order", "pk")[:limit])
    if result.missing_count or result.pending_count:
        fields = ["problem", "text", "status", "deadline", "deadline_text", "position", "security_label", "version"]
        fields += [*NAME_FIELDS, *(f"{n}_text" for n in NAME_FIELDS)]
        rows = measures.filter(missing_q() | pending_q()).only(*fields).order_by("position")[:limit]
        result.gaps = [g for row in rows if (g := _gap(row)) is not None]
    return result


def coverages(sources: Iterable[Source], user: Any = None) -> list[Coverage]:
    """The coverage of each source (a rectification report over several), in the order given."""
    return [coverage(s, user) for s in sources]
