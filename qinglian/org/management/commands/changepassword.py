"""Django's `changepassword`, refused: it sets a password without an audit row, without the password policy's
history and without making it single-use. The audited path is `qinglian account reset-password USERNAME`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "已停用：请改用 qinglian account reset-password 用户名（记入审计，首次登录须修改）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username", nargs="?")
        parser.add_argument("--database")

    def handle(self, *args: Any, **options: Any) -> None:
        who = options.get("username") or "用户名"
        raise CommandError("changepassword 不记入审计，已停用。请改用：qinglian account reset-password "
                           f"{who}（检查密码策略，设为一次性密码，首次登录须修改，并记入审计）。")
