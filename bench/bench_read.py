"""Reader and checker benchmark: seed scores, and timings on a 20,000-character report.

    python bench/bench_read.py [SEEDS_DIR]

Targets (issue 6/7): outline P/R ≥ 0.98, problems ≥ 0.9, figures ≥ 0.95 on the seeds; reading a
20,000-character report < 50 ms and checking it < 100 ms (median of runs).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from paperwork.check import check_text
from paperwork.read import read_bytes, read_text
from paperwork.read.score import DEFAULT_KEY, format_table, score_dir

RUNS = 21


def seeds_dir(argv: list[str]) -> Path:
    if len(argv) > 1:
        return Path(argv[1])
    env = os.environ.get("QINGLIAN_SEEDS")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "seeds"


def long_report(seeds: Path, target: int = 20_000) -> str:
    """Seed text repeated to 20,000 characters (real sentences), or a synthetic one without seeds."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt"))] if seeds.is_dir() else []
    if not texts:
        para = "（一）加强学习。一是全年集中学习12次，谈话**人次。二是学习党的二十大精神，2023年5月开展督查。"
        texts = ["2023年度落实党风廉政建设责任制情况报告\n一、基本情况\n" + "\n".join([para] * 50)]
    out = ""
    i = 0
    while len(out) < target:
        out += texts[i % len(texts)] + "\n"
        i += 1
    return out[:target]


def median_ms(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main(argv: list[str]) -> int:
    seeds = seeds_dir(argv)
    if seeds.is_dir():
        print(f"Seed scores ({seeds}):")
        print(format_table(score_dir(seeds, DEFAULT_KEY)))
    else:
        print(f"Seeds not found at {seeds}; skipping the score table.")
    text = long_report(seeds)
    data = text.encode("utf-8")
    result = read_text(text)
    read_ms = median_ms(lambda: read_bytes(data, "long.txt"))
    check_ms = median_ms(lambda: check_text(result))
    both_ms = median_ms(lambda: check_text(text))
    print()
    print(f"report: {len(text)} characters, {len(result.paragraphs)} paragraphs, "
          f"{len(result.outline)} headings, {len(result.figures)} figures")
    print(f"read (bytes → ReadResult), median of {RUNS}: {read_ms:.1f} ms   (target < 50 ms)")
    print(f"check (ReadResult → findings), median of {RUNS}: {check_ms:.1f} ms   (target < 100 ms)")
    print(f"check from raw text (read + check), median of {RUNS}: {both_ms:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
