from qinglian.lib.nav import NavItem
from qinglian.org.models import BUSINESS_ROLES

NAV = [
    NavItem("生成报告", "reports:index", BUSINESS_ROLES, section="统计与报告", order=61),
    NavItem("报告检查", "reports:check", BUSINESS_ROLES, section="统计与报告", order=62),
    NavItem("报告模板", "reports:templates", BUSINESS_ROLES, section="统计与报告", order=63),
]
