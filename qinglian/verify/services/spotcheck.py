"""抽查 / 反向核查: draw a reproducible sample of closed items, record the findings; 不属实 reopens and 督办s.

Only a supervisor overseeing the subtree draws and records (DESIGN §1: spot checks are among the few things
it writes). The sample is `random.Random(seed).sample(population, k)` over the population's ids in
ascending order; both are kept, so `draw_sample(check.population, check.seed, len(items))` gives it again.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import secrets
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from qinglian.audit.models import Action
from qinglian.ledger.models import (
    Closure,
    Measure,
    Problem,
)
from qinglian.ledger.services import ledger_order_issue
from qinglian.lib.files import Upload, check_uploads, stored_files
from qinglian.lib.services import record_create, record_update
from qinglian.org.models import Role, Unit
from qinglian.org.scoping import may_see_unit, subtree_q
from qinglian.verify.models import SpotCheck, SpotCheckEvidence, SpotCheckItem, SpotCheckTarget, Verdict
from qinglian.verify.services import date_zh, refuse, require
from qinglian.verify.services.reopen import family, reopen_for_rework

MAX_SAMPLE = 500  # one check is field work for a few people: more than this is a mistake in the ratio
ORDER_DAYS = 30  # a 督办 after 不属实 is due this many days later unless the checker says otherwise


# -- the draw ----------------------------------------------------------------------------------------------
def closed_population(unit: Unit, target: str, closed_from: dt.date | None = None,
                      closed_to: dt.date | None = None) -> list[int]:
    """The ids, ascending, of the 销号 items of `unit`'s subtree (closed within the dates, when given)."""
    qs: Any = (Measure.objects.in_subtree(unit) if target == SpotCheckTarget.MEASURE
               else Problem.objects.filter(subtree_q(unit)).filter(is_leaf=True))
    qs = qs.filter(closure=Closure.CLOSED)
    if closed_from:
        qs = qs.filter(closed_at__gte=closed_from)
    if closed_to:
        qs = qs.filter(closed_at__lte=closed_to)
    return sorted(qs.values_list("pk", flat=True))


def sample_size(population: int, *, ratio: Decimal | None, size: int | None) -> int:
    """How many to draw: a number, or a percentage rounded up (at least one), never more than there are."""
    if (ratio is None) == (size is None):
        raise ValidationError("请填写抽查比例或抽查数量中的一项。")
    if size is not None:
        if size < 1:
            raise ValidationError({"size": ["抽查数量至少为 1。"]})
        wanted = size
    else:
        assert ratio is not None
        if not Decimal("0") < ratio <= Decimal("100"):
            raise ValidationError({"ratio": ["抽查比例应在 0 到 100 之间，如 10 表示 10%。"]})
        wanted = max(1, math.ceil(population * ratio / 100))
    return min(wanted, population)


def draw_sample(population: Sequence[int], seed: int, k: int) -> list[int]:
    """The sample, in drawing order: the same population (ascending ids), seed and size give the same ids."""
    return random.Random(seed).sample(sorted(population), k)


def _check_supervisor(user: Any, unit: Unit, obj: Any = None) -> None:
    if getattr(user, "role", None) != Role.SUPERVISOR or not may_see_unit(user, unit):
        raise refuse(user, "只有监督该单位的监督员可以组织抽查、登记核查结论。", obj)


