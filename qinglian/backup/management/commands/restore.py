from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qinglian.backup.dump import DumpError
from qinglian.backup.services import REPORT, backup_restore


class Command(BaseCommand):
    help = ("恢复：qinglian restore DIR --verify 把备份恢复到 DATABASE_URL 所指的空数据库和空文件库，"
            "校验后写出 DIR/restore-report.txt（备份恢复测试记录）")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("dir", help="qinglian backup 写出的备份目录")
        parser.add_argument("--verify", action="store_true",
                            help="恢复后校验记录数、各表哈希、文件哈希和操作日志哈希链，并写出测试记录")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["dir"]).resolve()
        try:
            result = backup_restore(source=source, verify=options["verify"])
        except DumpError as exc:
            raise CommandError(str(exc)) from exc
        for check in result.checks:
            (self.stdout if check.ok else self.stderr).write(
                f"{check.what}：{'通过' if check.ok else '不通过'}。{check.detail}")
        where = f"测试记录见 {source / REPORT}。" if options["verify"] else "未校验：请加 --verify 校验并写出测试记录。"
        if not result.ok:
            raise CommandError(f"恢复未通过校验：{where}")
        self.stdout.write(f"恢复完成，用时 {result.seconds} 秒。{where}")
