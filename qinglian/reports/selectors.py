"""Gather what a report needs as plain data (`genres.data.ReportInput`): every figure from the statistics
engine (or, for one person, from `reports.person`), the ledger's sources, aspects, problems and measures,
and the open problems and measures for the 存在问题 / 下步计划 parts. The genre builders never query."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Window
from django.db.models.functions import RowNumber, Substr

from qinglian.org.models import Person, Unit
from qinglian.org.scoping import subtree_q
from qinglian.reports.genres.changes import COMPARED
from qinglian.reports.genres.data import (
    AspectItem,
    BulletinRow,
    Count,
    DutyItem,
    IntegrityInfo,
    MeasureItem,
    OpenProblem,
    PersonInfo,
    ProblemItem,
    ReportInput,
    SourceItem,
)
from qinglian.reports.person import person_duties, person_figures
from qinglian.stats import engine

# Which providers each genre reads (a prefix ending in "." asks one provider for all its kinds).
GENRE_KINDS: dict[str, list[str]] = {
    "responsibility": ["activity.", "risk.", "letter.", "ledger.", "verify.", "publicity.", "opinion."],
    "summary": ["activity.", "risk.", "ledger.", "verify.", "publicity.", "opinion.", "review."],
    "rectification": ["activity.", "ledger.", "verify."],
    "bulletin": ["publicity."],
    "personal": [],
    "integrity": [],
}
LEVELS = (("central", "中央级"), ("provincial", "省级"), ("city", "市州级"), ("county", "县级"))
OPEN_LIMIT = 8


def _counts(figures: list, unit_id: int | None = None) -> dict[str, Count]:  # type: ignore[type-arg]
    out = {}
    for f in figures:
        key = f.kind if unit_id is None else f"{f.kind}@{unit_id}"
        out[key] = Count(key=key, name=f.name, counting_unit=f.counting_unit, count=f.count, unit_id=unit_id)
    return out


def _measure_item(m) -> MeasureItem:  # type: ignore[no-untyped-def]
    return MeasureItem(text=m.text, status=m.status, status_label=m.get_status_display(),
                       leader=m.leader_shown, owner=m.owner_shown,  # as written while 待匹配
                       deadline=(m.deadline_text or (f"{m.deadline.year}年{m.deadline.month}月{m.deadline.day}日"
                                                     if m.deadline else "")),
                       situation=m.situation, imported=m.imported, origin=m.origin_document)


def _within(labels: Sequence[str] | None) -> Q:
    """Rows whose 密级 the reader may see (`labels`, from labels_within); None: the system itself (the CLI)
    reads them all. Counts never pass through here: figures are counted over every label (decisions.md)."""
    return Q() if labels is None else Q(security_label__in=list(labels))


def ledger_sources(unit: Unit, date_from: dt.date, date_to: dt.date,
                   only: Sequence[int] | None = None, labels: Sequence[str] | None = None) -> tuple[SourceItem, ...]:
    """The sources counted in the period (ledger rule: feedback date in the period) as a tree, in four queries;
    `only`: just these of them."""
    from qinglian.ledger.models import Aspect, Measure, Problem
    from qinglian.ledger.selectors import scoped_sources

    sources = list(scoped_sources(unit, date_from, date_to, only).order_by("feedback_date", "id"))
    if not sources:
        return ()
    ids = [s.pk for s in sources]
    aspects = list(Aspect.objects.filter(source__in=ids).order_by("source", "order", "id"))
    problems = list(Problem.objects.filter(_within(labels), source__in=ids).order_by("aspect", "order", "id"))
    measures = list(Measure.objects.filter(_within(labels), source__in=ids).select_related("leader_in_charge", "owner")
                    .order_by("problem", "order", "id"))
    by_problem: dict[int, list[MeasureItem]] = defaultdict(list)
    for m in measures:
        by_problem[m.problem_id].append(_measure_item(m))
    children: dict[int | None, list] = defaultdict(list)  # type: ignore[type-arg]
    for p in problems:
        children[p.parent_id].append(p)

    def item(p) -> ProblemItem:  # type: ignore[no-untyped-def]
        return ProblemItem(text=p.text, measures=tuple(by_problem.get(p.pk, [])),
                           children=tuple(item(c) for c in children.get(p.pk, [])), closed=p.closure == "closed",
                           imported=p.imported, origin=p.origin_document)

    by_aspect: dict[int, list[ProblemItem]] = defaultdict(list)
    for p in children.get(None, []):
        by_aspect[p.aspect_id].append(item(p))
    per_source: dict[int, list[AspectItem]] = defaultdict(list)
    for a in aspects:
        per_source[a.source_id].append(AspectItem(title=a.title, problems=tuple(by_aspect.get(a.pk, []))))
    return tuple(SourceItem(title=str(s), kind_label=s.get_kind_display(), issued_by=s.issued_by,
                            feedback_date=s.feedback_date, aspects=tuple(per_source.get(s.pk, [])))
                 for s in sources)


def _source_counts(unit: Unit, date_from: dt.date, date_to: dt.date, only: Sequence[int]) -> dict[str, Count]:
    from qinglian.ledger.selectors import FIGURES, source_figures
    from qinglian.verify import stats as verify_stats

    counts = {f"ledger.{key}": Count(key=f"ledger.{key}", name=FIGURES[key][0], counting_unit=FIGURES[key][1],
                                     count=n) for key, n in source_figures(unit, date_from, date_to, only).items()}
    for key, n in verify_stats.verify_counts(unit, date_from, date_to, only).items():  # 提前/按期/逾期, 延期
        name, counting_unit = verify_stats.FIGURES[key]
        counts[f"verify.{key}"] = Count(key=f"verify.{key}", name=name, counting_unit=counting_unit, count=n)
    return counts


def rectification_sources(unit: Unit, date_from: dt.date, date_to: dt.date) -> list[tuple[int, str]]:
    """(id, "县委第一巡察组巡察（2021年7月26日反馈）") of the sources a notice for the period may be about."""
    from qinglian.ledger.selectors import scoped_sources

    return [(s.pk, s.choice_label) for s in scoped_sources(unit, date_from, date_to).order_by("feedback_date", "id")[:200]]


def _open_querysets(unit: Unit, date_to: dt.date, only: Sequence[int] | None,
                    labels: Sequence[str] | None) -> tuple[QuerySet[Any], QuerySet[Any]]:
    """The problems and the measures open at `date_to` in the subtree of `unit`, unordered (open_items)."""
    from qinglian.ledger.models import (
        Measure,
        MeasureStatus,
        Problem,
        fed_back_by_q,
        measure_finished_by_q,
        problem_closed_by_q,
    )

    pending = ~measure_finished_by_q(date_to) & (Q(source__in=list(only)) if only else Q())
    under_way = Measure.objects.filter(pending, problem=OuterRef("pk")).exclude(status=MeasureStatus.LONG_TERM)
    problems = (Problem.objects.leaves().filter(subtree_q(unit), fed_back_by_q(date_to), _within(labels))
                .exclude(problem_closed_by_q(date_to)).filter(Exists(under_way)).select_related("source"))
    measures = (Measure.objects.filter(subtree_q(unit), fed_back_by_q(date_to), pending, _within(labels))
                .select_related("leader_in_charge", "owner"))
    return problems, measures


@dataclass(frozen=True)
class Batched:
    """A report made in a batch (reports.jobs): what the batch gathered for all its units at once, for this
    one (its open problems and measures, open_items_below; None: gathered by the report), and its figures
    counted without the memo: the report's own audit entry ends a memo at once, and no other report of the
    batch asks the same question, so keeping them would only cost."""

    open_items: OpenItems | None = None


PROBLEM_ORDER = ("source__feedback_date", "aspect__order", "order", "id")
MEASURE_ORDER = ("deadline", "id")
OpenItems = tuple[tuple[OpenProblem, ...], tuple[MeasureItem, ...]]


def _open_found(problems: Iterable[Any], measures: Iterable[Any]) -> OpenItems:
    from qinglian.ledger.models import MeasureStatus

    items = []
    for m in measures:
        item = _measure_item(m)
        if m.status == MeasureStatus.DONE:  # done only after the period: under way as of its end
            item = replace(item, status=MeasureStatus.IN_PROGRESS, status_label=MeasureStatus.IN_PROGRESS.label)
        items.append(item)
    return tuple(OpenProblem(p.text, p.source.issued_by or str(p.source), imported=p.imported,
                             origin=p.origin_document) for p in problems), tuple(items)


def open_items(unit: Unit, date_to: dt.date, only: Sequence[int] | None = None,
               labels: Sequence[str] | None = None) -> OpenItems:
    """What stood open at the end of the period, the one rule every genre's 存在问题 and 下步计划 use: the
    specific problems of sources fed back by `date_to` not closed off by then, and those sources' measures
    not finished by then (each with its status as of `date_to`). Nothing fed back later can appear.
    `only`: of these sources alone (a notice for one inspection)."""
    problems, measures = _open_querysets(unit, date_to, only, labels)
    return _open_found(problems.order_by(*PROBLEM_ORDER)[:OPEN_LIMIT],
                       measures.order_by(*MEASURE_ORDER)[: OPEN_LIMIT * 2])


def open_items_below(parent: Unit, children: Sequence[Unit], date_to: dt.date,
                     labels: Sequence[str] | None = None) -> dict[int, OpenItems]:
    """`open_items` of each of `children` (units directly below `parent`), in two queries for them all instead
    of two each (a batch of reports): the same rows, each child's first ones by the same order, ranked within
    the branch of the tree their unit lies in."""
    from qinglian.org.models import SEGMENT

    branch = Substr("unit__path", 1, len(parent.path) + SEGMENT)
    paths = [c.path for c in children]

    def firsts(rows: QuerySet[Any], order: Sequence[str], limit: int) -> dict[str, list[Any]]:
        rank = Window(RowNumber(), partition_by=[branch], order_by=[F(o).asc() for o in order])
        found: dict[str, list[Any]] = defaultdict(list)
        for row in (rows.annotate(branch=branch, rank=rank).filter(branch__in=paths, rank__lte=limit)
                    .order_by("branch", *order)):
            found[row.branch].append(row)
        return found

    problems, measures = _open_querysets(parent, date_to, None, labels)
    problems_of, measures_of = firsts(problems, PROBLEM_ORDER, OPEN_LIMIT), firsts(measures, MEASURE_ORDER,
                                                                                    OPEN_LIMIT * 2)
    return {c.pk: _open_found(problems_of.get(c.path, []), measures_of.get(c.path, [])) for c in children}


OPEN_GENRES = ("responsibility", "summary", "rectification", "personal")  # genres with 存在问题 / 下步计划
YEAR_ON_YEAR = ("responsibility", "summary")  # genres that lead with what changed (genres/changes.py)


def previous_figures(unit: Unit, genre: str, date_from: dt.date, date_to: dt.date,
                     memo: bool = True) -> tuple[dict[str, Count], str]:
    """The genre's figures for the same span a year earlier, and how the text names it ("2025年", "上年同期")."""
    try:
        before = (date_from.replace(year=date_from.year - 1), date_to.replace(year=date_to.year - 1))
    except ValueError:  # 29 February
        before = (date_from - dt.timedelta(days=365), date_to - dt.timedelta(days=365))
    # only what the year-on-year sentence compares (genres/changes.py): nothing else of a year ago is printed,
    # and leaving the rest out spares counting it (the verification figures alone cost as much as the others)
    compared = [kind for kind, _ in COMPARED if any(kind.startswith(prefix) for prefix in GENRE_KINDS[genre])]
    found = engine.figures(unit=unit, date_from=before[0], date_to=before[1], kinds=compared, memo=memo)
    whole = date_from == dt.date(date_from.year, 1, 1) and date_to == dt.date(date_from.year, 12, 31)
    return _counts(found), f"{before[0].year}年" if whole else "上年同期"


