from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qinglian.lib.filecheck import check, collect, describe_check, describe_collect


class Command(BaseCommand):
    help = "附件存储：qinglian files check 检查缺失、损坏和孤立的文件；qinglian files collect 清除无人引用的文件"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["check", "collect"],
                            help="check：检查缺失、损坏和孤立的文件；collect：清除宽限期内无人引用的文件")
        parser.add_argument("--dry-run", action="store_true", help="只列出将清除的文件，不做改动（collect）")
        parser.add_argument("--grace-days", type=int, help="无人引用满多少天后清除，默认 QINGLIAN_FILES_GRACE_DAYS（collect）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "check":
            report = check()
            for line in describe_check(report):
                self.stdout.write(line)
            if not report.ok:
                raise CommandError(f"文件检查未通过：缺失 {len(report.missing)} 个、损坏 {len(report.corrupt)} 个，"
                                   "请从备份中恢复这些文件后再运行 qinglian files check。")
            self.stdout.write("文件检查通过：所有记录的文件都在，内容与校验值一致。")
            return
        days = options["grace_days"]
        if days is not None and days < 1:
            raise CommandError("--grace-days 须至少为 1 天。")
        collected = collect(grace=dt.timedelta(days=days) if days is not None else None, dry_run=options["dry_run"])
        for line in describe_collect(collected, dry_run=options["dry_run"]):
            self.stdout.write(line)
