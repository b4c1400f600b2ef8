"""A change of policy is audited with what it was and what it became: the second change of the security
policy (and of the rate limits) records the first change's values as its "before"."""

from __future__ import annotations

from qinglian.audit.models import AuditEntry
from qinglian.lib.testing import World

SECURITY = {"failure_limit": 5, "failure_window_minutes": 15, "lockout_minutes": 30, "address_failure_limit": 30,
            "address_window_minutes": 15, "address_block_minutes": 15, "password_max_age_days": 90,
            "password_history": 5, "dormant_days": 90}
RATES = {"login_limit": 60, "export_limit": 30, "download_limit": 120, "generate_limit": 20, "code_limit": 60}


def _last(summary: str) -> AuditEntry:
    return AuditEntry.objects.filter(summary=summary).latest("id")


def test_the_security_policy_audit_keeps_the_value_before(world: World) -> None:
    client = world.client("secadmin")
    assert client.post("/org/policy/", {**SECURITY, "failure_limit": 4}).status_code == 302
    assert client.post("/org/policy/", {**SECURITY, "failure_limit": 3}).status_code == 302
    entry = _last("修改安全策略")
    assert entry.before["failure_limit"] == 4 and entry.after["failure_limit"] == 3


def test_the_rate_policy_audit_keeps_the_value_before(world: World) -> None:
    client = world.client("secadmin")
    assert client.post("/limits/policy/", {**RATES, "export_limit": 20}).status_code == 302
    assert client.post("/limits/policy/", {**RATES, "export_limit": 10}).status_code == 302
    entry = _last("修改频率限制")
    assert entry.before["export_limit"] == 20 and entry.after["export_limit"] == 10