def _bulletin(unit: Unit, date_from: dt.date, date_to: dt.date, total: dict[str, Count], memo: bool = True
              ) -> tuple[tuple[str, ...], tuple[BulletinRow, ...]]:
    kinds = [f"publicity.{code}" for code, _ in LEVELS]
    rows = []
    children = list(unit.children.filter(deleted_at__isnull=True).order_by("order", "path"))
    sums = dict.fromkeys(kinds, 0)
    for child in children:
        found = _counts(engine.figures(unit=child, date_from=date_from, date_to=date_to, kinds=kinds, memo=memo),
                        child.pk)
        cells = tuple(found.get(f"{k}@{child.pk}", Count(f"{k}@{child.pk}", "", "", 0, child.pk)) for k in kinds)
        for k, c in zip(kinds, cells, strict=True):
            sums[k] += c.count
        rows.append(BulletinRow(name=child.short_name or child.name, cells=cells))
    own = tuple(Count(key=f"{k}@own", name=total[k].name if k in total else "", counting_unit=total[k].counting_unit
                      if k in total else "", count=(total[k].count if k in total else 0) - sums[k])
                for k in kinds)
    if not children or any(c.count for c in own):
        name = f"{unit.short_name or unit.name}本级" if children else (unit.short_name or unit.name)
        rows.append(BulletinRow(name=name, cells=own if children else tuple(
            Count(key=k, name=total[k].name, counting_unit=total[k].counting_unit, count=total[k].count)
            for k in kinds if k in total)))
    return tuple(label for _, label in LEVELS), tuple(rows)


