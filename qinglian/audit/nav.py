from qinglian.lib.nav import NavItem
from qinglian.org.models import Role

NAV = [NavItem("操作日志", "audit:log", frozenset({Role.AUDITOR}), section="管理", order=92)]
