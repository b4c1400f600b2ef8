"""How long the PDF reader takes on a report and on the hostile shapes it refuses (all built in memory).

    python bench/bench_read_pdf.py
Prints one line per case: its size, the median of 3 runs, and what came back (lines, or the ReadError).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from paperwork.read import ReadError
from paperwork.read.pdf import pdf_lines
from paperwork.tests import pdfs

BODY = "坚持把党风廉政建设与业务工作同部署、同落实、同检查、同考核，层层传导压力。"
CASES: dict[str, Callable[[], bytes]] = {
    "report, 60 pages x 30 lines": lambda: pdfs.text_pdf(
        [[f"{chr(0x4E00 + p)}{i}{BODY}" for i in range(30)] + [f"- {p + 1} -"] for p in range(60)]),
    "scan, 20 pages": lambda: pdfs.scanned_pdf(20),
    "10,000 pages": lambda: pdfs.many_pages_pdf(10_000),
    "Flate bomb (200 MB)": pdfs.bomb_pdf,
    "arrays nested 100,000 deep": lambda: pdfs.content_pdf(b"BT " + b"[" * 100_000 + b"]" * 100_000 + b" TJ ET"),
    "310,000 operators on a page": lambda: pdfs.content_pdf(b"0 0 m\n" * 310_000),
    "40 pages x 400,000 operators": lambda: pdfs.heavy_pages_pdf(40, 400_000),
    "cyclic page tree": pdfs.cyclic_pages_pdf,
}


def main() -> None:
    for name, build in CASES.items():
        data = build()
        times, outcome = [], ""
        for _ in range(3):
            start = time.perf_counter()
            try:
                outcome = f"{len(pdf_lines(data))} lines"
            except ReadError as exc:
                outcome = f"ReadError: {exc.message_zh[:24]}…"
            times.append(time.perf_counter() - start)
        print(f"{name:32} {len(data) / 1024:9.1f} KB {statistics.median(times):7.2f} s  {outcome}")


if __name__ == "__main__":
    main()
