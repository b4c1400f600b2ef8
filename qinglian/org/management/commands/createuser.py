from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from qinglian.org.models import ADMIN_ROLES, Person, Role
from qinglian.org.services import UnitNotFound, resolve_unit, user_create


class Command(BaseCommand):
    help = "新建账号：qinglian createuser --username U --unit 单位 --role 角色 [--person 干部编号]"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--username", required=True, help="用户名")
        parser.add_argument("--unit", help="单位：编号、全称或唯一名称（业务账号必填）")
        parser.add_argument("--role", required=True, choices=list(Role.values),
                            help="角色：" + "、".join(f"{r.value}={r.label}" for r in Role))
        parser.add_argument("--person", type=int, help="对应干部的编号")
        parser.add_argument("--password-file", help="从文件第一行读取密码（不给则交互输入）")
        parser.add_argument("--keep", action="store_true",
                            help="本人使用的账号：首次登录不要求修改密码（不加则为初始密码，首次登录须修改）")

    def handle(self, *args: Any, **options: Any) -> None:
        role = options["role"]
        unit = None
        if options["unit"]:
            try:
                unit = resolve_unit(options["unit"])
            except UnitNotFound as exc:
                raise CommandError(str(exc)) from exc
        elif role not in ADMIN_ROLES:
            raise CommandError("业务账号（录入员、负责人、监督员）必须用 --unit 指定单位。")
        person = None
        if options["person"]:
            person = Person.objects.filter(pk=options["person"]).first()
            if person is None:
                raise CommandError(f"找不到编号为 {options['person']} 的干部。")
        if options["password_file"]:
            path = Path(options["password_file"])
            if not path.is_file():
                raise CommandError(f"密码文件不存在：{path}")
            password = path.read_text(encoding="utf-8").splitlines()[0].strip() if path.stat().st_size else ""
        else:
            password = getpass.getpass("密码：")
            if password != getpass.getpass("再次输入密码："):
                raise CommandError("两次输入的密码不一致。")
        try:
            user = user_create(actor=None, username=options["username"], role=role, unit=unit, password=password,
                               person=person, must_change=not options["keep"])
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        where = f"，单位：{unit.full_name}" if unit else ""
        first = "" if options["keep"] else "首次登录须修改密码。"
        self.stdout.write(f"已创建账号 {user.username}（{user.get_role_display()}{where}）。{first}")
