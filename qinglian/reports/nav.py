from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from qinglian.lib.nav import NavItem
from qinglian.org.models import BUSINESS_ROLES, Role

NAV = [
    NavItem("生成报告", "reports:index", BUSINESS_ROLES, section="统计与报告", order=61),
    NavItem("报告检查", "reports:check", BUSINESS_ROLES, section="统计与报告", order=62),
    NavItem("报告模板", "reports:templates", BUSINESS_ROLES, section="统计与报告", order=63),
    NavItem("党风廉政意见回复", "reports:integrity", frozenset({Role.SUPERVISOR}), section="统计与报告", order=64),
]


def home_card(request: HttpRequest) -> dict[str, Any] | None:
    """The latest drafts of the current unit's subtree (one indexed query, three rows)."""
    user: Any = request.user
    if not getattr(user, "is_business", False):
        return None
    from qinglian.lib.views import current_unit
    from qinglian.org.scoping import subtree_q
    from qinglian.reports.models import GeneratedReport

    latest = list(GeneratedReport.objects.visible_to(user).filter(subtree_q(current_unit(request)))
                  .only("id", "title", "created_at").order_by("-created_at", "-id")[:3])
    lines: list[tuple[str, Any, str]] = [(r.title[:24], f"{timezone.localtime(r.created_at):%m-%d}", r.get_absolute_url()) for r in latest]
    lines.append(("生成新报告", "开始", reverse("reports:index")))
    return {"title": "报告", "order": 60, "level": "", "lines": lines}
