from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qinglian.audit.services import Anchor, chain_anchor, check_anchor, verify_chain


class Command(BaseCommand):
    help = ("操作日志：qinglian audit verify [--anchor 文件] 校验哈希链是否完整；"
            "qinglian audit anchor [--out 文件] 记下链尾（锚点），由审计管理员保存在本机以外")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["verify", "anchor", "archive"],
                            help="verify：校验操作日志哈希链；anchor：打印（或写入文件）当前链尾的锚点；"
                                 "archive：归档保留期以前的操作日志和历史版本（审计管理员）")
        parser.add_argument("--anchor", help="verify 时对照的锚点文件（audit anchor 写出的），可发现最新日志被截断")
        parser.add_argument("--out", help="anchor 时把锚点追加写入此文件（每行一个）")
        parser.add_argument("--before", help="archive：归档此日期以前的记录，如 2026-01-01（须早于保留期）")
        parser.add_argument("--to", help="archive：归档文件放到哪个文件夹，默认 QINGLIAN_ARCHIVE_DIR")
        parser.add_argument("--by", help="archive：执行归档的审计管理员账号")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "archive":
            self._archive(options)
            return
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


    def _archive(self, options: dict[str, Any]) -> None:
        from django.conf import settings
        from django.utils import timezone

        from qinglian.audit.archive import ArchiveRefused, archive
        from qinglian.history.forms import parse_moment
        from qinglian.org.models import User

        if not options["before"] or not options["by"]:
            raise CommandError("归档须写明 --before 日期 和 --by 审计管理员账号，如 --before 2026-01-01 --by auditor。")
        before = parse_moment(options["before"])
        if before is None:
            raise CommandError("--before 须写成 2026-01-01 这样的日期。")
        user = User.objects.filter(username=options["by"], is_active=True).first()
        if user is None:
            raise CommandError(f"没有名为 {options['by']} 的可用账号。")
        try:
            done = archive(user=user, before=before - timezone.timedelta(days=1) + timezone.timedelta(microseconds=1)
                           if len(options["before"].strip()) == 10 else before,
                           directory=Path(options["to"] or settings.QINGLIAN_ARCHIVE_DIR))
        except ArchiveRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已归档操作日志 {done.entries} 条、历史版本 {done.versions} 条至 {done.location}；"
                          "请把该文件夹复制到本机以外保存。")


def _where(entry_id: int) -> str:
    return f"第 {entry_id} 条" if entry_id else "链尾"


def _anchors(path: str) -> list[Anchor]:
    try:
        lines = [line for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
        return [Anchor.from_json(line) for line in lines]
    except (OSError, ValueError, KeyError) as exc:
        raise CommandError(f"读不了锚点文件 {path}：请给出 qinglian audit anchor 写出的文件。") from exc
