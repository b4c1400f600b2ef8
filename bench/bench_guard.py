"""The .xlsx guard benchmark: the time and peak memory (tracemalloc) of refusing a 1 GB zip bomb, and of
importing the largest ledger allowed (QINGLIAN_MAX_IMPORT_ROWS rows, 20,000 by default) through the service
path the web and the CLI use (parse once, then write the plan in one transaction).

Builds its own data in a temporary SQLite database and a temporary directory; changes nothing else.
    python bench/bench_guard.py [--bomb-mb 1024] [--rows 20000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="qinglian-bench-guard-")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/guard.sqlite3"
os.environ["QINGLIAN_DATA_DIR"] = f"{TMP}/var"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinglian.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from paperwork.ooxml import MB, PackageRefused, open_package  # noqa: E402
from paperwork.tests.data.bombs import write_bomb  # noqa: E402
from qinglian.ledger.tests.sheets import build  # noqa: E402
from qinglian.ledger.transfer import ledger_import_xlsx, ledger_read_xlsx  # noqa: E402
from qinglian.lib import tracking  # noqa: E402
from qinglian.org.models import Person, Unit, UnitKind  # noqa: E402


def measured(step: Callable[[], Any]) -> tuple[Any, float, float]:
    """(what `step` returned, seconds, peak MB traced while it ran)."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        answer = step()
    finally:
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] / MB
        tracemalloc.stop()
    return answer, seconds, peak


def ledger_rows(rows: int, people: list[str], unit: str) -> bytes:
    """A ledger as units keep them: aspects of 250 problems, two measures each, every column filled."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("整改台账")
    ws.append(["县委第三巡察组反馈问题整改台账"])
    ws.append(["序号", "问题", "整改措施", "责任领导", "责任单位", "责任人", "整改时限", "完成情况"])
    written = 0
    aspect = 0
    while written < rows:
        aspect += 1
        ws.append([f"{'一二三四五六七八九十'[(aspect - 1) % 10]}、第{aspect}方面"])
        written += 1
        for p in range(1, 251):
            for k in range(2):
                if written >= rows:
                    break
                ws.append([str(p), f"问题{aspect}-{p}：制度执行不严格", f"措施{aspect}-{p}-{k}：建立长效机制，逐项整改到位。",
                           people[0], unit, people[(p + k) % len(people)], "2027年6月底", "推进中"])
                written += 1
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bomb-mb", type=int, default=1024)
    parser.add_argument("--rows", type=int, default=settings.QINGLIAN_MAX_IMPORT_ROWS)
    args = parser.parse_args()
    limit = settings.QINGLIAN_MAX_UNPACKED_BYTES
    print(f"上限：解压后 {limit // MB} MB（QINGLIAN_MAX_UNPACKED_BYTES），每次导入 {settings.QINGLIAN_MAX_IMPORT_ROWS} 行"
          "（QINGLIAN_MAX_IMPORT_ROWS）")

    bomb = write_bomb(Path(TMP) / "bomb.xlsx", build(), inflated=args.bomb_mb * MB).read_bytes()

    def guard() -> str:
        try:
            open_package(bomb, max_unpacked=limit)
        except PackageRefused as exc:
            return exc.reason
        return "accepted"

    reason, seconds, peak = measured(guard)
    print(f"压缩炸弹（{len(bomb) / MB:.1f} MB，解压后 {args.bomb_mb} MB）：守卫拒绝（{reason}）用时 {seconds * 1000:.0f} ms，"
          f"峰值内存 {peak:.1f} MB（目标 < 100 MB）")
    parsed, seconds, peak = measured(lambda: ledger_read_xlsx(bomb, "bomb.xlsx"))
    assert parsed.errors and not parsed.aspects
    print(f"  经台账读取（read_ledger）拒绝：用时 {seconds * 1000:.0f} ms，峰值内存 {peak:.1f} MB")

    call_command("migrate", verbosity=0)
    units = [Unit.objects.create(name=f"基准单位{i}", kind=UnitKind.DEPARTMENT, path=f"000{i}", full_name=f"基准单位{i}")
             for i in (1, 2)]
    people = [f"干部{i}" for i in range(10)]
    with tracking.bulk("基准数据"):
        Person.objects.bulk_create([Person(unit=u, name=name) for u in units for name in people])
    data = ledger_rows(args.rows, people, "")
    package = open_package(data, max_unpacked=limit)
    print(f"\n最大允许的台账：{args.rows} 行，文件 {len(data) / MB:.1f} MB，解压后 {package.unpacked / MB:.1f} MB"
          f"（压缩比 {package.unpacked / len(data):.0f} 倍）")
    _, seconds, peak = measured(lambda: open_package(data, max_unpacked=limit))
    print(f"  守卫检查：用时 {seconds * 1000:.0f} ms，峰值内存 {peak:.1f} MB")
    fields = {"kind": "audit", "issued_by": "县审计局", "feedback_date": dt.date(2026, 6, 1)}
    # the same work twice, on two units: timed without tracing (tracemalloc slows allocation), then traced

    def parse() -> Any:
        return ledger_read_xlsx(data, "bench.xlsx")

    def write(unit: Unit, parsed: Any) -> Any:
        outcome = ledger_import_xlsx(user=None, unit=unit, filename="bench.xlsx", source_fields=fields, parsed=parsed)
        assert parsed.ok and outcome.ok, outcome.errors[:3]
        return outcome

    start = time.perf_counter()
    parsed = parse()
    read_s = time.perf_counter() - start
    start = time.perf_counter()
    write(units[0], parsed)
    write_s = time.perf_counter() - start
    parsed, _, read_peak = measured(parse)
    outcome, _, write_peak = measured(lambda: write(units[1], parsed))
    print(f"  读取（上传时一次）：用时 {read_s:.1f} s，峰值内存 {read_peak:.0f} MB，读到 {parsed.rows} 行")
    print(f"  写入（确认时，读取已存的结果）：用时 {write_s:.1f} s，峰值内存 {write_peak:.0f} MB，"
          f"新建 {outcome.result.created} 条记录")
    refused = ledger_read_xlsx(ledger_rows(args.rows + 1, people, ""), "bench.xlsx")
    print(f"  多一行（{args.rows + 1} 行）：{refused.errors[0].message}")
    shutil.rmtree(TMP, ignore_errors=True)


if __name__ == "__main__":
    main()
