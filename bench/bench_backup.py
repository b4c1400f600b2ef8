"""Backup and restore of the demo county: time and size of `qinglian backup`, of `qinglian restore --verify`.

Builds the demo county in its own temporary SQLite database (or, with DATABASE_URL pointing at PostgreSQL, in
that database, which must be empty), backs it up, restores it into a fresh database and an empty file store
(a second SQLite file; on PostgreSQL a database created next to the first), prints figures, changes nothing else.
    python bench/bench_backup.py
"""

from __future__ import annotations

import io
import os
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


def target_url() -> str:
    """A fresh, empty database of the same engine to restore into."""
    if connection.vendor != "postgresql":
        return f"sqlite:///{TMP}/restored.sqlite3"
    s = connection.settings_dict
    name = f"{s['NAME']}_restored_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    auth = f"{s['USER']}:{s['PASSWORD']}@" if s["PASSWORD"] else f"{s['USER']}@"
    return f"postgres://{auth}{s['HOST']}:{s['PORT']}/{name}"


def main() -> None:
    began = time.perf_counter()
    call_command("migrate", verbosity=0)
    if "keys" in get_commands() and not Path(os.environ["QINGLIAN_KEY_FILE"]).exists():
        call_command("keys", "init", stdout=io.StringIO())
    call_command("demo", "--today", TODAY, stdout=io.StringIO())
    print(f"示范县生成：{time.perf_counter() - began:.1f} s（临时目录 {TMP}，{connection.vendor}）")

    backup = TMP / "backup"
    began = time.perf_counter()
    call_command("backup", str(backup), stdout=io.StringIO())
    spent = time.perf_counter() - began
    files = backup / "files"
    print(f"备份：{spent:.2f} s，共 {mb(size(backup))}（数据库 {mb(size(backup) - size(files) if files.exists() else size(backup))}，"
          f"文件 {mb(size(files)) if files.exists() else '0 MB'}）")

    env = {**os.environ, "DATABASE_URL": target_url(), "QINGLIAN_DATA_DIR": f"{TMP}/restored-var"}
    if connection.vendor == "postgresql":
        connection.close()
    began = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "qinglian.cli", "restore", str(backup), "--verify"], cwd=ROOT,
                            env=env, capture_output=True, text=True, check=False)
    spent = time.perf_counter() - began
    if result.returncode != 0:
        print(result.stdout + result.stderr)
        raise SystemExit("恢复未通过校验")
    print(f"恢复并校验（含启动一个 qinglian 进程）：{spent:.2f} s；测试记录 {backup / 'restore-report.txt'}")


if __name__ == "__main__":
    main()
