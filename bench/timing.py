"""Latency sampling shared by the benchmarks: warm up, time `runs` calls, report p50 and p95 in ms."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(fn: Callable[[], object], runs: int, warmup: int | None = None) -> tuple[float, float]:
    for _ in range(max(1, runs // 10) if warmup is None else warmup):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), pct(samples, 95)
