"""Counting requests against the rate policy and refusing the excess with a 429.

A fixed window per (kind, key): the window of a request starts at the last multiple of the window length
(seconds since the epoch), so a 10-minute window ends on a round HH:M0 the refusal can name. The count lives
where every process sees the same number: in the shared cache when CACHE_URL names one (Valkey/Redis: INCR is
atomic, the key expires with its window), else in the database, one row per (kind, key), the account's row and
the address's row counted by one statement. A shared cache that does not answer falls back to the database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from qinglian.audit.services import client_ip
from qinglian.limits.models import Kind, RateCounter, RatePolicy
from qinglian.org.models import username_key

__all__ = ["Kind", "Refusal", "key_count", "rate_count", "rate_limited", "rate_refusal", "window_counts"]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Refusal:
    retry_at: dt.datetime
    retry_after: int  # whole seconds, for the Retry-After header

    @property
    def message(self) -> str:
        return f"操作过于频繁，请于 {timezone.localtime(self.retry_at):%H:%M} 后再试。"


def _keys(request: HttpRequest, account: str | None) -> list[str]:
    keys = []
    if account is None and getattr(request, "user", None) is not None and request.user.is_authenticated:
        account = str(request.user.pk)
    if account:
        keys.append(f"account:{account}")
    if ip := client_ip(request):
        keys.append(f"address:{ip}")
    return keys


def _count_sql(rows: int) -> str:
    q = connection.ops.quote_name
    table, key, count = q(RateCounter._meta.db_table), q("key"), q("count")
    values = ", ".join(["(%s, %s, %s, 1)"] * rows)
    # A row of an earlier window starts again at 1 in the new one; a row of this window adds one.
    # identifiers from the model, every value a bound parameter
    return (f"INSERT INTO {table} (kind, {key}, window_start, {count}) VALUES {values} "  # nosec B608
            f"ON CONFLICT (kind, {key}) DO UPDATE SET "
            f"{count} = CASE WHEN {table}.window_start = excluded.window_start THEN {table}.{count} + 1 ELSE 1 END, "
            f"window_start = excluded.window_start RETURNING {count}")


def window_counts(kind: str, keys: list[str], start: int, window: int) -> list[int]:
    """Count one more request of `kind` for each key in the window starting at `start`; the counts now."""
    if settings.QINGLIAN_SHARED_CACHE:
        try:
            return [_cache_count(kind, key, start, window) for key in keys]
        except Exception as exc:  # the cache is down or unreachable: count in the database rather than not at all
            log.warning("rate counters: shared cache unavailable (%s), counting in the database", exc)
    params: list[Any] = []
    for key in keys:
        params += [kind, key[:200], start]
    with connection.cursor() as cursor:
        cursor.execute(_count_sql(len(keys)), params)
        return [row[0] for row in cursor.fetchall()]


def _cache_count(kind: str, key: str, start: int, window: int) -> int:
    # keys carry usernames (Chinese, spaces): hashed to what any cache backend takes
    name = f"rate:{kind}:{start}:{hashlib.blake2b(key.encode(), digest_size=16).hexdigest()}"
    cache.add(name, 0, timeout=window + 5)  # the window's first request creates the counter, expiring after it
    try:
        return int(cache.incr(name))
    except ValueError:  # expired between add and incr: this request is the first of its counter
        cache.set(name, 1, timeout=window + 5)
        return 1


def rate_count(*, request: HttpRequest, kind: str, account: str | None = None) -> Refusal | None:
    """Count one request of `kind` for its account (the signed-in user, or `account` — a login's username) and
    its client address; a Refusal when either is over the policy's limit for the current window."""
    if settings.QINGLIAN_RATE_LIMITS_OFF:
        return None
    keys = _keys(request, account)
    if not keys:
        return None
    return _counted(kind, keys, RatePolicy.WINDOWS[kind], RatePolicy.current().limit(kind))


def key_count(*, kind: str, key: str, window: int, limit: int) -> Refusal | None:
    """Count one request of `kind` for one `key` (an API token, say) in fixed windows of `window` seconds, on the
    same counters as the policy's limits; a Refusal when it is over `limit` in the current window."""
    if settings.QINGLIAN_RATE_LIMITS_OFF:
        return None
    return _counted(kind, [key], window, limit)


def _counted(kind: str, keys: list[str], window: int, limit: int) -> Refusal | None:
    """Count the request for each key in the current window; a Refusal when any count is over `limit`."""
    now = timezone.now().timestamp()
    start = int(now // window) * window
    if max(window_counts(kind, keys, start, window)) <= limit:
        return None
    end = start + window
    return Refusal(retry_at=dt.datetime.fromtimestamp(end, tz=dt.UTC), retry_after=max(1, math.ceil(end - now)))


def refused_response(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    response = render(request, "limits/too_many.html", {"message": refusal.message}, status=429)
    response["Retry-After"] = str(refusal.retry_after)
    return response


def rate_refusal(request: HttpRequest, kind: str, account: str | None = None) -> HttpResponse | None:
    """The 429 answer when this request of `kind` is one too many, else None (and the request is counted)."""
    refusal = rate_count(request=request, kind=kind, account=account)
    return refused_response(request, refusal) if refusal else None


def rate_limited(kind: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A view decorator: each request counts, the excess answers 429."""
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            return rate_refusal(request, kind) or view(request, *args, **kwargs)
        return wrapped
    return decorator


def login_limited(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The login view's limit: each POST counts for the username it names and for its address. It sits in
    front of the lockout (qinglian.org.auth), which still counts failures on its own."""
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            username = username_key(str(request.POST.get("username", "")))
            refusal = rate_count(request=request, kind=Kind.LOGIN, account=username or None)
            if refusal:
                return refused_response(request, refusal)
        return view(request, *args, **kwargs)
    return wrapped
