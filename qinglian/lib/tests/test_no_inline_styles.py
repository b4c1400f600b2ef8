"""The Content-Security-Policy allows styles and scripts from our own files only: no template may carry an
inline style or script, which the browser would block (and log as a console error)."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
INLINE = re.compile(r"""\sstyle\s*=|<style\b|\son[a-z]+\s*=|\shx-on[:-]|<script\b(?![^>]*\bsrc=)""", re.I)


def test_no_template_has_an_inline_style_or_script() -> None:
    found = [f"{path.relative_to(PACKAGE)}:{n}: {line.strip()[:80]}"
             for path in PACKAGE.rglob("templates/**/*.html")
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if INLINE.search(line)]
    assert found == []
