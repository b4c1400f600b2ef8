"""Test helpers other apps' tests may use."""

from __future__ import annotations

from qinglian.lib.services import record_create
from qinglian.org.models import Unit
from qinglian.verify.models import AcceptanceMode, UnitRules


def one_step_closure(unit: Unit) -> UnitRules:
    """The unit's rules set no 验收: a leader's approval is 销号 (the ledger's one-step road), also for 巡察."""
    return record_create(user=None, obj=UnitRules(unit=unit, acceptance=AcceptanceMode.NONE))
