"""Rectification ledger benchmark: the ledger page at 100,000 measures, throughput under load, import time.

Builds its own data in a temporary SQLite database (about 100 units, 100,000 measures, bulk_create);
prints figures; changes nothing else.
    python bench/bench_ledger.py [--measures 100000] [--seconds 20] [--import-rows 10000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
KEEP = os.environ.get("BENCH_LEDGER_DIR", "")  # set it to keep (and reuse) the data between runs
TMP = KEEP or tempfile.mkdtemp(prefix="qinglian-bench-ledger-")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/ledger.sqlite3"
os.environ["QINGLIAN_DATA_DIR"] = f"{TMP}/var"
os.environ["QINGLIAN_RATE_LIMITS_OFF"] = "1"  # its load is one account from one address
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinglian.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench.loadtest import Gunicorn, load  # noqa: E402
from bench.timing import timed as sample  # noqa: E402
from qinglian.audit.models import Action  # noqa: E402
from qinglian.audit.services import audit_log  # noqa: E402
from qinglian.ledger.models import Aspect, Measure, Problem, Source, measure_position  # noqa: E402
from qinglian.lib import tracking  # noqa: E402
from qinglian.lib.testing import login  # noqa: E402
from qinglian.org.models import SEGMENT, Person, Role, TeamRole, Unit, UnitKind, User  # noqa: E402

STATUSES = ["not_started", "in_progress", "in_progress", "done", "long_term"]


def build(measures_wanted: int) -> tuple[Unit, list[Unit]]:
    """County → 10 departments → 9 offices each: about 100 units, five people a unit, one source per unit."""
    rng = random.Random(2026)
    units = [Unit(name="基准县", kind=UnitKind.COUNTY, path="0001", full_name="基准县")]
    for d in range(1, 11):
        dept = Unit(name=f"部门{d}", kind=UnitKind.DEPARTMENT, path=f"0001{d:04d}", full_name=f"基准县/部门{d}")
        units.append(dept)
        for o in range(1, 10):
            units.append(Unit(name=f"股室{d}-{o}", kind=UnitKind.OFFICE, path=f"{dept.path}{o:04d}",
                              full_name=f"{dept.full_name}/股室{d}-{o}"))
    Unit.objects.bulk_create(units)
    by_path = {u.path: u for u in Unit.objects.all()}
    for u in by_path.values():
        if len(u.path) > SEGMENT:
            u.parent = by_path[u.path[:-SEGMENT]]
    Unit.objects.bulk_update([u for u in by_path.values() if u.parent_id], ["parent"])
    units = sorted(by_path.values(), key=lambda u: u.path)
    people = [Person(unit=u, name=f"{u.name}干部{i}", team_role=TeamRole.PRINCIPAL if i == 0 else TeamRole.STAFF)
              for u in units for i in range(5)]
    Person.objects.bulk_create(people, batch_size=2000)
    people_by_unit: dict[int, list[int]] = {}
    for pk, unit_id in Person.objects.values_list("pk", "unit_id"):
        people_by_unit.setdefault(unit_id, []).append(pk)

    per_unit = max(1, measures_wanted // len(units))
    aspects_n, measures_per_problem = 5, 5
    problems_per_aspect = max(1, -(-per_unit // (aspects_n * measures_per_problem)))  # round up: ≥ the target
    sources = Source.objects.bulk_create([
        Source(unit=u, kind="inspection", issued_by=f"县委第{i % 9 + 1}巡察组", version=1,
               feedback_date=dt.date(2025, 1, 1) + dt.timedelta(days=i * 3)) for i, u in enumerate(units)])
    aspects = Aspect.objects.bulk_create([Aspect(source=s, unit_id=s.unit_id, title=f"第{k}方面", order=k)
                                          for s in sources for k in range(1, aspects_n + 1)], batch_size=2000)
    problems = Problem.objects.bulk_create([
        Problem(aspect=a, source_id=a.source_id, unit_id=a.unit_id, text=f"问题{a.pk}-{k}", order=k)
        for a in aspects for k in range(1, problems_per_aspect + 1)], batch_size=2000)
    unit_of = {u.pk: u for u in units}
    order_of = {a.pk: a.order for a in aspects}
    batch: list[Measure] = []
    total = 0
    today = dt.date(2026, 11, 23)
    for p in problems:
        unit = unit_of[p.unit_id]
        staff = people_by_unit[p.unit_id]
        for k in range(1, measures_per_problem + 1):
            batch.append(Measure(
                problem=p, aspect_id=p.aspect_id, source_id=p.source_id, unit_id=p.unit_id, order=k,
                text=f"整改措施{p.pk}-{k}：建立长效机制，逐项整改到位。", owner_id=rng.choice(staff),
                leader_in_charge_id=staff[0], status=rng.choice(STATUSES),
                deadline=today + dt.timedelta(days=rng.randint(-200, 400)),
                position=measure_position(unit, p.source_id, order_of[p.aspect_id], f"{p.order:04d}.0000", k)))
            if len(batch) >= 5000:
                Measure.objects.bulk_create(batch)
                total += len(batch)
                batch = []
    Measure.objects.bulk_create(batch)
    return units[0], units


def timed(client: Client, path: str, runs: int, fresh: bool = False) -> tuple[float, float]:
    def get() -> None:
        if fresh:
            cache.clear()
        assert client.get(path).status_code == 200

    return sample(get, runs, warmup=5)


def import_bench(unit: Unit, rows: int) -> None:
    from qinglian.ledger.excel import read_ledger, write_ledger
    from qinglian.ledger.transfer import ledger_import_xlsx

    names = list(Person.objects.filter(unit=unit).values_list("name", flat=True))
    per_problem, per_aspect = 2, 250
    aspects = []
    n = 0
    for a in range(max(1, rows // (per_problem * per_aspect))):
        problems = []
        for p in range(per_aspect):
            measures = []
            for _ in range(per_problem):
                n += 1
                measures.append({"text": f"导入措施{n}", "leader": names[0], "responsible_unit": unit.name,
                                 "owner": names[n % len(names)], "deadline_text": "2027年6月底",
                                 "status": "in_progress", "situation": ""})
            problems.append({"text": f"导入问题{a}-{p}", "children": [], "measures": measures})
        aspects.append({"title": f"导入方面{a}", "problems": problems})
    data = write_ledger([{"name": "导入", "heading": "导入台账", "meta": "", "aspects": aspects}])
    start = time.perf_counter()
    parsed = read_ledger(data, "bench.xlsx", max_bytes=50 * 1024 * 1024)
    parse_s = time.perf_counter() - start
    fields = {"kind": "audit", "issued_by": "县审计局", "feedback_date": dt.date(2026, 6, 1)}
    start = time.perf_counter()
    outcome = ledger_import_xlsx(user=None, unit=unit, data=data, filename="bench.xlsx", source_fields=fields)
    total_s = time.perf_counter() - start
    assert outcome.ok, outcome.errors[:3]
    start = time.perf_counter()
    again = ledger_import_xlsx(user=None, unit=unit, data=data, filename="bench.xlsx", source_fields=fields)
    again_s = time.perf_counter() - start
    print(f"\n导入 {n} 行的台账（{len(data) / 1024 / 1024:.1f} MB）：读取 {parse_s:.1f} s，读取并写入共 {total_s:.1f} s"
          f"（新建 {outcome.result.created} 条记录）；重复导入 {again_s:.1f} s、新建 {again.result.created} 条"
          f"（目标 < 10 s）；解析 {parsed.rows} 行")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--measures", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--import-rows", type=int, default=10_000)
    args = parser.parse_args()
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if Unit.objects.exists():
        units = list(Unit.objects.order_by("path"))
        county = units[0]
        with tracking.bulk("基准数据"):
            Source.objects.filter(kind="audit").update(deleted_at=dt.datetime.now(dt.UTC), issued_by="旧")
    else:
        with tracking.bulk("基准数据"):
            county, units = build(args.measures)
    count = Measure.objects.count()
    print(f"数据：{len(units)} 个单位，{count} 条整改措施（用时 {time.perf_counter() - started:.0f} s）")

    # a real load ends with its audit entry (the importer and `qinglian demo` write one): the listings'
    # memo (lib.memo) keys on the audit chain
    audit_log(action=Action.IMPORT, summary=f"基准数据：{count} 条整改措施")
    user, _ = User.objects.get_or_create(username="bench_county", defaults={"role": Role.LEADER, "unit": county})
    client = Client()
    login(client, user)  # both factors (lib.testing.login)
    print("“重新查询”= 每次请求前清空缓存（数据刚有改动后的第一次查看）；“重复查看”= 数据未变时同一问题再问（按审计链头记忆）")
    for label, path in (("状态筛选（推进中）", "/ledger/?status=in_progress"),
                        ("状态筛选，第 20 页", "/ledger/?status=in_progress&page=20"),
                        ("红色预警（逾期）", "/ledger/?level=red"),
                        ("按责任人", f"/ledger/?owner={Person.objects.order_by('-pk').first().name}"),
                        ("无筛选", "/ledger/"),
                        ("JSON 状态筛选", "/ledger/measures.json?status=in_progress"),
                        ("首页（含台账预警卡片）", "/")):
        p50, p95 = timed(client, path, 200, fresh=True)
        m50, m95 = timed(client, path, 200)
        print(f"{label}（{count} 条措施，县级账号）：重新查询 p50 {p50:.1f} ms，p95 {p95:.1f} ms（目标 p95 < 50 ms）；"
              f"重复查看 p50 {m50:.1f} ms，p95 {m95:.1f} ms")
    office = units[-1]
    clerk, _ = User.objects.get_or_create(username="bench_office", defaults={"role": Role.CLERK, "unit": office})
    small = Client()
    login(small, clerk)
    p50, p95 = timed(small, "/ledger/?status=done", 200, fresh=True)
    print(f"台账页 股室账号（小子树）状态筛选，重新查询：p50 {p50:.1f} ms，p95 {p95:.1f} ms")

    cookie = f"sessionid={client.cookies['sessionid'].value}"
    connection.close()
    for label, path, target in (("HTML 台账页", "/ledger/?status=in_progress", 150),
                                ("JSON 列表", "/ledger/measures.json?status=in_progress", 300)):
        with Gunicorn(ROOT, path, cookie) as ports:
            repeated = load(ports, path, cookie, 8, args.seconds)
            # a new question every request (an unknown parameter changes the memo key, not the rows)
            fresh = load(ports, [f"{path}&n={i}" for i in range(20_000)], cookie, 8, args.seconds)
        print(f"\n{label}吞吐：gunicorn 2 个 worker（gthread，同 qinglian serve），本机回环 8 个连接 {args.seconds:.0f} s：\n"
              f"  重复查看 {repeated.line()}（目标 ≥ {target} req/s）\n  每次都是新问题 {fresh.line()}")

    import_bench(units[1], args.import_rows)
    print(f"\n总用时 {time.perf_counter() - started:.0f} s")
    if not KEEP:
        shutil.rmtree(TMP, ignore_errors=True)


if __name__ == "__main__":
    main()
