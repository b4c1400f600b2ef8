"""Production settings pass Django's deployment checklist, and the error pages speak Chinese."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from qinglian.lib.testing import World

ROOT = Path(__file__).resolve().parents[3]


def test_check_deploy_is_clean_in_production(tmp_path: Path) -> None:
    env = {**os.environ, "QINGLIAN_ENV": "production", "PYTHONPATH": str(ROOT),
           "QINGLIAN_SECRET_KEY": "x" * 20 + "a-long-random-production-secret-key-9f8e7d6c5b4a",
           "QINGLIAN_ALLOWED_HOSTS": "qinglian.example.gov.cn",
           "DATABASE_URL": "postgres://qinglian@127.0.0.1:1/qinglian"}
    result = subprocess.run([sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING",
                             "--settings", "qinglian.settings"], capture_output=True, text=True, env=env,
                            cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = {**os.environ, "QINGLIAN_ENV": "production", "PYTHONPATH": str(ROOT), "QINGLIAN_SECRET_KEY": "",
           "DATABASE_URL": f"sqlite:///{tmp_path}/p.sqlite3"}
    result = subprocess.run([sys.executable, "-m", "django", "check", "--settings", "qinglian.settings"],
                            capture_output=True, text=True, env=env, cwd=tmp_path, check=False)
    assert result.returncode != 0
    assert "QINGLIAN_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_not_found_page_is_chinese(world: World) -> None:
    response = world.client("clerk_a").get("/org/people/999999/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


@pytest.mark.django_db
def test_every_demo_role_reaches_its_home_page(world: World) -> None:
    for who, expected in [("clerk_a", "县委宣传部"), ("supervisor", "示范县"), ("sysadmin", "系统管理员"),
                          ("secadmin", "安全策略"), ("auditor", "操作日志")]:
        page = world.client(who).get("/").content.decode()
        assert expected in page, who
