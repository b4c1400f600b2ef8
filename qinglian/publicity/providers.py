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
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from qinglian.lib import sql
from qinglian.org.models import SEGMENT, Unit, path_prefixes
from qinglian.org.scoping import subtree_q
from qinglian.publicity.models import (
    AlertLetter,
    Channel,
    CountingUnit,
    Decision,
    Draft,
    Level,
    OpinionDigest,
    OpinionTicket,
    Outlet,
    Publication,
    PublicityRule,
    SignOff,
    Stage,
    TicketState,
)
from qinglian.stats.definitions import DELETED, PERIOD, SUBTREE
from qinglian.stats.registry import Definition, Figure, RecordRef, Scope

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

RULE_UNIT = "篇或条：按所选单位适用的宣传统计规则（本单位或最近上级单位设定）计，每件稿件记1"
LATE_DAYS = "录入日期晚于刊发（报送）日期超过规定天数的为补录，照常计入，并在“其中补录”中单列"


def _publication_rule(code: str) -> tuple[str, str]:
    """(what counts, what does not) of one publication kind, beyond the shared period and subtree."""
    key = code.removeprefix("publicity.")
    if key == "submitted":
        return "全部稿件，不论是否被媒体采用", "同一稿件重复登记的以登记为准，各计1件"
    if key in ("articles", "items"):
        unit = "篇（稿件）" if key == "articles" else "条（短消息、帖文）"
        return f"已被媒体采用、且本身按{unit}登记的稿件", "未采用的稿件；按另一计量单位登记的稿件"
    if key == "adopted":
        return "已被媒体采用的稿件，不分媒体级别和渠道", "未采用的稿件（仅报送）"
    if key.startswith("channel."):
        label = Channel(key.removeprefix("channel.")).label
        return f"已被媒体采用、且媒体渠道为“{label}”的稿件", "未采用的稿件；其他渠道媒体采用的稿件"
    label = Level(key).label
    return f"已被媒体采用、且媒体级别为“{label}”级的稿件", "未采用的稿件；其他级别媒体采用的稿件"


def publication_definitions() -> dict[str, Definition]:
    out = {}
    for code, kind in PUBLICATION_KINDS.items():
        rule, other = _publication_rule(code)
        unit = f"{kind.counting_unit}：每件稿件记1{kind.counting_unit}" if kind.counting_unit else RULE_UNIT
        out[code] = Definition(
            name=kind.name, group="宣传", counting_unit=unit,
            counts=f"{SUBTREE}登记的、刊发（报送）日期在{PERIOD}内的{rule}；{LATE_DAYS}。",
            excludes=f"{DELETED}；{other}；刊发（报送）日期在时段之外的稿件。",
            records="新闻宣传稿件，逐件显示标题、媒体、单位、刊发日期和补录标记。")
    return out


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


def counting_unit_for(unit: Unit) -> str:
    """`PublicityRule.for_unit(unit).counting_unit` in one plain statement: the nearest rule up the tree."""
    prefixes = {f"p{i}": prefix for i, prefix in enumerate(path_prefixes(unit.path))}
    found = sql.fetch(_rule_sql(len(prefixes)), prefixes)
    return found[0][0] if found else PublicityRule._meta.get_field("counting_unit").get_default()


@functools.cache
def _rule_sql(depth: int) -> str:
    t = sql.tables(PublicityRule)
    paths = ", ".join(f"%(p{i})s" for i in range(depth))
    return (f"SELECT r.counting_unit FROM {t['publicityrule']} r JOIN {t['unit']} u ON u.id = r.unit_id "  # identifiers from the models (lib.sql.tables), every value a bound parameter  # nosec B608
            f"WHERE r.deleted_at IS NULL AND u.path IN ({paths}) ORDER BY u.path DESC LIMIT 1")


