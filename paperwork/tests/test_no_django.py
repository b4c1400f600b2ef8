"""paperwork/ is the Django-free core: importing every module of it must not pull Django in."""

import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import paperwork

SCRIPT = """
import importlib, json, sys
failed = {}
for name in json.loads(sys.argv[1]):
    try:
        importlib.import_module(name)
    except Exception as exc:  # reported, so a broken module is not mistaken for a clean one
        failed[name] = repr(exc)
print(json.dumps({"django": sorted(m for m in sys.modules if m == "django" or m.startswith("django.")),
                  "failed": failed}))
"""


def test_paperwork_never_imports_django() -> None:
    names = ["paperwork"] + [m.name for m in pkgutil.walk_packages(paperwork.__path__, "paperwork.")]
    assert "paperwork.write.render" in names and "paperwork.calendar" in names
    root = Path(paperwork.__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(names)],
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["failed"] == {}
    assert result["django"] == []
