"""The offline bundle installs and serves on a machine with no network (the intranet issue).

`scripts/bundle.py` builds the bundle once per session from the committed tree (HEAD) — the x86_64 part only,
to stay quick; `make bundle` adds aarch64 — and the rest runs inside a network namespace of its own
(`unshare -n`) that has nothing but a loopback: extract, install.sh into a fresh venv, migrate, keys init,
demo, serve on 127.0.0.1, fetch the login page and a pinned front-end asset. Nothing of the work tree is on
the path there: the program that answers is the one the bundle installed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

pytestmark = [pytest.mark.single_engine, pytest.mark.slow]  # about a minute: build, install, migrate, demo

ROOT = Path(__file__).resolve().parents[3]
PYTHON311 = Path(sys.base_prefix) / "bin" / "python3.11"
PORT = 8080  # the namespace has a loopback of its own: nothing else listens there
# Runs inside `unshare -n`. $1: the bundle, $2: a scratch folder. Every line must succeed.
OFFLINE = r"""
set -euo pipefail
bundle=$1 work=$2
ip link set lo up
echo "links: $(ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')"
echo "routes: $({ ip route show; ip -6 route show; } | grep -v '^\(::1\|fe80::\)' | grep -c . || true)"
cd "$work"
tar -xzf "$bundle"
./qinglian-*/install.sh "$work/opt"
q=$work/opt/.venv/bin/qinglian py=$work/opt/.venv/bin/python
export DATABASE_URL=sqlite:///$work/site/db.sqlite3 QINGLIAN_DATA_DIR=$work/site/data
mkdir -p site && cd site
"$py" -c 'import qinglian; print("program:", qinglian.__file__)'
"$q" migrate -v0
"$q" keys init
"$q" demo --people 400 >demo.log
echo "demo: $(grep -c . demo.log) lines"
"$q" serve --port PORT --workers 1 >serve.log 2>&1 &
server=$!
trap 'kill -TERM $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
"$py" - <<'EOF'
import time
import urllib.request

deadline = time.monotonic() + 90
while True:
    try:
        page = urllib.request.urlopen("http://127.0.0.1:PORT/login/", timeout=5)
        break
    except OSError:
        if time.monotonic() > deadline:
            raise
        time.sleep(0.3)
body = page.read().decode()
print("login:", page.status, "lang=zh-CN" if 'lang="zh-CN"' in body else "", "登录" if "登录" in body else "")
asset = urllib.request.urlopen("http://127.0.0.1:PORT/static/vendor/htmx.min.js", timeout=5)
print("htmx:", asset.status, len(asset.read()))
EOF
""".replace("PORT", str(PORT))


def _env() -> dict[str, str]:
    """This test's environment less what would lead the installed program back to the work tree."""
    drop = ("PYTHONPATH", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "VIRTUAL_ENV")
    return {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("QINGLIAN_")}


@pytest.fixture(scope="session")  # built once per session (and per xdist worker)
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "bundle.py"), "--arch", "x86_64", "--out",
                             str(out)], capture_output=True, text=True, timeout=600, check=False, cwd=ROOT)
    assert result.returncode == 0, result.stderr + result.stdout
    (archive,) = out.glob("qinglian-*-offline.tar.gz")
    return archive


def _check_contents(bundle: Path) -> None:
    """What an intranet install needs is in the archive."""
    with tarfile.open(bundle) as tar:
        names = tar.getnames()
        top = names[0].split("/")[0]
        missing = tar.extractfile(f"{top}/MISSING.txt").read().decode()  # type: ignore[union-attr]
    for part in ("install.sh", "README.txt", "deploy.md", "constraints.txt", "SHA256SUMS", "wheels/x86_64/GLIBC"):
        assert f"{top}/{part}" in names, part
    wheels = [n.rsplit("/", 1)[1] for n in names if n.endswith(".whl")]
    assert any(w.startswith(f"{top}-py3-none-any") for w in wheels)
    assert any(w.startswith("pip-") for w in wheels)  # a python3.11 without ensurepip installs too
    assert any(w.startswith("psycopg_binary-") and "x86_64" in w for w in wheels)
    assert "x86_64: " in missing


# One test, not two: under xdist a second test could land on the other worker and build the bundle again.
@pytest.mark.skipif(sys.platform != "linux", reason="network namespaces are Linux's")
def test_installs_and_serves_the_demo_with_no_network(bundle: Path, tmp_path: Path) -> None:
    _check_contents(bundle)
    if subprocess.run(["unshare", "-n", "true"], capture_output=True, check=False).returncode != 0:
        pytest.skip("unshare -n needs root (or user namespaces) on this machine")
    env = {**_env(), "PYTHON": str(PYTHON311)}
    result = subprocess.run(["unshare", "-n", "bash", "-c", OFFLINE, "offline", str(bundle), str(tmp_path)],
                            capture_output=True, text=True, timeout=600, check=False, cwd=tmp_path, env=env)
    out = result.stdout
    assert result.returncode == 0, out[-3000:] + result.stderr[-3000:] + _log(tmp_path)
    assert "links: lo \n" in out and "routes: 0\n" in out, out  # no way out of the namespace
    assert f"program: {tmp_path}/opt/.venv/lib/python3.11/site-packages/qinglian/__init__.py" in out, out
    assert "已安装清廉台账" in out
    assert "login: 200 lang=zh-CN 登录" in out, out
    htmx = next(line for line in out.splitlines() if line.startswith("htmx:"))
    assert htmx.startswith("htmx: 200 ") and int(htmx.split()[2]) > 10_000, htmx


def _log(work: Path) -> str:
    log = work / "site" / "serve.log"
    return log.read_text()[-2000:] if log.exists() else ""
