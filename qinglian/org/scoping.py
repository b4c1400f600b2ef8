"""The one rule deciding which units a user sees.

A business account (录入员, 负责人, 监督员) sees its unit and the whole subtree below it; a supervisor's unit is
the one it supervises. Admin accounts see no business data at all. Everything that lists, shows, exports
or searches business rows goes through `visible_unit_q` (usually via `Record.objects.visible_to(user)`),
and it fails closed: an anonymous user or a user with no unit matches nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from qinglian.org.models import Unit, path_successor

NOTHING = Q(pk__in=[])


def scope_root(user: Any) -> Unit | None:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_business", False):
        return None
    return user.unit if user.unit_id and user.unit.deleted_at is None else None


def rule_key(user: Any) -> tuple[str | None, str]:
    """Everything of `user` that `Record.visible_to` reads (its scope root and its clearance): two accounts with
    the same key see the same rows, so a statement compiled from the rule for one serves the other
    (`lib.models.ValuesPage`). A rule that comes to read more of the account must add it here."""
    root = scope_root(user)
    return (root.path if root is not None else None, getattr(user, "clearance", ""))


def visible_unit_q(user: Any, field: str = "unit") -> Q:
    """A Q on a model whose unit sits at `field` ("self" for Unit itself)."""
    root = scope_root(user)
    if root is None:
        return NOTHING
    return subtree_q(root, field)


def subtree_q(root: Unit, field: str = "unit") -> Q:
    prefix = "" if field == "self" else f"{field}__"
    return Q(**{f"{prefix}path__gte": root.path, f"{prefix}path__lt": path_successor(root.path)})


def visible_units(user: Any) -> Any:
    return Unit.objects.filter(visible_unit_q(user, "self"))


def may_see_unit(user: Any, unit: Unit) -> bool:
    root = scope_root(user)
    return root is not None and unit.path.startswith(root.path)


def may_write_unit(user: Any, unit: Unit) -> bool:
    return bool(getattr(user, "can_write", False)) and may_see_unit(user, unit)