class PublicityProvider:
    """Publications counted by outlet level and channel; one grouped query per call."""

    prefix = "publicity"

    KEYS = ("adopted", "outlet__level", "outlet__channel", "counting_unit", "n", "late")

    @staticmethod
    @functools.cache
    def _sql(by_unit: bool, whole: bool = False) -> str:
        """`publications_in` grouped as `_figures` reads it, in one statement (see lib.sql); the subtree tested
        without joining the units unless each row's unit is asked for (`by_unit`)."""
        t = sql.tables(Publication, Outlet)
        path, units, where = ((", u.path", f"JOIN {t['unit']} u ON u.id = p.unit_id ", sql.IN_SUBTREE) if by_unit
                              else ("", "", sql.in_subtree("p.unit_id", whole)))
        # grouped by outlet first, from the publications alone (`pub_unit_cover`), then by the outlet's level
        # and channel: the outlets are joined to a few dozen groups, not to every publication
        g = ", g.path" if by_unit else ""
        return (f"SELECT g.adopted, o.level, o.channel, g.counting_unit, SUM(g.n), SUM(g.late){g} FROM ("  # identifiers from the models (lib.sql.tables), every value a bound parameter  # nosec B608
                f"SELECT p.outlet_id, p.adopted, p.counting_unit, COUNT(*) AS n, "
                f"COALESCE(SUM(CASE WHEN p.entry_lag > %(late_days)s THEN 1 ELSE 0 END), 0) AS late{path} "
                f"FROM {t['publication']} p {units}WHERE p.deleted_at IS NULL AND {where} "
                f"AND p.published_on >= %(date_from)s AND p.published_on <= %(date_to)s "
                f"GROUP BY p.outlet_id, p.adopted, p.counting_unit{path}) g "
                f"JOIN {t['outlet']} o ON o.id = g.outlet_id GROUP BY g.adopted, o.level, o.channel, g.counting_unit{g}")

    def _rows(self, scope: Scope, by_unit: bool = False) -> list[dict[str, Any]]:
        keys = (*self.KEYS, "unit__path") if by_unit else self.KEYS
        params = {**_period(scope), "late_days": scope.late_days}
        statement = self._sql(by_unit, not by_unit and scope.whole)
        rows = [dict(zip(keys, row, strict=True)) for row in sql.fetch(statement, params)]
        for row in rows:  # sums of counts: numeric on PostgreSQL
            row["n"], row["late"] = int(row["n"]), int(row["late"])
        return rows

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
        return self._figures(self._rows(scope), counting_unit_for(scope.root))

    def figures_by_child(self, scope: Scope) -> dict[int, list[Figure]]:
        """The figures of each direct sub-unit's subtree, from one query grouped by unit — what
        `figures(Scope(child, …))` answers for every child, without a query per child (the bulletin)."""
        children = dict(Unit.objects.filter(parent=scope.root).values_list("path", "id"))
        depth = len(scope.root.path) + SEGMENT
        buckets: dict[int, list[dict[str, Any]]] = {pk: [] for pk in children.values()}
        for row in self._rows(scope, by_unit=True):
            child = children.get(row["unit__path"][:depth])
            if child is not None:
                buckets[child].append(row)
        default_unit = counting_unit_for(scope.root)
        return {pk: self._figures(rows, default_unit) for pk, rows in buckets.items()}

    def definitions(self) -> dict[str, Definition]:
        return publication_definitions()

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

    def definitions(self) -> dict[str, Definition]:
        offices = f"发函单位（采集、研判舆情的单位）属于{SUBTREE}"
        return {
            "opinion.tickets": Definition(
                name="监测处置舆情", group="舆情", counting_unit="条：每条舆情记1条",
                counts=(f"{offices}、发现时间在{PERIOD}内的舆情，不论处置到哪一步；录入时间晚于发现时间超过规定天数的"
                        "为补录，照常计入，并在“其中补录”中单列。"),
                excludes=f"{DELETED}；发现时间在时段之外的舆情；只是涉事单位属于本单位的舆情（由发函单位统计）。",
                records="舆情，逐条显示摘要、发现日期和补录标记。"),
            "opinion.closed": Definition(
                name="办结舆情", group="舆情", counting_unit="件：每条办结的舆情记1件",
                counts=f"{offices}、当前状态为已办结且办结时间在{PERIOD}内的舆情。",
                excludes=f"{DELETED}；未办结（已采集、已研判、已发函待反馈、已反馈待核实）的舆情；办结时间在时段之外的舆情。",
                records="已办结的舆情，逐件显示摘要和发现日期。"),
            "opinion.alert_letters": Definition(
                name="《舆情提示函》", group="舆情", counting_unit="期：每份提示函记1期",
                counts=f"发函单位属于{SUBTREE}、发函日期在{PERIOD}内的《舆情提示函》。",
                excludes=f"{DELETED}；发函日期在时段之外的提示函；本单位收到的提示函（另计“收到《舆情提示函》”）。",
                records="《舆情提示函》，逐期显示编号和发函日期，链接到所涉舆情。"),
            "opinion.letters_received": Definition(
                name="收到《舆情提示函》", group="舆情", counting_unit="件：每份收到的提示函记1件",
                counts=f"收函单位属于{SUBTREE}、发函日期在{PERIOD}内的《舆情提示函》。",
                excludes=f"{DELETED}；发函日期在时段之外的提示函；本单位发出的提示函。",
                records="收到的《舆情提示函》，逐件显示编号和发函日期，链接到所涉舆情。"),
            "opinion.digests": Definition(
                name="《网上舆情》", group="舆情", counting_unit="期：每期记1期",
                counts=f"编发单位属于{SUBTREE}、编发日期在{PERIOD}内的《网上舆情》。",
                excludes=f"{DELETED}；编发日期在时段之外的各期。",
                records="《网上舆情》，逐期显示期号和编发日期。"),
        }

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
                                      date=timezone.localdate(obj.captured_at), late=late, url=reverse("publicity:ticket", args=[obj.pk])))
            elif isinstance(obj, AlertLetter):
                refs.append(RecordRef(type="publicity.alertletter", id=obj.pk, label=str(obj), date=obj.issued_on,
                                      url=reverse("publicity:ticket", args=[obj.ticket_id])))
            else:
                refs.append(RecordRef(type="publicity.opiniondigest", id=obj.pk, label=str(obj), date=obj.issued_on,
                                      url=reverse("publicity:digest", args=[obj.pk])))
        return refs


