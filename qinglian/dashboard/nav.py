from qinglian.lib.nav import NavItem
from qinglian.org.models import Role

NAV = [NavItem("工作看板", "dashboard:page", frozenset({Role.LEADER, Role.SUPERVISOR}), section="统计与报告", order=55)]
