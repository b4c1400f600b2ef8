from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from qinglian.audit.triggers import app_role_grants


class Command(BaseCommand):
    help = ("打印 PostgreSQL 授权语句：应用账号可读写各表，但操作日志等只能追加的表只有 SELECT 和 INSERT。"
            "以数据库所有者身份在每次 migrate 后执行，例如 qinglian dbgrants qinglian_app | psql")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("role", help="应用运行时使用的数据库账号")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("只有 PostgreSQL 需要分账号授权：SQLite 没有数据库账号。")
        for sql in app_role_grants(options["role"]):
            self.stdout.write(sql + ";")
