"""Background jobs with the database as the queue (see queue.py); `qinglian worker` runs them.

    from qinglian import jobs

    @jobs.handler("reports.batch", title="批量生成报告")      # in an app's jobs.py (autodiscovered)
    def batch(ctx): ...

    job = jobs.enqueue("reports.batch", {"unit": 3}, user=request.user, unit=unit)
"""

from __future__ import annotations

from typing import Any

from qinglian.jobs.registry import handler, periodic

__all__ = ["enqueue", "handler", "periodic"]


def enqueue(kind: str, payload: dict[str, Any] | None = None, **options: Any) -> Any:
    """qinglian.jobs.queue.enqueue, importable before the models are loaded."""
    from qinglian.jobs.queue import enqueue as _enqueue

    return _enqueue(kind, payload, **options)
