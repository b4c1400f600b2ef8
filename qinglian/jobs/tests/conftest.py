"""A database of its own for the tests whose workers run in subprocesses (they must see committed rows, on
SQLite a file): a fresh SQLite file, or a fresh database on the PostgreSQL server DATABASE_URL names,
migrated once per test session (the job table and what it refers to only: the test handlers
write nothing else); each test empties the job table first. The test reads it back with plain
sqlite3/psycopg (`Site.rows`)."""

from __future__ import annotations

import os
import secrets
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[3]


@dataclass
class Site:
    url: str
    data: Path

    @property
    def env(self) -> dict[str, str]:
        path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
        return {**os.environ, "PYTHONPATH": path, "DATABASE_URL": self.url, "QINGLIAN_DATA_DIR": str(self.data),
                "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "qinglian.settings"),
                "PYTHONUNBUFFERED": "1"}

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        if self.url.startswith("sqlite"):
            with sqlite3.connect(urlsplit(self.url).path, timeout=20) as db:
                return list(db.execute(sql, params))
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as db:
            cursor = db.execute(sql.replace("?", "%s"), params)  # type: ignore[arg-type]
            return list(cursor) if cursor.description else []

    def driver(self, *args: str, **popen: Any) -> subprocess.Popen[str]:
        return subprocess.Popen([sys.executable, "-m", "qinglian.jobs.tests.driver", *args], env=self.env, cwd=ROOT,
                                text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen)

    def run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([sys.executable, "-m", "qinglian.jobs.tests.driver", *args], env=self.env, cwd=ROOT,
                              text=True, capture_output=True, timeout=timeout, check=False)
        assert done.returncode == 0, done.stderr[-3000:]
        return done


@pytest.fixture(scope="session")
def _site_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("jobs-site")
    url = os.environ.get("DATABASE_URL", "")
    name = ""
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        name = f"jobs_{secrets.token_hex(4)}"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        site = Site(urlsplit(url)._replace(path=f"/{name}").geturl(), tmp)
    else:
        site = Site(f"sqlite:///{tmp}/jobs.sqlite3", tmp)
    migrated = subprocess.run([sys.executable, "-m", "qinglian.cli", "migrate", "jobs", "-v", "0"], env=site.env, cwd=ROOT,
                              capture_output=True, text=True, check=False)
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    yield site
    if name:
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def site(_site_database: Site) -> Site:
    _site_database.rows("DELETE FROM jobs_job")
    return _site_database
