"""Usernames are unique after NFKC and case folding: `LOCKTEST` and the full-width `ｌｏｃｋｔｅｓｔ` are the
same name as `locktest`, in the admin's form, in `qinglian createuser`, and in the database itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from qinglian.lib.testing import PASSWORD, World, make_user
from qinglian.org.models import Role, User, username_key

pytestmark = pytest.mark.django_db

SPELLINGS = ["LOCKTEST", "LockTest", "ｌｏｃｋｔｅｓｔ", "ＬＯＣＫＴＥＳＴ", " locktest "]


def test_the_key_folds_case_and_width() -> None:
    assert {username_key(s) for s in ["locktest", *SPELLINGS]} == {"locktest"}
    assert username_key("Straße") == username_key("STRASSE")
    assert username_key("张三") != username_key("张四")


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_the_admin_form_refuses_a_name_that_differs_only_in_case_or_width(world: World, spelling: str) -> None:
    make_user("locktest", Role.CLERK, world.a)
    response = world.client("sysadmin").post("/admin/org/user/add/", {
        "username": spelling, "usable_password": "true", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 200
    page = response.content.decode()
    assert "已被使用" in page or "已存在" in page
    assert User.objects.filter(username_key="locktest").count() == 1


@pytest.mark.parametrize("spelling", ["LOCKTEST", "ｌｏｃｋｔｅｓｔ"])
def test_createuser_refuses_it_too(world: World, tmp_path: Path, spelling: str) -> None:
    make_user("locktest", Role.CLERK, world.a)
    secret = tmp_path / "pw"
    secret.write_text(PASSWORD, encoding="utf-8")
    with pytest.raises(CommandError, match="已被使用"):
        call_command("createuser", "--username", spelling, "--unit", "县委宣传部", "--role", "clerk",
                     "--password-file", str(secret))
    assert User.objects.count() == 8  # the world's seven and locktest


def test_the_database_refuses_it_whatever_the_path(world: World) -> None:
    make_user("locktest", Role.CLERK, world.a)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="LOCKTEST", role=Role.CLERK, unit=world.a)


def test_renaming_keeps_the_key_in_step(world: World) -> None:
    account = world.clerk_b
    account.username = "Clerk_B2"
    account.save(update_fields=["username"])
    assert User.objects.get(pk=account.pk).username_key == "clerk_b2"
