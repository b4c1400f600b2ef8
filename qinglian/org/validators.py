"""Password rule of the 等保 2.0 level-3 baseline: at least three of four character classes."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

CLASSES = (re.compile(r"[a-z]"), re.compile(r"[A-Z]"), re.compile(r"[0-9]"), re.compile(r"[^a-zA-Z0-9]"))


class CharacterClassValidator:
    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if sum(1 for c in CLASSES if c.search(password)) < self.min_classes:
            raise ValidationError(
                "密码须包含小写字母、大写字母、数字、符号中的至少%(n)d类。", code="password_classes",
                params={"n": self.min_classes},
            )

    def get_help_text(self) -> str:
        return f"密码须包含小写字母、大写字母、数字、符号中的至少{self.min_classes}类。"


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule with its message in Chinese: Django 5.2 changed the English message, and its
    zh_Hans catalogue still carries the old one, so the message showed in English."""

    def get_error_message(self) -> str:
        return f"密码太短：至少需要 {self.min_length} 个字符。"

    def get_help_text(self) -> str:
        return f"密码至少 {self.min_length} 个字符。"


SYSTEM_NAMES = ("qingliantaizhang", "qinglian", "qlt")  # the system's name in pinyin, and its initials


class BlocklistValidator:
    """Refuses a password containing the system's name in pinyin or the name of a unit (case-insensitive).
    Common passwords are Django's CommonPasswordValidator, listed beside this one."""

    def validate(self, password: str, user: Any = None) -> None:
        from qinglian.org.models import Unit

        folded = password.casefold()
        for name in SYSTEM_NAMES:
            if name in folded:
                raise ValidationError("密码不能包含本系统的名称（如 qinglian、qlt），请换一个。", code="password_blocklist")
        for name, short_name in Unit.with_deleted.values_list("name", "short_name").iterator():
            for word in (name, short_name):
                if len(word) >= 2 and word.casefold() in folded:
                    raise ValidationError("密码不能包含单位名称“%(name)s”，请换一个。", code="password_unit_name",
                                          params={"name": word})

    def get_help_text(self) -> str:
        return "密码不能包含本系统名称的拼音或单位名称。"


class PasswordHistoryValidator:
    """The last N passwords (SecurityPolicy.password_history) are never used again; each password set through
    `set_password` and saved is recorded (Django calls `password_changed` after the save)."""

    def validate(self, password: str, user: Any = None) -> None:
        from qinglian.org.passwords import recently_used

        if user is not None and user.pk and recently_used(user, password):
            raise ValidationError("新密码不能与最近用过的密码相同，请换一个。", code="password_reused")

    def password_changed(self, password: str, user: Any = None) -> None:
        from qinglian.org.passwords import record_password

        if user is not None and user.pk:
            record_password(user)

    def get_help_text(self) -> str:
        return "新密码不能与最近 5 次用过的密码相同。"
