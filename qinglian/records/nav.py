from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from qinglian.lib.nav import NavItem
from qinglian.org.models import BUSINESS_ROLES, WRITER_ROLES

NAV = [
    NavItem("纪实记录", "records:activities", BUSINESS_ROLES, section="全程纪实", order=20),
    NavItem("登记纪实", "records:activity_new", WRITER_ROLES, section="全程纪实", order=21),
    NavItem("Excel 批量录入", "records:import", WRITER_ROLES, section="全程纪实", order=22),
    NavItem("三个清单", "records:duties", BUSINESS_ROLES, section="全程纪实", order=23),
    NavItem("责任书签订", "records:letters", BUSINESS_ROLES, section="全程纪实", order=24),
    NavItem("廉政风险点", "records:risks", BUSINESS_ROLES, section="全程纪实", order=25),
]


def home_card(request: HttpRequest) -> dict[str, Any] | None:
    """Duties due in their current period for the current unit's subtree, and this year's letters — counted
    by the statistics engine like every other figure (so the card is memoised with them)."""
    if not getattr(request.user, "is_business", False):
        return None
    import datetime as dt

    from qinglian.lib.views import current_unit
    from qinglian.stats import engine

    unit, today = current_unit(request), timezone.localdate()
    found = {f.kind: f.count for f in engine.figures(unit=unit, date_from=dt.date(today.year, 1, 1), date_to=today,
                                                     kinds=["duty.", "letter."])}
    due, total = found.get("duty.due", 0), found.get("duty.total", 0)
    signed, unsigned = found.get("letter.responsibility_signed", 0), found.get("letter.responsibility_unsigned", 0)
    return {
        "title": "三个清单与责任书",
        "lines": [("当期待履行责任事项", f"{due} / {total} 项", reverse("records:duties")),
                  (f"{today.year}年责任书未签订", f"{unsigned} / {signed + unsigned} 份", reverse("records:letters"))],
        "order": 20,
        "level": "red" if due else ("yellow" if unsigned else "green"),
    }