def verify_spotcheck_draw(*, user: Any, unit: Unit, title: str, target: str = SpotCheckTarget.MEASURE,
                          ratio: Decimal | None = None, size: int | None = None, closed_from: dt.date | None = None,
                          closed_to: dt.date | None = None, seed: int | None = None, today: dt.date | None = None,
                          request: Any = None) -> SpotCheck:
    _check_supervisor(user, unit)
    if target not in SpotCheckTarget.values:
        raise ValidationError({"target": ["请选择抽查对象。"]})
    if closed_from and closed_to and closed_from > closed_to:
        raise ValidationError({"closed_to": ["销号日期的截止日不能早于起始日。"]})
    population = closed_population(unit, target, closed_from, closed_to)
    if not population:
        raise ValidationError(f"{unit.name}及其下级单位在所选期间没有已销号的事项，无从抽查。")
    k = sample_size(len(population), ratio=ratio, size=size)
    if k > MAX_SAMPLE:
        raise ValidationError(f"一次最多抽查 {MAX_SAMPLE} 项（按所填比例要抽 {k} 项），请降低比例或分批抽查。")
    seed = secrets.randbelow(2**31) if seed is None else seed
    picked = draw_sample(population, seed, k)
    model: Any = Measure if target == SpotCheckTarget.MEASURE else Problem
    rows = model.objects.in_bulk(picked)
    with transaction.atomic():
        check = record_create(user=user, obj=SpotCheck(
            unit=unit, title=require(title, "抽查名称"), target=target, closed_from=closed_from, closed_to=closed_to,
            ratio=ratio, size=size, seed=seed, population=population, drawn_by=user,
            drawn_on=today or timezone.localdate()),
            summary=f"抽查：从{len(population)}项已销号事项中抽取{k}项（随机种子{seed}）", request=request)
        for n, pk in enumerate(picked, start=1):
            row = rows[pk]
            measure = row if isinstance(row, Measure) else None
            record_create(user=user, obj=SpotCheckItem(
                spot_check=check, unit=row.unit, measure=measure, problem=measure.problem if measure else row,
                order=n, security_label=row.security_label), summary=f"抽中：{row}", request=request)
    return check


# -- the findings --------------------------------------------------------------------------------------------
def verify_spotcheck_record(*, user: Any, item: SpotCheckItem, verdict: str, notes: str,
                            files: Sequence[Upload] = (), due_date: dt.date | None = None,
                            today: dt.date | None = None, request: Any = None) -> SpotCheckItem:
    """The finding of one sampled item. 不属实: the item is reopened for rework (its history says why) and a
    督办 goes to its unit, due `due_date` (default in 30 days)."""
    _check_supervisor(user, item.unit, item)
    if verdict not in (Verdict.TRUE, Verdict.FALSE, Verdict.PARTIAL):
        raise ValidationError({"verdict": ["请选择核查结论：属实、不属实或部分属实。"]})
    if item.verdict != Verdict.PENDING:
        raise ValidationError("该事项已登记核查结论；如有异议，由被抽查单位提出申诉。")
    notes = require(notes, "核查情况")
    if verdict != Verdict.TRUE and len(notes) < 4:
        raise ValidationError({"notes": ["核查不属实或部分属实的，请写明发现的情况。"]})
    today = today or timezone.localdate()
    due_date = due_date or today + dt.timedelta(days=ORDER_DAYS)
    files = check_uploads(files, what="核查材料")
    label = Verdict(verdict).label
    with stored_files() as written, transaction.atomic():
        for f in files:
            record_create(user=user, obj=SpotCheckEvidence(item=item, unit=item.unit, **written.store(f, "verify")),
                          request=request)
        data: dict[str, Any] = {"verdict": verdict, "notes": notes, "checked_by": user, "checked_on": today}
        if verdict == Verdict.FALSE:
            problem = Problem.objects.get(pk=item.problem_id)
            measures = ([Measure.objects.get(pk=item.measure_id)] if item.measure_id
                        else list(Measure.objects.filter(problem__in=family(problem))))
            reopen_for_rework(user=user, problem=problem, measures=measures,
                              note=f"反向核查不属实：{notes}", request=request)
            data["order_issued"] = ledger_order_issue(
                user=user, problem=Problem.objects.get(pk=problem.pk),
                measure=Measure.objects.get(pk=item.measure_id) if item.measure_id else None,
                content=f"经反向核查，该事项销号情况不属实：{notes}。请重新整改，于{date_zh(due_date)}前报送整改情况。",
                due_date=due_date, today=today, request=request)
        return record_update(user=user, obj=item, data=data, version=item.version,
                             action=Action.RETURN if verdict == Verdict.FALSE else Action.UPDATE,
                             summary=f"抽查核查结论：{label}（{item.item}）", request=request)
