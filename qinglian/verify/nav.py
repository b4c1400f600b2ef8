from __future__ import annotations

from qinglian.lib.nav import NavItem
from qinglian.org.models import BUSINESS_ROLES, Role

NAV = [
    NavItem("延期与验收", "verify:pending", BUSINESS_ROLES, section="整改", order=26),
    NavItem("验收规则", "verify:rules", frozenset({Role.LEADER}), section="整改", order=27),
]
