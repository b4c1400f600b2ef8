from qinglian.lib.nav import NavItem
from qinglian.org.models import Role

NAV = [
    NavItem("频率限制", "limits:policy", frozenset({Role.SECADMIN}), section="管理", order=90),
]
