"""Build the offline install bundle: `make bundle` → dist/qinglian-VERSION-offline.tar.gz.

One archive for a server on an intranet with no internet: the project's wheel (templates, static files and the
pinned front-end assets inside it), every runtime dependency as a wheel for CPython 3.11 on manylinux x86_64
and aarch64 (pure-Python wheels once, in wheels/common), pip itself (so a python3.11 without ensurepip works),
install.sh, a README for the intranet admin in Chinese, the deployment notes, MISSING.txt (a dependency with
no wheel for an architecture) and SHA256SUMS (to check the copy carried in on offline media).

The dependency versions are resolved once, on this machine, and the same versions are fetched for every
architecture. Stdlib only: runs with the project's venv python (it calls that venv's pip), needs the network
(a package registry), never touches the database. `--arch x86_64` builds one architecture only (the offline
install test does, to stay quick).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARCHES = ("x86_64", "aarch64")
# Kylin V10 and UOS 20 ship glibc 2.28: any manylinux wheel up to 2.28 runs there. The oldest tag comes first
# so that pip prefers the build that runs on the most machines when a release has several.
GLIBC_MINORS = range(17, 29)
VENDOR = ("qinglian/static/vendor/htmx.min.js", "qinglian/static/vendor/echarts.min.js")
PURE = re.compile(r"-(py\d+(\.py\d+)*)-none-any\.whl$")
MANYLINUX = re.compile(r"manylinux_2_(\d+)_|manylinux2014_")


def platforms(arch: str) -> list[str]:
    tags = [f"manylinux2014_{arch}"] + [f"manylinux_2_{minor}_{arch}" for minor in GLIBC_MINORS]
    return [flag for tag in tags for flag in ("--platform", tag)]


def version(tree: Path) -> str:
    return str(tomllib.loads((tree / "pyproject.toml").read_text())["project"]["version"])


def run(argv: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, text=True, capture_output=True, check=False, **kwargs)  # type: ignore[call-overload]


def pip(*args: str) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "pip", "--disable-pip-version-check", *args])


def fail(message: str, detail: str = "") -> None:
    sys.stderr.write(f"{message}\n")
    errors = [line for line in detail.splitlines() if line.startswith(("ERROR", "error"))]
    if errors:
        sys.stderr.write("\n".join(errors[-5:]) + "\n")
    raise SystemExit(1)


def export_head(into: Path) -> Path:
    """The committed tree (HEAD) plus the vendor assets (fetched, never committed): nothing uncommitted, in
    build/ or untracked in the work tree ends up in a release."""
    for asset in VENDOR:
        if not (ROOT / asset).is_file():
            fail(f"缺少前端资源 {asset}：请先运行 make install（从 npm 取得锁定版本）。")
    exported = run(["git", "archive", "--format=tar", "-o", str(into / "head.tar"), "HEAD"], cwd=ROOT)
    if exported.returncode != 0:
        fail("无法导出已提交的代码（git archive HEAD）。", exported.stderr)
    with tarfile.open(into / "head.tar") as tar:
        tar.extractall(into / "tree", filter="data")
    for asset in VENDOR:
        (into / "tree" / asset).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / asset, into / "tree" / asset)
    return into / "tree"


def build_own_wheel(tree: Path, into: Path) -> Path:
    result = pip("wheel", "--no-deps", "-q", "-w", str(into), str(tree))
    if result.returncode != 0:
        fail("构建 qinglian 的 wheel 失败。", result.stderr + result.stdout)
    (wheel,) = into.glob("qinglian-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    absent = [a for a in VENDOR if a not in names]
    if absent:
        fail(f"qinglian 的 wheel 缺少 {', '.join(absent)}：请检查 pyproject.toml 的 package-data。")
    return wheel


def resolve(wheel: Path) -> list[tuple[str, str]]:
    """Name and version of every runtime dependency (not the dev extras), resolved on this machine, plus pip."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        result = pip("install", "--dry-run", "--ignore-installed", "--only-binary=:all:", "-q",
                     "--report", str(report), str(wheel))
        if result.returncode != 0:
            fail("解析运行依赖失败。", result.stderr + result.stdout)
        found = json.loads(report.read_text())["install"]
    pins = [(p["metadata"]["name"], p["metadata"]["version"]) for p in found
            if p["metadata"]["name"].lower() != "qinglian"]
    pip_version = pip("--version").stdout.split()[1]
    return sorted([*pins, ("pip", pip_version)], key=lambda nv: nv[0].lower())


