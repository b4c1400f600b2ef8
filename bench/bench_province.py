"""Province scale on PostgreSQL: 10,000 units, 200,000 people, 1,000,000 activity records in a year, 100,000
measures, one gunicorn process and then two, side by side, and every unit's report as a batch on the job queue.

Runs only on PostgreSQL (`make bench` runs it under scripts/with-postgres.sh); builds its own data there,
starts a throw-away Redis on a loopback port (the shared cache of the several-process layout, scripts/prod-local.sh)
when redis-server or valkey-server is installed; prints figures; changes nothing else.
    scripts/with-postgres.sh .venv/bin/python bench/bench_province.py [--units 10000] [--scale 10] [--seconds 10]
    (small, while developing: --units 500 --scale 3 --seconds 3 --reports 200)

Prints one row per question: requests a second with 1 gunicorn process and with 2 (each 2 threads, as
`qinglian serve`, each on its own port with the connections spread over them, as nginx does in front), their
ratio and the target; "新问题" asks something no memo holds (another page, filter or period every request),
"重复" the same question again. Then the root's statistics p95 (in-process and over
HTTP), the scoping query's own time, the batch of reports with 1 and 2 `qinglian worker` processes, and the
county's questions again after `--scale`× the data is put in the other subtrees (the cost must not grow).
Targets: fresh ledger JSON ≥ 300 req/s, ledger page ≥ 150 req/s (2 processes), root statistics p95 < 50 ms,
all 10,000 reports < 10 minutes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    raise SystemExit("本基准只在 PostgreSQL 上运行：scripts/with-postgres.sh .venv/bin/python bench/bench_province.py"
                     "（make bench 即如此运行）。")
TMP = tempfile.mkdtemp(prefix="qinglian-bench-province-")
os.environ["QINGLIAN_DATA_DIR"] = TMP
os.makedirs(f"{TMP}/static")  # collectstatic's folder (WhiteNoise looks for it); the pages' assets are not asked
os.environ["QINGLIAN_RATE_LIMITS_OFF"] = "1"  # its load is one account from one address
os.environ["QINGLIAN_LOG_LEVEL"] = "ERROR"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinglian.settings")


def start_cache() -> subprocess.Popen[bytes] | None:
    """A throw-away Valkey/Redis in TMP, as prod-local's (nothing saved); CACHE_URL set for every process."""
    from bench.loadtest import free_port

    server = shutil.which("valkey-server") or shutil.which("redis-server")
    if server is None:
        return None
    port = free_port()
    proc = subprocess.Popen([server, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
                             "--dir", TMP, "--maxmemory", "256mb", "--maxmemory-policy", "allkeys-lru"],
                            stdout=subprocess.DEVNULL)
    import socket

    deadline = time.perf_counter() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.perf_counter() > deadline:
                raise
            time.sleep(0.1)
    os.environ["CACHE_URL"] = f"redis://127.0.0.1:{port}/0"
    return proc


CACHE = start_cache()

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import dataset  # noqa: E402
from bench.loadtest import Gunicorn, latencies, load  # noqa: E402
from bench.timing import pct, timed  # noqa: E402

YEAR, TODAY = dataset.YEAR, dataset.TODAY
A, B = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
CONNECTIONS = 8


def build(units: int) -> dict[str, Any]:
    """The province set: build_demo's tree and people, measures, letters and duties, publications, activities;
    then the pre-aggregates (statistics tallies, dashboard cells), as a real load would leave them."""
    from qinglian.audit.models import Action
    from qinglian.audit.services import audit_log
    from qinglian.dashboard.snapshot import refresh
    from qinglian.lib import tracking
    from qinglian.org.demo import build_demo
    from qinglian.org.models import Person, Unit
    from qinglian.records.services import tally_rebuild

    steps: dict[str, float] = {}

    def step(name: str, t: float) -> float:
        now = time.perf_counter()
        steps[name] = now - t
        return now

    t = began = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("keys", "init", stdout=io.StringIO())
    t = step("建表", t)
    with tracking.bulk("基准数据"):
        build_demo(today=TODAY, units=units, people=20 * units, log=lambda _: None)
        t = step("单位与干部", t)
        tree = list(Unit.objects.order_by("path"))
        dataset.measures(10 * units, tree)
        t = step("整改措施", t)
        dataset.letters_and_duties(tree, year=YEAR)  # in the asked period
        dataset.publications(tree)
        t = step("责任书、清单、宣传稿件", t)
        dataset.activities(100 * units, dataset.ids_and_kinds(tree))
        t = step("纪实记录（COPY）", t)
    tally_rebuild()
    refresh(today=timezone.localdate())
    t = step("统计预汇总与看板刷新", t)
    # a bulk load ends with its audit entry (as `qinglian demo` does): the memo keys on the chain
    audit_log(action=Action.IMPORT, summary=f"基准数据：{units} 个单位")
    with connection.cursor() as cursor:  # steady state, as autovacuum would leave it
        cursor.execute("VACUUM ANALYZE")
    step("VACUUM ANALYZE", t)
    from qinglian.ledger.models import Measure
    from qinglian.publicity.models import Publication
    from qinglian.records.models import Activity

    counts = {"units": Unit.objects.count(), "people": Person.objects.count(), "measures": Measure.objects.count(),
              "activities": Activity.objects.count(), "publications": Publication.objects.count()}
    print(f"数据：{counts['units']} 个单位，{counts['people']} 名干部，{counts['activities']} 条纪实记录（{YEAR}年），"
          f"{counts['measures']} 条整改措施，{counts['publications']} 篇宣传稿件；"
          f"生成用时 {time.perf_counter() - began:.0f} s（" + "，".join(f"{k} {v:.0f} s" for k, v in steps.items()) + "）")
    return counts