@functools.cache
def _opinion_sql(vendor: str, whole: bool) -> str:
    """`OpinionProvider._querysets` counted in one statement (see lib.sql). A ticket is 补录 when entered more
    than `late_days` days after its capture, compared as the ORM compares it on each database."""
    t = sql.tables(OpinionTicket, AlertLetter, OpinionDigest)
    late = ("t.created_at > django_format_dtdelta('+', t.captured_at, %(late_us)s)" if vendor == "sqlite"
            else "t.created_at > t.captured_at + %(late_delta)s")

    def count(table: str, unit_field: str, where: str) -> str:
        return (f"(SELECT COUNT(*) FROM {t[table]} x "  # identifiers from the models (lib.sql.tables), every value a bound parameter  # nosec B608
                f"WHERE x.deleted_at IS NULL AND {sql.in_subtree(f'x.{unit_field}', whole)} AND {where})")

    # identifiers from the models (lib.sql.tables), every value a bound parameter
    return f"""
        SELECT tickets.n, tickets.late,
            {count("opinionticket", "issuing_unit_id",
                   "x.state = %(closed)s AND x.closed_at >= %(start)s AND x.closed_at < %(end)s")},
            {count("alertletter", "issuing_unit_id", "x.issued_on BETWEEN %(date_from)s AND %(date_to)s")},
            {count("alertletter", "unit_id", "x.issued_on BETWEEN %(date_from)s AND %(date_to)s")},
            {count("opiniondigest", "unit_id", "x.issued_on BETWEEN %(date_from)s AND %(date_to)s")}
        FROM (SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN {late} THEN 1 ELSE 0 END), 0) AS late
              FROM {t["opinionticket"]} t
              WHERE t.deleted_at IS NULL AND {sql.in_subtree("t.issuing_unit_id", whole)}
                AND t.captured_at >= %(start)s AND t.captured_at < %(end)s) tickets"""  # nosec B608


