"""The statistics engine: how many of each countable kind, for a unit subtree and a closed period.

    figures(unit=xcb, date_from=date(2023, 1, 1), date_to=date(2023, 12, 31))
        → [Figure(kind="activity.central_group_study", name="中心组学习", counting_unit="次", count=12, late=1), …]
    records(unit=xcb, date_from=…, date_to=…, kind="activity.central_group_study") → [RecordRef, …]

Every number comes from a provider registered in `qinglian.stats.registry` (each app registers its own in
AppConfig.ready()); the records behind a number are fetched only when asked. Callers check that the user may
see `unit` (views answer 404 otherwise); the engine counts whatever subtree it is given.

Answers are memoised until the next audited write (`qinglian.lib.memo`: exact, never merely recent).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from django.conf import settings

from qinglian.lib.memo import memo_key as lib_memo_key
from qinglian.lib.memo import remember
from qinglian.org.models import Unit
from qinglian.stats.registry import Figure, Provider, RecordRef, Scope, providers


class PeriodError(ValueError):
    """A period that cannot be counted; the message is a Chinese sentence saying what to fix."""


class UnknownKind(LookupError):
    pass


def make_scope(*, unit: Unit, date_from: dt.date, date_to: dt.date) -> Scope:
    if date_from is None or date_to is None:
        raise PeriodError("请填写统计时段的开始日期和结束日期。")
    if date_to < date_from:
        raise PeriodError(f"结束日期 {date_to:%Y-%m-%d} 早于开始日期 {date_from:%Y-%m-%d}，请检查统计时段。")
    if (date_to - date_from).days > 366 * 20:
        raise PeriodError("统计时段不能超过 20 年，请缩短时段。")
    return Scope(root=unit, date_from=date_from, date_to=date_to, late_days=settings.QINGLIAN_LATE_ENTRY_DAYS)


def _wanted(provider: Provider, kinds: list[str] | None) -> bool:
    if kinds is None:
        return True
    head = provider.prefix + "."
    return any(k.startswith(head) or head.startswith(k) for k in kinds)


def _match(code: str, kinds: list[str] | None) -> bool:
    return kinds is None or any(code == k or (k.endswith(".") and code.startswith(k)) for k in kinds)


def figures(*, unit: Unit, date_from: dt.date, date_to: dt.date, kinds: Iterable[str] | None = None,
            memo: bool = True) -> list[Figure]:
    """Every figure of every provider for the subtree of `unit` and [date_from, date_to] (both included).

    `kinds` limits the answer to these codes; a code ending in "." is a prefix ("activity."). `memo=False`
    counts afresh (benchmarks; a memoised answer is always equal to a fresh one).
    """
    scope = make_scope(unit=unit, date_from=date_from, date_to=date_to)
    wanted = list(kinds) if kinds is not None else None
    if not memo:
        return _count(scope, wanted)
    return list(remember(memo_key(scope, wanted), lambda: _count(scope, wanted)))


def memo_key(scope: Scope, kinds: list[str] | None = None) -> str:
    """The key of a memoised answer (lib.memo): the question, the 补录 threshold, today and the data version."""
    return lib_memo_key("stats.figures", scope.root.pk, scope.root.path, scope.date_from.isoformat(),
                        scope.date_to.isoformat(), ",".join(kinds) if kinds is not None else "*", scope.late_days)


def _count(scope: Scope, wanted: list[str] | None) -> list[Figure]:
    result: list[Figure] = []
    for provider in providers():
        if _wanted(provider, wanted):
            result.extend(f for f in provider.figures(scope) if _match(f.kind, wanted))
    return result


def provider_for(kind: str) -> Provider:
    for provider in providers():
        if kind.startswith(provider.prefix + "."):
            return provider
    raise UnknownKind(f"没有统计项“{kind}”。可用 qinglian stats --json 查看统计项代码。")


def records(*, unit: Unit, date_from: dt.date, date_to: dt.date, kind: str,
            clearance: str | None = None) -> list[RecordRef]:
    """The records behind one figure, oldest first; their weights add up to the figure's count. `clearance`:
    the reader's; a record above it is still listed (it is counted) but by its date only (None: the system)."""
    scope = make_scope(unit=unit, date_from=date_from, date_to=date_to)
    return within_clearance(provider_for(kind).records(scope, kind), clearance)


WITHHELD = "（内容按密级不予显示）"


def within_clearance(refs: list[RecordRef], clearance: str | None) -> list[RecordRef]:
    """`refs` with the description and link of each record above `clearance` withheld, by the pages' own check
    (`label_q`: the record's label and those on the way to its unit). Counts are not content; what a record
    says (a talk's topic, a problem's text) is."""
    if clearance is None or not refs:
        return refs
    from django.apps import apps

    from qinglian.lib.models import readable_ids

    ids: dict[str, set[int]] = {}
    for r in refs:
        ids.setdefault(r.type, set()).add(r.id)
    readable: set[tuple[str, int]] = set()
    for label, pks in ids.items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            model = None  # not a model row: nothing to withhold by label
        if model is None or not any(f.name == "security_label" for f in model._meta.concrete_fields):
            readable |= {(label, pk) for pk in pks}
        else:
            readable |= {(label, pk) for pk in readable_ids(model._base_manager, pks, clearance)}
    return [r if (r.type, r.id) in readable else dataclasses.replace(r, label=WITHHELD, url="", extra={})
            for r in refs]


def figure_of(kind: str, found: Iterable[Figure]) -> Figure | None:
    return next((f for f in found if f.kind == kind), None)
