"""How verification joins the ledger, all in one place (called from VerifyConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from qinglian.org.scoping import visible_unit_q


def shared_measures_q(user: Any) -> Q:
    """The measures a user's units assist on (配合单位): they may open them. Fail-closed like visible_unit_q."""
    from qinglian.verify.models import AssistingUnit

    return Q(pk__in=AssistingUnit.objects.filter(visible_unit_q(user)).values("measure_id"))


def install() -> None:
    from qinglian.ledger import selectors
    from qinglian.ledger import services as ledger_services
    from qinglian.stats.registry import register
    from qinglian.verify.services.acceptance import check_approve, check_request
    from qinglian.verify.spotchecks import SpotCheckProvider
    from qinglian.verify.stats import VerifyProvider

    ledger_services.on_closure("request", check_request)
    ledger_services.on_closure("approve", check_approve)
    if shared_measures_q not in selectors.MEASURE_SHARES:
        selectors.MEASURE_SHARES.append(shared_measures_q)
    register(VerifyProvider())
    from qinglian.verify import classes

    classes.install()
    register(SpotCheckProvider())
