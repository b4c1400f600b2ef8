"""Reports on the demo county: one county-level draft, every unit's draft in a batch, PDF, and the checker.

Builds the demo county in its own temporary SQLite database (DATABASE_URL set before django.setup());
prints figures; changes nothing else.
    .venv/bin/python bench/bench_reports.py [--runs 9] [--pdf-batch 20] [--genre responsibility]

Targets: one county-level draft (gather + build + render, queries included) < 300 ms; every demo unit's
draft in one batch with 2 worker processes (each its own DB connection) < 30 s; the checker on a
20,000-character report < 100 ms. PDF: a batch converted in one LibreOffice run, when LibreOffice is installed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import multiprocessing
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="qinglian-bench-reports-")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/demo.sqlite3"
os.environ["QINGLIAN_DATA_DIR"] = TMP
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinglian.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

TODAY = dt.date(2026, 11, 23)
PERIOD = {"date_from": dt.date(2026, 1, 1), "date_to": dt.date(2026, 12, 31)}
OUT = Path(TMP) / "drafts"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _one_source(unit, genre: str) -> list[int] | None:  # type: ignore[no-untyped-def]
    """A rectification notice is for one inspection: the period's first."""
    from qinglian.reports.selectors import rectification_sources

    return [pk for pk, _ in rectification_sources(unit, **PERIOD)][:1] if genre == "rectification" else None


def _worker_init() -> None:
    connections.close_all()  # a forked worker opens its own connection on first use


def _batch(args: tuple[list[int], str]) -> tuple[int, float]:
    from qinglian.org.models import Unit
    from qinglian.reports.services import report_draft

    ids, genre = args
    began = time.perf_counter()
    for unit in Unit.objects.filter(pk__in=ids):
        draft = report_draft(unit=unit, genre=genre, today=TODAY, sources=_one_source(unit, genre), **PERIOD)
        (OUT / f"{unit.pk}.docx").write_bytes(draft.docx)
    connections.close_all()
    return len(ids), time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--pdf-batch", type=int, default=20)
    parser.add_argument("--genre", default="responsibility")
    args = parser.parse_args()

    began = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("demo", "--today", TODAY.isoformat(), stdout=io.StringIO())
    print(f"示范县生成：{time.perf_counter() - began:.1f} s（临时目录 {TMP}）")

    from paperwork.check import check_text
    from paperwork.write import docx_to_pdf, pdf_available, report_text
    from qinglian.org.models import Unit
    from qinglian.reports.checking import compare_with_records, read_for_check
    from qinglian.reports.services import report_draft
    from qinglian.stats import engine

    county = Unit.objects.get(parent__isnull=True)
    # 1. one county-level draft; the engine's memo is emptied before each run so every query is counted
    cache.clear()
    cold = time.perf_counter()
    report_draft(unit=county, genre=args.genre, today=TODAY, sources=_one_source(county, args.genre), **PERIOD)
    cold = time.perf_counter() - cold
    times, queries = [], 0
    for _ in range(args.runs):
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            draft = report_draft(unit=county, genre=args.genre, today=TODAY, sources=_one_source(county, args.genre),
                                 **PERIOD)
            times.append(time.perf_counter() - t)
        queries = len(ctx.captured_queries)
    p50 = statistics.median(times)
    print(f"县级报告（{args.genre}，{county.name}，{len(draft.figures)} 个数字，{queries} 次查询）："
          f"中位数 {_ms(p50)}，最慢 {_ms(max(times))}（首次含模板生成 {_ms(cold)}）"
          f" — 目标 < 300 ms：{'达到' if p50 < 0.3 else '未达到'}")
    for genre in ("personal", "rectification", "summary", "bulletin"):
        from qinglian.org.models import Person, TeamRole

        xcb = Unit.objects.get(name="县委宣传部")
        person = Person.objects.get(unit=xcb, team_role=TeamRole.PRINCIPAL) if genre == "personal" else None
        unit = xcb if genre == "personal" else county
        sources = _one_source(unit, genre)
        report_draft(unit=unit, genre=genre, person=person, today=TODAY, sources=sources, **PERIOD)  # warm up
        cache.clear()
        t = time.perf_counter()
        report_draft(unit=unit, genre=genre, person=person, today=TODAY, sources=sources, **PERIOD)
        print(f"  {genre}（{unit.name}）：{_ms(time.perf_counter() - t)}")

    # 2. every demo unit's draft, 2 worker processes
    OUT.mkdir(parents=True, exist_ok=True)
    ids = list(Unit.objects.order_by("path").values_list("pk", flat=True))
    chunks = [(ids[i::2], args.genre) for i in range(2)]
    connections.close_all()
    t = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(2, initializer=_worker_init) as pool:
        results = pool.map(_batch, chunks)
    batch = time.perf_counter() - t
    per_worker = "、".join(f"{n} 份 {s:.1f} s" for n, s in results)
    print(f"全部 {len(ids)} 个单位的报告（2 个进程：{per_worker}）：{batch:.1f} s"
          f" — 目标 < 30 s：{'达到' if batch < 30 else '未达到'}")

    # 3. PDF for a batch in one LibreOffice run
    if pdf_available():
        paths = sorted(OUT.glob("*.docx"))[: args.pdf_batch]
        t = time.perf_counter()
        pdfs = docx_to_pdf(paths, Path(TMP) / "pdf")
        spent = time.perf_counter() - t
        print(f"PDF：{len(pdfs)} 份一次 LibreOffice 转换 {spent:.1f} s（每份 {_ms(spent / max(1, len(pdfs)))}）")
    else:
        print("PDF：本机未安装 LibreOffice，跳过")

    # 4. the checker on a 20,000-character report
    paragraphs = report_text(report_draft(unit=county, genre="responsibility", today=TODAY, **PERIOD).docx)
    body = paragraphs[1:]
    text_paragraphs = [paragraphs[0]]
    while sum(len(p) for p in text_paragraphs) < 20_000:
        text_paragraphs.extend(body)
    text = "\n".join(text_paragraphs)[:20_000]
    data = text.encode("utf-8")
    figures = engine.figures(unit=county, **PERIOD)
    pure, full = [], []
    for _ in range(args.runs):
        t = time.perf_counter()
        result = read_for_check(data, "report.txt")
        check_text(result)
        pure.append(time.perf_counter() - t)
        t = time.perf_counter()
        compare_with_records(result, figures)
        full.append(time.perf_counter() - t)
    p50 = statistics.median(pure)
    print(f"检查 {len(text)} 字的报告：读取+检查中位数 {_ms(p50)}，与记录比对另加 {_ms(statistics.median(full))}"
          f" — 目标 < 100 ms：{'达到' if p50 < 0.1 else '未达到'}")


if __name__ == "__main__":
    try:
        main()
    finally:
        connections.close_all()
        shutil.rmtree(TMP, ignore_errors=True)
