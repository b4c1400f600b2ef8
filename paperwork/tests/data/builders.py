"""Test documents built in code (no binary fixtures in the repository)."""

from __future__ import annotations

import io
from collections.abc import Sequence

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

# One multi-level list the way Chinese Word templates define it: 一、 （一） 1. （1）.
_ABSTRACT_ID = 90
_NUM_ID = 90
_LEVELS = (
    ("chineseCounting", "%1、"),
    ("chineseCounting", "（%2）"),
    ("decimal", "%3."),
    ("decimal", "（%4）"),
)


def _numbering_xml(abstract_id: int) -> str:
    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl>'
        for i, (fmt, text) in enumerate(_LEVELS)
    )
    return f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">' \
           f'<w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>'


def make_docx(paragraphs: Sequence[str | tuple[int, str]], *, table_rows: list[list[str]] | None = None) -> bytes:
    """Paragraphs are plain strings, or (ilvl, text) for Word auto-numbered headings (ilvl 0-3)."""
    document = docx.Document()
    numbered = any(isinstance(p, tuple) for p in paragraphs)
    if numbered:
        numbering = document.part.numbering_part.element
        # abstractNum elements must precede num elements in numbering.xml.
        numbering.insert(0, parse_xml(_numbering_xml(_ABSTRACT_ID)))
        numbering.append(parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{_NUM_ID}"><w:abstractNumId w:val="{_ABSTRACT_ID}"/></w:num>'
        ))
    for p in paragraphs:
        if isinstance(p, tuple):
            ilvl, text = p
            para = document.add_paragraph(text)
            num_pr = parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{_NUM_ID}"/></w:numPr>'
            )
            para._p.get_or_add_pPr().append(num_pr)
        else:
            document.add_paragraph(p)
    if table_rows:
        table = document.add_table(rows=len(table_rows), cols=len(table_rows[0]))
        for r, row in enumerate(table_rows):
            for c, cell in enumerate(row):
                table.cell(r, c).text = cell
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()