def questions(root: Any, county: Any, counties: list[Any]) -> list[tuple[str, str, list[str], float | None]]:
    """(label, repeated path, fresh paths, target req/s): fresh paths are distinct questions (filters, pages,
    periods, units), each asked once within a load run (the cache is emptied before each run)."""
    statuses = ["", "not_started", "in_progress", "done", "long_term"]
    levels, closures = ["", "red", "yellow", "green"], ["", "open", "closed"]
    combos = [f"status={s}&level={lv}&closure={c}&page={p}" for p in range(1, 9) for s in statuses for lv in levels
              for c in closures]
    n = 30_000
    ledger_fresh = [f"{combos[i % len(combos)]}&n={i}" for i in range(n)]
    periods = [(A + dt.timedelta(days=i), dt.date(YEAR, 6, 1) + dt.timedelta(days=j)) for j in range(214)
               for i in range(31)]

    def stats(unit: Any) -> list[str]:
        return [f"/stats/figures.json?unit={unit.pk}&from={a}&to={b}" for a, b in periods]

    dash = [f"/dashboard/?unit={counties[i % len(counties)].pk}&date_from={a}&date_to={b}"
            for i, (a, b) in enumerate(periods)]
    return [
        ("台账 JSON（全省）", "/ledger/measures.json?status=in_progress", [f"/ledger/measures.json?{q}" for q in ledger_fresh], 300),
        ("台账页（全省）", "/ledger/?status=in_progress", [f"/ledger/?{q}" for q in ledger_fresh], 150),
        ("统计 JSON（县级）", f"/stats/figures.json?unit={county.pk}&from={A}&to={B}", stats(county), None),
        ("统计 JSON（全省）", f"/stats/figures.json?unit={root.pk}&from={A}&to={B}", stats(root), None),
        ("工作看板（县级）", f"/dashboard/?unit={county.pk}&date_from={A}&date_to={B}", dash, None),
    ]


def throughput(qs: list[tuple[str, str, list[str], float | None]], cookie: str, seconds: float) -> list[list[Any]]:
    """Every question, repeated and fresh, against 1 and then 2 gunicorn processes: rows of the table."""
    results: dict[tuple[str, int], Any] = {}
    for workers in (1, 2):
        # N app processes on N ports, the connections spread over them, as nginx in front does (deploy.md)
        with Gunicorn(ROOT, qs[0][1], cookie, workers=1, servers=workers) as ports:
            for label, path, fresh, _ in qs:
                cache.clear()  # the shared cache (Redis): nothing a previous run asked is remembered
                results[(f"{label}，新问题", workers)] = load(ports, fresh, cookie, CONNECTIONS, seconds)
                load(ports, path, cookie, 2, 1)  # remembered once
                results[(f"{label}，重复", workers)] = load(ports, path, cookie, CONNECTIONS, seconds)
    rows = []
    for label, _, _, target in qs:
        for kind in ("新问题", "重复"):
            one, two = results[(f"{label}，{kind}", 1)], results[(f"{label}，{kind}", 2)]
            aim = target if target and kind == "新问题" else None
            rows.append([f"{label}，{kind}", one, two, aim])
    return rows


def print_table(rows: list[list[Any]], seconds: float) -> None:
    print(f"\n吞吐（gunicorn gthread，每进程 2 线程，各占一个端口、连接平均分给各进程（如 nginx 轮询），PostgreSQL，"
          f"缓存 {'Redis（共享）' if CACHE else '各进程内存'}；"
          f"本机回环 {CONNECTIONS} 个连接，每项 {seconds:.0f} s）：")
    print(f"  {'问题':<22}{'1 进程 req/s':>14}{'2 进程 req/s':>14}{'2:1':>7}{'p99（2 进程）':>14}  目标")
    for label, one, two, aim in rows:
        verdict = ("达标" if two.rps >= aim else "未达标") if aim else ""
        errors = f"（失败 {one.errors + two.errors}）" if one.errors + two.errors else ""
        print(f"  {label:<22}{one.rps:>14.0f}{two.rps:>14.0f}{two.rps / one.rps:>7.2f}{two.p99_ms:>11.1f} ms"
              f"  {f'≥ {aim:.0f} req/s {verdict}' if aim else '—'}{errors}")


