"""The supervisor's view at scale: copied-text search over 10,000 reports, and claims against records for a county.

Builds its own data in a temporary SQLite database; prints figures; changes nothing else.
    .venv/bin/python bench/bench_similar.py [--reports 10000] [--runs 20]

1. 10,000 uploaded reports (each ~2,400 characters: paragraphs drawn from a shared pool, so random reports
   overlap a little, plus stock phrases) are indexed; then a new report is kept and checked the way the check
   page does it (index_upload + similar_to: discounting, signature, one band-key lookup, exact check of the
   candidates). Target: < 200 ms p95. Half the new reports are near-copies (90 % of an indexed one): the
   share found is printed (recall), and the pairs listing for the whole corpus (similar_pairs) is timed once.
2. The demo county's records, and one uploaded report per unit with figures in it; claim_reports for the county
   (every unit's report, each figure matched to a statistic and compared with the engine's count).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="qinglian-bench-similar-")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/similar.sqlite3"
os.environ["QINGLIAN_DATA_DIR"] = TMP
os.environ["MEDIA_ROOT"] = f"{TMP}/media"
os.environ["QINGLIAN_RATE_LIMITS_OFF"] = "1"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinglian.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from bench.timing import timed  # noqa: E402

TODAY = dt.date(2026, 11, 23)
CHARS = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后"
         "多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由"
         "其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月")
STOCK = ["深入学习贯彻习近平新时代中国特色社会主义思想", "落实全面从严治党主体责任", "严格落实中央八项规定及其实施细则精神",
         "驰而不息纠治“四风”", "运用监督执纪“四种形态”", "现将有关情况报告如下"]


def paragraph(rng: random.Random) -> str:
    return "".join(rng.choice(CHARS) for _ in range(rng.randint(200, 400))) + "。"


def corpus(n: int, rng: random.Random) -> list[str]:
    pool = [paragraph(rng) for _ in range(max(200, n // 2))]
    return ["\n".join([f"第{i}号单位{2026}年度工作总结", rng.choice(STOCK), *rng.sample(pool, 7), rng.choice(STOCK)])
            for i in range(n)]


def build_index(texts: list[str], units: list[object]) -> float:
    """Bulk: the rows the check page would have made, signed with the same code (minus a query per report)."""
    from qinglian.lib import tracking
    from qinglian.oversight import minhash, similar
    from qinglian.oversight.models import IndexedReport, ReportBand, UploadedReport

    started = time.perf_counter()
    common = similar.common_hashes()
    with tracking.bulk("基准数据"):
        uploads = UploadedReport.objects.bulk_create([
            UploadedReport(unit=units[i % len(units)], genre="summary", title=t.split("\n", 1)[0], year=2026,
                           text=t, name=f"{i}.txt", stored=f"bench/{i}", size=len(t), sha256=f"{i:064d}")
            for i, t in enumerate(texts)], batch_size=1000)
    rows, bands = [], []
    for u in uploads:
        own = similar.own_hashes(u.text, common)
        sig = minhash.signature(own)
        rows.append(IndexedReport(upload=u, unit_id=u.unit_id, genre=u.genre, year=u.year, title=u.title,
                                  text=u.text, own=len(own), signature=minhash.to_bytes(sig)))
        bands.append(minhash.band_keys(sig))
    IndexedReport.objects.bulk_create(rows, batch_size=1000)
    ReportBand.objects.bulk_create([ReportBand(report=r, key=k) for r, keys in zip(rows, bands, strict=True)
                                    for k in keys], batch_size=5000)
    return time.perf_counter() - started


def similarity(n: int, runs: int) -> None:
    from qinglian.lib import tracking
    from qinglian.org.models import Unit, User
    from qinglian.oversight import similar
    from qinglian.oversight.services import keep_checked
    from qinglian.reports.checking import read_for_check

    rng = random.Random(2026)
    units = list(Unit.objects.order_by("path"))
    texts = corpus(n, rng)
    seconds = build_index(texts, units)
    print(f"index: {n} reports ({sum(map(len, texts)) // n} characters each) in {seconds:.1f} s "
          f"({seconds / n * 1000:.1f} ms a report, bulk)")
    user = User.objects.get(username="county_leader")
    made = iter(range(10 ** 6))
    found: list[bool] = []

    def check_new() -> None:
        i = next(made)
        if i % 2:  # a near-copy of an indexed report: 90 % kept, one paragraph of 9 replaced
            lines = texts[rng.randrange(n)].split("\n")
            lines[3] = paragraph(rng)
            text = "\n".join([f"新报告{i}", *lines[1:]])
        else:
            text = "\n".join([f"新报告{i}", *(paragraph(rng) for _ in range(7))])
        data = text.encode()
        with tracking.bulk("基准"):
            upload = keep_checked(user=user, current=units[i % len(units)], chosen=units[i % len(units)],
                                  name=f"new{i}.txt", content=data, result=read_for_check(data, "new.txt"),
                                  date_from=TODAY.replace(month=1, day=1), date_to=TODAY)
            pairs = similar.similar_to(upload.indexed)
        if i % 2:
            found.append(bool(pairs))

    p50, p95 = timed(check_new, runs, warmup=2)
    print(f"new report kept and checked against {n}: p50 {p50:.0f} ms, p95 {p95:.0f} ms (target < 200 ms); "
          f"near-copies found {sum(found)}/{len(found)}")
    root = Unit.objects.get(parent__isnull=True)
    started = time.perf_counter()
    pairs = similar.similar_pairs(root)
    print(f"all pairs ≥ {similar.THRESHOLD} over {n} reports: {len(pairs)} in {time.perf_counter() - started:.1f} s")


def claims_for_county() -> None:
    from qinglian.lib import tracking
    from qinglian.org.models import Unit, User
    from qinglian.oversight import claims
    from qinglian.oversight.services import keep_checked
    from qinglian.reports.checking import read_for_check

    user = User.objects.get(username="county_leader")
    county = Unit.objects.get(parent__isnull=True)
    units = list(Unit.objects.filter(path__startswith=county.path).order_by("path"))
    rng = random.Random(7)
    with tracking.bulk("基准数据"):
        for u in units:
            text = (f"{u.name}2026年度落实党风廉政建设责任制情况报告\n年内召开党组会议{rng.randint(2, 30)}次，组织中心组学习"
                    f"{rng.randint(2, 20)}次，干部职工集中学习{rng.randint(2, 40)}次，开展谈心谈话{rng.randint(5, 90)}人次，"
                    f"廉政提醒谈话{rng.randint(2, 30)}人次，观看警示片{rng.randint(1, 6)}次。").encode()
            keep_checked(user=user, current=u, chosen=u, name="r.txt", content=text,
                         result=read_for_check(text, "r.txt"), date_from=None, date_to=None)
    started = time.perf_counter()
    reports = claims.claim_reports(user, county, 2026)
    cold = time.perf_counter() - started
    figures = sum(len(r.rows) for r in reports)
    p50, _ = timed(lambda: claims.claim_reports(user, county, 2026), 5, warmup=0)
    print(f"claims for the county: {len(reports)} reports, {figures} figures compared, "
          f"{sum(1 for r in reports if r.flagged)} with gaps; cold {cold * 1000:.0f} ms, memoised p50 {p50:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    from qinglian.lib import tracking
    from qinglian.org.demo import build_demo
    from qinglian.records import demo as records_demo

    call_command("migrate", verbosity=0)
    call_command("keys", "init", stdout=io.StringIO())
    with tracking.bulk("基准数据"):
        ctx = build_demo(today=TODAY, log=lambda _: None)
        records_demo.populate(ctx)
    similarity(args.reports, args.runs)
    claims_for_county()


if __name__ == "__main__":
    main()
