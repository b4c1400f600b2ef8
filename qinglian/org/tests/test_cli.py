"""The `qinglian` command: units, createuser, unit resolution, demo determinism, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from qinglian.lib import tracking
from qinglian.lib.testing import PASSWORD, World
from qinglian.org.models import Person, User
from qinglian.org.services import UnitNotFound, resolve_unit

pytestmark = pytest.mark.django_db


def test_units_json_shape(world: World, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("units", "--json")
    data = json.loads(capsys.readouterr().out)
    a1 = next(u for u in data if u["name"] == "新闻宣传股")
    assert a1 == {"id": world.a1.pk, "name": "新闻宣传股", "full_name": "示范县/县委宣传部/新闻宣传股",
                  "parent": world.a.pk, "kind": "office"}
    assert next(u for u in data if u["name"] == "示范县")["parent"] is None


def test_unit_by_id_full_name_or_unique_name(world: World) -> None:
    assert resolve_unit(str(world.a1.pk)) == world.a1
    assert resolve_unit("示范县/县委宣传部/新闻宣传股") == world.a1
    assert resolve_unit("新闻宣传股") == world.a1
    with pytest.raises(UnitNotFound, match="找不到单位"):
        resolve_unit("不存在的局")


def test_ambiguous_name_asks_for_the_full_name(world: World) -> None:
    from qinglian.lib.testing import make_unit

    make_unit("新闻宣传股", world.b)
    with pytest.raises(UnitNotFound, match="不唯一"):
        resolve_unit("新闻宣传股")


def test_createuser_reads_the_password_file(world: World, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "pw"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    call_command("createuser", "--username", "newclerk", "--unit", "县委宣传部", "--role", "clerk",
                 "--password-file", str(secret))
    assert "已创建账号" in capsys.readouterr().out
    user = User.objects.get(username="newclerk")
    assert user.unit == world.a and user.check_password(PASSWORD)


def test_createuser_refuses_weak_passwords_and_business_roles_without_unit(world: World, tmp_path: Path) -> None:
    weak = tmp_path / "pw"
    weak.write_text("password", encoding="utf-8")
    with pytest.raises(CommandError, match="至少"):
        call_command("createuser", "--username", "x1", "--unit", "县委宣传部", "--role", "clerk",
                     "--password-file", str(weak))
    with pytest.raises(CommandError, match="必须用 --unit"):
        call_command("createuser", "--username", "x2", "--role", "leader", "--password-file", str(weak))


class _Rollback(Exception):
    pass


def _demo_snapshot(seed: int) -> list[tuple[str, str, str]]:
    from datetime import date

    from django.db import transaction

    from qinglian.org.demo import build_demo

    snapshot: list[tuple[str, str, str]] = []
    try:
        with transaction.atomic():
            with tracking.bulk("测试准备"):
                build_demo(seed=seed, today=date(2026, 11, 23), log=lambda s: None)
            snapshot = list(Person.objects.order_by("unit__path", "order").values_list("unit__full_name", "name", "post"))
            raise _Rollback
    except _Rollback:
        pass
    return snapshot


def test_demo_county_is_realistic_and_deterministic_for_a_seed() -> None:
    first, again, other = _demo_snapshot(7), _demo_snapshot(7), _demo_snapshot(8)
    assert first == again and first != other
    assert 1800 <= len(first) <= 2300
    units = {u for u, _, _ in first}
    assert "示范县/县委/县委宣传部/县委网信办" in units
    assert sum(1 for u in units if u.count("/") == 1 and u.endswith(("镇", "乡"))) == 18
    assert any(post == "部长" and u == "示范县/县委/县委宣传部" for u, _, post in first)


def test_console_script_exits_non_zero_with_a_chinese_message(tmp_path: Path) -> None:
    import os

    root = Path(__file__).resolve().parents[3]
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}", "PYTHONPATH": str(root)}
    result = subprocess.run([sys.executable, "-m", "qinglian.cli", "demo", "--today", "2026/13/1"],
                            capture_output=True, text=True, env=env, cwd=tmp_path, check=False)
    assert result.returncode != 0
    assert "--today 须写成 YYYY-MM-DD" in result.stderr
