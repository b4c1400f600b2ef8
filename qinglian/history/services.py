"""Writing history: one `Version` row for every write of a business record, in the write's own transaction.

The row copies the record's columns as the database stores them, read back with one SELECT after the write:
so an encrypted field is kept as its ciphertext, and what history holds is exactly what the table held.
Single writes come from `Record.save()` (through lib.tracking); bulk writes (imports, the demo loader, a
service that saves a record and then its links) from the end of a `tracking.bulk()` block, in bulk.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.db.models.signals import m2m_changed
from django.utils import timezone

from qinglian.history.models import Version, VersionKind
from qinglian.lib import tracking
from qinglian.lib.models import Record

BATCH = 500


def _chunks(items: list[Any], size: int = BATCH) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def stored_rows(model: type[models.Model], pks: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The rows of `pks` as stored: every concrete column (by attname), JSON-able, plus the many-to-many ids."""
    fields = list(model._meta.concrete_fields)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    key = quote(model._meta.pk.column)
    converters = [
        (connection.ops.get_db_converters(f.get_col(model._meta.db_table)),
         f.from_db_value if isinstance(f, models.JSONField) else None)
        for f in fields
    ]
    rows: dict[int, dict[str, Any]] = {}
    keys = sorted({int(pk) for pk in pks})
    with connection.cursor() as cursor:
        for batch in _chunks(keys):
            marks = ", ".join(["%s"] * len(batch))
            # identifiers come from the model's meta and are quoted; the values are parameters
            sql = f"SELECT {columns} FROM {table} WHERE {key} IN ({marks})"  # nosec B608
            cursor.execute(sql, batch)
            for raw in cursor.fetchall():
                values: dict[str, Any] = {}
                for f, value, (backend, own) in zip(fields, raw, converters, strict=True):
                    expression = f.get_col(model._meta.db_table)
                    for convert in backend:
                        value = convert(value, expression, connection)
                    if own is not None:
                        value = own(value, expression, connection)
                    values[f.attname] = value
                pk = int(values[model._meta.pk.attname])
                rows[pk] = {"fields": _jsonable(values), "m2m": {}}
    for m2m in model._meta.many_to_many:
        through = m2m.remote_field.through
        source, target = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
        for row in rows.values():
            row["m2m"][m2m.name] = []
        for batch in _chunks(list(rows)):
            links = through._base_manager.filter(**{f"{source}_id__in": batch}).values_list(
                f"{source}_id", f"{target}_id")
            for owner, other in links:
                rows[owner]["m2m"][m2m.name].append(other)
        for row in rows.values():
            row["m2m"][m2m.name].sort()
    return rows


class _ExactEncoder(DjangoJSONEncoder):
    """Django's encoder, but moments keep their microseconds (it cuts them to milliseconds): a version
    rebuilds the row exactly."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(json.dumps(values, cls=_ExactEncoder, ensure_ascii=False))
    return result


def _kind(previous: dict[str, Any] | None, current: dict[str, Any], created: bool) -> str:
    if created:
        return VersionKind.CREATE
    was = (previous or {}).get("fields", {}).get("deleted_at")
    now = current["fields"].get("deleted_at")
    if previous is not None and was is None and now is not None:
        return VersionKind.DELETE
    if was is not None and now is None:
        return VersionKind.RESTORE
    if previous is not None and previous.get("fields") == current["fields"]:
        return VersionKind.RELATED  # only its links changed
    return VersionKind.UPDATE


def _latest(label: str, pks: list[int]) -> dict[int, dict[str, Any]]:
    """The newest history row's data of each of `pks`."""
    if not pks:
        return {}
    newest = (Version.objects.filter(model=label, object_id__in=pks).values("object_id")
              .annotate(last=models.Max("id")).values_list("last", flat=True))
    return {v.object_id: v.data for v in Version.objects.filter(pk__in=list(newest)).only("object_id", "data")}


def _names(ids: set[int]) -> dict[int, str]:
    from qinglian.org.models import User

    if not ids:
        return {}
    return {u.pk: u.display_name for u in User.objects.filter(pk__in=ids).select_related("person")}


def _user_id(user: Any) -> int | None:
    return user.pk if user is not None and getattr(user, "is_authenticated", False) else None


def write(model: type[models.Model], pks: Iterable[int], *, created: set[int] | frozenset[int] = frozenset(),
          reason: str = "", user: Any = None) -> int:
    """Append one history row for each of `pks`, in bulk. Returns how many were written."""
    label = model._meta.label_lower
    keys = sorted(set(pks))
    now = timezone.now()
    fallback = _user_id(user)
    written = 0
    for batch in _chunks(keys, 2000):
        rows = stored_rows(model, batch)
        previous = _latest(label, [pk for pk in batch if pk not in created])
        actors = {row["fields"].get("updated_by_id") or fallback for row in rows.values()}
        names = _names({a for a in actors if a})
        versions = []
        for pk, data in rows.items():
            actor = data["fields"].get("updated_by_id") or fallback
            versions.append(Version(
                model=label, object_id=pk, version=data["fields"].get("version"),
                kind=_kind(previous.get(pk), data, pk in created), at=now, actor_id=actor,
                actor_name=names.get(actor, "系统") if actor else "系统", reason=reason[:500], data=data,
            ))
        Version.objects.bulk_create(versions, batch_size=1000)
        written += len(versions)
    return written


class HistoryObserver:
    def saved(self, instance: models.Model, created: bool, reason: str) -> None:
        write(type(instance), [instance.pk], created={instance.pk} if created else frozenset(), reason=reason)

    def related_changed(self, instance: models.Model, reason: str) -> None:
        write(type(instance), [instance.pk], reason=reason)

    def bulk_written(self, scope: tracking.BulkScope) -> None:
        for model, pks in scope.written.items():
            write(model, pks, created=scope.created.get(model, set()), reason=scope.reason, user=scope.user)


def _links_changed(sender: Any, instance: Any, action: str, reverse: bool, model: Any, pk_set: Any,
                   **kwargs: Any) -> None:
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        if isinstance(instance, Record):
            tracking.related_changed(instance)
    elif isinstance(model, type) and issubclass(model, Record) and pk_set:
        for other in model._base_manager.filter(pk__in=pk_set):
            tracking.related_changed(other)


_OBSERVER = HistoryObserver()


def connect() -> None:
    tracking.observe(_OBSERVER)
    m2m_changed.connect(_links_changed, dispatch_uid="qinglian_history_links")
