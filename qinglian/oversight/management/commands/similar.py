"""`qinglian similar --unit UNIT [--threshold T] [--json] [--reindex]`: pairs of reports (uploaded or generated)
whose own text — after the stock phrases, the generator's wording and the corpus's common shingles are
discounted — is at least T similar (estimated Jaccard of character 5-shingles, default 0.5), most similar
first, each pair with at least one side in the unit's subtree."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qinglian.org.services import UnitNotFound, resolve_unit
from qinglian.oversight import similar


class Command(BaseCommand):
    help = "报告查重：列出去掉套话和系统生成原文后仍相似的报告（至少一份属于该单位及其下级单位）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--unit", required=True, help="单位编号、全称（如 示范县/县委）或唯一名称")
        parser.add_argument("--threshold", type=float, default=similar.THRESHOLD,
                            help="相似度下限，0 至 1 之间（默认 0.5）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")
        parser.add_argument("--reindex", action="store_true", help="先重建查重索引（套话清单或高频片段变动后）")

    def handle(self, *args: Any, **options: Any) -> None:
        threshold = options["threshold"]
        if not 0 < threshold <= 1:
            raise CommandError(f"--threshold {threshold} 不在 0 至 1 之间，请写如 0.5。", returncode=2)
        try:
            unit = resolve_unit(options["unit"])
        except UnitNotFound as exc:
            raise CommandError(str(exc), returncode=2) from exc
        if options["reindex"]:
            n = similar.reindex()
            self.stderr.write(f"已重建查重索引：上传的报告 {n} 份。")
        pairs = similar.similar_pairs(unit, threshold)
        if options["json"]:
            self.stdout.write(json.dumps(similar.as_json(pairs), ensure_ascii=False, indent=2))
            return
        if not pairs:
            self.stdout.write(f"{unit.full_name}：没有相似度不低于 {threshold:.0%} 的报告。")
            return
        for p in similar.as_json(pairs):
            self.stdout.write(f"{p['similarity']:.0%}  {p['a']['unit']}《{p['a']['title']}》（{p['a']['year']}）"
                              f" ↔ {p['b']['unit']}《{p['b']['title']}》（{p['b']['year']}）")
            for passage in p["passages"][:3]:
                self.stdout.write(f"      “{passage[:60]}”")
