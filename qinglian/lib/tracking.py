"""No write to a business record slips past its history.

`Record.save()` reports every write to the observers registered here (the history app registers one at
start-up), inside the same transaction. A bare `QuerySet.update()`, `bulk_update()` or `bulk_create()` on a
record model raises `UntrackedWrite`, unless it touches only the model's `UNTRACKED_FIELDS` (denormalised and
count columns: a problem's `is_leaf`, an activity's `weight`) or runs inside `bulk(reason)`, the path of
imports, the demo loader and the benchmarks: it collects the rows the block wrote and, when the block ends,
hands them to the observers at once (one history row per row written, written in bulk).

This module sits in `lib` and knows nothing of the history app: the history app imports it, never the reverse.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db import models, transaction


class UntrackedWrite(RuntimeError):
    """A bulk write to a tracked model outside `bulk()`: it would leave no history."""


class Observer(Protocol):
    def saved(self, instance: models.Model, created: bool, reason: str) -> None: ...

    def related_changed(self, instance: models.Model, reason: str) -> None: ...

    def bulk_written(self, scope: BulkScope) -> None: ...


@dataclass
class BulkScope:
    reason: str
    user: Any = None
    # model -> primary keys written in the block; `created` holds those the block inserted
    written: dict[type[models.Model], set[int]] = field(default_factory=dict)
    created: dict[type[models.Model], set[int]] = field(default_factory=dict)

    def touch(self, model: type[models.Model], pks: Iterable[Any], *, created: bool = False) -> None:
        model = model._meta.concrete_model or model
        keys = {int(pk) for pk in pks if pk is not None}
        self.written.setdefault(model, set()).update(keys)
        if created:
            self.created.setdefault(model, set()).update(keys)


_observers: list[Observer] = []
_scope: ContextVar[BulkScope | None] = ContextVar("qinglian_bulk_scope", default=None)
_reason: ContextVar[str] = ContextVar("qinglian_write_reason", default="")
_inner: ContextVar[bool] = ContextVar("qinglian_inner_bulk", default=False)


def observe(observer: Observer) -> None:
    if observer not in _observers:
        _observers.append(observer)


def active() -> BulkScope | None:
    return _scope.get()


@contextmanager
def bulk(reason: str, user: Any = None) -> Iterator[BulkScope]:
    """Permit bulk writes to tracked models for the block; their history is written when it ends, in the
    same transaction: one row per record written, however often the block wrote it (a service that saves a
    record and then sets its links leaves one version). Nested blocks join the outermost. An empty `reason`
    takes the first one a service gives inside the block."""
    outer = _scope.get()
    if outer is not None:
        yield outer
        return
    scope = BulkScope(reason=reason, user=user)
    with transaction.atomic():
        token = _scope.set(scope)
        try:
            yield scope
        finally:
            _scope.reset(token)
        for observer in _observers:
            observer.bulk_written(scope)


@contextmanager
def reason(text: str) -> Iterator[None]:
    """Why the writes of the block happen (the audit summary of a service), kept with their history."""
    token = _reason.set(text)
    try:
        yield
    finally:
        _reason.reset(token)


@contextmanager
def inner() -> Iterator[None]:
    """Django's own bulk_update runs update() underneath: that update is part of a write already accounted."""
    token = _inner.set(True)
    try:
        yield
    finally:
        _inner.reset(token)


def saved(instance: models.Model, created: bool) -> None:
    scope = _scope.get()
    if scope is not None:
        scope.touch(type(instance), [instance.pk], created=created)
        scope.reason = scope.reason or _reason.get()
        return
    for observer in _observers:
        observer.saved(instance, created, _reason.get())


def related_changed(instance: models.Model) -> None:
    scope = _scope.get()
    if scope is not None:
        scope.touch(type(instance), [instance.pk])
        return
    for observer in _observers:
        observer.related_changed(instance, _reason.get())


def check_bulk(model: type[models.Model], fields: Iterable[str], what: str) -> BulkScope | None:
    """The scope a bulk write joins; None for a write of untracked columns only; raises otherwise."""
    if _inner.get():
        return None
    scope = _scope.get()
    if scope is not None:
        return scope
    names = set(fields)
    if names and names <= set(getattr(model, "UNTRACKED_FIELDS", ())):
        return None
    raise UntrackedWrite(
        f"{model._meta.label}.{what}() of {sorted(names) or 'rows'} would leave no history: "
        "write through the services, or inside qinglian.lib.tracking.bulk(reason)."
    )
