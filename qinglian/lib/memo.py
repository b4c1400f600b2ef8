"""Exact memos: an answer kept until the next audited write.

Every business write appends to the audit chain in its own transaction (lib.services, audit_log), so the
chain's head names the state of the data. An answer memoised under a key that ends with that head is exact,
never merely recent: the next write changes the key and the next question is answered afresh. A short
expiry bounds what a write made behind the services' back (raw SQL, which the project forbids) could leave.
The memo lives in Django's cache: each process's memory, or the Valkey/Redis that CACHE_URL names, shared by
every app server. Either way the answer is exact across processes, since the version in the key is read from
the database on every question (a write through one server changes the key the others ask for); asking costs
one primary-key read of the chain head. A shared cache that does not answer only costs the memo: the answer is
computed afresh.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

T = TypeVar("T")
log = logging.getLogger(__name__)
MEMO_SECONDS = 300


def data_version() -> str:
    """Changes with every audited write (the audit chain's head); "" before the first one."""
    from qinglian.audit.models import ChainHead

    with connection.cursor() as cursor:  # asked on every memoised answer: kept as cheap as a query gets
        q = connection.ops.quote_name
        cursor.execute(f"SELECT {q('count')}, {q('last_hash')} FROM {q(ChainHead._meta.db_table)} WHERE id = 1")  # identifiers from the models (lib.sql.tables), every value a bound parameter  # nosec B608
        head = cursor.fetchone()
    return f"{head[0]}.{head[1][:20]}" if head else ""


def memo_key(*parts: object) -> str:
    """The question's parts, today and the data version; "" when nothing was audited yet (an empty or
    bulk-loaded database has no version to key on: nothing is memoised)."""
    version = data_version()
    if not version:
        return ""
    question = "|".join([*map(str, parts), timezone.localdate().isoformat()])
    # any cache backend takes it: short, ASCII, no spaces (query strings carry Chinese)
    return f"memo:{hashlib.blake2b(question.encode(), digest_size=16).hexdigest()}:{version}"


def remember(key: str, compute: Callable[[], T], seconds: int = MEMO_SECONDS) -> T:
    """`compute()`, or what it answered under `key` since the last write (always when `key` is ""). An answer
    of None is not remembered."""
    if not key:
        return compute()
    try:
        found = cache.get(key)
    except Exception as exc:  # a shared cache down or unreachable: answer without the memo
        log.warning("memo: cache unavailable (%s), answering afresh", exc)
        return compute()
    if found is None:
        found = compute()
        if found is not None:
            try:
                cache.set(key, found, seconds)
            except Exception as exc:
                log.warning("memo: cache unavailable (%s), answer not kept", exc)
    return found
