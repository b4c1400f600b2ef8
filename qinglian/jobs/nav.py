from __future__ import annotations

from qinglian.lib.nav import NavItem
from qinglian.org.models import BUSINESS_ROLES, Role

NAV = [
    NavItem("我的后台任务", "jobs:index", BUSINESS_ROLES, section="统计与报告", order=69),
    NavItem("后台任务", "jobs:index", frozenset({Role.SYSADMIN}), section="管理", order=95),
]
