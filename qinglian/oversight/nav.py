from qinglian.lib.nav import NavItem
from qinglian.org.models import Role

OVERSEERS = frozenset({Role.LEADER, Role.SUPERVISOR})
NAV = [
    NavItem("监督发现", "oversight:findings", OVERSEERS, section="监督", order=70),
    NavItem("数字与记录比对", "oversight:claims", OVERSEERS, section="监督", order=71),
    NavItem("报告查重", "oversight:similar", OVERSEERS, section="监督", order=72),
    NavItem("补录情况", "oversight:late", OVERSEERS, section="监督", order=73),
]
