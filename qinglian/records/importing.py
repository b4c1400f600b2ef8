"""Bulk entry from Excel: resolve the sheet's text (units, kinds, names) against what the user may see, then
validate every row exactly as the form does. Nothing is written until a clean preview is confirmed, and then
all rows or none (services.activities_import)."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q

from qinglian.lib.security import parse_label
from qinglian.org.models import Person, Unit
from qinglian.org.scoping import visible_units
from qinglian.records.excel import LABEL, Problem, SheetRow
from qinglian.records.models import ActivityKind
from qinglian.records.services import ActivityInput, activity_problems

FIELD_COLUMN = {"unit": LABEL["unit"], "kind": LABEL["kind"], "happened_on": LABEL["happened_on"],
                "topic": LABEL["topic"], "participants": LABEL["participants"], "talked_to": LABEL["talked_to"],
                "presided_by": LABEL["presided_by"], "security_label": LABEL["security_label"]}
QUALIFIED = re.compile(r"^(.+?)（(.+)）$")


@dataclass
class Resolved:
    rows: list[tuple[SheetRow, ActivityInput | None]]
    problems: list[Problem]

    @property
    def clean(self) -> bool:
        return not self.problems and all(data is not None for _, data in self.rows)


def _kind_aliases() -> dict[str, ActivityKind]:
    aliases: dict[str, ActivityKind] = {}
    for kind in ActivityKind.objects.filter(active=True):
        aliases[kind.code] = kind
        aliases[kind.name] = kind
        for part in re.split(r"[（）()/]", kind.name):
            if part and part not in aliases:
                aliases[part] = kind
    return aliases


def resolve(*, user: Any, rows: list[SheetRow], default_unit: Unit, today: dt.date | None = None) -> Resolved:
    problems: list[Problem] = []
    kinds = _kind_aliases()
    unit_texts = {r.unit for r in rows if r.unit}
    units_by_text: dict[str, list[Unit]] = defaultdict(list)
    if unit_texts:
        for u in visible_units(user).filter(Q(full_name__in=unit_texts) | Q(name__in=unit_texts)
                                            | Q(short_name__in=unit_texts)):
            for text in {u.full_name, u.name, u.short_name} & unit_texts:
                units_by_text[text].append(u)
    names = set()
    for r in rows:
        for n in [*r.participants, *r.talked_to, r.presided_by]:
            if n:
                m = QUALIFIED.match(n)
                names.add(m.group(1) if m else n)
    people_by_name: dict[str, list[Person]] = defaultdict(list)
    if names:
        for p in Person.objects.visible_to(user).filter(name__in=names).select_related("unit"):
            people_by_name[p.name].append(p)

    def person(text: str, unit: Unit, row: int, column: str) -> Person | None:
        m = QUALIFIED.match(text)
        name, where = (m.group(1), m.group(2)) if m else (text, "")
        found = people_by_name.get(name, [])
        if where:
            found = [p for p in found if where in (p.unit.name, p.unit.short_name, p.unit.full_name)]
        elif len(found) > 1:
            inside = [p for p in found if p.unit.path.startswith(unit.path)]
            found = inside or found
        if not found:
            problems.append(Problem(row, column, f"找不到干部“{text}”：请核对姓名，或先在“干部”中登记此人。"))
            return None
        if len(found) > 1:
            places = "、".join(sorted({p.unit.name for p in found}))
            problems.append(Problem(row, column, f"有 {len(found)} 名干部叫“{name}”（{places}），请写成 {name}（单位）。"))
            return None
        return found[0]

    result: list[tuple[SheetRow, ActivityInput | None]] = []
    for r in rows:
        before = len(problems)
        unit: Unit | None = default_unit
        if r.unit:
            found_units = units_by_text.get(r.unit, [])
            if len(found_units) == 1:
                unit = found_units[0]
            else:
                unit = None
                msg = (f"单位“{r.unit}”不唯一，请写单位全称。" if found_units
                       else f"找不到单位“{r.unit}”，或它不在您的管辖范围内；请写单位全称或留空（即所选单位）。")
                problems.append(Problem(r.row, LABEL["unit"], msg))
        try:
            label = parse_label(r.security_label, default="")
        except ValidationError as exc:
            problems.append(Problem(r.row, LABEL["security_label"], exc.messages[0]))
            result.append((r, None))
            continue
        kind = kinds.get(r.kind) if r.kind else None
        if r.kind and kind is None:
            problems.append(Problem(r.row, LABEL["kind"], f"没有活动类型“{r.kind}”，请按模板“填写说明”中的名称填写。"))
        if unit is None or kind is None or r.happened_on is None or not r.topic:
            result.append((r, None))
            continue
        participants = [p for n in r.participants if (p := person(n, unit, r.row, LABEL["participants"]))]
        talked_to = [p for n in r.talked_to if (p := person(n, unit, r.row, LABEL["talked_to"]))]
        presided = person(r.presided_by, unit, r.row, LABEL["presided_by"]) if r.presided_by else None
        data = ActivityInput(unit=unit, kind=kind, happened_on=r.happened_on, topic=r.topic,
                             participants=participants, talked_to=talked_to, presided_by=presided,
                             minutes=r.minutes, security_label=label)
        for key, messages in activity_problems(user=user, data=data, today=today).items():
            for message in messages:
                problems.append(Problem(r.row, FIELD_COLUMN.get(key, ""), message))
        result.append((r, data if len(problems) == before else None))
    return Resolved(rows=result, problems=sorted(problems, key=lambda p: (p.row, p.column)))
