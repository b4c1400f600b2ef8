"""`qinglian check FILE --unit UNIT --from DATE --to DATE [--person ID] [--year Y]`.

The pure checks of paperwork.check (placeholders, contradictions, dates, congresses) plus, with a unit and
a period, every figure that disagrees with the records, and every figure that stands in text the unit's
ledger read from an imported report ("来自导入文本，未经统计"). Exit 0: nothing found; 1: findings; 2: unreadable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from paperwork.calendar import parse_date
from paperwork.read import ReadError
from qinglian.org.models import Person
from qinglian.org.services import UnitNotFound, resolve_unit
from qinglian.reports.checking import (
    findings_for,
    format_finding,
    imported_texts,
    read_for_check,
    record_figures,
)
from qinglian.stats.engine import PeriodError


def parse_day(value: str, option: str) -> Any:
    try:
        parsed = parse_date(value)
    except ValueError as exc:
        raise CommandError(f"{option} 日期“{value}”无法识别，请写成 2026-01-01。") from exc
    if parsed.date is None:
        raise CommandError(f"{option} 须是具体日期，如 2026-01-01。")
    return parsed.date


class Command(BaseCommand):
    help = "检查报告（.docx/.txt）中的占位符、数字矛盾、日期、会议届次，以及与记录不符的数字"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="报告文件（.docx 或 .txt）")
        parser.add_argument("--unit", help="与哪个单位（含下级单位）的记录比对：单位编号、全称或唯一名称")
        parser.add_argument("--from", dest="date_from", help="统计开始日期，如 2026-01-01")
        parser.add_argument("--to", dest="date_to", help="统计结束日期，如 2026-12-31")
        parser.add_argument("--person", type=int, help="述责述廉报告：与该干部（编号）本人的记录比对")
        parser.add_argument("--year", type=int, help="报告所属年度（默认从标题推断）")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法打开文件“{path.name}”。请检查路径和读取权限。", returncode=2) from exc
        figures = imported = None
        if options["unit"] or options["date_from"] or options["date_to"]:
            if not (options["unit"] and options["date_from"] and options["date_to"]):
                raise CommandError("与记录比对须同时给出 --unit、--from 和 --to。", returncode=2)
            try:
                unit = resolve_unit(options["unit"])
            except UnitNotFound as exc:
                raise CommandError(str(exc), returncode=2) from exc
            person = None
            if options["person"]:
                person = Person.objects.filter(pk=options["person"]).first()
                if person is None or not person.unit.is_within(unit):
                    raise CommandError(f"在“{unit.name}”中找不到编号为 {options['person']} 的干部。", returncode=2)
            date_to = parse_day(options["date_to"], "--to")
            try:
                figures = record_figures(unit=unit, date_from=parse_day(options["date_from"], "--from"),
                                         date_to=date_to, person=person)
            except PeriodError as exc:
                raise CommandError(str(exc), returncode=2) from exc
            imported = imported_texts(unit=unit, date_to=date_to)
        try:
            result = read_for_check(data, path.name)
        except ReadError as exc:
            raise CommandError(exc.message_zh, returncode=2) from exc
        findings = findings_for(result, figures=figures, year=options["year"], imported=imported)
        for f in findings:
            self.stdout.write(format_finding(f))
        if findings:
            raise CommandError(f"共发现 {len(findings)} 处需要核对的地方。", returncode=1)
        self.stdout.write("未发现问题。" if figures is None else "未发现问题，报告中的数字与记录一致。")