def _period(scope: Scope) -> dict[str, Any]:
    """The statement parameters of a scope: its subtree, its days, and its days as [start, end) moments."""
    start, end = day_span(scope)
    return {**sql.period(scope), "start": sql.moment(start), "end": sql.moment(end)}


def opinion_counts(scope: Scope) -> dict[str, tuple[int, int]]:
    """kind → (count, 补录) of every opinion figure, from one statement."""
    late_delta = timedelta(days=scope.late_days + 1)
    vendor = connection.vendor
    params = {**_period(scope), "closed": TicketState.CLOSED,
              **({"late_us": late_delta // timedelta(microseconds=1)} if vendor == "sqlite"
                 else {"late_delta": late_delta})}
    ((n, late, closed, letters, received, digests),) = sql.fetch(_opinion_sql(vendor, scope.whole), params)
    return {"opinion.tickets": (n, int(late)), "opinion.closed": (closed, 0), "opinion.alert_letters": (letters, 0),
            "opinion.letters_received": (received, 0), "opinion.digests": (digests, 0)}


class ReviewProvider:
    """Drafts whose 终审 was signed in the period (三审三校 done), by the draft's unit."""

    prefix = "review"

    def _final_signoffs(self, scope: Scope) -> QuerySet[SignOff]:
        start, end = day_span(scope)
        return SignOff.objects.filter(
            subtree_q(scope.root, "draft__unit"), draft__deleted_at__isnull=True, stage=Stage.FINAL,
            decision=Decision.APPROVE, voided_at__isnull=True, signed_at__gte=start, signed_at__lt=end)

    @staticmethod
    @functools.cache
    def _sql(whole: bool) -> str:
        """`_final_signoffs` counted by draft in one statement (see lib.sql)."""
        t = sql.tables(SignOff, Draft)
        return (f"SELECT COUNT(DISTINCT s.draft_id) FROM {t['signoff']} s JOIN {t['draft']} d ON d.id = s.draft_id "  # identifiers from the models (lib.sql.tables), every value a bound parameter  # nosec B608
                f"WHERE s.deleted_at IS NULL AND d.deleted_at IS NULL "
                f"AND {sql.in_subtree('d.unit_id', whole)} AND s.stage = %(stage)s AND s.decision = %(decision)s "
                f"AND s.voided_at IS NULL AND s.signed_at >= %(start)s AND s.signed_at < %(end)s")

    def figures(self, scope: Scope) -> list[Figure]:
        ((n,),) = sql.fetch(self._sql(scope.whole), {**_period(scope), "stage": Stage.FINAL, "decision": Decision.APPROVE})
        return [Figure(kind="review.drafts_signed", name="经三审的稿件", counting_unit="篇", count=n, group="宣传")]

    def definitions(self) -> dict[str, Definition]:
        return {"review.drafts_signed": Definition(
            name="经三审的稿件", group="宣传", counting_unit="篇：每篇稿件记1篇，同一稿件多次终审只计1篇",
            counts=f"{SUBTREE}的稿件中，终审签署“同意”、签署时间在{PERIOD}内、且该签署未作废的。",
            excludes=(f"{DELETED}（含已删除的稿件）；只完成初审或复审的稿件；终审不同意或签署已作废的；"
                      "终审签署时间在时段之外的稿件。"),
            records="经三审的稿件，逐篇显示标题和终审日期。")}

    def records(self, scope: Scope, kind: str) -> list[RecordRef]:
        if kind != "review.drafts_signed":
            return []
        rows = self._final_signoffs(scope).select_related("draft").order_by("signed_at", "id")
        return [RecordRef(type="publicity.draft", id=s.draft_id, label=s.draft.title, date=timezone.localdate(s.signed_at),
                          url=reverse("publicity:draft", args=[s.draft_id])) for s in rows]


def figures_by_kind(scope: Scope, provider: Any | None = None) -> dict[str, Figure]:
    """Figures of one provider (default: publicity) keyed by kind — what the bulletin reads."""
    return {f.kind: f for f in (provider or PUBLICITY).figures(scope)}


PUBLICITY = PublicityProvider()
OPINION = OpinionProvider()
REVIEW = ReviewProvider()
