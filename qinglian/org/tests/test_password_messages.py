"""Every password rule answers in Chinese, on the pages and in the CLI (Django 5.2's own length message
has no Chinese translation)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from qinglian.org.models import User

pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("password", ["Ab#1", "password", "aaaaaaaaaaaa", "zhangsan2026A#"])
def test_each_refusal_is_a_chinese_sentence(password: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_password(password, User(username="zhangsan2026a"))
    assert caught.value.messages and all(CJK.search(m) and "password" not in m for m in caught.value.messages)


def test_the_length_rule_says_how_long() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_password("Ab#1xyz")
    assert "密码太短：至少需要 10 个字符。" in caught.value.messages
    assert all(CJK.search(t) for t in password_validators_help_texts())


def test_the_cli_refuses_a_short_password_in_chinese(tmp_path) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "pw.txt"
    secret.write_text("Ab#1\n", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("createuser", "--username", "newadmin", "--role", "sysadmin", "--password-file", str(secret))
    assert "密码太短：至少需要 10 个字符" in str(caught.value) and "too short" not in str(caught.value)
