"""paperwork is Django-free: importing it must not import Django (issue 6)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_no_django_import() -> None:
    code = (
        "import sys\n"
        "import paperwork.read, paperwork.read.cli, paperwork.read.score, paperwork.check\n"
        "from paperwork.read import read_text\n"
        "read_text('报告\\n一、基本情况\\n开展学习3次。')\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "assert not bad, bad\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
