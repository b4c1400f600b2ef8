"""统计口径: one written definition per figure kind, and the 统计口径说明 table.

Each provider keeps the definitions of the kinds it counts beside its counting code (`Provider.definitions()`);
kinds counted outside the engine (a person's figures for the 述责述廉 report) add theirs with `add_source`.
Anyone may ask:

    definition("activity.central_group_study") → Definition(name="中心组学习", counts="…", excludes="…", …)
    definitions_for(["ledger.problems", "risk.points"]) → {kind: Definition}
    all_definitions() → every kind of every provider, in the engine's order

The phrases below are shared by the providers so that one rule (the subtree, the period, 补录) is worded once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings

from qinglian.stats.registry import Definition, providers

SUBTREE = "所选单位及其全部下级单位"
DELETED = "已删除的记录"
PERIOD = "统计时段（含开始日和结束日）"

_sources: list[tuple[str, Callable[[], dict[str, Definition]]]] = []


def add_source(prefix: str, source: Callable[[], dict[str, Definition]]) -> None:
    """Definitions of kinds counted outside the engine (kinds starting with `prefix` + ".")."""
    if all(p != prefix for p, _ in _sources):
        _sources.append((prefix, source))


def late_counted(day: str) -> str:
    """How 补录 is treated, for records that carry their own event date (`day`: 发生日期, 排查日期 …)."""
    days = settings.QINGLIAN_LATE_ENTRY_DAYS
    return f"录入时间晚于{day}超过{days}天的记录为补录，照常计入，并在“其中补录”中单列"


def _every() -> list[tuple[str, Callable[[], dict[str, Definition]]]]:
    return [(p.prefix, p.definitions) for p in providers()] + list(_sources)


def all_definitions() -> dict[str, Definition]:
    """kind → definition for every kind any provider (or added source) can produce."""
    found: dict[str, Definition] = {}
    for _prefix, source in _every():
        found.update(source())
    return found


def definitions_for(kinds: Iterable[str]) -> dict[str, Definition]:
    """The definitions of these kinds, asking each provider concerned once (a page of figures)."""
    wanted = set(kinds)
    found: dict[str, Definition] = {}
    for prefix, source in _every():
        if any(k.startswith(prefix + ".") for k in wanted):
            found.update({k: d for k, d in source().items() if k in wanted})
    return found


def definition(kind: str) -> Definition | None:
    """The 统计口径 of one figure kind, or None when no provider declares the kind."""
    return definitions_for([kind]).get(kind)
