"""Batch .docx → PDF through LibreOffice, one process for the whole batch (start-up dominates the cost).

LibreOffice is optional: without it the app offers .docx only. A PDF made here needs CJK fonts installed
(Debian: fonts-noto-cjk, fonts-arphic-ukai); the official font names in the .docx are mapped to them by a
private fontconfig file (fonts.py), so the body is a serif Simplified-Chinese face, never a Japanese one.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from paperwork.convert import soffice
from paperwork.write.fonts import fontconfig


def pdf_available() -> bool:
    return soffice() is not None


def docx_to_pdf(
    paths: list[Path], outdir: Path, *, timeout: float = 600, font_dirs: Sequence[Path] | None = None
) -> list[Path]:
    """Convert ``paths`` into ``outdir`` (same stems, .pdf) with a single LibreOffice run; ``font_dirs``:
    folders of licensed fonts (仿宋_GB2312 …) to use before the free stand-ins, by default those the
    server's QINGLIAN_FONT_DIRS names (separated by ":")."""
    if font_dirs is None:
        font_dirs = [Path(d) for d in os.environ.get("QINGLIAN_FONT_DIRS", "").split(os.pathsep) if d]
    if not paths:
        return []
    exe = soffice()
    if exe is None:
        raise RuntimeError(
            "本机未安装 LibreOffice，无法生成 PDF；请下载 Word 文档，或请管理员安装 LibreOffice。"
        )
    stems = [p.stem for p in paths]
    duplicates = sorted({s for s in stems if stems.count(s) > 1})
    if duplicates:
        raise ValueError(f"文件名重复，转换后的 PDF 会相互覆盖：{'、'.join(duplicates)}")
    outdir.mkdir(parents=True, exist_ok=True)
    # a private profile: a LibreOffice already running for the same user would otherwise swallow the job
    with tempfile.TemporaryDirectory(prefix="qinglian-lo-") as profile:
        conf = Path(profile) / "fonts.conf"
        conf.write_text(fontconfig(font_dirs), encoding="utf-8")
        cmd = [
            exe,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            *(str(p) for p in paths),
        ]
        env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False, env=env)
    results = [outdir / f"{p.stem}.pdf" for p in paths]
    missing = [r.name for r in results if not r.exists()]
    if missing:
        cause = done.stderr.strip()[-300:]
        raise RuntimeError(f"LibreOffice 未能生成：{'、'.join(missing)}（退出码 {done.returncode}：{cause}）")
    return results
