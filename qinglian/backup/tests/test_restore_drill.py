"""The restore drill: back up while ten writers keep adding records, restore into a fresh database and an empty
file store, and prove it with `qinglian restore --verify` — on a SQLite file and on a fresh PostgreSQL database.
A damaged backup, a non-empty target, another engine and a newer schema are refused in Chinese.

Everything runs as the commands an administrator runs (subprocesses on databases of their own), so the SQLite
drill does not depend on the engine the suite runs on; the PostgreSQL one needs a server (DATABASE_URL).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

from qinglian.lib.testing import drop_database, migrated_database, migrated_sqlite, pg_admin, pg_url

PYTHON = sys.executable
ROOT = Path(__file__).resolve().parents[3]


@dataclass
class Site:
    """One installation: a database URL and a data dir (its file store is data/files)."""

    url: str
    data: Path

    def env(self, **extra: str) -> dict[str, str]:
        return {**os.environ, "DATABASE_URL": self.url, "QINGLIAN_DATA_DIR": str(self.data),
                "DJANGO_SETTINGS_MODULE": "qinglian.settings", **extra}

    def run(self, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([PYTHON, "-m", "qinglian.cli", *args], cwd=ROOT, env=self.env(**extra),
                              capture_output=True, text=True, timeout=600, check=False)


def _drill(source: Site, backup: Path) -> dict[str, int]:
    """Migrate `source`, start ten writers, back up while they write, stop them; return the counts."""
    _migrate(source)
    files = source.data / "files" / "ab"
    files.mkdir(parents=True)
    (files / "evidence.pdf").write_bytes(b"%PDF-1.4 drill evidence " * 100)
    (files / "scan.png").write_bytes(bytes(range(256)) * 40)
    stop = backup.parent / f"{backup.name}.stop"
    writers = subprocess.Popen([PYTHON, "-m", "qinglian.backup.tests.writers", str(stop), "10"], cwd=ROOT,
                               env=source.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert writers.stdout is not None
    assert writers.stdout.readline().strip() == "ready", writers.stderr.read() if writers.stderr else ""
    time.sleep(1)
    backed = source.run("backup", str(backup))
    time.sleep(1)  # the writers go on after the backup too
    stop.touch()
    out, err = writers.communicate(timeout=180)
    assert backed.returncode == 0, backed.stderr
    assert writers.returncode == 0, err
    assert "备份完成" in backed.stdout and "密钥文件未随备份保存" in backed.stdout
    manifest = json.loads((backup / "manifest.json").read_text(encoding="utf-8"))
    return {"written": json.loads(out.strip().splitlines()[-1])["written"],
            "units_in_backup": manifest["tables"]["org_unit"]["rows"],
            "entries_in_backup": manifest["tables"]["audit_auditentry"]["rows"]}


def _restore_and_verify(target: Site, backup: Path, counts: dict[str, int]) -> None:
    restored = target.run("restore", str(backup), "--verify")
    assert restored.returncode == 0, restored.stderr + restored.stdout
    report = (backup / "restore-report.txt").read_text(encoding="utf-8")
    assert report.startswith("备份恢复测试记录")
    assert "结论：恢复成功，全部校验通过" in report
    assert f"org_unit：{counts['units_in_backup']} / {counts['units_in_backup']}  一致" in report
    assert f"共 {counts['entries_in_backup']} 条，哈希链完整" in report
    assert "文件哈希（SM3）：通过。共 2 个文件" in report
    assert (target.data / "files" / "ab" / "scan.png").read_bytes() == bytes(range(256)) * 40
    verified = target.run("audit", "verify")  # the restore's own audit row extends the chain cleanly
    assert verified.returncode == 0 and f"共 {counts['entries_in_backup'] + 1} 条" in verified.stdout


def _written_during_the_backup(counts: dict[str, int]) -> None:
    # 11 units of the tree before the writers start; the backup caught some writes and missed later ones.
    assert 11 < counts["units_in_backup"] < counts["written"] + 11


def _migrate(site: Site) -> None:
    if site.url.startswith("sqlite:///"):
        migrated_sqlite(site.url.removeprefix("sqlite:///"))  # the session's fresh migrate, copied
    assert site.run("migrate", "-v0").returncode == 0


def _sqlite_site(tmp: Path, name: str) -> Site:
    return Site(f"sqlite:///{tmp / name}.sqlite3", tmp / f"{name}-data")


@pytest.fixture(scope="module")
def sqlite_backup(django_db_setup, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, dict[str, int]]]:
    tmp = tmp_path_factory.mktemp("drill")
    counts = _drill(_sqlite_site(tmp, "source"), tmp / "backup")
    yield tmp, tmp / "backup", counts


@pytest.mark.single_engine
def test_sqlite_backup_taken_under_ten_writers_restores_and_verifies(sqlite_backup) -> None:  # type: ignore[no-untyped-def]
    tmp, backup, counts = sqlite_backup
    _written_during_the_backup(counts)
    _restore_and_verify(_sqlite_site(tmp, "restored"), backup, counts)
    with closing(sqlite3.connect(tmp / "source.sqlite3")) as db:  # the backup is in the source's own trail
        assert db.execute("SELECT summary FROM audit_auditentry WHERE action = 'backup'").fetchone()[0] \
            .startswith("备份到")


@pytest.mark.single_engine
def test_restore_refuses_a_target_that_is_not_empty(sqlite_backup) -> None:  # type: ignore[no-untyped-def]
    tmp, backup, _ = sqlite_backup
    source = _sqlite_site(tmp, "source")
    refused = source.run("restore", str(backup), "--verify")
    assert refused.returncode != 0 and "目标数据库不是空库" in refused.stderr
    files_only = Site(f"sqlite:///{tmp / 'fresh.sqlite3'}", source.data)
    refused = files_only.run("restore", str(backup))
    assert refused.returncode != 0 and "文件库" in refused.stderr and "不是空的" in refused.stderr


@pytest.mark.single_engine
def test_restore_refuses_another_engine_and_a_newer_schema(sqlite_backup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, backup, _ = sqlite_backup
    for change, message in ((lambda m: m.update(engine="postgresql"), "只能恢复到同一种数据库"),
                            (lambda m: m["migrations"].append("audit.9999_from_the_future"), "比本程序新")):
        copy = tmp_path / uuid.uuid4().hex
        copy.mkdir()
        manifest = json.loads((backup / "manifest.json").read_text(encoding="utf-8"))
        change(manifest)
        (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        refused = _sqlite_site(tmp_path, copy.name).run("restore", str(copy), "--verify")
        assert refused.returncode != 0 and message in refused.stderr


def _flipped_copy(backup: Path, into: Path, relative: str) -> Path:
    subprocess.run(["cp", "-r", str(backup), str(into)], check=True)
    victim = into / relative
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0x01
    victim.write_bytes(bytes(data))
    return into


@pytest.mark.single_engine
@pytest.mark.parametrize(("relative", "failed"), [("database.sqlite3", "备份数据库文件哈希（SM3）：不通过"),
                                                   ("files/ab/evidence.pdf", "文件哈希（SM3）：不通过")])
def test_one_flipped_byte_fails_the_verification(sqlite_backup, tmp_path: Path, relative: str,  # type: ignore[no-untyped-def]
                                                 failed: str) -> None:
    _, backup, _ = sqlite_backup
    damaged = _flipped_copy(backup, tmp_path / "damaged", relative)
    result = _sqlite_site(tmp_path, "target").run("restore", str(damaged), "--verify")
    assert result.returncode != 0
    assert "恢复未通过校验" in result.stderr
    report = (damaged / "restore-report.txt").read_text(encoding="utf-8")
    assert failed in report and "结论：恢复未通过校验" in report


@pytest.mark.single_engine
def test_a_table_changed_inside_the_backup_fails_the_verification(sqlite_backup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A copy whose bytes match the manifest but whose rows do not (a backup tool that altered it)."""
    _, backup, _ = sqlite_backup
    changed = tmp_path / "changed"
    subprocess.run(["cp", "-r", str(backup), str(changed)], check=True)
    with closing(sqlite3.connect(changed / "database.sqlite3")) as db:
        db.execute("UPDATE org_unit SET name = '改过的' WHERE id = (SELECT max(id) FROM org_unit)")
        db.commit()
    manifest = json.loads((changed / "manifest.json").read_text(encoding="utf-8"))
    from qinglian.backup.services import file_sm3

    manifest["database"]["sm3"] = file_sm3(changed / "database.sqlite3")
    (changed / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    result = _sqlite_site(tmp_path, "target").run("restore", str(changed), "--verify")
    assert result.returncode != 0
    assert "各表记录数与内容哈希（SM3）：不通过。不符：org_unit" in result.stderr


@pytest.mark.single_engine
def test_the_key_file_is_backed_up_only_when_configured(django_db_setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    site = _sqlite_site(tmp_path, "source")
    _migrate(site)
    key = tmp_path / "keys" / "qinglian-keys.json"  # a real one: backing up writes a keyed audit entry
    assert site.run("keys", "init", QINGLIAN_KEY_FILE=str(key)).returncode == 0
    secret = key.read_text(encoding="utf-8")
    assert site.run("backup", str(tmp_path / "plain"), QINGLIAN_KEY_FILE=str(key)).returncode == 0
    assert not (tmp_path / "plain" / "keys").exists()
    assert json.loads((tmp_path / "plain" / "manifest.json").read_text())["keys"]["included"] is False
    assert site.run("backup", str(tmp_path / "keyed"), QINGLIAN_KEY_FILE=str(key),
                    QINGLIAN_BACKUP_KEYS="1").returncode == 0
    assert (tmp_path / "keyed" / "keys" / "qinglian-keys.json").read_text() == secret
    refused = site.run("backup", str(tmp_path / "keyed"))
    assert refused.returncode != 0 and "不是空目录" in refused.stderr


# -- PostgreSQL -------------------------------------------------------------------------------------------
@pytest.fixture
def pg_databases(django_db_setup, tmp_path: Path) -> Iterator[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """The source, migrated (a copy of the session's fresh database), and an empty target beside it."""
    if connection.vendor != "postgresql":
        pytest.skip("需要 PostgreSQL（scripts/with-postgres.sh）")
    source, target = migrated_database(tmp_path), pg_url(f"drill_{uuid.uuid4().hex[:8]}_restored")
    with pg_admin() as admin:
        admin.execute(f'CREATE DATABASE "{target.rsplit("/", 1)[1]}"')
    try:
        yield source, target
    finally:
        drop_database(source)
        drop_database(target)


def test_postgresql_backup_taken_under_ten_writers_restores_and_verifies(pg_databases, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source_url, target_url = pg_databases
    counts = _drill(Site(source_url, tmp_path / "source-data"), tmp_path / "backup")
    _written_during_the_backup(counts)
    assert (tmp_path / "backup" / "database.dump").read_bytes()[:5] == b"PGDMP"  # pg_dump -Fc
    target = Site(target_url, tmp_path / "restored-data")
    _restore_and_verify(target, tmp_path / "backup", counts)
    refused = target.run("restore", str(tmp_path / "backup"))
    assert refused.returncode != 0 and "目标数据库不是空库" in refused.stderr
