"""qinglian stats --unit UNIT --from 2023-01-01 --to 2023-12-31 [--json] [--records] [--kind CODE …]
qinglian stats --rebuild   (re-derive 补录 flags and the activity pre-aggregate after bulk loads)
qinglian stats definitions [--json]   (统计口径说明: what each figure counts and excludes)"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from paperwork.calendar import parse_date
from qinglian.org.services import UnitNotFound, resolve_unit
from qinglian.stats import engine


def _date(text: str | None, option: str) -> Any:
    if not text:
        raise CommandError(f"请提供 {option}，如 {option} 2023-01-01。")
    try:
        parsed = parse_date(text)
    except ValueError as exc:
        raise CommandError(f"{option}：{exc}") from exc
    if parsed.date is None or parsed.approximate:
        raise CommandError(f"{option}：“{text}”不是具体日期，请写成 2023-01-01。")
    return parsed.date


class Command(BaseCommand):
    help = "统计某单位（含下级单位）在某时段内各类记录的数量；--json 输出 JSON"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", nargs="?", choices=["definitions"],
                            help="definitions：列出每个统计项的统计口径（统计内容、不计入、计量单位、统计记录）")
        parser.add_argument("--unit", help="单位编号、全称或唯一名称")
        parser.add_argument("--from", dest="date_from", help="开始日期（含），如 2023-01-01")
        parser.add_argument("--to", dest="date_to", help="结束日期（含），如 2023-12-31")
        parser.add_argument("--json", action="store_true", help="输出 JSON 列表")
        parser.add_argument("--records", action="store_true", help="同时列出每个数字背后的记录")
        parser.add_argument("--kind", action="append", help="只统计这些代码（可多次给出；以“.”结尾表示前缀）")
        parser.add_argument("--rebuild", action="store_true", help="重新计算补录标记和统计预汇总")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "definitions":
            self._definitions(as_json=options["json"])
            return
        if options["rebuild"]:
            from qinglian.audit.models import Action
            from qinglian.audit.services import audit_log
            from qinglian.records.services import late_flags_rebuild, tally_rebuild

            changed = late_flags_rebuild(settings.QINGLIAN_LATE_ENTRY_DAYS)
            cells = tally_rebuild()
            audit_log(action=Action.UPDATE, summary=f"重算补录标记（{changed} 条变化）和统计预汇总（{cells} 格）")
            self.stdout.write(f"已重算：补录标记变化 {changed} 条，统计预汇总 {cells} 格。")
            return
        if not options["unit"]:
            raise CommandError("请用 --unit 指定单位（编号、全称或唯一名称），可用 qinglian units 查看。")
        try:
            unit = resolve_unit(options["unit"])
        except UnitNotFound as exc:
            raise CommandError(str(exc)) from exc
        date_from, date_to = _date(options["date_from"], "--from"), _date(options["date_to"], "--to")
        try:
            figures = engine.figures(unit=unit, date_from=date_from, date_to=date_to, kinds=options["kind"])
        except engine.PeriodError as exc:
            raise CommandError(str(exc)) from exc
        rows: list[dict[str, Any]] = []
        for f in figures:
            row: dict[str, Any] = {"kind": f.kind, "name": f.name, "counting_unit": f.counting_unit,
                                   "count": f.count, "late": f.late}
            if options["records"]:
                refs = engine.records(unit=unit, date_from=date_from, date_to=date_to, kind=f.kind)
                row["records"] = [{"type": r.type, "id": r.id} for r in refs]
                row["_refs"] = refs
            rows.append(row)
        if options["json"]:
            for row in rows:
                row.pop("_refs", None)
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        self.stdout.write(f"{unit.full_name}（含下级单位） {date_from:%Y-%m-%d} 至 {date_to:%Y-%m-%d}")
        for row in rows:
            late = f"（其中补录 {row['late']}）" if row["late"] else ""
            self.stdout.write(f"  {row['name']}：{row['count']}{row['counting_unit']}{late}    [{row['kind']}]")
            for ref in row.get("_refs", []):
                tag = " 补录" if ref.late else ""
                day = f"{ref.date:%Y-%m-%d}" if ref.date else "—"
                self.stdout.write(f"      {day} {ref.label}（{ref.type}#{ref.id}）{tag}")

    def _definitions(self, *, as_json: bool) -> None:
        from dataclasses import asdict

        from qinglian.stats.definitions import all_definitions
        from qinglian.stats.export import general_notes

        found = all_definitions()
        if as_json:
            self.stdout.write(json.dumps([{"kind": kind, **asdict(d)} for kind, d in found.items()],
                                         ensure_ascii=False))
            return
        self.stdout.write("统计口径说明")
        for note in general_notes():
            self.stdout.write(f"  {note}")
        for kind, d in found.items():
            self.stdout.write(f"\n{d.name}  [{kind}]（{d.group}）")
            for label, text in (("统计内容", d.counts), ("不计入", d.excludes), ("计量单位", d.counting_unit),
                                ("统计记录", d.records)):
                self.stdout.write(f"  {label}：{text}")
