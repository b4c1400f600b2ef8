"""Time paperwork.write: one ~6,000-character report (median of runs) and 150 in a row.

Run: .venv/bin/python bench/bench_write.py [--runs 15] [--pdf]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# imported after the path fix, so the script runs from a checkout without installing
from paperwork.write import (
    FigureRef,
    Heading,
    Paragraph,
    Report,
    Table,
    build_docx,
    default_template,
    docx_to_pdf,
    pdf_available,
    report_text,
)

SENTENCE = (
    "坚持以习近平新时代中国特色社会主义思想为指导，认真落实全面从严治党主体责任，"
    "年内组织中心组学习12次、廉政党课4次、提醒谈话36人次，推动党风廉政建设向纵深发展。"
)


def synthetic_report(i: int = 0) -> Report:
    """A responsibility report shaped like seed 000: 4 parts, 7 sub-sections, a table; ~6,000 characters."""
    blocks: list[Heading | Paragraph | Table] = [Heading(1, "基本情况"), Paragraph(SENTENCE * 6)]
    blocks.append(Heading(1, "主要做法和成效"))
    for section in range(7):
        blocks.append(Heading(2, f"第{section + 1}项重点工作落实情况"))
        for item in range(2):
            blocks.append(Heading(3, f"认真履行第{item + 1}项责任"))
            blocks.append(Paragraph(SENTENCE * 4, figures=(FigureRef("activity:study:count", "12次"),)))
    blocks.append(
        Table(
            ["单位", "中央媒体", "省级媒体", "市州媒体"],
            [[f"单位{n}", "1", "2", "3"] for n in range(12)],
            "表1",
        )
    )
    blocks += [Heading(1, "存在的主要问题"), Paragraph(SENTENCE * 2), Heading(1, "下步工作计划")]
    blocks += [Paragraph(SENTENCE) for _ in range(4)]
    return Report(
        title=f"中共某县委宣传部2023年度落实党风廉政建设责任制情况报告（{i}）",
        genre="responsibility",
        issuer="中共某县委宣传部",
        date=dt.date(2023, 12, 1),
        recipient="县委：",
        blocks=blocks,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--batch", type=int, default=150)
    parser.add_argument("--pdf", action="store_true", help="also convert the batch with LibreOffice")
    args = parser.parse_args()

    report = synthetic_report()
    chars = sum(len(t) for t in report_text(build_docx(report)))
    t0 = time.perf_counter()
    default_template.cache_clear()
    default_template(report.genre)
    template_ms = (time.perf_counter() - t0) * 1000

    build_docx(report)  # warm-up: the template's tags are checked once, then remembered
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        data = build_docx(report)
        times.append(time.perf_counter() - t0)
    print(f"report: {chars} characters, {len(report.blocks)} blocks, {len(data) // 1024} KiB .docx")
    print(f"default template generated once in {template_ms:.0f} ms (then cached)")
    print(
        f"build_docx, one report: median {statistics.median(times) * 1000:.1f} ms over {args.runs} runs "
        f"(min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f})"
    )

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        paths = []
        for i in range(args.batch):
            path = Path(tmp) / f"report{i:03}.docx"
            path.write_bytes(build_docx(synthetic_report(i)))
            paths.append(path)
        batch = time.perf_counter() - t0
        each = batch / args.batch * 1000
        print(f"build_docx, {args.batch} reports in a row: {batch:.2f} s ({each:.1f} ms each)")
        if args.pdf:
            if not pdf_available():
                print("PDF: LibreOffice not installed, skipped")
                return
            t0 = time.perf_counter()
            docx_to_pdf(paths, Path(tmp) / "pdf")
            pdf = time.perf_counter() - t0
            print(f"docx_to_pdf, {args.batch} reports in one LibreOffice run: {pdf:.1f} s")


if __name__ == "__main__":
    main()
