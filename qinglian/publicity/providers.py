"""Statistics providers: publicity (by outlet level and channel), public opinion, three-stage review.

The monthly bulletin reads its numbers from `PublicityProvider` too, so a bulletin and a report built from
the same records always agree.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from qinglian.org.models import SEGMENT, Unit, path_successor
from qinglian.org.scoping import subtree_q
from qinglian.publicity.models import (
    AlertLetter,
    Channel,
    CountingUnit,
    Decision,
    Level,
    OpinionDigest,
    OpinionTicket,
    Publication,
    PublicityRule,
    SignOff,
    Stage,
    TicketState,
)
from qinglian.stats.registry import Figure, RecordRef, Scope

LEVEL_NAMES = {Level.CENTRAL: "中央级媒体采用", Level.PROVINCIAL: "省级媒体采用", Level.CITY: "市州级媒体采用",
               Level.COUNTY: "县级媒体采用"}
CHANNEL_NAMES = {Channel.PRESS: "报刊采用", Channel.WEB: "网站采用", Channel.NEW_MEDIA: "新媒体采用",
                 Channel.BROADCAST: "广播电视采用"}


@dataclass(frozen=True)
class Kind:
    code: str
    name: str
    counting_unit: str  # "" = the scope root's rule decides (篇 or 条)
    q: Q  # which publications


def _publication_kinds() -> list[Kind]:
    kinds = [Kind(f"publicity.{level.value}", LEVEL_NAMES[level], "", Q(adopted=True, outlet__level=level))
             for level in Level]
    kinds += [Kind(f"publicity.channel.{ch.value}", CHANNEL_NAMES[ch], "", Q(adopted=True, outlet__channel=ch))
              for ch in Channel]
    kinds += [
        Kind("publicity.adopted", "媒体采用稿件", "", Q(adopted=True)),
        Kind("publicity.submitted", "报送稿件（含未采用）", "", Q()),
        Kind("publicity.articles", "采用稿件（计篇）", "篇", Q(adopted=True, counting_unit=CountingUnit.ARTICLE)),
        Kind("publicity.items", "采用信息（计条）", "条", Q(adopted=True, counting_unit=CountingUnit.ITEM)),
    ]
    return kinds


PUBLICATION_KINDS = {k.code: k for k in _publication_kinds()}


def day_span(scope: Scope) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the scope's days as aware datetimes: filters a DateTimeField by index, without
    per-row date conversion (which SQLite does in Python)."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(scope.date_from, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(scope.date_to + timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def publications_in(scope: Scope) -> QuerySet[Publication]:
    return Publication.objects.filter(subtree_q(scope.root), published_on__gte=scope.date_from,
                                      published_on__lte=scope.date_to)


class PublicityProvider:
    """Publications counted by outlet level and channel; one grouped query per call."""

    prefix = "publicity"
    GROUPS = ("adopted", "outlet__level", "outlet__channel", "counting_unit")

    def _rows(self, scope: Scope, *extra: str) -> list[dict[str, Any]]:
        return list(publications_in(scope).values(*self.GROUPS, *extra)
                    .annotate(n=Count("id"), late=Count("id", filter=Q(entry_lag__gt=scope.late_days)))
                    .order_by())

    @staticmethod
    def _figures(rows: list[dict[str, Any]], default_unit: str) -> list[Figure]:
        figures = []
        for kind in PUBLICATION_KINDS.values():
            match = _row_matcher(kind.q)
            chosen = [r for r in rows if match(r)]
            figures.append(Figure(kind=kind.code, name=kind.name, counting_unit=kind.counting_unit or default_unit,
                                  count=sum(r["n"] for r in chosen), late=sum(r["late"] for r in chosen),
                                  group="宣传"))
        return figures

    def figures(self, scope: Scope) -> list[Figure]:
        return self._figures(self._rows(scope), PublicityRule.for_unit(scope.root).counting_unit)

    def figures_by_child(self, scope: Scope) -> dict[int, list[Figure]]:
        """The figures of each direct sub-unit's subtree, from one query grouped by unit — what
        `figures(Scope(child, …))` answers for every child, without a query per child (the bulletin)."""
        children = dict(Unit.objects.filter(parent=scope.root).values_list("path", "id"))
        depth = len(scope.root.path) + SEGMENT
        buckets: dict[int, list[dict[str, Any]]] = {pk: [] for pk in children.values()}
        for row in self._rows(scope, "unit__path"):
            child = children.get(row["unit__path"][:depth])
            if child is not None:
                buckets[child].append(row)
        default_unit = PublicityRule.for_unit(scope.root).counting_unit
        return {pk: self._figures(rows, default_unit) for pk, rows in buckets.items()}

    def records(self, scope: Scope, kind: str) -> list[RecordRef]:
        spec = PUBLICATION_KINDS.get(kind)
        if spec is None:
            return []
        qs = publications_in(scope).filter(spec.q).select_related("outlet", "unit").order_by("published_on", "id")
        return [RecordRef(type="publicity.publication", id=p.pk, label=f"{p.title}（{p.outlet.name}）",
                          date=p.published_on, late=p.entry_lag > scope.late_days,
                          url=reverse("publicity:publication", args=[p.pk]),
                          extra={"unit": p.unit.name, "counting_unit": p.counting_unit}) for p in qs]


def _row_matcher(q: Q) -> Callable[[dict[str, Any]], bool]:
    """Evaluate a kind's simple equality Q against one grouped row (keys as in `values()`)."""
    wanted = dict(q.children)  # every kind's Q is a flat AND of equalities

    def match(row: dict[str, Any]) -> bool:
        return all(row[key] == value for key, value in wanted.items())

    return match


