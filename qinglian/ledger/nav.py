from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from qinglian.lib.nav import NavItem
from qinglian.org.models import BUSINESS_ROLES, WRITER_ROLES

NAV = [
    NavItem("整改台账", "ledger:ledger", BUSINESS_ROLES, section="整改", order=20),
    NavItem("我的待办", "ledger:mine", BUSINESS_ROLES, section="整改", order=21),
    NavItem("反馈来源", "ledger:sources", BUSINESS_ROLES, section="整改", order=22),
    NavItem("督办", "ledger:orders", BUSINESS_ROLES, section="整改", order=23),
    NavItem("导入台账", "ledger:import", WRITER_ROLES, section="整改", order=24),
    NavItem("导入报告", "ledger:report_import", WRITER_ROLES, section="整改", order=25),
]


def home_card(request: HttpRequest) -> dict[str, Any] | None:
    """Overdue and soon-due measures of the current unit, and open supervision orders (a few indexed counts,
    memoised until the next write: every page of the day starts here)."""
    user: Any = request.user
    if not getattr(user, "is_business", False):
        return None
    from qinglian.ledger.calendar import warning_bounds
    from qinglian.ledger.models import Measure, warning_q
    from qinglian.ledger.selectors import ledger_memo_key, open_order_counts
    from qinglian.lib.memo import remember
    from qinglian.lib.views import current_unit
    from qinglian.org.scoping import subtree_q

    unit = current_unit(request)

    def counts() -> tuple[int, int, int]:
        bounds = warning_bounds(timezone.localdate())
        # the unit's path range, not `in_subtree`'s position range: then the planner takes the (status, deadline)
        # index, which holds only the open measures of the deadline window
        base = Measure.objects.visible_to(user).filter(subtree_q(unit))
        return (base.filter(warning_q("red", bounds)).count(), base.filter(warning_q("yellow", bounds)).count(),
                open_order_counts(user, unit))

    red, yellow, orders = remember(ledger_memo_key(user, unit, "home"), counts)
    url = reverse("ledger:ledger")
    return {"title": "整改台账", "order": 20, "level": "red" if red else ("yellow" if yellow else "green"),
            "lines": [("逾期措施", red, f"{url}?level=red"), ("黄色预警", yellow, f"{url}?level=yellow"),
                      ("未办结督办", orders, reverse("ledger:orders")), ("我的待办", "查看", reverse("ledger:mine"))]}
