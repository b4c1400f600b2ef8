"""Subprocess entry for the multi-process tests: `python -m qinglian.jobs.tests.driver worker ARGS…` runs
`qinglian worker` with the test handlers loaded; `enqueue KIND COUNT JSON` queues COUNT jobs at once."""

from __future__ import annotations

import json
import os
import sys


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinglian.settings")
    import django

    django.setup()
    from qinglian.jobs.tests import handlers  # noqa: F401  (registers the test handlers)

    if argv[0] == "worker":
        from django.core.management import call_command

        call_command("worker", *argv[1:])
        return 0
    if argv[0] == "enqueue":
        from django.db import transaction

        from qinglian.jobs.queue import enqueue

        kind, count, payload = argv[1], int(argv[2]), json.loads(argv[3])
        with transaction.atomic():  # all at once: the workers see none, then all
            ids = [enqueue(kind, payload).pk for _ in range(count)]
        print(json.dumps(ids))
        return 0
    raise SystemExit(f"unknown driver command {argv[0]!r}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
