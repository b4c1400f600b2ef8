"""The key file and `qinglian keys …`: refused when missing or readable by others, rotation, re-encryption."""

from __future__ import annotations

import json
import os

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from qinglian.audit.models import Action, AuditEntry
from qinglian.crypto.provider import reset_provider
from qinglian.crypto.tests.conftest import make_activity
from qinglian.records.models import Activity


def token_of(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT minutes FROM records_activity WHERE id = %s", [pk])
        return str(cursor.fetchone()[0])


def test_production_server_refuses_to_start_without_a_key_file(tmp_path, settings):
    settings.PRODUCTION = True
    settings.QINGLIAN_KEY_FILE = str(tmp_path / "absent.json")
    with pytest.raises(CommandError) as refused:
        call_command("serve", "--port", "1")
    assert "生产环境无法启动" in str(refused.value) and "qinglian keys init" in str(refused.value)


def test_production_server_refuses_a_world_readable_key_file(key_file, settings):
    os.chmod(key_file, 0o644)
    settings.PRODUCTION = True
    with pytest.raises(CommandError) as refused:
        call_command("serve", "--port", "1")
    assert f"chmod 600 {key_file}" in str(refused.value) and "0644" in str(refused.value)


def test_a_world_readable_key_file_is_refused_by_every_command(key_file):
    os.chmod(key_file, 0o640)
    with pytest.raises(CommandError, match="chmod 600"):
        call_command("keys", "status")


def test_a_page_says_what_to_do_when_the_key_file_is_unusable(world, key_file):
    activity = make_activity(world, "谈话内容（密钥测试）")
    client = world.client("clerk_a")  # signed in while the key was good (the log-in's audit row needs it)
    os.chmod(key_file, 0o666)
    reset_provider()
    page = client.get(f"/records/activities/{activity.pk}/")
    assert page.status_code == 200 and "密钥文件不可用" in page.content.decode()


@pytest.mark.django_db
def test_init_writes_a_private_file_and_never_overwrites(tmp_path, settings, capsys):
    path = tmp_path / "var" / "keys.json"
    settings.QINGLIAN_KEY_FILE = str(path)
    call_command("keys", "init")
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    first = path.read_text()
    call_command("keys", "init", "--if-missing")
    assert path.read_text() == first
    with pytest.raises(CommandError, match="不会覆盖"):
        call_command("keys", "init")
    entry = AuditEntry.objects.filter(action=Action.KEYS).get()
    assert json.loads(first)["keys"][0]["key"] not in entry.summary
    reset_provider()


def test_rotate_then_reencrypt(world, key_file, capsys):
    old = make_activity(world, "轮换前的谈话内容")
    call_command("keys", "rotate")
    new = make_activity(world, "轮换后的谈话内容")
    assert token_of(old.pk).startswith("sm4:1:k1:") and token_of(new.pk).startswith("sm4:1:k2:")
    assert Activity.objects.get(pk=old.pk).minutes == "轮换前的谈话内容"  # a retired key still reads
    call_command("keys", "reencrypt", "--batch", "1")
    out = capsys.readouterr().out
    assert "records.activity.minutes：已处理" in out
    assert token_of(old.pk).startswith("sm4:1:k2:")
    assert Activity.objects.get(pk=old.pk).minutes == "轮换前的谈话内容"
    call_command("keys", "status")
    status = capsys.readouterr().out
    assert "k2（当前）" in status and "records.activity.minutes：k2：2" in status
    summaries = list(AuditEntry.objects.filter(action=Action.KEYS).values_list("summary", flat=True))
    assert any("轮换密钥" in s for s in summaries) and any("重新加密" in s for s in summaries)
    keys = json.loads(key_file.read_text())
    assert not any(k["key"] in s for k in keys["keys"] for s in summaries)
