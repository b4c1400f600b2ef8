from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qinglian.audit.services import Anchor, chain_anchor, check_anchor, verify_chain


class Command(BaseCommand):
    help = ("操作日志：qinglian audit verify [--anchor 文件] 校验哈希链是否完整；"
            "qinglian audit anchor [--out 文件] 记下链尾（锚点），由审计管理员保存在本机以外")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["verify", "anchor"],
                            help="verify：校验操作日志哈希链；anchor：打印（或写入文件）当前链尾的锚点")
        parser.add_argument("--anchor", help="verify 时对照的锚点文件（audit anchor 写出的），可发现最新日志被截断")
        parser.add_argument("--out", help="anchor 时把锚点追加写入此文件（每行一个）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "anchor":
            line = chain_anchor().as_json()
            if options["out"]:
                with Path(options["out"]).open("a", encoding="utf-8") as out:
                    out.write(line + "\n")
            self.stdout.write(line)
            return
        checked, breaks = verify_chain()
        if options["anchor"]:
            breaks += [b for anchor in _anchors(options["anchor"]) for b in check_anchor(anchor)]
        if breaks:
            first = breaks[0]
            self.stderr.write(f"第一处异常：{_where(first.entry_id)}，{first.reason}")
            for b in breaks[1:50]:
                self.stderr.write(f"{_where(b.entry_id)}：{b.reason}")
            raise CommandError(f"操作日志校验失败：共 {checked} 条，发现 {len(breaks)} 处异常（见上）。")
        self.stdout.write(f"操作日志完整：共 {checked} 条，哈希链校验通过。"
                          + ("锚点核对一致。" if options["anchor"] else ""))


def _where(entry_id: int) -> str:
    return f"第 {entry_id} 条" if entry_id else "链尾"


def _anchors(path: str) -> list[Anchor]:
    try:
        lines = [line for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
        return [Anchor.from_json(line) for line in lines]
    except (OSError, ValueError, KeyError) as exc:
        raise CommandError(f"读不了锚点文件 {path}：请给出 qinglian audit anchor 写出的文件。") from exc