def in_process(leader: Any, county_leader: Any, county: Any) -> dict[str, tuple[float, float, int]]:
    """The county's questions and the scoping query in this process (Django's test client, no network), fresh:
    p50, p95 in ms and the queries one costs. Asked again after the other subtrees grow."""
    from django.test import Client

    from qinglian.ledger.models import Measure
    from qinglian.lib.testing import login
    from qinglian.org.scoping import visible_units
    from qinglian.stats import engine

    client = login(Client(), county_leader)
    out: dict[str, tuple[float, float, int]] = {}

    def page(path: str) -> Any:
        def get() -> None:
            cache.clear()
            assert client.get(path).status_code == 200, path
        return get

    asked = {
        "台账 JSON（县级账号）": page("/ledger/measures.json?status=in_progress"),
        "台账页（县级账号）": page("/ledger/?status=in_progress"),
        "统计 figures()（县级，不用记忆）": lambda: engine.figures(unit=county, date_from=A, date_to=B, memo=False),
        "工作看板（县级账号）": page(f"/dashboard/?date_from={A}&date_to={B}"),
        "范围查询：可见单位（县级）": lambda: list(visible_units(county_leader).values_list("pk", flat=True)),
        "范围查询：可见措施首页（县级）":
            lambda: list(Measure.objects.visible_to(county_leader).order_by("position").values_list("pk")[:50]),
        "范围查询：可见单位（全省）": lambda: list(visible_units(leader).values_list("pk", flat=True)),
        "范围查询：可见措施首页（全省）":
            lambda: list(Measure.objects.visible_to(leader).order_by("position").values_list("pk")[:50]),
    }
    for label, fn in asked.items():
        p50, p95 = timed(fn, 60, warmup=5)
        out[label] = (p50, p95, len([q for q in dataset.queries(fn) if q.lstrip().upper().startswith("SELECT")]))
    return out


