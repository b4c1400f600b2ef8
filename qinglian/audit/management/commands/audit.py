from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qinglian.audit.services import verify_chain


class Command(BaseCommand):
    help = "操作日志：qinglian audit verify 校验哈希链是否完整"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["verify"], help="verify：校验操作日志哈希链")

    def handle(self, *args: Any, **options: Any) -> None:
        checked, breaks = verify_chain()
        if breaks:
            for b in breaks[:50]:
                where = f"第 {b.entry_id} 条" if b.entry_id else "链尾"
                self.stderr.write(f"{where}：{b.reason}")
            raise CommandError(f"操作日志校验失败：共 {checked} 条，发现 {len(breaks)} 处异常（见上）。")
        self.stdout.write(f"操作日志完整：共 {checked} 条，哈希链校验通过。")
