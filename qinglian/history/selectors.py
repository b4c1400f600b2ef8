"""Reading history: a record's versions, the record as it stood at a moment (with its links and the rows that
hang from it, such as a measure's progress notes), and what changed between two versions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models

from qinglian.history.models import Version
from qinglian.lib.models import Record


class UnknownModel(LookupError):
    pass


def tracked_model(label: str) -> type[Record]:
    """The record model named `app_label.model` (e.g. `ledger.measure`); UnknownModel if it has no history."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError) as exc:
        raise UnknownModel(label) from exc
    if not issubclass(model, Record):
        raise UnknownModel(label)
    return model


def versions(model: type[Record], pk: int) -> list[Version]:
    return list(Version.objects.filter(model=model._meta.label_lower, object_id=pk).order_by("id"))


def version_at(model: type[Record], pk: int, at: dt.datetime) -> Version | None:
    return (Version.objects.filter(model=model._meta.label_lower, object_id=pk, at__lte=at)
            .order_by("-id").first())


def is_sealed(field: models.Field) -> bool:  # type: ignore[type-arg]
    """An encrypted field: history shows that it changed, never its stored ciphertext."""
    return bool(getattr(field, "sealed", False))


def state_at(model: type[Record], pk: int, at: dt.datetime, *, depth: int = 1) -> dict[str, Any] | None:
    """The record as it stood at `at` (None if it did not exist yet), with its many-to-many ids and, `depth`
    levels down, the tracked rows that point at it (their state at the same moment)."""
    found = version_at(model, pk, at)
    if found is None:
        return None
    state: dict[str, Any] = {
        "model": model._meta.label_lower, "id": pk, "version": found.version, "kind": found.kind,
        "at": found.at.isoformat(), "actor": found.actor_name, "fields": found.data["fields"],
        "m2m": found.data.get("m2m", {}),
    }
    if depth > 0:
        related: dict[str, list[dict[str, Any]]] = {}
        for rel in model._meta.related_objects:
            child = rel.related_model
            if rel.many_to_many or not isinstance(child, type) or not issubclass(child, Record):
                continue
            ids = child._base_manager.filter(**{rel.field.name: pk}).values_list("pk", flat=True)
            rows = [s for s in (state_at(child, c, at, depth=depth - 1) for c in ids) if s is not None]
            if rows:
                related[f"{child._meta.label_lower}.{rel.field.name}"] = rows
        state["related"] = related
    return state


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    old: Any
    new: Any
    sealed: bool


def diff(model: type[Record], old: dict[str, Any] | None, new: dict[str, Any]) -> list[FieldChange]:
    """What differs between two versions' data (`old` None: everything the first version set)."""
    before = (old or {}).get("fields", {})
    after = new.get("fields", {})
    changes: list[FieldChange] = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in Record.BOOKKEEPING or field.name in model.UNTRACKED_FIELDS:
            continue
        a, b = before.get(field.attname), after.get(field.attname)
        if a != b and not (old is None and b in (None, "")):
            sealed = is_sealed(field)
            changes.append(FieldChange(field.name, str(field.verbose_name), None if sealed else a,
                                       None if sealed else b, sealed))
    for name, ids in new.get("m2m", {}).items():
        was = (old or {}).get("m2m", {}).get(name, [])
        if sorted(was) != sorted(ids):
            label = str(model._meta.get_field(name).verbose_name)
            changes.append(FieldChange(name, label, was, ids, False))
    return changes