def reports(leader: Any, sample: int) -> list[str]:
    """Every unit's 落实责任制情况报告 as the UI queues it (批量生成: one job per unit with units below it, for
    those directly below), run by `qinglian worker --once` processes until the queue is empty: 1 worker on
    a sample of the batches (about `sample` reports), then 2 workers on all of them."""
    from qinglian.jobs.models import Job
    from qinglian.org.models import Unit
    from qinglian.reports.jobs import report_batch_enqueue
    from qinglian.reports.models import GeneratedReport

    parents = list(Unit.objects.filter(children__isnull=False).distinct().order_by("path"))
    children = dict(Unit.objects.filter(parent__isnull=False).values("parent").annotate(n=django.db.models.Count("id"))
                    .values_list("parent", "n"))
    picked, n = [], 0
    for unit in sorted(parents, key=lambda u: -len(u.path)):  # the smallest batches (departments' offices…) first
        if n >= sample:
            break
        picked.append(unit)
        n += children[unit.pk]
    lines = []
    for workers, batch in ((1, picked), (2, parents)):
        before = GeneratedReport.objects.count()
        for unit in batch:
            report_batch_enqueue(user=leader, unit=unit, genre="responsibility", date_from=A, date_to=B)
        connection.close()
        t = time.perf_counter()
        procs = [subprocess.Popen([str(ROOT / ".venv/bin/qinglian"), "worker", "--once", "--no-schedule"],
                                  cwd=ROOT, stdout=subprocess.DEVNULL) for _ in range(workers)]
        for p in procs:
            p.wait()
        spent = time.perf_counter() - t
        made = GeneratedReport.objects.count() - before
        failed = Job.objects.exclude(state="done").filter(kind="reports.batch").count()
        scope = (f"抽样 {len(batch)} 批" if workers == 1 else f"全部 {len(batch)} 批（根以外的每个单位各一份）")
        target = "" if workers == 1 else (f"；目标全部 {made} 份 < 10 分钟："
                                          f"{'达标' if spent < 600 else '未达标'}")
        lines.append(f"  {workers} 个 qinglian worker 进程，{scope}：{made} 份报告，{spent:.0f} s，"
                     f"{made / spent:.1f} 份/s" + (f"，未完成的任务 {failed} 项" if failed else "") + target)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--scale", type=int, default=10, help="其他子树的数据放大到几倍后再问同一县级问题")
    parser.add_argument("--seconds", type=float, default=10, help="每项负载的秒数")
    parser.add_argument("--reports", type=int, default=1_000, help="1 个 worker 进程时抽样的报告份数")
    args = parser.parse_args()
    started = time.perf_counter()
    from qinglian.lib.testing import make_user
    from qinglian.org.models import Role, Unit, UnitKind, path_successor

    print(f"数据库 PostgreSQL（临时服务器）；共享缓存 {'Redis（临时，本机回环）' if CACHE else '未安装 Redis，各进程内存缓存'}；"
          f"统计时段 {A} 至 {B}；同时有其他工作在本机运行时数字偏低")
    counts = build(args.units)
    root = Unit.objects.get(kind=UnitKind.PROVINCE)
    county = Unit.objects.get(full_name__endswith="/示范县")
    counties = list(Unit.objects.filter(kind=UnitKind.COUNTY).order_by("path"))
    leader = make_user("bench_province", Role.LEADER, root)
    county_leader = make_user("bench_county", Role.LEADER, county)
    cookie = dataset.session_cookie(leader)
    size = Unit.objects.filter(path__gte=county.path, path__lt=path_successor(county.path)).count()

    from qinglian.stats import engine

    before = in_process(leader, county_leader, county)
    r50, r95 = timed(lambda: engine.figures(unit=root, date_from=A, date_to=B, memo=False), 40, warmup=3)
    qs = questions(root, county, counties)
    connection.close()
    rows = throughput(qs, cookie, args.seconds)
    print_table(rows, args.seconds)
    root_fresh = qs[3][2][:200]
    with Gunicorn(ROOT, qs[3][1], cookie, workers=1, servers=2) as ports:
        cache.clear()
        http = latencies(ports, root_fresh, cookie)
    print(f"\n全省（根）统计，不用记忆：进程内 figures() p50 {r50:.1f} ms，p95 {r95:.1f} ms；"
          f"HTTP（2 进程，逐个新问题 {len(http)} 次）p50 {pct(http, 50):.1f} ms，p95 {pct(http, 95):.1f} ms"
          f"（目标 p95 < 50 ms：{'达标' if max(r95, pct(http, 95)) < 50 else '未达标'}）")

    print("\n批量生成报告（后台任务队列，同界面“批量生成”：每个有下级的单位一批，为其直属下级各生成一份）：")
    for line in reports(leader, args.reports):
        print(line)

    grow(args.scale, county)
    after = in_process(leader, county_leader, county)
    print(f"\n县级问题（{county.full_name}，{size} 个单位）在其他子树数据放大前后（进程内，每次清空缓存；"
          f"1×：{counts['activities']} 条纪实记录、{counts['measures']} 条措施；"
          f"{args.scale}×：其他子树的纪实记录、措施、宣传稿件各 {args.scale} 倍）：")
    print(f"  {'问题':<26}{'1× p50/p95 ms':>18}{f'{args.scale}× p50/p95 ms':>20}{'查询数 1×→' + str(args.scale) + '×':>14}")
    for label, (p50, p95, n) in before.items():
        q50, q95, m = after[label]
        print(f"  {label:<26}{p50:>9.1f}/{p95:<8.1f}{q50:>11.1f}/{q95:<8.1f}{n:>8} → {m}"
              + ("" if m == n else "（查询数变了）"))
    print(f"\n总用时 {time.perf_counter() - started:.0f} s")


def grow(scale: int, county: Any) -> None:
    """`scale`× the activities, measures and publications of every unit outside the county's subtree (the
    same rows again), then the pre-aggregates rebuilt and the statistics refreshed, as after a real load."""
    from qinglian.audit.models import Action
    from qinglian.audit.services import audit_log
    from qinglian.dashboard.snapshot import refresh
    from qinglian.ledger.models import Measure
    from qinglian.org.models import path_successor
    from qinglian.publicity.models import Publication
    from qinglian.records.models import Activity
    from qinglian.records.services import tally_rebuild

    if scale <= 1:
        return
    t = time.perf_counter()
    end = path_successor(county.path)
    added = {m.__name__: dataset.copies_outside(m, scale - 1, county.path, end) for m in (Activity, Measure, Publication)}
    tally_rebuild()
    refresh(today=timezone.localdate())
    audit_log(action=Action.IMPORT, summary=f"基准数据：其他子树 {scale} 倍")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"\n其他子树放大到 {scale} 倍：新增纪实记录 {added['Activity']} 条、措施 {added['Measure']} 条、"
          f"宣传稿件 {added['Publication']} 篇（{time.perf_counter() - t:.0f} s）")


if __name__ == "__main__":
    try:
        main()
    finally:
        connection.close()
        if CACHE is not None:
            CACHE.terminate()
            CACHE.wait(timeout=10)
        shutil.rmtree(TMP, ignore_errors=True)
