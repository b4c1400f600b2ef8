from __future__ import annotations

import stat
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qinglian.crypto import services
from qinglian.crypto.keys import KeyFileError, load_key_file


class Command(BaseCommand):
    help = "密钥管理：init 生成密钥文件，rotate 轮换密钥，reencrypt 用当前密钥重新加密全部数据，status 查看状态"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["init", "rotate", "reencrypt", "status"])
        parser.add_argument("--if-missing", action="store_true", help="init：密钥文件已存在时什么也不做")
        parser.add_argument("--batch", type=int, default=500, help="reencrypt：每批处理的条数，默认 500")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except (KeyFileError, FileExistsError) as exc:
            raise CommandError(str(exc)) from exc

    def _init(self, options: dict[str, Any]) -> None:
        keys, audited = services.keys_init(if_missing=options["if_missing"])
        path = services.key_path()
        if keys is None:
            if options["verbosity"] > 1:
                self.stdout.write(f"密钥文件已存在：{path}")
            return
        self.stdout.write(f"已生成密钥文件 {path}（权限 600，当前密钥 {keys.current}）。请另行备份此文件，不要与数据库备份放在一起。")
        if not audited:
            self.stdout.write("（数据库尚未初始化，本次操作未写入操作日志。）")

    def _rotate(self, options: dict[str, Any]) -> None:
        keys = services.keys_rotate()
        self.stdout.write(f"已轮换密钥：新写入使用 {keys.current}；旧密钥保留用于读取。"
                          "运行 qinglian keys reencrypt 可把已有数据改用新密钥加密。")

    def _reencrypt(self, options: dict[str, Any]) -> None:
        if options["batch"] < 1:
            raise CommandError("--batch 须为正整数。")
        result = services.keys_reencrypt(batch=options["batch"], progress=self.stdout.write)
        total = sum(t.resealed for t in result.values())
        refused = sum(t.refused for t in result.values())
        self.stdout.write(f"完成：重新加密 {total} 个值。")
        if refused:
            raise CommandError(f"有 {refused} 个值校验失败，未重新加密（已记入操作日志，请安全管理员核查）。")

    def _status(self, options: dict[str, Any]) -> None:
        path = services.key_path()
        keys = load_key_file(path)
        mode = stat.S_IMODE(path.stat().st_mode)
        self.stdout.write(f"密钥文件：{path}（权限 {mode:04o}）")
        for kid in keys.keys:
            mark = "（当前）" if kid == keys.current else ""
            self.stdout.write(f"  密钥 {kid}{mark}  生成于 {keys.created.get(kid) or '未知'}")
        for name, tally in services.keys_status().items():
            counts = "，".join(f"{k}：{n}" for k, n in sorted(tally.by_key.items())) or "无加密值"
            extra = f"，敏感记录中未加密 {tally.plain_sensitive} 条" if tally.plain_sensitive else ""
            self.stdout.write(f"  {name}：{counts}{extra}")