def _person_info(person: Person, date_to: dt.date, today: dt.date, figures: dict[str, Count]) -> PersonInfo:
    """The person and their duty list (its two figures added to `figures`), for 述责述廉 and 意见回复 alike."""
    statuses = person_duties(person, date_to, today)
    for key, name, n in (("person.duty.total", "本人责任清单事项", len(statuses)),
                         ("person.duty.done", "本人已履行责任事项", sum(1 for s in statuses if s.done))):
        figures[key] = Count(key=key, name=name, counting_unit="项", count=n)
    return PersonInfo(
        name=person.name, post=person.post, team_role=person.team_role, portfolio=tuple(person.portfolio_areas()),
        duties=tuple(DutyItem(list_label=s.duty.duty_list.get_kind_display(), text=s.duty.text,
                              frequency=s.duty.get_frequency_display(), done=s.done) for s in statuses))


def _integrity(person: Person, date_from: dt.date, date_to: dt.date, today: dt.date, clearance: str | None,
               issuer: str) -> tuple[dict[str, Count], dict]:  # type: ignore[type-arg]
    """The 意见回复's figures and lists; `clearance` limits the talks, measures and 督办 it quotes (None: all)."""
    from qinglian.reports import integrity

    figures = _counts(person_figures(person, date_from, date_to, today, with_duties=False))
    figures.update(_counts(integrity.integrity_figures(person, date_from, date_to, today)))
    talks, talk_label = integrity.talk_items(person, date_from, date_to, clearance)
    ledger, ledger_label = integrity.ledger_items(person, date_from, date_to, today, clearance)
    orders, order_label = integrity.order_items(person, date_from, date_to, clearance)
    info = IntegrityInfo(unit_name=person.unit.name, issuer=issuer, talks=talks, ledger=ledger, orders=orders,
                         letters=integrity.letter_lines(person, date_from, date_to))
    person_info = _person_info(person, date_to, today, figures)
    label = integrity.highest([x for x in (talk_label, ledger_label, order_label) if x])
    return figures, {"integrity": info, "person": person_info, "content_label": label}


