"""qinglian appraisal — 考核 from the command line, through the same services as the pages.

    qinglian appraisal list
    qinglian appraisal indicator-add RULE_SET MEASURE WEIGHT [--name N] [--bands "95,100,30,30;0,95,0,30"] --as LEADER
    qinglian appraisal publish RULE_SET --as LEADER
    qinglian appraisal score RULE_SET [--today YYYY-MM-DD] [--xlsx FILE]
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from qinglian.appraisal.models import AppraisalRuleSet
from qinglian.appraisal.selectors import WORKING_HEADER, export_rows
from qinglian.appraisal.services import appraisal_indicator_add, appraisal_rule_set_publish, appraisal_run
from qinglian.org.models import User


class Command(BaseCommand):
    help = "年度考核：加入指标、发布（锁定）、计分并导出计算过程"

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="列出考核规则")
        add = sub.add_parser("indicator-add", help="在草稿中加入一项目录中的指标")
        add.add_argument("rule_set", type=int)
        add.add_argument("measure", help="考核指标目录中的代码，如 ledger.on_time")
        add.add_argument("weight")
        add.add_argument("--name", default="")
        add.add_argument("--bands", default="", help="各档以分号分隔：下限,上限,下限得分,上限得分")
        add.add_argument("--evidence", default="")
        add.add_argument("--as", dest="username", required=True, help="以哪位负责人的账号操作")
        pub = sub.add_parser("publish", help="发布并锁定")
        pub.add_argument("rule_set", type=int)
        pub.add_argument("--as", dest="username", required=True)
        score = sub.add_parser("score", help="计算发布单位及下级各单位的得分")
        score.add_argument("rule_set", type=int)
        score.add_argument("--today", default="")
        score.add_argument("--xlsx", default="", help="把计算过程写入此 .xlsx 文件")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["action"].replace("-", "_"))(**options)
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError("；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)) from exc

    def _rule_set(self, pk: int) -> AppraisalRuleSet:
        found = AppraisalRuleSet.objects.select_related("unit").filter(pk=pk).first()
        if found is None:
            raise CommandError(f"没有编号为 {pk} 的考核规则。用 qinglian appraisal list 查看。")
        return found

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"没有账号“{username}”。")
        return user

    def _list(self, **_: Any) -> None:
        for s in AppraisalRuleSet.objects.select_related("unit").order_by("-year", "unit__path"):
            self.stdout.write(f"{s.pk}\t{s.year}\t{s.unit.name}\t{s.get_state_display()}\t{s.name}")

    def _indicator_add(self, **o: Any) -> None:
        try:
            weight = Decimal(o["weight"])
        except InvalidOperation as exc:
            raise CommandError("分值须是数字，如 20。") from exc
        made = appraisal_indicator_add(user=self._user(o["username"]), rule_set=self._rule_set(o["rule_set"]),
                                       measure=o["measure"], weight=weight, name=o["name"],
                                       bands=o["bands"].replace(";", "\n"), evidence=o["evidence"])
        self.stdout.write(f"已加入指标：{made}")

    def _publish(self, **o: Any) -> None:
        done = appraisal_rule_set_publish(user=self._user(o["username"]), rule_set=self._rule_set(o["rule_set"]))
        self.stdout.write(f"已发布并锁定：{done}")

    def _score(self, **o: Any) -> None:
        try:
            today = dt.date.fromisoformat(o["today"]) if o["today"] else None
        except ValueError as exc:
            raise CommandError("--today 须写成 YYYY-MM-DD。") from exc
        run = appraisal_run(user=None, rule_set=self._rule_set(o["rule_set"]), today=today)
        self.stdout.write(f"已计算{run.units}个单位的得分（截至{run.as_of}），计分编号 {run.pk}")
        if o["xlsx"]:
            from qinglian.lib.exports import xlsx_bytes

            scores = list(run.scores.select_related("unit").order_by("unit__path"))
            Path(o["xlsx"]).write_bytes(xlsx_bytes("考核得分", WORKING_HEADER, export_rows(scores)))
            self.stdout.write(f"计算过程已写入 {o['xlsx']}")
