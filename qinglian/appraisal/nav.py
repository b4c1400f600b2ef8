from __future__ import annotations

from qinglian.lib.nav import NavItem
from qinglian.org.models import BUSINESS_ROLES

NAV = [
    NavItem("年度考核", "appraisal:rule_sets", BUSINESS_ROLES, section="考核", order=60),
    NavItem("考核申诉", "appraisal:appeals", BUSINESS_ROLES, section="考核", order=61),
]
