"""The monthly publicity bulletin (每月新闻宣传通报): adopted pieces by sub-unit and outlet level, ranked.

Every number is a figure of the publicity statistics provider: the unit's total through the statistics
engine, each direct sub-unit's subtree through the same provider's `figures_by_child` (one grouped query
instead of one per sub-unit). The unit's own pieces (not under any sub-unit) make the row 本级, so the
table always adds up to the unit's own figure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from paperwork.calendar import Period
from qinglian.org.models import Unit
from qinglian.publicity.models import Level, PublicityRule
from qinglian.publicity.providers import PUBLICITY
from qinglian.stats import engine
from qinglian.stats.engine import make_scope
from qinglian.stats.registry import Figure

LEVELS: tuple[str, ...] = (Level.CENTRAL, Level.PROVINCIAL, Level.CITY, Level.COUNTY)
LEVEL_LABELS = dict(Level.choices)


@dataclass
class BulletinRow:
    name: str
    unit: Unit | None  # None: the unit's own pieces (本级)
    counts: dict[str, int]
    previous: dict[str, int]
    rank: int | None = None
    score: int = 0
    previous_score: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def previous_total(self) -> int:
        return sum(self.previous.values())

    @property
    def change(self) -> int:
        return self.score - self.previous_score

    @property
    def level_counts(self) -> list[int]:
        return [self.counts[level] for level in LEVELS]


@dataclass
class Bulletin:
    """One unit's bulletin for one month; `rows` ranked, then 本级, with `total` the unit's own figure."""

    unit: Unit
    period: Period
    previous_period: Period
    rule: PublicityRule
    rows: list[BulletinRow]
    total: BulletinRow

    @property
    def weighted(self) -> bool:
        return self.rule.rank_by == PublicityRule.RankBy.WEIGHTED

    @property
    def title(self) -> str:
        return f"{self.unit.name}{self.period.label}新闻宣传通报"

    @property
    def score_label(self) -> str:
        return "得分" if self.weighted else f"合计（{self.rule.counting_unit}）"

    def header(self) -> list[str]:
        head = ["排名", "单位", *(f"{LEVEL_LABELS[lv]}级" for lv in LEVELS), "合计"]
        if self.weighted:
            head.append("得分")
        return [*head, f"上月{'得分' if self.weighted else '合计'}", "环比增减"]

    def table(self) -> list[list[str]]:
        """The rows as text (for the .docx): change signed, e.g. "+3"."""
        return [[c if isinstance(c, str) else str(c) for c in row[:-1]] + [_signed(row[-1])]
                for row in self.values()]

    def values(self) -> list[list[str | int]]:
        """The rows with numbers as numbers (for the .xlsx)."""
        out: list[list[str | int]] = []
        for row in [*self.rows, self.total]:
            rank: str | int = "合计" if row is self.total else (row.rank or "—")
            cells: list[str | int] = [rank, row.name, *row.level_counts, row.total]
            if self.weighted:
                cells.append(row.score)
            out.append([*cells, row.previous_score, row.change])
        return out


def _signed(value: str | int) -> str:
    return f"{value:+d}" if isinstance(value, int) and value else str(value)


def _levels(found: list[Figure]) -> dict[str, int]:
    by_kind = {f.kind: f.count for f in found}
    return {level: by_kind.get(f"publicity.{level}", 0) for level in LEVELS}


def _counts(unit: Unit, period: Period) -> dict[str, int]:
    """The unit's own figures, through the statistics engine like every report."""
    return _levels(engine.figures(unit=unit, date_from=period.start, date_to=period.end,
                                  kinds=[f"publicity.{level}" for level in LEVELS]))


def _children_counts(unit: Unit, period: Period) -> dict[int, dict[str, int]]:
    """Each direct sub-unit's figures, from the same provider in one grouped query."""
    scope = make_scope(unit=unit, date_from=period.start, date_to=period.end)
    return {pk: _levels(found) for pk, found in PUBLICITY.figures_by_child(scope).items()}


def previous_month(period: Period) -> Period:
    day = period.start - dt.timedelta(days=1)
    return Period.month(day.year, day.month)


def bulletin_build(*, unit: Unit, year: int, month: int) -> Bulletin:
    period = Period.month(year, month)
    before = previous_month(period)
    rule = PublicityRule.for_unit(unit)
    weights = rule.weights()

    def score(counts: dict[str, int]) -> int:
        if rule.rank_by == PublicityRule.RankBy.WEIGHTED:
            return sum(weights[level] * n for level, n in counts.items())
        return sum(counts.values())

    now, then = _children_counts(unit, period), _children_counts(unit, before)
    rows = [BulletinRow(name=child.short_name or child.name, unit=child, counts=now[child.pk],
                        previous=then[child.pk])
            for child in unit.children.filter(deleted_at__isnull=True).order_by("order", "path")]
    total = BulletinRow(name="合计", unit=unit, counts=_counts(unit, period), previous=_counts(unit, before))
    own = BulletinRow(
        name=f"{unit.short_name or unit.name}本级", unit=None,
        counts={lv: total.counts[lv] - sum(r.counts[lv] for r in rows) for lv in LEVELS},
        previous={lv: total.previous[lv] - sum(r.previous[lv] for r in rows) for lv in LEVELS})
    for row in [*rows, own, total]:
        row.score, row.previous_score = score(row.counts), score(row.previous)
    ranked = sorted(rows, key=lambda r: (-r.score, -r.counts[Level.CENTRAL], r.name))
    for row in ranked:
        row.rank = 1 + sum(1 for other in rows if other.score > row.score)
    if own.total or own.previous_total:
        ranked.append(own)
    return Bulletin(unit=unit, period=period, previous_period=before, rule=rule, rows=ranked, total=total)


def bulletin_docx(bulletin: Bulletin, *, issuer: str, today: dt.date) -> bytes:
    from paperwork.write import Paragraph, Report, Table, build_docx

    total = bulletin.total
    by_level = "，".join(f"{LEVEL_LABELS[lv]}级媒体{total.counts[lv]}{bulletin.rule.counting_unit}" for lv in LEVELS)
    lead = (f"{bulletin.period.label}，{bulletin.unit.name}各单位在各级媒体采用稿件共{total.total}"
            f"{bulletin.rule.counting_unit}，其中{by_level}；上月共{total.previous_total}"
            f"{bulletin.rule.counting_unit}。现将各单位采用情况通报如下。")
    blocks = [Paragraph(lead), Table(header=bulletin.header(), rows=bulletin.table(),
                                     title=f"{bulletin.period.label}各单位新闻宣传采用情况")]
    if bulletin.weighted:
        w = bulletin.rule.weights()
        blocks.append(Paragraph("得分按媒体级别计算：" + "，".join(
            f"{LEVEL_LABELS[lv]}级每{bulletin.rule.counting_unit}{w[lv]}分" for lv in LEVELS) + "。"))
    report = Report(title=bulletin.title, genre="bulletin", issuer=issuer, date=today, blocks=blocks)
    return build_docx(report)


def bulletin_xlsx(bulletin: Bulletin) -> bytes:
    from qinglian.lib.exports import xlsx_bytes

    return xlsx_bytes(bulletin.title, bulletin.header(), bulletin.values())
