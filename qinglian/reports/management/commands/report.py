"""`qinglian report --unit UNIT --genre GENRE (--year Y | --from DATE --to DATE) -o FILE.docx [--person ID]
[--pdf] [--template T.docx] [--source ID …]`: write a draft from the records. The draft is not kept in the history (that is
the web page's, which knows who asked).

`qinglian report --genre integrity --person ID --as USERNAME (--year Y | --from … --to …) -o F.docx`: a
党风廉政意见回复 is a lookup of one person, so it names the supervisor who asks: their scope and clearance apply
(protected talk content only within it), the refusal or the generation is audited as theirs, and the draft is
kept in the history like the page's."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from paperwork.write import TemplateError, docx_to_pdf, pdf_available
from qinglian.org.models import Person, User, username_key
from qinglian.org.services import UnitNotFound, resolve_unit
from qinglian.reports.management.commands.checkdoc import parse_day
from qinglian.reports.models import Genre
from qinglian.reports.services import SourceChoice, report_bytes, report_draft, report_generate
from qinglian.stats.engine import PeriodError


class Command(BaseCommand):
    help = "根据记录生成报告草稿（.docx，可选 PDF）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--unit", help="单位编号、全称或唯一名称（含下级单位）；党风廉政意见回复不用")
        parser.add_argument("--genre", required=True,
                            help="报告类型：" + "，".join(f"{g.value}（{g.label}）" for g in Genre))
        parser.add_argument("--year", type=int, help="年度（等于 --from Y-01-01 --to Y-12-31）")
        parser.add_argument("--from", dest="date_from", help="统计开始日期，如 2026-01-01")
        parser.add_argument("--to", dest="date_to", help="统计结束日期，如 2026-12-31")
        parser.add_argument("--person", type=int, help="述责述廉报告的述职人、党风廉政意见回复所查的干部（干部编号）")
        parser.add_argument("--as", dest="acting", metavar="USERNAME",
                            help="党风廉政意见回复：以哪个监督员账号出具（按其监督范围和可阅密级，记入操作日志）")
        parser.add_argument("--source", dest="sources", type=int, action="append", metavar="ID",
                            help="整改情况通报针对的反馈来源编号（可重复）；时段内有多个来源时必须给出")
        parser.add_argument("--template", help="改用此 .docx 模板（默认：单位上传的模板，否则系统默认模板）")
        parser.add_argument("--pdf", action="store_true", help="同时生成 PDF（需安装 LibreOffice）")
        parser.add_argument("-o", "--output", required=True, help="输出文件，如 报告.docx")

    def handle(self, *args: Any, **options: Any) -> None:
        genre = options["genre"]
        if genre not in Genre.values:
            raise CommandError(f"未知的报告类型“{genre}”，应为：{'、'.join(Genre.values)}。")
        date_from, date_to = self._period(options)
        if genre == Genre.INTEGRITY:
            self._integrity(options, date_from, date_to)
            return
        if not options["unit"]:
            raise CommandError("请用 --unit 指定单位（编号、全称或唯一名称）。")
        try:
            unit = resolve_unit(options["unit"])
        except UnitNotFound as exc:
            raise CommandError(str(exc)) from exc
        person = None
        if genre == Genre.PERSONAL:
            if not options["person"]:
                raise CommandError("述责述廉报告须用 --person 指定述职人（干部编号，可用 qinglian units 查单位）。")
            person = Person.objects.filter(pk=options["person"]).select_related("unit").first()
            if person is None or not person.unit.is_within(unit):
                raise CommandError(f"在“{unit.name}”中找不到编号为 {options['person']} 的干部。")
        template = None
        if options["template"]:
            try:
                template = Path(options["template"]).read_bytes()
            except OSError as exc:
                raise CommandError(f"无法读取模板文件“{options['template']}”。") from exc
        out = self._output(options)
        try:
            draft = report_draft(unit=unit, genre=genre, date_from=date_from, date_to=date_to, person=person,
                                 template=template, sources=options["sources"])
        except SourceChoice as exc:
            raise CommandError(exc.messages[0].replace("请选择：", "请用 --source 编号 指定：")) from exc
        except TemplateError as exc:
            raise CommandError(f"模板有误：{exc.message_zh}") from exc
        except PeriodError as exc:
            raise CommandError(str(exc)) from exc
        self._write(out, draft.docx)
        self.stdout.write(f"已生成：{out}（{draft.report.title}，{len(draft.figures)} 个数字，模板：{draft.template_name}）")
        for f in draft.figures:
            self.stdout.write(f"  {f['n']:>3}. {f['text']}  ← {f['kind']}（{f['name']}）")
        self._pdf(out, options)

    @staticmethod
    def _period(options: dict[str, Any]) -> tuple[dt.date, dt.date]:
        if options["year"]:
            return dt.date(options["year"], 1, 1), dt.date(options["year"], 12, 31)
        if options["date_from"] and options["date_to"]:
            return parse_day(options["date_from"], "--from"), parse_day(options["date_to"], "--to")
        raise CommandError("请给出统计时段：--year 2026，或 --from 2026-01-01 --to 2026-12-31。")

    @staticmethod
    def _output(options: dict[str, Any]) -> Path:
        out = Path(options["output"])
        if out.suffix.lower() != ".docx":
            raise CommandError("输出文件须以 .docx 结尾，如 -o 报告.docx。")
        return out

    @staticmethod
    def _write(out: Path, content: bytes) -> None:
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"无法写入“{out}”，请检查目录是否存在、是否有写权限。") from exc

    def _integrity(self, options: dict[str, Any], date_from: dt.date, date_to: dt.date) -> None:
        if not options["acting"]:
            raise CommandError("党风廉政意见回复须用 --as 指定出具意见的监督员账号（按其监督范围和可阅密级生成，"
                               "并记入操作日志），如 --as jjz_supervisor。")
        user = User.objects.filter(username_key=username_key(options["acting"]), is_active=True).first()
        if user is None:
            raise CommandError(f"找不到账号“{options['acting']}”（或已停用）。")
        if not options["person"]:
            raise CommandError("党风廉政意见回复须用 --person 指定干部编号（可用 qinglian units 查单位和干部）。")
        person = Person.objects.filter(pk=options["person"]).select_related("unit").first()
        if person is None:
            raise CommandError(f"找不到编号为 {options['person']} 的干部。")
        out = self._output(options)
        try:
            report = report_generate(user=user, unit=person.unit, genre=Genre.INTEGRITY, date_from=date_from,
                                     date_to=date_to, person=person)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        except (PeriodError, ValidationError) as exc:
            raise CommandError(exc.messages[0] if isinstance(exc, ValidationError) else str(exc)) from exc
        self._write(out, report_bytes(report))
        self.stdout.write(f"已生成：{out}（{report.title}，{len(report.figures)} 个数字，已记入生成记录，编号 {report.pk}）")
        for f in report.figures:
            self.stdout.write(f"  {f['n']:>3}. {f['text']}  ← {f['kind']}（{f['name']}）")
        self._pdf(out, options)

    def _pdf(self, out: Path, options: dict[str, Any]) -> None:
        if options["pdf"]:
            if not pdf_available():
                raise CommandError("本机未安装 LibreOffice，无法生成 PDF；Word 文档已生成。")
            try:
                pdf = docx_to_pdf([out.resolve()], out.resolve().parent)[0]
            except RuntimeError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"已生成 PDF：{pdf}")
