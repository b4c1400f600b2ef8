from qinglian.lib.nav import NavItem
from qinglian.org.models import BUSINESS_ROLES

NAV = [NavItem("接口令牌", "api:tokens", frozenset(BUSINESS_ROLES), section="", order=95)]
