from __future__ import annotations

from qinglian.lib.nav import NavItem
from qinglian.org.models import BUSINESS_ROLES, Role

NAV = [
    NavItem("延期与验收", "verify:pending", BUSINESS_ROLES, section="整改", order=26),
    NavItem("验收规则", "verify:rules", frozenset({Role.LEADER}), section="整改", order=27),
    NavItem("抽查与反向核查", "verify:spotchecks", BUSINESS_ROLES, section="整改", order=28),
    NavItem("质效评估", "verify:assessments", BUSINESS_ROLES, section="整改", order=29),
    NavItem("申诉", "verify:appeals", BUSINESS_ROLES, section="整改", order=30),
    NavItem("投诉建议", "verify:complaints", frozenset(Role.values), section="帮助", order=900),
]
