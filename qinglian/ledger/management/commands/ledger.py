"""qinglian ledger import FILE --unit UNIT [--source-kind KIND --source-by WHO --feedback-date DATE]
                          [--sheet NAME] [--split-measures] [--dry-run] [--json]
qinglian ledger export --unit UNIT -o FILE.xlsx"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from paperwork.calendar import parse_date
from paperwork.convert import ConvertError, is_old_format, to_ooxml
from qinglian.ledger.excel import SOURCE_KIND_LABELS, ParsedLedger, plan_counts, split_plan, splittable
from qinglian.ledger.transfer import KIND_BY_LABEL, ledger_export_xlsx, ledger_import_xlsx, ledger_read_xlsx
from qinglian.org.services import UnitNotFound, resolve_unit


class Command(BaseCommand):
    help = "整改台账：从 Excel 导入（import）、导出为 Excel（export）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="import|export")
        imp = sub.add_parser("import", help="导入台账 .xlsx", description="导入整改台账 .xlsx")
        imp.add_argument("file", help="台账文件（.xlsx）")
        imp.add_argument("--unit", required=True, help="整改单位：编号、全称或唯一名称")
        kinds = "、".join(f"{k}（{v}）" for k, v in SOURCE_KIND_LABELS.items())
        imp.add_argument("--source-kind", default="", help=f"反馈来源：{kinds}；也可写中文")
        imp.add_argument("--source-by", default="", help="反馈机关，如“县委第三巡察组”")
        imp.add_argument("--feedback-date", default="", help="反馈日期，如 2021-07-26")
        imp.add_argument("--sheet", default="", help="工作簿有多个工作表时，指定要导入的工作表")
        imp.add_argument("--split-measures", action="store_true",
                         help="把一格中写成“1.…；2.…”“（1）…（2）…”“①…②…”的整改措施拆成多条（默认一格一条）")
        imp.add_argument("--dry-run", action="store_true", help="只检查并显示将新建的内容，不写入")
        imp.add_argument("--json", action="store_true", help="以 JSON 输出结果")
        exp = sub.add_parser("export", help="导出台账 .xlsx", description="导出单位及下级单位的整改台账")
        exp.add_argument("--unit", required=True, help="单位：编号、全称或唯一名称")
        exp.add_argument("-o", "--output", required=True, help="输出文件（.xlsx）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            unit = resolve_unit(options["unit"])
        except UnitNotFound as exc:
            raise CommandError(str(exc)) from exc
        if options["action"] == "export":
            self.export(unit, Path(options["output"]))
        else:
            self.import_(unit, options)

    def export(self, unit: Any, output: Path) -> None:
        content = ledger_export_xlsx(user=None, unit=unit)
        try:
            output.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"无法写入 {output}：{exc.strerror}") from exc
        self.stdout.write(f"已导出 {unit.full_name} 的整改台账到 {output}")

    def import_(self, unit: Any, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        limit = settings.QINGLIAN_MAX_UPLOAD_BYTES
        try:
            if path.stat().st_size > limit:  # refused before a byte of it is read, as the web upload is
                raise CommandError(f"文件“{path.name}”超过 {limit // 1024 // 1024} MB 的上限，请删去无关的工作表或图片，"
                                   "或拆分为多个文件分批导入。")
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取 {path}：{exc.strerror}") from exc
        filename = path.name
        if is_old_format(filename):  # an Excel 97-2003 ledger: converted first, as the web upload does
            try:
                data, filename = to_ooxml(data, filename)
            except ConvertError as exc:
                raise CommandError(f"“{path.name}”：{exc.message_zh}") from exc
        kind = options["source_kind"]
        kind = KIND_BY_LABEL.get(kind, kind)
        if kind and kind not in SOURCE_KIND_LABELS:
            raise CommandError(f"--source-kind “{options['source_kind']}”无效，可选：" + "、".join(
                f"{k}（{v}）" for k, v in SOURCE_KIND_LABELS.items()))
        feedback_date = None
        if options["feedback_date"]:
            try:
                feedback_date = parse_date(options["feedback_date"]).date
            except ValueError as exc:
                raise CommandError(f"--feedback-date {exc}") from exc
        parsed = ledger_read_xlsx(data, filename, sheet=options["sheet"] or None)
        if options["split_measures"]:
            parsed.aspects, parsed.split_measures = split_plan(parsed.aspects), True
        outcome = ledger_import_xlsx(user=None, unit=unit, data=data, filename=filename, parsed=parsed,
                                     source_fields={"kind": kind, "issued_by": options["source_by"],
                                                    "feedback_date": feedback_date},
                                     sheet=options["sheet"] or None, dry_run=options["dry_run"], via="cli")
        if options["json"]:
            payload = {**outcome.as_dict(), **summary(outcome.parsed)}
            payload.pop("items", None) if len(payload.get("items", [])) > 5000 else None
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1))
        else:
            self.report(outcome, options["dry_run"])
        if not outcome.ok:
            raise CommandError(f"导入未完成：发现 {len(outcome.errors)} 处问题，未写入任何内容。")

    def report(self, outcome: Any, dry_run: bool) -> None:
        r, read = outcome.result, summary(outcome.parsed)
        self.stdout.write(f"读到：{read['summary']}（工作表“{outcome.parsed.sheet}”）")
        for e in outcome.errors:
            self.stdout.write(f"  {e}")
        for w in outcome.parsed.warnings:
            self.stdout.write(f"  提示：{w}")
        if read["splittable"] and not outcome.parsed.split_measures:
            self.stdout.write(f"  提示：有{read['splittable']}条整改措施在一格中写了多项（如“1.…；2.…”），按一条导入；"
                              "如需拆成多条，请加 --split-measures。")
        for u in r.unmatched:  # kept as written (待匹配), matched later on the source's page
            rows = "、".join(str(n) for n in u["rows"][:10])
            self.stdout.write(f"  待匹配：第{rows}行“{u['text']}”在名册中未找到，已按原文保留。")
        if outcome.ok:
            if dry_run:
                self.stdout.write(f"试运行：将新建 {r.would_create} 条记录，已存在 {r.existing} 条；未写入。")
            else:
                self.stdout.write(f"已新建 {r.created} 条记录，已存在 {r.existing} 条。")


def summary(parsed: ParsedLedger) -> dict[str, Any]:
    """What the sheet holds, counted as the notice counts it ("3个方面12项具体问题"): from the parsed plan, so
    the counts are there before the source is filled in or the names are matched."""
    counts = plan_counts(parsed.aspects)
    return {**counts, "summary": f"{counts['aspects']}个方面{counts['problems']}项具体问题{counts['measures']}条措施",
            "splittable": splittable(parsed.aspects), "split_measures": parsed.split_measures,
            "unmapped_columns": parsed.unmapped, "warnings": [w.as_dict() for w in parsed.warnings]}
