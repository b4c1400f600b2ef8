from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from qinglian.lib.nav import NavItem
from qinglian.org.models import BUSINESS_ROLES, Role

SECTION = "宣传与舆情"
NAV = [
    NavItem("宣传稿件", "publicity:publications", BUSINESS_ROLES, section=SECTION, order=40),
    NavItem("宣传通报", "publicity:bulletin", BUSINESS_ROLES, section=SECTION, order=41),
    NavItem("稿件三审", "publicity:drafts", BUSINESS_ROLES, section=SECTION, order=42),
    NavItem("舆情处置", "publicity:tickets", BUSINESS_ROLES, section=SECTION, order=43),
    NavItem("网上舆情", "publicity:digests", BUSINESS_ROLES, section=SECTION, order=44),
    NavItem("审核人指定", "publicity:review_stages", frozenset({Role.LEADER, Role.CLERK}), section=SECTION, order=45),
]


def home_card(request: HttpRequest) -> dict[str, Any] | None:
    """Overdue alert letters and drafts awaiting review, on both sides of the tree."""
    if not getattr(request.user, "is_business", False):
        return None
    from qinglian.lib.views import current_unit
    from qinglian.org.scoping import subtree_q
    from qinglian.publicity.models import Draft, DraftState, OpinionTicket, TicketState, overdue_q

    unit = current_unit(request)
    today = timezone.localdate()
    mine = subtree_q(unit, "issuing_unit") | subtree_q(unit, "unit")
    tickets = OpinionTicket.objects.visible_to(request.user).filter(mine)
    overdue = tickets.filter(overdue_q(today)).count()
    waiting = tickets.filter(state=TicketState.ANSWERED).count()
    reviewing = Draft.objects.visible_to(request.user).filter(subtree_q(unit), state=DraftState.REVIEWING).count()
    tickets_url = reverse("publicity:tickets")
    return {
        "title": "宣传与舆情",
        "order": 40,
        "level": "red" if overdue else "",
        "lines": [("逾期未反馈的舆情", overdue, f"{tickets_url}?overdue=on"),
                  ("已反馈待核实", waiting, f"{tickets_url}?state=answered"),
                  ("审核中的稿件", reviewing, f"{reverse('publicity:drafts')}?state=reviewing")],
    }
