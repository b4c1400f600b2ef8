"""The .docx variants of the evaluation corpus, made with python-docx when scoring (never committed).

    python -m paperwork.tests.data.corpus_docx OUT_DIR

"plain": each line of the .txt becomes a paragraph, as when a page is pasted into WPS or Word.
"numbered": the same, but headings typed 一、 （一） 1. （1） become Word auto-numbered paragraphs (the
marker is then in the numbering, not in the text), as in documents written in a Word template.
Each variant is scored against the key entry of its .txt.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from .builders import make_docx

DOCX_VARIANTS: dict[str, str] = {
    "c01_county_rect_notice_govsite.txt": "plain",
    "c03_personal_prose_only.txt": "plain",
    "c05_trad_rect_notice.txt": "plain",
    "c06_inspection_feedback_disclosure.txt": "plain",
    "c10_rect_prose_only.txt": "plain",
    "c12_summary_fanwen_omission.txt": "plain",
    "c15_rect_docnumber_subproblems.txt": "numbered",
    "c16_responsibility_prose_only.txt": "plain",
    "c20_trad_inspection_disclosure.txt": "plain",
    "c22_summary_prose_only.txt": "plain",
    "c25_summary_halfyear_gov_chrome.txt": "numbered",
}
# The four levels of builders.make_docx's list: 一、 （一） 1. （1）.
_AUTO_MARKERS = (
    re.compile(r"^[一二三四五六七八九十]{1,3}、"),
    re.compile(r"^（[一二三四五六七八九十]{1,3}）"),
    re.compile(r"^\d{1,2}\.(?!\d)"),
    re.compile(r"^（\d{1,2}）"),
)


def docx_paragraphs_for(text: str, mode: str) -> list[tuple[int | None, str]]:
    """(Word list level or None, paragraph text) for each non-empty line."""
    out: list[tuple[int | None, str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        level = None
        if mode == "numbered":
            for ilvl, pattern in enumerate(_AUTO_MARKERS):
                m = pattern.match(line)
                if m and line[m.end():].strip():
                    level, line = ilvl, line[m.end():].strip()
                    break
        out.append((level, line))
    return out


def write_variants(corpus: Path, out_dir: Path) -> list[Path]:
    """Write the .docx variant of each chosen corpus document into out_dir; the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, mode in sorted(DOCX_VARIANTS.items()):
        paragraphs = docx_paragraphs_for((corpus / name).read_text(encoding="utf-8"), mode)
        path = out_dir / (Path(name).stem + ".docx")
        path.write_bytes(make_docx([text if level is None else (level, text) for level, text in paragraphs]))
        written.append(path)
    return written


if __name__ == "__main__":
    here = Path(__file__).resolve().parent / "corpus"
    for written_path in write_variants(here, Path(sys.argv[1])):
        print(written_path)
