"""A 1 GB zip bomb (1.2 MB on disk) is refused with little memory wherever an .xlsx comes in: the ledger's web
upload and preview, the records import, `qinglian ledger import --dry-run`.

The measuring runs in a fresh Python (its own SQLite database, the Django test client) so nothing this test
process has allocated counts, under an address-space cap so the reader that inflated the whole sheet (3.3 GB
in the tester's report) fails the test instead of the machine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from paperwork.tests.data.bombs import MB, write_bomb
from qinglian.ledger.tests.sheets import build
from qinglian.lib.testing import migrated_sqlite

# engine-independent (a subprocess with its own SQLite database): run once, on SQLite (Makefile)
pytestmark = pytest.mark.single_engine

SCRIPT = r"""
import contextlib, io, json, os, resource, sys, tracemalloc
cap = 2560 * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
tmp, bomb = sys.argv[1], sys.argv[2]
os.environ.update(DATABASE_URL=f"sqlite:///{tmp}/db.sqlite3", QINGLIAN_DATA_DIR=f"{tmp}/var",
                  DJANGO_SETTINGS_MODULE="qinglian.settings")
import django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test.utils import setup_test_environment
setup_test_environment()
call_command("migrate", verbosity=0)
from qinglian import cli
from qinglian.lib.testing import build_world
world = build_world()
data = open(bomb, "rb").read()


def measured(step):
    tracemalloc.start()
    try:
        answer = step()
    except MemoryError:
        answer = "MemoryError"
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"peak": peak, "answer": answer}


def web_ledger():
    client = world.client("clerk_a")
    response = client.post("/ledger/import/", {"file": SimpleUploadedFile("台账.xlsx", data), "kind": "inspection"})
    if response.status_code == 302:  # parked: the parse happens when the preview is shown
        response = client.get(response["Location"])
    return [response.status_code, response.content.decode()]


def web_records():
    response = world.client("clerk_a").post("/records/import/", {"unit": world.a.pk,
                                                                 "file": SimpleUploadedFile("纪实.xlsx", data)})
    return [response.status_code, response.content.decode()]


def command():
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["ledger", "import", bomb, "--unit", "示范县/县委宣传部", "--dry-run"])
    return [code, out.getvalue() + err.getvalue()]


print(json.dumps({"web_ledger": measured(web_ledger), "web_records": measured(web_records),
                  "cli": measured(command)}))
"""


def test_the_bomb_is_refused_with_a_small_peak_through_the_web_the_records_import_and_the_cli(django_db_setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    migrated_sqlite(tmp_path / "db.sqlite3")  # the script's migrate is then a quick no-op
    bomb = write_bomb(tmp_path / "台账.xlsx", build(), inflated=1024 * MB)
    assert bomb.stat().st_size < 2 * MB
    root = Path(__file__).resolve().parents[3]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path), str(bomb)], capture_output=True, text=True,
                          cwd=root, env={**env, "PYTHONPATH": str(root)}, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    refusal = "解压后的内容超过 50 MB"
    status, body = result["web_ledger"]["answer"]
    assert status == 200 and refusal in body and "上传并预览" in body
    status, body = result["web_records"]["answer"]
    assert status == 200 and refusal in body
    code, output = result["cli"]["answer"]
    assert code != 0 and refusal in output and "导入未完成" in output and "Traceback" not in output
    for step, measured in result.items():
        assert measured["peak"] < 100 * MB, (step, measured["peak"] / MB)
