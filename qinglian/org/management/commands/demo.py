from __future__ import annotations

import importlib
import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from qinglian.audit.models import Action
from qinglian.audit.services import audit_log
from qinglian.lib import tracking
from qinglian.org.demo import DEMO_APPS, DEMO_PASSWORD, DEMO_USERNAMES, build_demo, demo_logins
from qinglian.org.models import Unit, User

FACTOR_HINT = ("业务账号只用密码即可登录；三员登录时还须输入动态口令：把下面的密钥加入手机验证器应用，"
               "或用 otpauth 链接生成二维码扫描")


class Command(BaseCommand):
    help = "生成示范县（确定性：同一 --seed 与 --today 生成同样的数据）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--units", type=int, default=0, help="单位数（默认约 190 个的一个县；大于 400 时生成省级规模）")
        parser.add_argument("--people", type=int, default=2000, help="干部人数，默认 2000")
        parser.add_argument("--seed", type=int, default=2026, help="随机种子，默认 2026")
        parser.add_argument("--today", help="以哪一天为“今天”（YYYY-MM-DD），默认今天")
        parser.add_argument("--if-empty", action="store_true", help="数据库已有数据时不再生成，只列出演示账号")

    def handle(self, *args: Any, **options: Any) -> None:
        with tracking.bulk(f"装入示范数据（种子 {options['seed']}）"):  # history rows in bulk, at the end
            self._handle(**options)

    def _handle(self, **options: Any) -> None:
        try:
            today = date.fromisoformat(options["today"]) if options["today"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError("--today 须写成 YYYY-MM-DD，如 2026-11-23。") from exc
        if options["units"] < 0 or options["people"] < 0:
            raise CommandError("--units 与 --people 不能为负数。")
        if options["if_empty"] and Unit.with_deleted.exists():
            self.stdout.write(f"数据库中已有数据，未重新生成。演示账号（密码均为 {DEMO_PASSWORD}；{FACTOR_HINT}）：")
            users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
            for line in demo_logins(users):
                self.stdout.write(line)
            return
        started = time.perf_counter()
        try:
            ctx = build_demo(seed=options["seed"], today=today, units=options["units"], people=options["people"],
                             log=self.stdout.write)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for label in DEMO_APPS:
            try:
                module = importlib.import_module(f"qinglian.{label}.demo")
            except ModuleNotFoundError:
                continue
            summary = module.populate(ctx)
            if summary:
                self.stdout.write(summary)
        audit_log(action=Action.CREATE, summary=f"装入示范数据（种子 {options['seed']}，基准日 {today}）")
        if connection.vendor == "postgresql":  # statistics for the planner now, not when autovacuum comes by
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(f"示范数据已生成，用时 {time.perf_counter() - started:.1f} 秒。")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}；{FACTOR_HINT}）：")
        for line in demo_logins(ctx.users):
            self.stdout.write(line)
