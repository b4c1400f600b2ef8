"""Plain SQL for the statistics engine's hot path, the same on SQLite and PostgreSQL.

Every figure is asked for on every report, dashboard and statistics page, and the ORM spends about a
millisecond building each query, far more than the database spends answering a county's question. So each
provider counts its figures in one statement written here; the querysets behind its trace page stay the
definition, and a test holds every figure equal to the sum of its trace on the demo county.

Statements name parameters (`%(lo)s`); `subtree` gives the materialised-path range of a unit's subtree
(the rule of `org.scoping.subtree_q`), `day` and `moment` adapt dates and datetimes as the ORM does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import connection

from qinglian.org.models import Unit, path_successor

IN_SUBTREE = "u.path >= %(lo)s AND u.path < %(hi)s"  # with the unit table joined as `u`


def in_subtree(column: str, whole: bool = False) -> str:
    """The condition that `column` (a unit id) lies in the subtree %(lo)s…%(hi)s, without joining the unit
    table to the counted rows; `whole`: the subtree is the whole tree (`whole_tree`), so there is nothing to
    test and the count reads the records alone."""
    if whole:
        return "1 = 1"
    return f"{column} IN (SELECT id FROM {Unit._meta.db_table} WHERE path >= %(lo)s AND path < %(hi)s)"


def whole_tree(root: Unit) -> bool:
    """True when `root` is the only root of the unit tree (deleted units included): every unit lies in its
    subtree, so every record does."""
    if root.parent_id is not None:
        return False
    return not fetch(f"SELECT 1 FROM {Unit._meta.db_table} WHERE parent_id IS NULL AND id <> %(pk)s LIMIT 1",  # nosec B608
                     {"pk": root.pk})


def tables(*models: Any) -> dict[str, str]:
    """{"unit": "org_unit", …}: each model's table by its lower-case class name (Unit always included)."""
    return {m.__name__.lower(): m._meta.db_table for m in (*models, Unit)}


def subtree(root: Unit) -> dict[str, str]:
    return {"lo": root.path, "hi": path_successor(root.path)}


def period(scope: Any) -> dict[str, Any]:
    """The parameters of a statistics scope: its subtree (`lo`, `hi`) and its days (`date_from`, `date_to`)."""
    return {**subtree(scope.root), "date_from": day(scope.date_from), "date_to": day(scope.date_to)}


def day(value: dt.date) -> Any:
    return connection.ops.adapt_datefield_value(value)


def moment(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def placeholders(values: Sequence[Any]) -> str:
    """One positional parameter per value, for an `IN (…)` list."""
    return ", ".join(["%s"] * len(values))


def fetch(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