class OpinionProvider:
    """Tickets captured, 《舆情提示函》 and 《网上舆情》 issued by the offices of the subtree."""

    prefix = "opinion"

    KINDS = {"opinion.tickets": ("监测处置舆情", "条"), "opinion.closed": ("办结舆情", "件"),
             "opinion.alert_letters": ("《舆情提示函》", "期"), "opinion.letters_received": ("收到《舆情提示函》", "件"),
             "opinion.digests": ("《网上舆情》", "期")}

    def _querysets(self, scope: Scope) -> dict[str, QuerySet[Any]]:
        """kind → the rows behind it (the traces); `opinion_counts` counts the same in one statement."""
        span = (scope.date_from, scope.date_to)
        start, end = day_span(scope)
        return {
            "opinion.tickets": OpinionTicket.objects.filter(
                subtree_q(scope.root, "issuing_unit"), captured_at__gte=start, captured_at__lt=end),
            "opinion.closed": OpinionTicket.objects.filter(
                subtree_q(scope.root, "issuing_unit"), state=TicketState.CLOSED, closed_at__gte=start,
                closed_at__lt=end),
            "opinion.alert_letters": AlertLetter.objects.filter(subtree_q(scope.root, "issuing_unit"),
                                                                issued_on__range=span),
            "opinion.letters_received": AlertLetter.objects.filter(subtree_q(scope.root, "unit"), issued_on__range=span),
            "opinion.digests": OpinionDigest.objects.filter(subtree_q(scope.root), issued_on__range=span),
        }

    def figures(self, scope: Scope) -> list[Figure]:
        counts = opinion_counts(scope)
        return [Figure(kind=code, name=name, counting_unit=counting_unit, count=counts[code][0],
                       late=counts[code][1], group="舆情") for code, (name, counting_unit) in self.KINDS.items()]

    def records(self, scope: Scope, kind: str) -> list[RecordRef]:
        qs = self._querysets(scope).get(kind)
        if qs is None:
            return []
        qs = qs.order_by("id")
        refs = []
        for obj in qs:
            if isinstance(obj, OpinionTicket):
                late = obj.created_at > obj.captured_at + timedelta(days=scope.late_days + 1)
                refs.append(RecordRef(type="publicity.opinionticket", id=obj.pk, label=obj.summary[:40],
                                      date=obj.captured_at.date(), late=late, url=reverse("publicity:ticket", args=[obj.pk])))
            elif isinstance(obj, AlertLetter):
                refs.append(RecordRef(type="publicity.alertletter", id=obj.pk, label=str(obj), date=obj.issued_on,
                                      url=reverse("publicity:ticket", args=[obj.ticket_id])))
            else:
                refs.append(RecordRef(type="publicity.opiniondigest", id=obj.pk, label=str(obj), date=obj.issued_on,
                                      url=reverse("publicity:digest", args=[obj.pk])))
        return refs


