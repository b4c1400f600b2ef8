"""`qinglian migrate`: Django's migrate, reporting in Chinese what it did (details with -v 2)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import DatabaseError, connections
from django.db.migrations.recorder import MigrationRecorder


class Command(DjangoMigrate):
    help = "创建或升级数据库结构"

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        connection = connections[options["database"]]
        try:
            before = self._applied(connection)
            super().handle(*args, **{**options, "verbosity": verbosity if verbosity >= 2 else 0})
        except DatabaseError as exc:
            raise CommandError(f"无法连接或升级数据库（{connection.settings_dict['NAME']}）：{exc}。请检查 DATABASE_URL。") from exc
        applied = self._applied(connection) - before
        if verbosity >= 1:
            if applied > 0:
                self.stdout.write(f"数据库已升级：应用了 {applied} 个迁移。")
            elif applied < 0:  # `qinglian migrate app 00NN`: back to an earlier state
                self.stdout.write(f"数据库已回退：撤销了 {-applied} 个迁移。")
            else:
                self.stdout.write("数据库已是最新，无需升级。")

    @staticmethod
    def _applied(connection: Any) -> int:
        recorder = MigrationRecorder(connection)
        return recorder.migration_qs.count() if recorder.has_table() else 0
