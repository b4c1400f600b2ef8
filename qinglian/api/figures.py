"""Figures through the API: the statistics engine's answer for a visible unit's subtree and a period, each
figure with its 统计口径 where `qinglian.stats.definitions` gives one (None where it gives none)."""


import datetime as dt
import importlib
from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from qinglian.api.base import MAX_ID, ApiError, responses, unit_or_root
from qinglian.stats import engine

router = Router(tags=["统计"])


class DefinitionOut(Schema):
    counts: str
    excludes: str
    counting_unit: str
    records: str


class FigureOut(Schema):
    kind: str
    name: str
    counting_unit: str
    count: int
    late: int
    group: str
    definition: DefinitionOut | None


class FiguresOut(Schema):
    unit_id: int
    date_from: dt.date
    date_to: dt.date
    figures: list[FigureOut]


def definitions(kinds: Iterable[str]) -> dict[str, Any]:
    """kind → its definition, from qinglian.stats.definitions when that module is there (else none)."""
    try:
        module = importlib.import_module("qinglian.stats.definitions")
    except ModuleNotFoundError:
        return {}
    lookup = getattr(module, "definitions_for", None)
    return dict(lookup(list(kinds))) if lookup is not None else {}


def _definition(d: Any) -> dict[str, str] | None:
    if d is None:
        return None
    return {name: str(getattr(d, name, "")) for name in ("counts", "excludes", "counting_unit", "records")}


@router.get("", response=responses({200: FiguresOut}), summary="统计数字（带统计口径）")
def figures(request: HttpRequest, date_from: dt.date, date_to: dt.date,
            unit: int | None = Query(None, ge=1, le=MAX_ID),
            kinds: str | None = Query(None, max_length=2000,
                                      description="只要这些统计项，逗号分隔；以“.”结尾的为前缀，如 activity.")
            ) -> dict[str, Any]:
    root = unit_or_root(request, unit)
    wanted = [k.strip() for k in kinds.split(",") if k.strip()] if kinds else None
    try:
        found = engine.figures(unit=root, date_from=date_from, date_to=date_to, kinds=wanted)
    except engine.PeriodError as exc:
        raise ApiError(422, str(exc)) from exc
    known = definitions(f.kind for f in found)
    return {"unit_id": root.pk, "date_from": date_from, "date_to": date_to, "figures": [
        {"kind": f.kind, "name": f.name, "counting_unit": f.counting_unit, "count": f.count, "late": f.late,
         "group": f.group, "definition": _definition(known.get(f.kind))} for f in found]}
