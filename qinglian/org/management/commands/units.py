from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from qinglian.org.models import Unit, UnitKind


class Command(BaseCommand):
    help = "列出单位树；--json 输出 JSON 列表"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = Unit.objects.order_by("path").values_list("id", "name", "full_name", "parent_id", "kind", "path")
        if options["json"]:
            data = [{"id": i, "name": n, "full_name": f, "parent": p, "kind": k} for i, n, f, p, k, _ in rows]
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        count = 0
        for i, name, _full, _parent, kind, path in rows.iterator():
            count += 1
            indent = "  " * (len(path) // 4 - 1)
            self.stdout.write(f"{i:>6}  {indent}{name}（{UnitKind(kind).label}）")
        if not count:
            self.stdout.write("尚无单位。可运行 qinglian demo 生成示范县。")
