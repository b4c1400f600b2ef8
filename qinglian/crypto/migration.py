"""Data migrations that turn plain columns into encrypted ones (and back): used by the apps' migrations that
switch a field to SealedTextField. A database with rows to seal needs the key file (`qinglian keys init`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Value

from qinglian.crypto.fields import PREFIX, SENSITIVE, open_value, seal_value

BATCH = 1000


def _each(model: Any, names: tuple[str, ...]) -> Any:
    has_label = any(f.name == "security_label" for f in model._meta.fields)
    last = 0
    while True:
        cols = ["pk", *names, *(["security_label"] if has_label else [])]
        rows = list(model._base_manager.filter(pk__gt=last).order_by("pk").values_list(*cols)[:BATCH])
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


def seal_existing(app_label: str, model_name: str, *names: str) -> tuple[Callable[..., None], Callable[..., None]]:
    """(forward, backward) for RunPython: seal the plain values of `names` / open them again."""

    def forward(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        fields = [model._meta.get_field(n) for n in names]
        for row in _each(model, names):
            pk, values, label = row[0], row[1:1 + len(names)], (row[-1] if len(row) > 1 + len(names) else None)
            updates = {}
            for f, raw in zip(fields, values, strict=True):
                plain = getattr(raw, "token", raw) or ""
                if not plain or plain.startswith(PREFIX) or (f.when_sensitive and label != SENSITIVE):
                    continue
                updates[f.attname] = Value(seal_value(model, pk, f.column, plain).token)
            if updates:
                model._base_manager.filter(pk=pk).update(**updates)

    def backward(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        fields = [model._meta.get_field(n) for n in names]
        for row in _each(model, names):
            pk, values = row[0], row[1:1 + len(names)]
            updates = {}
            for f, raw in zip(fields, values, strict=True):
                token = getattr(raw, "token", raw) or ""
                if token.startswith(PREFIX):
                    updates[f.attname] = Value(open_value(model, pk, f.column, token))
            if updates:
                model._base_manager.filter(pk=pk).update(**updates)

    return forward, backward
