"""Backup and restore of the demo county, then of the demo with the statistics benchmark's 1,000,000 activities
added: time and size of `qinglian backup`, of `qinglian restore --verify`.

Builds the demo county in its own temporary SQLite database (or, with DATABASE_URL pointing at PostgreSQL, in
that database, which must be empty), backs it up, restores it into a fresh database and an empty file store
(a second SQLite file; on PostgreSQL a database created next to the first), prints figures, changes nothing else.
    python bench/bench_backup.py [--records 1000000]   (0: the demo county only)
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="qinglian-bench-backup-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP}/demo.sqlite3")
os.environ["QINGLIAN_DATA_DIR"] = f"{TMP}/var"
os.environ.setdefault("QINGLIAN_KEY_FILE", f"{TMP}/keys/qinglian-keys.json")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinglian.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command, get_commands  # noqa: E402
from django.db import connection  # noqa: E402

TODAY = "2026-11-20"


def size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def target_url(label: str) -> str:
    """A fresh, empty database of the same engine to restore into."""
    if connection.vendor != "postgresql":
        return f"sqlite:///{TMP}/restored-{label}.sqlite3"
    s = connection.settings_dict
    name = f"{s['NAME']}_restored_{label}_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    auth = f"{s['USER']}:{s['PASSWORD']}@" if s["PASSWORD"] else f"{s['USER']}@"
    return f"postgres://{auth}{s['HOST']}:{s['PORT']}/{name}"


def add_activities(records: int) -> None:
    """`records` activities of 2026 spread over the demo's units, loaded below the ORM as the statistics
    benchmark loads its 1,000,000 (bench_stats.generate): the backup copies rows, however they came."""
    from qinglian.records.models import ActivityKind

    rng = random.Random(7)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM org_unit")
        units = [u for (u,) in cursor.fetchall()]
    kinds = list(ActivityKind.objects.values_list("pk", flat=True))
    now = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
    sql = ("INSERT INTO records_activity (created_at, updated_at, version, unit_id, kind_id, happened_on, topic, "
           "minutes, entered_at, late, weight, security_label) VALUES (%s, %s, 1, %s, %s, %s, %s, '', %s, %s, 1, "
           "'internal')")
    batch = []
    for i in range(records):
        day = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(320))
        batch.append((now, now, rng.choice(units), rng.choice(kinds), day, "纪实记录", now, False))
        if len(batch) == 20_000 or i == records - 1:
            with connection.cursor() as cursor:
                cursor.executemany(sql, batch)
            batch = []


def backup_and_restore(label: str, title: str) -> None:
    backup = TMP / f"backup-{label}"
    began = time.perf_counter()
    call_command("backup", str(backup), stdout=io.StringIO())
    spent = time.perf_counter() - began
    files = backup / "files"
    print(f"{title}备份：{spent:.2f} s，共 {mb(size(backup))}（数据库 "
          f"{mb(size(backup) - size(files) if files.exists() else size(backup))}，"
          f"文件 {mb(size(files)) if files.exists() else '0 MB'}）")
    env = {**os.environ, "DATABASE_URL": target_url(label), "QINGLIAN_DATA_DIR": f"{TMP}/restored-{label}-var"}
    if connection.vendor == "postgresql":
        connection.close()
    began = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "qinglian.cli", "restore", str(backup), "--verify"], cwd=ROOT,
                            env=env, capture_output=True, text=True, check=False)
    spent = time.perf_counter() - began
    if result.returncode != 0:
        print(result.stdout + result.stderr)
        raise SystemExit("恢复未通过校验")
    print(f"{title}恢复并校验（含启动一个 qinglian 进程）：{spent:.2f} s；测试记录 {backup / 'restore-report.txt'}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1_000_000, help="第二轮加入的纪实记录条数；0 只测示范县")
    args = parser.parse_args()
    began = time.perf_counter()
    call_command("migrate", verbosity=0)
    if "keys" in get_commands() and not Path(os.environ["QINGLIAN_KEY_FILE"]).exists():
        call_command("keys", "init", stdout=io.StringIO())
    call_command("demo", "--today", TODAY, stdout=io.StringIO())
    print(f"示范县生成：{time.perf_counter() - began:.1f} s（临时目录 {TMP}，{connection.vendor}）")
    backup_and_restore("demo", "示范县 ")
    if args.records:
        began = time.perf_counter()
        add_activities(args.records)
        print(f"加入 {args.records} 条纪实记录：{time.perf_counter() - began:.1f} s")
        backup_and_restore("large", f"示范县 + {args.records} 条纪实记录 ")


if __name__ == "__main__":
    main()
