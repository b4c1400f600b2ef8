"""Django's `flush`, passing the insert-only triggers through a removal permit (qinglian.audit.triggers).

The test suite flushes after every transactional test; without the permit the triggers would refuse it. On a
production server erasing the database is refused outright, and there the app's PostgreSQL role holds no
DELETE or TRUNCATE on the audit tables anyway.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.flush import Command as Flush

from qinglian.audit.triggers import removal_permit


class Command(Flush):
    def handle(self, **options: Any) -> None:
        if getattr(settings, "PRODUCTION", False):
            raise CommandError("生产环境不能清空数据库：操作日志只能归档，不能删除。")
        with removal_permit(reason="flush", using=options["database"]):
            super().handle(**options)
