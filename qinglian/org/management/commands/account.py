"""`qinglian account reset-password USERNAME [--password-file F]`: the audited way to set a password for an
account from the server (Django's changepassword is refused). The password is checked against the policy and
is single-use: the holder changes it at the next log-in.

`qinglian account reset-factor USERNAME`: the server's way to remove an account's second factor when nobody
can do it on the web (the only security admin lost their phone); audited, the next log-in enrols afresh."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from qinglian.org.models import User
from qinglian.org.services import account_password_reset


def read_password(path: str | None) -> str:
    """The first line of `path`, else typed twice at the terminal."""
    if path:
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"密码文件不存在：{file}")
        lines = file.read_text(encoding="utf-8").splitlines()
        return lines[0].strip() if lines else ""
    password = getpass.getpass("新密码：")
    if password != getpass.getpass("再次输入新密码："):
        raise CommandError("两次输入的密码不一致。")
    return password


class Command(BaseCommand):
    help = "账号维护：qinglian account reset-password 用户名 [--password-file 文件] | reset-factor 用户名"

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True, title="操作")
        reset = sub.add_parser("reset-password", help="重置密码：检查密码策略，设为一次性密码（首次登录须修改），记入审计")
        reset.add_argument("username", help="用户名")
        reset.add_argument("--password-file", help="从文件第一行读取新密码（不给则交互输入）")
        factor = sub.add_parser("reset-factor", help="重置动态口令：解除绑定（如手机丢失），下次登录重新绑定，记入审计")
        factor.add_argument("username", help="用户名")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            account = User.objects.get_by_natural_key(options["username"])
        except User.DoesNotExist as exc:
            raise CommandError(f"找不到账号“{options['username']}”：请核对用户名。") from exc
        if options["action"] == "reset-factor":
            from qinglian.factors.services import factor_reset

            factor_reset(actor=None, account=account)
            self.stdout.write(f"已重置账号 {account.username} 的动态口令，已记入审计；使用人下次登录时须重新绑定。")
            return
        password = read_password(options.get("password_file"))
        try:
            account_password_reset(actor=None, account=account, password=password)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(f"已重置账号 {account.username} 的密码，已记入审计；使用人首次登录须修改密码。")
