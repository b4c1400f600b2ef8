"""Import with names to match: a county roster (about 1,000 units, 5,000 people) and a ledger of N rows whose
names are all found, then one where a tenth of the rows name someone or some unit the roster lacks (kept as
written, 待匹配, with the closest choices looked for). Builds its own data in a temporary SQLite database.
    python bench/bench_import_names.py [--rows 5000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="qinglian-bench-import-names-")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/names.sqlite3"
os.environ["QINGLIAN_DATA_DIR"] = f"{TMP}/var"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinglian.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from qinglian.ledger.excel import write_ledger  # noqa: E402
from qinglian.ledger.models import ImportBatch  # noqa: E402
from qinglian.ledger.transfer import ledger_import_xlsx  # noqa: E402
from qinglian.lib import tracking  # noqa: E402
from qinglian.org.models import SEGMENT, Person, TeamRole, Unit, UnitKind  # noqa: E402


def roster() -> tuple[Unit, list[Unit], list[Person]]:
    """County → 40 departments → 24 offices each; five people a unit."""
    units = [Unit(name="基准县", kind=UnitKind.COUNTY, path="0001", full_name="基准县")]
    for d in range(1, 41):
        dept = Unit(name=f"县第{d}局", kind=UnitKind.DEPARTMENT, path=f"0001{d:04d}", full_name=f"基准县/县第{d}局")
        units.append(dept)
        units += [Unit(name=f"第{o}股", kind=UnitKind.OFFICE, path=f"{dept.path}{o:04d}",
                       full_name=f"{dept.full_name}/第{o}股") for o in range(1, 25)]
    Unit.objects.bulk_create(units)
    by_path = {u.path: u for u in Unit.objects.all()}
    for u in by_path.values():
        if len(u.path) > SEGMENT:
            u.parent = by_path[u.path[:-SEGMENT]]
    Unit.objects.bulk_update([u for u in by_path.values() if u.parent_id], ["parent"])
    units = sorted(by_path.values(), key=lambda u: u.path)
    Person.objects.bulk_create([Person(unit=u, name=f"干部{u.pk:04d}{i}", post="股长" if i == 0 else "",
                                       team_role=TeamRole.PRINCIPAL if i == 0 else TeamRole.STAFF)
                                for u in units for i in range(5)], batch_size=2000)
    return units[0], units, list(Person.objects.select_related("unit"))


def ledger(rows: int, units: list[Unit], people: list[Person], unknown_every: int) -> bytes:
    problems = []
    for n in range(rows):
        person, office = people[(n * 7) % len(people)], units[1 + n % (len(units) - 1)]
        unit_text = f"{office.parent_name}{office.name}" if office.parent_name != "基准县" else office.name
        owner = person.name
        if unknown_every and n % unknown_every == 0:
            owner, unit_text = f"新来的{n % 200}号", f"县第{n % 40 + 1}局第{n % 30 + 30}股"
        problems.append({"text": f"问题{n // 2}", "children": [], "measures": [
            {"text": f"措施{n}：建立长效机制。", "leader": "", "responsible_unit": unit_text, "owner": owner,
             "deadline_text": "2026-12-31", "status": "in_progress", "situation": ""}]})
    merged: dict[str, dict] = {}
    for p in problems:
        merged.setdefault(p["text"], {**p, "measures": []})["measures"] += p["measures"]
    aspects = [{"title": f"第{a + 1}方面", "problems": list(merged.values())[a::10]} for a in range(10)]
    return write_ledger([{"name": "台账", "heading": "基准台账", "meta": "", "aspects": aspects}])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("keys", "init", stdout=io.StringIO())
    with tracking.bulk("基准数据"):
        county, units, people = roster()
    print(f"名册：{len(units)} 个单位，{len(people)} 名干部")
    for label, every in (("姓名和单位均能匹配", 0), ("十分之一的行写了名册中没有的人和单位", 10)):
        data = ledger(args.rows, units, people, every)
        fields = {"kind": "audit", "issued_by": f"县审计局{every}", "feedback_date": dt.date(2026, 6, 1)}
        start = time.perf_counter()
        preview = ledger_import_xlsx(user=None, unit=county, data=data, filename="b.xlsx", source_fields=fields,
                                     dry_run=True)
        dry_s = time.perf_counter() - start
        start = time.perf_counter()
        outcome = ledger_import_xlsx(user=None, unit=county, data=data, filename="b.xlsx", source_fields=fields)
        write_s = time.perf_counter() - start
        assert outcome.ok, outcome.errors[:3]
        kept = len(outcome.result.unmatched)
        print(f"{label}：{args.rows} 行，预览 {dry_s:.1f} s，导入 {write_s:.1f} s（新建 {outcome.result.created} 条，"
              f"待匹配名称 {kept} 个，预览列出 {len(preview.result.unmatched)} 个；批次 {ImportBatch.objects.count()}）")


if __name__ == "__main__":
    main()