@functools.cache
def _opinion_sql(vendor: str) -> str:
    """`OpinionProvider._querysets` counted in one statement (five ORM aggregates cost ~4 ms to build on every
    statistics question; this runs in a fraction of one). The querysets stay the definition: the traces list
    their rows, and a test holds figure and trace equal. A ticket is 补录 when entered more than `late_days`
    days after its capture (`records` says the same of each ticket)."""
    t = {m.__name__.lower(): m._meta.db_table for m in (OpinionTicket, AlertLetter, OpinionDigest, Unit)}
    late = ("t.created_at > django_format_dtdelta('+', t.captured_at, %(late_us)s)" if vendor == "sqlite"
            else "t.created_at > t.captured_at + %(late_delta)s")

    def count(table: str, unit_field: str, where: str) -> str:
        return (f"(SELECT COUNT(*) FROM {t[table]} x JOIN {t['unit']} u ON u.id = x.{unit_field} WHERE "
                f"x.deleted_at IS NULL AND u.path >= %(lo)s AND u.path < %(hi)s AND {where})")

    return f"""
        SELECT tickets.n, tickets.late,
            {count("opinionticket", "issuing_unit_id",
                   "x.state = %(closed)s AND x.closed_at >= %(start)s AND x.closed_at < %(end)s")},
            {count("alertletter", "issuing_unit_id", "x.issued_on BETWEEN %(date_from)s AND %(date_to)s")},
            {count("alertletter", "unit_id", "x.issued_on BETWEEN %(date_from)s AND %(date_to)s")},
            {count("opiniondigest", "unit_id", "x.issued_on BETWEEN %(date_from)s AND %(date_to)s")}
        FROM (SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN {late} THEN 1 ELSE 0 END), 0) AS late
              FROM {t["opinionticket"]} t JOIN {t["unit"]} u ON u.id = t.issuing_unit_id
              WHERE t.deleted_at IS NULL AND u.path >= %(lo)s AND u.path < %(hi)s
                AND t.captured_at >= %(start)s AND t.captured_at < %(end)s) tickets"""


def opinion_counts(scope: Scope) -> dict[str, tuple[int, int]]:
    """kind → (count, 补录) of every opinion figure, from one statement."""
    ops = connection.ops
    start, end = day_span(scope)
    late_delta = timedelta(days=scope.late_days + 1)
    params = {"lo": scope.root.path, "hi": path_successor(scope.root.path), "closed": TicketState.CLOSED,
              "start": ops.adapt_datetimefield_value(start), "end": ops.adapt_datetimefield_value(end),
              "date_from": ops.adapt_datefield_value(scope.date_from),
              "date_to": ops.adapt_datefield_value(scope.date_to),
              **({"late_us": late_delta // timedelta(microseconds=1)} if connection.vendor == "sqlite"
                 else {"late_delta": late_delta})}
    with connection.cursor() as cursor:
        cursor.execute(_opinion_sql(connection.vendor), params)
        n, late, closed, letters, received, digests = map(int, cursor.fetchone())
    return {"opinion.tickets": (n, late), "opinion.closed": (closed, 0), "opinion.alert_letters": (letters, 0),
            "opinion.letters_received": (received, 0), "opinion.digests": (digests, 0)}


class ReviewProvider:
    """Drafts whose 终审 was signed in the period (三审三校 done), by the draft's unit."""

    prefix = "review"

    def _final_signoffs(self, scope: Scope) -> QuerySet[SignOff]:
        start, end = day_span(scope)
        return SignOff.objects.filter(
            subtree_q(scope.root, "draft__unit"), draft__deleted_at__isnull=True, stage=Stage.FINAL,
            decision=Decision.APPROVE, voided_at__isnull=True, signed_at__gte=start, signed_at__lt=end)

    def figures(self, scope: Scope) -> list[Figure]:
        n = self._final_signoffs(scope).values("draft").distinct().count()
        return [Figure(kind="review.drafts_signed", name="经三审的稿件", counting_unit="篇", count=n, group="宣传")]

    def records(self, scope: Scope, kind: str) -> list[RecordRef]:
        if kind != "review.drafts_signed":
            return []
        rows = self._final_signoffs(scope).select_related("draft").order_by("signed_at", "id")
        return [RecordRef(type="publicity.draft", id=s.draft_id, label=s.draft.title, date=s.signed_at.date(),
                          url=reverse("publicity:draft", args=[s.draft_id])) for s in rows]


def figures_by_kind(scope: Scope, provider: Any | None = None) -> dict[str, Figure]:
    """Figures of one provider (default: publicity) keyed by kind — what the bulletin reads."""
    return {f.kind: f for f in (provider or PUBLICITY).figures(scope)}


PUBLICITY = PublicityProvider()
OPINION = OpinionProvider()
REVIEW = ReviewProvider()