def gather(*, unit: Unit, genre: str, date_from: dt.date, date_to: dt.date, person: Person | None = None,
           today: dt.date | None = None, sources: Sequence[int] | None = None,
           labels: Sequence[str] | None = None, clearance: str | None = None, issuer: str = "",
           batched: Batched | None = None) -> ReportInput:
    """Everything a genre builder needs; raises engine.PeriodError for an impossible period. `sources`: a
    rectification notice for these sources alone (its ledger figures counted for them only). `labels`: the
    密级 whose texts the reader may see (problems and measures quoted); figures count every record.
    `clearance`, `issuer`: the 意见回复's reader (its talks are quoted by the activity pages' own check) and
    the 纪检 office answering. `batched`: made in a batch (see Batched)."""
    today = today or dt.date.today()
    memo = batched is None
    engine.make_scope(unit=unit, date_from=date_from, date_to=date_to)  # validates the period
    figures: dict[str, Count] = {}
    if GENRE_KINDS[genre]:
        figures = _counts(engine.figures(unit=unit, date_from=date_from, date_to=date_to, kinds=GENRE_KINDS[genre],
                                         memo=memo))
    extra: dict = {}  # type: ignore[type-arg]
    if genre == "rectification":
        extra["sources"] = ledger_sources(unit, date_from, date_to, sources, labels)
        if sources:
            figures = {**figures, **_source_counts(unit, date_from, date_to, sources)}
    if genre in OPEN_GENRES:
        given = batched.open_items if batched is not None and not sources else None
        extra["open_problems"], extra["open_measures"] = (given if given is not None
                                                          else open_items(unit, date_to, sources, labels))
    if genre in YEAR_ON_YEAR:
        extra["previous"], extra["previous_label"] = previous_figures(unit, genre, date_from, date_to, memo)
    if genre == "bulletin":
        extra["bulletin_levels"], extra["bulletin_rows"] = _bulletin(unit, date_from, date_to, figures, memo)
        figures = {**figures, **{c.key: c for row in extra["bulletin_rows"] for c in row.cells}}
    if genre == "personal":
        if person is None:
            raise ValueError("述责述廉报告须指定述职人。")
        figures = _counts(person_figures(person, date_from, date_to, today, with_duties=False))
        extra["person"] = _person_info(person, date_to, today, figures)
    if genre == "integrity":
        if person is None:
            raise ValueError("党风廉政意见回复须指定干部。")
        figures, found = _integrity(person, date_from, date_to, today, clearance, issuer)
        extra.update(found)
    return ReportInput(genre=genre, unit_name=unit.name, unit_short=unit.short_name, date_from=date_from,
                       date_to=date_to, today=today, figures=figures, **extra)
