"""`qinglian migrate` says in Chinese what it did: upgraded, already current, or taken back."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.db.migrations.loader import MigrationLoader

from qinglian.lib.testing import drop_database, migrated_database

ROOT = Path(__file__).resolve().parents[3]


def test_migrate_reports_going_back_and_forward(db: None, tmp_path: Path) -> None:
    url = migrated_database(tmp_path)  # `db`: the session has a test database, so this is a migrated copy
    env = {**{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
           "DATABASE_URL": url, "QINGLIAN_DATA_DIR": str(tmp_path / "var")}

    def migrate(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "qinglian.cli", "migrate", *args], capture_output=True,
                              text=True, cwd=ROOT, env=env, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    leaf = graph.node_map[graph.leaf_nodes("ledger")[0]]
    before = next(name for app, name in (p.key for p in leaf.parents) if app == "ledger")  # the ledger's last but one
    try:
        assert "数据库已是最新，无需升级。" in migrate()
        assert "数据库已回退：撤销了 1 个迁移。" in migrate("ledger", before)
        assert "数据库已升级：应用了 1 个迁移。" in migrate("ledger")
    finally:
        drop_database(url)
