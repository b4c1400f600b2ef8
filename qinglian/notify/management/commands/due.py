"""qinglian due [--unit UNIT] [--today DATE] [--json]: what is inside its reminder window or overdue."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from paperwork.calendar import parse_date
from qinglian.notify.due import DueItem, due_items
from qinglian.notify.models import DueLevel, RuleKind
from qinglian.org.models import Person, Unit
from qinglian.org.services import UnitNotFound, resolve_unit


def due_rows(items: list[DueItem]) -> list[dict[str, Any]]:
    """The JSON shape: kind, title, person {id, name} or null, unit (full name), due (ISO), level."""
    people = dict(Person.objects.filter(pk__in={i.person_id for i in items if i.person_id})
                  .values_list("pk", "name"))
    units = dict(Unit.objects.filter(pk__in={i.unit_id for i in items}).values_list("pk", "full_name"))
    return [{"kind": i.kind, "title": i.title,
             "person": {"id": i.person_id, "name": people.get(i.person_id, "")} if i.person_id else None,
             "unit": units.get(i.unit_id, ""), "due": i.due.isoformat(), "level": i.level} for i in items]


class Command(BaseCommand):
    help = "列出提醒窗口内或已逾期的事项（整改措施、责任事项、责任书、督办、舆情提示函、稿件审核、回头看、节前提醒）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", default="", help="单位：编号、全称或唯一名称（含下级单位；不写为整个单位树）")
        parser.add_argument("--today", default="", help="按这一天计算，如 2026-09-28（不写为今天）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args: Any, **options: Any) -> None:
        unit = None
        if options["unit"]:
            try:
                unit = resolve_unit(options["unit"])
            except UnitNotFound as exc:
                raise CommandError(str(exc)) from exc
        today = timezone.localdate()
        if options["today"]:
            try:
                parsed = parse_date(options["today"])
            except ValueError as exc:
                raise CommandError(f"--today “{options['today']}”不是有效的日期，请写成 2026-09-28。") from exc
            if parsed.date is None or parsed.approximate:
                raise CommandError(f"--today “{options['today']}”不是具体的某一天，请写成 2026-09-28。")
            today = parsed.date
        rows = due_rows(due_items(today=today, units=unit))
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        scope = unit.full_name if unit else "整个单位树"
        if not rows:
            self.stdout.write(f"{today.isoformat()}：{scope}没有提醒窗口内或逾期的事项。")
            return
        self.stdout.write(f"{today.isoformat()}：{scope}共 {len(rows)} 项待提醒事项")
        self.stdout.write("时限        状态      类型            责任人    单位  /  事项")
        for r in rows:
            person = r["person"]["name"] if r["person"] else "（单位）"
            self.stdout.write(f"{r['due']}  {DueLevel(r['level']).label:<8}{RuleKind(r['kind']).label:<12}"
                              f"{person:<8}{r['unit']}  /  {r['title']}")