def download(pins: list[tuple[str, str]], arch: str, into: Path) -> list[str]:
    """Fetch the wheel of every pin for CPython 3.11 on manylinux `arch`; return the pins that have none."""
    into.mkdir(parents=True, exist_ok=True)
    common = ["download", "--no-deps", "--only-binary=:all:", "--python-version", "3.11", "--implementation",
              "cp", "--abi", "cp311", *platforms(arch), "-q", "-d", str(into)]
    if pip(*common, *[f"{n}=={v}" for n, v in pins]).returncode == 0:
        return []
    return [f"{n}=={v}" for n, v in pins if pip(*common, f"{n}=={v}").returncode != 0]  # which ones, one by one


def glibc_needed(wheels: Path) -> str:
    """The newest glibc any of these wheels asks for (a wheel with several tags asks for its oldest)."""
    needed = 17
    for wheel in wheels.glob("*.whl"):
        minors = [int(m.group(1) or 17) for m in MANYLINUX.finditer(wheel.name)]
        if minors:
            needed = max(needed, min(minors))
    return f"2.{needed}"


def build(arches: list[str], out: Path) -> Path:
    with tempfile.TemporaryDirectory(prefix="qinglian-bundle-") as tmp:
        tree = export_head(Path(tmp))
        name = f"qinglian-{version(tree)}"
        top = Path(tmp) / name
        common = top / "wheels" / "common"
        common.mkdir(parents=True)
        wheel = build_own_wheel(tree, common)
        pins = resolve(wheel)
        missing: dict[str, list[str]] = {}
        for arch in arches:
            print(f"下载 {arch} 的 wheel（CPython 3.11，manylinux，glibc ≤ 2.{GLIBC_MINORS[-1]}）…", flush=True)
            folder = top / "wheels" / arch
            missing[arch] = download(pins, arch, folder)
            for pure in [w for w in folder.glob("*.whl") if PURE.search(w.name)]:
                if (common / pure.name).exists():
                    pure.unlink()
                else:
                    pure.rename(common / pure.name)
            (folder / "GLIBC").write_text(glibc_needed(folder) + "\n")
        (top / "constraints.txt").write_text("".join(f"{n}=={v}\n" for n, v in pins))
        (top / "MISSING.txt").write_text(missing_text(missing))
        shutil.copy2(tree / "scripts" / "offline" / "install.sh", top / "install.sh")
        (top / "install.sh").chmod(0o755)
        shutil.copy2(tree / "scripts" / "offline" / "README.txt", top / "README.txt")
        shutil.copy2(tree / "docs" / "deploy.md", top / "deploy.md")
        commit = run(["git", "rev-parse", "HEAD"], cwd=ROOT).stdout.strip()
        (top / "VERSION").write_text(f"{version(tree)}\n{' '.join(arches)}\n{commit}\n")
        (top / "SHA256SUMS").write_text("".join(
            f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(top)}\n"
            for p in sorted(top.rglob("*")) if p.is_file()))
        out.mkdir(parents=True, exist_ok=True)
        archive = out / f"{name}-offline.tar.gz"
        partial = archive.with_suffix(".partial")
        with tarfile.open(partial, "w:gz", compresslevel=1) as tar:  # wheels are zips already
            tar.add(top, arcname=name)
        os.replace(partial, archive)
    report_missing(missing)
    return archive


def missing_text(missing: dict[str, list[str]]) -> str:
    lines = ["# 没有 wheel 的依赖（按架构列出）。这些包须在目标机上另行安装（需编译器），或换用有 wheel 的版本。",
             "# Dependencies with no wheel for an architecture (CPython 3.11, manylinux, glibc <= 2.28)."]
    for arch, names in missing.items():
        lines.append(f"{arch}: {' '.join(names) if names else '无（全部齐备）'}")
    return "\n".join(lines) + "\n"


def report_missing(missing: dict[str, list[str]]) -> None:
    for arch, names in missing.items():
        if names:
            print(f"注意：{arch} 缺少以下依赖的 wheel（已写入 MISSING.txt）：{' '.join(names)}")
        else:
            print(f"{arch}：全部依赖均有 wheel。")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="构建离线安装包")
    parser.add_argument("--arch", action="append", choices=ARCHES, help="只构建某一架构（可重复），默认全部")
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="输出目录，默认 dist/")
    args = parser.parse_args(argv)
    archive = build(args.arch or list(ARCHES), args.out)
    print(f"已写出 {archive}（{archive.stat().st_size / 2**20:.1f} MiB）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
