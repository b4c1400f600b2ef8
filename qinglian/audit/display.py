"""How an audit row reads to the audit admin: the object's Chinese name, each changed field by its label
(the model field's verbose_name), values as the pages show them (choices by label, related rows by name,
times in China's time), never a Python dict with English keys or a UTC time."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone

from qinglian.audit.models import AuditEntry

# Keys some services write that are no field of the object.
EXTRA_LABELS = {
    "created": "新建条数", "origin": "来源说明", "ids": "编号", "count": "数量", "tickets": "舆情", "activity": "纪实记录",
    "measure": "整改措施", "problem": "问题", "unit": "单位", "status_after": "记录后状态",
}
EMPTY = "（空）"


@dataclass(frozen=True)
class Change:
    label: str
    before: str | None  # None: the key is not in `before` (a creation shows only the after side)
    after: str | None


def object_model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type) if "." in object_type else None
    except LookupError:
        return None


def object_type_label(object_type: str) -> str:
    model = object_model(object_type)
    if model is None or str(model._meta.verbose_name).isascii():
        return "—" if not object_type else "其他"
    return str(model._meta.verbose_name)


def object_type_choices() -> list[tuple[str, str]]:
    """Every model of the project's apps, by its Chinese name (the audit filter's choices)."""
    rows = [(m._meta.label_lower, str(m._meta.verbose_name)) for m in apps.get_models()
            if m.__module__.startswith("qinglian.") and not str(m._meta.verbose_name).isascii()]
    return sorted(rows, key=lambda r: r[1])


def _field(model: type[models.Model] | None, key: str) -> Any:
    if model is None:
        return None
    for name in (key, key[:-3] if key.endswith("_id") else None):
        if name:
            try:
                return model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
    return None


def _label(field: Any, key: str) -> str:
    if field is not None and getattr(field, "verbose_name", None):
        return str(field.verbose_name)
    return EXTRA_LABELS.get(key, key)


def local_time(value: str) -> str | None:
    """'2026-12-01 19:42:00+00:00' (or ISO with T) as China's time; None when it is no time with a zone."""
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


# Keys that name a row without being a relation of the object (a progress note's measure, a digest's tickets).
EXTRA_RELATED = {"measure": "ledger.measure", "problem": "ledger.problem", "unit": "org.unit",
                 "activity": "records.activity", "tickets": "publicity.opinionticket"}


def _related_model(field: Any, key: str) -> type[models.Model] | None:
    if field is not None and getattr(field, "is_relation", False) and field.related_model is not None:
        return field.related_model  # type: ignore[no-any-return]
    return object_model(EXTRA_RELATED[key]) if key in EXTRA_RELATED else None


class Names:
    """Names of the rows the entries of one page point at: one query per related model, whatever the page."""

    def __init__(self, wanted: dict[type[models.Model], set[int]]) -> None:
        self.names: dict[tuple[type[models.Model], int], str] = {}
        for model, ids in wanted.items():
            manager = getattr(model, "with_deleted", None) or model._default_manager
            for obj in manager.filter(pk__in=ids)[:1000]:
                self.names[(model, obj.pk)] = str(getattr(obj, "display_name", None) or obj)[:40]

    def __call__(self, model: type[models.Model], pk: Any) -> str:
        return self.names.get((model, pk), f"编号 {pk}")


def _ids(value: Any) -> list[int]:
    items = value if isinstance(value, list) else [value]
    return [v for v in items if isinstance(v, int) and not isinstance(v, bool)]


def _show(value: Any, field: Any, related: type[models.Model] | None, names: Names) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if related is not None and _ids(value):
        return "、".join(names(related, v) for v in _ids(value))
    if isinstance(value, list):
        return "、".join(_show(v, None, None, names) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{EXTRA_LABELS.get(k, k)}：{_show(v, None, None, names)}" for k, v in value.items())
    choices = dict(getattr(field, "flatchoices", None) or [])
    if choices and value in choices:
        return str(choices[value])
    if isinstance(value, str) and (moment := local_time(value)) is not None:
        return moment
    return str(value)


def changes(entries: Sequence[AuditEntry]) -> dict[int, list[Change]]:
    """Each entry's before/after as labelled, readable changes (entries of one page; a few queries in all)."""
    plan: list[tuple[AuditEntry, dict[str, Any], dict[str, Any], list[tuple[str, Any, Any]]]] = []
    wanted: dict[type[models.Model], set[int]] = defaultdict(set)
    for entry in entries:
        model = object_model(entry.object_type)
        before, after = _as_dict(entry.before), _as_dict(entry.after)
        rows = []
        for key in dict.fromkeys([*before, *after]):
            field = _field(model, key)
            related = _related_model(field, key)
            if related is not None:
                for side in (before, after):
                    wanted[related].update(_ids(side.get(key)))
            rows.append((key, field, related))
        plan.append((entry, before, after, rows))
    names = Names(wanted)
    return {entry.pk: [Change(label=_label(field, key) if key else "内容",
                              before=_show(before[key], field, related, names) if key in before else None,
                              after=_show(after[key], field, related, names) if key in after else None)
                       for key, field, related in rows if key != "version"]
            for entry, before, after, rows in plan}


def _as_dict(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    return value if isinstance(value, dict) else {"": value}
