"""`qinglian read FILE [--json]`: what the reader found, as JSON or as a short Chinese summary."""

from __future__ import annotations

import argparse
import json
import sys

from .model import GENRES, ReadError, ReadResult
from .reader import read_path

GENRE_NAMES = dict(zip(GENRES, ("落实党风廉政建设责任制情况报告", "述责述廉报告", "巡察/巡视整改情况通报",
                                "工作总结及计划", "新闻宣传通报"), strict=True))


def summary(result: ReadResult) -> str:
    lines = [
        f"标题：{result.title or '（未识别）'}",
        f"类型：{GENRE_NAMES.get(result.genre or '', '（未识别）')}",
        f"段落：{len(result.paragraphs)} 段；标题层次：{len(result.outline)} 个",
    ]
    for o in result.outline:
        lines.append("  " * o.level + f"{o.marker}{o.heading}")
    if result.rectification:
        aspects = len({r.aspect for r in result.rectification if r.aspect})
        lines.append(f"整改问题：{aspects} 个方面 {len(result.rectification)} 个具体问题")
    lines.append(f"存在问题：{len(result.problems)} 条")
    lines.extend(f"  {i}. {p}" for i, p in enumerate(result.problems, 1))
    lines.append(f"下步计划：{len(result.plans)} 条")
    lines.extend(f"  {i}. {p}" for i, p in enumerate(result.plans, 1))
    unfilled = sum(f.placeholder for f in result.figures)
    lines.append(f"数字：{len(result.figures)} 处（其中未填写 {unfilled} 处）")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="qinglian read", description="读取报告（.docx、文字版 .pdf 或 .txt）的结构和数字。"
    )
    parser.add_argument("file", help="报告文件（.docx、.pdf 或 .txt）")
    parser.add_argument("--json", action="store_true", help="输出 JSON")
    args = parser.parse_args(argv)
    try:
        result = read_path(args.file)
    except ReadError as exc:
        print(exc.message_zh, file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        print(summary(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
