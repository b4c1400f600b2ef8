from qinglian.lib.nav import NavItem
from qinglian.org.models import BUSINESS_ROLES

NAV = [NavItem("统计", "stats:page", BUSINESS_ROLES, section="统计与报告", order=60)]
