"""The one interface through which everything countable is counted (统计引擎).

Each app that keeps countable records registers a `Provider` in its AppConfig.ready():

    from qinglian.stats.registry import register
    register(LedgerProvider())

`qinglian.stats.engine` asks every provider for the figures of a unit subtree and a period, and for the
records behind one figure only when asked. Reports, dashboards and bulletins use the engine; nothing else
counts.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from qinglian.org.models import Unit


@dataclass(frozen=True)
class Scope:
    """A unit subtree and a closed date period. The caller has already checked the user may see `root`."""

    root: Unit
    date_from: date
    date_to: date
    late_days: int = 30  # a record entered this many days after the event is 补录

    @functools.cached_property
    def whole(self) -> bool:
        """The subtree is the whole unit tree: counts need not test each record's unit (asked once a scope)."""
        from qinglian.lib.sql import whole_tree

        return whole_tree(self.root)


@dataclass(frozen=True)
class Figure:
    kind: str  # stable code, e.g. "activity.central_group_study", "ledger.problems", "publicity.central"
    name: str  # Chinese name shown to users, e.g. "中心组学习"
    counting_unit: str  # 次, 人次, 篇, 项 …
    count: int
    late: int = 0  # how many of the records behind the figure were 补录
    group: str = ""  # section for display: 纪实, 整改, 宣传, 舆情 …


@dataclass(frozen=True)
class Definition:
    """统计口径: what one figure kind counts, in Chinese, kept beside the provider that counts it.

    `counts`: which records count and by which rule (the period boundary, the statuses, how 补录 is treated);
    `excludes`: what does not count although it looks as if it might (deleted records, other statuses …);
    `counting_unit`: the 计量单位 and what one of it is; `records`: the records behind the figure (its trace).
    `name` and `group` repeat the figure's, so the 统计口径说明 table can be written without counting anything.
    """

    name: str
    counts: str
    excludes: str
    counting_unit: str
    records: str
    group: str = ""

    def is_complete(self) -> bool:
        return all(str(v).strip() for v in (self.name, self.counts, self.excludes, self.counting_unit, self.records))


@dataclass(frozen=True)
class RecordRef:
    type: str  # model label, e.g. "records.activity"
    id: int
    label: str = ""  # a short Chinese description for the trace page
    date: date | None = None
    late: bool = False
    weight: int = 1  # how much this record adds to the figure (talks: the persons talked to)
    url: str = ""
    extra: dict[str, str] = field(default_factory=dict)


class Provider(Protocol):
    prefix: str  # kinds of this provider start with f"{prefix}."

    def figures(self, scope: Scope) -> list[Figure]: ...

    def records(self, scope: Scope, kind: str) -> list[RecordRef]: ...

    def definitions(self) -> dict[str, Definition]: ...  # every kind it can produce → its 统计口径


_providers: list[Provider] = []


def register(provider: Provider) -> None:
    if any(p.prefix == provider.prefix for p in _providers):
        return
    _providers.append(provider)


def providers() -> list[Provider]:
    return list(_providers)
