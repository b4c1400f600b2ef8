from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from qinglian.lib.nav import nav_for
from qinglian.org.scoping import scope_root


def shell(request: HttpRequest) -> dict[str, Any]:
    """The top bar and the left navigation of every page."""
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    context: dict[str, Any] = {"nav": nav_for(request)}
    from qinglian.notify.inbox import unread_counter

    context["inbox_unread"] = unread_counter(user)  # counted once, only where the top bar shows it
    root = scope_root(user)
    if root is not None:
        from qinglian.lib.views import current_unit

        context["scope_root"] = root
        context["current_unit"] = current_unit(request)
    return context
