"""Job handlers and periodic jobs, registered by name. Django-free, so an app's AppConfig.ready or its
`jobs` module may import it before the models are loaded.

    from qinglian import jobs

    @jobs.handler("reports.batch", title="批量生成报告", max_attempts=3)
    def batch(ctx: JobContext) -> dict | None: ...

    jobs.periodic("notify.reminders", kind="notify.reminders", every=300)
    jobs.periodic("notify.reminders.morning", kind="notify.reminders", daily="08:00")
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from qinglian.jobs.context import JobContext

Handler = Callable[["JobContext"], "dict[str, Any] | None"]
CHINA = ZoneInfo("Asia/Shanghai")
DEFAULT_ATTEMPTS = 5


@dataclass(frozen=True)
class HandlerSpec:
    kind: str
    func: Handler
    title: str
    max_attempts: int = DEFAULT_ATTEMPTS


HANDLERS: dict[str, HandlerSpec] = {}


def handler(kind: str, *, title: str = "", max_attempts: int = DEFAULT_ATTEMPTS) -> Callable[[Handler], Handler]:
    """Register `func(ctx) -> result dict | None` as the handler of jobs of `kind`. The title (Chinese) is what
    the pages call such a job. A handler raising JobFailed fails at once; any other exception is retried with
    back-off up to `max_attempts` runs."""
    if not 1 <= max_attempts <= 100:
        raise ValueError("max_attempts must be between 1 and 100")

    def register(func: Handler) -> Handler:
        existing = HANDLERS.get(kind)
        if existing is not None and existing.func is not func:
            raise ValueError(f"job handler {kind!r} registered twice")
        HANDLERS[kind] = HandlerSpec(kind=kind, func=func, title=title or kind, max_attempts=max_attempts)
        return func

    return register


def title_of(kind: str) -> str:
    spec = HANDLERS.get(kind)
    return spec.title if spec else kind


@dataclass(frozen=True)
class Periodic:
    """A job enqueued once per slot: every `every` seconds (slots counted from the epoch), or daily at `daily`
    ("HH:MM", China time). Only the latest slot is ever enqueued, so a worker that was down for a day runs a
    missed daily job once, late, and no burst of every missed five-minute slot."""

    name: str
    kind: str
    every: int | None = None
    daily: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if (self.every is None) == (self.daily is None):
            raise ValueError(f"periodic job {self.name!r}: give exactly one of every= and daily=")
        if self.every is not None and self.every < 10:
            raise ValueError(f"periodic job {self.name!r}: every= is at least 10 seconds")
        if self.daily is not None:
            dt.time.fromisoformat(self.daily)  # ValueError for a malformed HH:MM

    def slot(self, now: dt.datetime) -> dt.datetime:
        """The start of the slot `now` (aware) falls in, as an aware datetime."""
        if self.every is not None:
            epoch = int(now.timestamp()) // self.every * self.every
            return dt.datetime.fromtimestamp(epoch, tz=dt.UTC)
        assert self.daily is not None
        local = now.astimezone(CHINA)
        at = dt.datetime.combine(local.date(), dt.time.fromisoformat(self.daily), tzinfo=CHINA)
        return at if at <= local else at - dt.timedelta(days=1)

    def unique_key(self, slot: dt.datetime) -> str:
        return f"periodic:{self.name}:{slot.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%SZ}"


PERIODIC: dict[str, Periodic] = {}


def periodic(name: str, *, kind: str, every: int | None = None, daily: str | None = None,
             payload: dict[str, Any] | None = None) -> Periodic:
    """Declare a periodic job (schedule as data in code). Registering the same name twice replaces it."""
    entry = Periodic(name=name, kind=kind, every=every, daily=daily, payload=dict(payload or {}))
    PERIODIC[name] = entry
    return entry


class TargetMissing(LookupError):
    """A dotted path names no callable (yet): the message says which and what is affected."""


def import_target(path: str) -> Callable[..., Any]:
    """The callable `path` ("package.module.name") names, imported now; TargetMissing when it is not there."""
    module_name, _, attr = path.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise TargetMissing(f"找不到模块 {module_name}（{exc}）") from exc
    target = getattr(module, attr, None)
    if not callable(target):
        raise TargetMissing(f"模块 {module_name} 中没有函数 {attr}")
    return target  # type: ignore[no-any-return]
