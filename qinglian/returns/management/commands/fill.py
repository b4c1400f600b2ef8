"""qinglian fill FORM.xlsx --unit UNIT --from 2026-07-01 --to 2026-09-30 -o OUT.xlsx [--json]

Fills an upper office's form with the mapping saved for it (the web page's 上级报表), or, where none is
saved, the proposed one; the fill is kept in the history like one made on the page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from paperwork.returns import FormRefused
from qinglian.org.services import UnitNotFound, resolve_unit
from qinglian.returns import services
from qinglian.stats import engine
from qinglian.stats.management.commands.stats import _date


class Command(BaseCommand):
    help = "按保存的（或建议的）对应关系，用记录中的数字填写上级发来的 Excel 报表；--json 输出已填和未填的单元格"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("form", help="上级报表文件（.xlsx；.xls 在装有 LibreOffice 时先转换）")
        parser.add_argument("--unit", required=True, help="单位编号、全称或唯一名称（统计该单位及其下级单位）")
        parser.add_argument("--from", dest="date_from", help="开始日期（含），如 2026-07-01")
        parser.add_argument("--to", dest="date_to", help="结束日期（含），如 2026-09-30")
        parser.add_argument("-o", "--output", required=True, help="填好的报表写到哪个文件")
        parser.add_argument("--json", action="store_true", help="输出 JSON：filled 与 unfilled")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["form"])
        try:
            unit = resolve_unit(options["unit"])
        except UnitNotFound as exc:
            raise CommandError(str(exc)) from exc
        date_from, date_to = _date(options["date_from"], "--from"), _date(options["date_to"], "--to")
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取报表文件“{path}”：{exc.strerror}。") from exc
        try:
            layout, content, name = services.form_read(content, path.name)
            choices, _ = services.catalogue(unit, date_from, date_to)
            mapping, saved = services.mapping_for(layout, unit=unit, choices=choices)
            fill = services.return_fill(user=None, unit=unit, layout=layout, content=content, name=name,
                                        mapping=mapping, date_from=date_from, date_to=date_to,
                                        save_mapping=False, via="cli")
        except FormRefused as exc:
            raise CommandError(exc.message_zh) from exc
        except engine.PeriodError as exc:
            raise CommandError(str(exc)) from exc
        from qinglian.lib import files

        Path(options["output"]).write_bytes(files.read_stored(fill.stored))
        if options["json"]:
            self.stdout.write(json.dumps({
                "filled": [{k: c[k] for k in ("sheet", "cell", "label", "figure", "count")} for c in fill.filled],
                "unfilled": [{k: c[k] for k in ("sheet", "cell", "label", "unit", "reason")} for c in fill.unfilled]},
                ensure_ascii=False))
            return
        how = "按保存的对应关系" if saved else "按建议的对应关系（尚未在网页上确认）"
        self.stdout.write(f"{how}填写：{name} → {options['output']}（{unit.full_name}，"
                          f"{date_from:%Y-%m-%d} 至 {date_to:%Y-%m-%d}）")
        self.stdout.write(f"  已填 {len(fill.filled)} 格，未填 {len(fill.unfilled)} 格")
        for c in fill.unfilled:
            self.stdout.write(f"  未填 {c['sheet']}!{c['cell']} {c['label']}（{c['unit']}）：{c['reason']}")
