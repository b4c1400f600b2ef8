"""Setting a password from the server: Django's changepassword (unaudited) is refused and points to
`qinglian account reset-password`, which checks the policy, makes the password single-use and audits."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from qinglian.audit.models import Action, AuditEntry
from qinglian.lib.testing import World

pytestmark = pytest.mark.django_db


def test_changepassword_refuses_and_names_the_audited_path(world: World) -> None:
    before = world.clerk_a.password
    with pytest.raises(CommandError, match="qinglian account reset-password clerk_a"):
        call_command("changepassword", "clerk_a")
    world.clerk_a.refresh_from_db()
    assert world.clerk_a.password == before


def test_reset_password_sets_a_single_use_password_and_audits(world: World, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "pw.txt"
    secret.write_text("Reset#Pass2026x\n", encoding="utf-8")
    call_command("account", "reset-password", "CLERK_A", "--password-file", str(secret))
    world.clerk_a.refresh_from_db()
    assert world.clerk_a.check_password("Reset#Pass2026x") and world.clerk_a.must_change_password
    entry = AuditEntry.objects.filter(action=Action.UPDATE, object_id=str(world.clerk_a.pk)).latest("id")
    assert "重置账号 clerk_a 的密码" in entry.summary
    assert "Reset#Pass2026x" not in f"{entry.summary} {entry.before} {entry.after}"
    assert "首次登录须修改密码" in capsys.readouterr().out


def test_reset_password_checks_the_policy_and_the_name(world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    weak = tmp_path / "weak.txt"
    weak.write_text("123\n", encoding="utf-8")
    before = world.clerk_a.password
    with pytest.raises(CommandError):
        call_command("account", "reset-password", "clerk_a", "--password-file", str(weak))
    world.clerk_a.refresh_from_db()
    assert world.clerk_a.password == before
    assert not AuditEntry.objects.filter(summary__contains="重置账号 clerk_a").exists()
    with pytest.raises(CommandError, match="找不到账号"):
        call_command("account", "reset-password", "nobody", "--password-file", str(weak))
