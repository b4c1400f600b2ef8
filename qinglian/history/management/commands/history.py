from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qinglian.history.forms import MOMENT_HELP, parse_moment
from qinglian.history.selectors import UnknownModel, state_at, tracked_model, versions


class Command(BaseCommand):
    help = "打印一条记录的历史版本（JSON）；加 --at 时打印它在该时刻的内容，连同关联人员和下级记录"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("model", help="记录类型，写作 app_label.model，如 ledger.measure")
        parser.add_argument("id", help="记录编号")
        parser.add_argument("--at", help="时刻，如 2026-03-15 或 2026-03-15T18:00（北京时间）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            model = tracked_model(options["model"].lower())
        except UnknownModel as exc:
            raise CommandError(f"没有“{options['model']}”这种记录类型，请写作 app_label.model，如 ledger.measure。") from exc
        try:
            pk = int(options["id"])
        except ValueError as exc:
            raise CommandError("记录编号须是整数。") from exc
        if options["at"]:
            at = _moment(options["at"])
            state = state_at(model, pk, at)
            if state is None:
                raise CommandError(f"{options['model']} #{pk} 在 {options['at']} 时还不存在（或没有历史记录）。")
            self.stdout.write(json.dumps(state, ensure_ascii=False, indent=2))
            return
        rows = versions(model, pk)
        if not rows:
            raise CommandError(f"{options['model']} #{pk} 没有历史记录。")
        self.stdout.write(json.dumps([
            {"version": v.version, "kind": v.kind, "at": v.at.isoformat(), "actor": v.actor_name,
             "reason": v.reason, **v.data} for v in rows
        ], ensure_ascii=False, indent=2))


def _moment(text: str) -> Any:
    moment = parse_moment(text)
    if moment is None:
        raise CommandError(f"--at {MOMENT_HELP}")
    return moment
