"""python-docx helpers for the sign-off sheet: A4 margins of GB/T 9704 and Chinese fonts in both slots."""

from __future__ import annotations

from typing import Any

from docx.oxml.ns import qn
from docx.shared import Mm


def set_a4(doc: Any) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)


def cjk_run(paragraph: Any, text: str, font: str, size: Any) -> Any:
    """A run in `font`, set in the East Asian slot too (run.font.name sets only the Latin one)."""
    run = paragraph.add_run(text)
    run.font.name = font
    run.font.size = size
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    return run
