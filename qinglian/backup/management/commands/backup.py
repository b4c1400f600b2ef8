from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qinglian.backup.dump import DumpError
from qinglian.backup.services import MANIFEST, backup_create


class Command(BaseCommand):
    help = "备份：qinglian backup DIR 在系统照常运行时把数据库、上传的文件和备份清单写入新目录 DIR"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("dir", help="备份目录：须不存在或为空，例如 /backup/qinglian/2026-12-01")

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(options["dir"]).resolve()
        try:
            manifest = backup_create(target=target)
        except DumpError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(f"备份完成：{target}（{len(manifest['tables'])} 张表 {rows} 行，{len(manifest['files'])} 个文件，"
                          f"用时 {manifest['seconds']} 秒；清单 {MANIFEST}）。")
        self.stdout.write(manifest["keys"]["note"])
