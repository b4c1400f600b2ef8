from qinglian.lib.nav import NavItem
from qinglian.org.models import BUSINESS_ROLES, Role

NAV = [
    NavItem("首页", "home", frozenset(Role), section="", order=0),
    NavItem("单位", "org:units", BUSINESS_ROLES, section="单位与人员", order=80),
    NavItem("干部", "org:people", BUSINESS_ROLES, section="单位与人员", order=81),
    NavItem("安全策略", "org:policy", frozenset({Role.SECADMIN}), section="管理", order=90),
    NavItem("账号与角色", "org:accounts", frozenset({Role.SECADMIN}), section="管理", order=89),
    NavItem("长期未登录账号", "org:dormant", frozenset({Role.SECADMIN}), section="管理", order=89),
    NavItem("单位与账号管理", "admin:index", frozenset({Role.SYSADMIN}), section="管理", order=91),
]
