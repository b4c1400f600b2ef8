"""Writers for the restore drill, run as a process of its own against the database DATABASE_URL names:

    python -m qinglian.backup.tests.writers STOPFILE [THREADS]

Each thread adds units under its own department through the service (one audit row each) until STOPFILE
exists (two minutes at most); prints `ready` once the tree stands, then the number of acknowledged writes as
JSON.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path


def main(stop: Path, threads: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinglian.settings")
    import django

    django.setup()
    from django.db import connection

    from qinglian.org.models import UnitKind
    from qinglian.org.services import unit_create

    county = unit_create(user=None, name="演练县", kind=UnitKind.COUNTY, parent=None)
    departments = [unit_create(user=None, name=f"部门{i}", kind=UnitKind.DEPARTMENT, parent=county)
                   for i in range(threads)]
    connection.close()
    print("ready", flush=True)
    end = time.monotonic() + 120
    written: list[int] = []

    def work(parent: object) -> None:
        n = 0
        try:
            while time.monotonic() < end and not stop.exists():
                unit_create(user=None, name=f"股室{n}", kind=UnitKind.OFFICE, parent=parent)
                n += 1
        finally:
            connection.close()
            written.append(n)

    pool = [threading.Thread(target=work, args=(d,)) for d in departments]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    print(json.dumps({"written": sum(written), "threads": len(written)}), flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 10)
