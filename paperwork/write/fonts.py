"""Which installed faces stand in for the official font names when LibreOffice renders a PDF.

GB/T 9704 names 仿宋_GB2312, 方正小标宋简体, 楷体_GB2312, 黑体 and 宋体, which are licensed and rarely on a
Linux server. Left to itself, fontconfig falls back to the first CJK face it finds, Noto Sans CJK **JP**:
sans-serif and Japanese glyph forms in a document that must look 仿宋. A private fontconfig file, passed to
LibreOffice through FONTCONFIG_FILE (no system file changed, no root at run time), makes each name prefer the
nearest free Simplified-Chinese face Debian ships, after the real font where one is installed — a unit
with licensed GB fonts puts them in a folder of QINGLIAN_FONT_DIRS (docs/deploy.md) and they win.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

# TrueType faces named for Simplified Chinese. Noto CJK comes as an OpenType collection whose faces share
# one CFF table named "…CJKjp…", so a PDF drawn from it names a Japanese font even where its glyphs are SC;
# it stays as the second choice, for characters the first lacks.
SERIF_SC, SANS_SC, KAI_SC = "AR PL UMing CN", "WenQuanYi Zen Hei", "AR PL UKai CN"
NOTO_SERIF_SC, NOTO_SANS_SC = "Noto Serif CJK SC", "Noto Sans CJK SC"

# official name → the free faces that stand in for it, best first (every one a Simplified-Chinese face)
_SERIF = (SERIF_SC, NOTO_SERIF_SC)
_SANS = (SANS_SC, NOTO_SANS_SC)
_KAI = (KAI_SC, *_SERIF)
STAND_INS: dict[str, tuple[str, ...]] = {
    "仿宋_GB2312": _SERIF,
    "仿宋": _SERIF,
    "FangSong": _SERIF,
    "方正小标宋简体": _SERIF,
    "方正小标宋_GBK": _SERIF,
    "宋体": _SERIF,
    "SimSun": _SERIF,
    "楷体_GB2312": _KAI,
    "楷体": _KAI,
    "KaiTi": _KAI,
    "黑体": _SANS,
    "SimHei": _SANS,
    # generic fallbacks: Chinese text drawn by any other name must not end up in a JP face either
    "serif": _SERIF,
    "sans-serif": _SANS,
}


def fontconfig(font_dirs: Sequence[Path] = ()) -> str:
    """The fontconfig file: the system configuration, extra font folders, then the stand-ins."""
    lines = ['<?xml version="1.0"?>', '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">', "<fontconfig>"]
    lines += [f"  <dir>{escape(str(d))}</dir>" for d in font_dirs]
    lines.append('  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>')
    for name, faces in STAND_INS.items():
        accept = "".join(f"<family>{escape(face)}</family>" for face in faces)
        # prepend-after-the-real-one: an installed 仿宋_GB2312 is still used first
        lines.append(f'  <alias binding="strong"><family>{escape(name)}</family><accept>{accept}</accept></alias>')
    # Chinese documents: when a glyph is missing, pick the fallback for Simplified Chinese, not Japanese
    lines.append('  <match target="pattern"><edit name="lang" mode="prepend" binding="strong">'
                 "<string>zh-cn</string></edit></match>")
    lines.append("</fontconfig>")
    return "\n".join(lines) + "\n"
