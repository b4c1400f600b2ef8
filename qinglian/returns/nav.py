from qinglian.lib.nav import NavItem
from qinglian.org.models import BUSINESS_ROLES

NAV = [NavItem("上级报表", "returns:index", BUSINESS_ROLES, section="统计与报告", order=64)]
