"""Default docxtpl templates, generated with python-docx instead of committed as binaries.

A template is an ordinary .docx: fixed wording and styles the user may edit in Word or WPS, and Jinja tags
(docxtpl's ``{%p ... %}`` paragraph tags, ``{%tr ... %}`` row tags, ``{%tc ... %}`` cell tags) through which
the data flows. The vocabulary a template may use is ``report_context``'s keys:

    title, subtitle, recipient, issuer, date ("2023年12月1日"), year, genre, genre_name, contact_lines,
    blocks: each {kind: h1|h2|h3|h4|p|table, marker, text, title, header, rows}

``python -m paperwork.write.templates rectification out.docx`` writes one out for a user to start from.
"""

from __future__ import annotations

import io
import sys
from functools import lru_cache

from docx import Document as new_document
from docx.document import Document

from paperwork.write import gbt9704 as gb
from paperwork.write.model import GENRES

# Fixed wording per genre. Rectification notices (seed 003) end with an invitation to the public before
# the contact lines; the other genres list contact lines, if any, plainly.
_CONTACT_LEAD = {
    "rectification": "欢迎广大干部群众对巡察整改落实情况进行监督。如有意见建议，请及时向我们反映。",
}


def _p(doc: Document, text: str, style: str = gb.TAG) -> None:
    doc.add_paragraph(text, style=style)


def _blocks(doc: Document) -> None:
    _p(doc, "{%p for b in blocks %}")
    for level, style in enumerate(gb.HEADINGS, start=1):
        _p(doc, f"{{%p {'if' if level == 1 else 'elif'} b.kind == 'h{level}' %}}")
        _p(doc, "{{ b.marker }}{{ b.text }}", style)
    _p(doc, "{%p elif b.kind == 'table' %}")
    _p(doc, "{%p if b.title %}")
    _p(doc, "{{ b.title }}", gb.TABLE_TITLE)
    _p(doc, "{%p endif %}")
    _table(doc)
    _p(doc, "", gb.TAG)  # keeps two consecutive tables apart (Word would merge them)
    _p(doc, "{%p else %}")
    _p(doc, "{{ b.text }}", gb.BODY)
    _p(doc, "{%p endif %}")
    _p(doc, "{%p endfor %}")


def _table(doc: Document) -> None:
    loop_cells = ("{%tc for c in cells %}", "{{ c }}", "{%tc endfor %}")
    rows = [
        ("{%tr if b.header %}", "", ""),
        tuple(s.replace("cells", "b.header") for s in loop_cells),
        ("{%tr endif %}", "", ""),
        ("{%tr for row in b.rows %}", "", ""),
        tuple(s.replace("cells", "row") for s in loop_cells),
        ("{%tr endfor %}", "", ""),
    ]
    table = doc.add_table(rows=len(rows), cols=3)
    for row, texts in zip(table.rows, rows, strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.paragraphs[0].text = text
    for cell in table.rows[1].cells:
        cell.paragraphs[0].style = gb.TABLE_HEADER
    for cell in table.rows[4].cells:
        cell.paragraphs[0].style = gb.TABLE_TEXT
    gb.style_table(table, header_rows=(1,))


def _build(genre: str) -> bytes:
    doc = new_document()
    gb.define_styles(doc)
    gb.setup_page(doc)
    props = doc.core_properties
    props.author = "清廉台账"
    props.title = "{{ title }}"
    props.subject = GENRES[genre]
    props.comments = ""

    _p(doc, "{{ title }}", gb.TITLE)
    _p(doc, "{%p if subtitle %}")
    _p(doc, "{{ subtitle }}", gb.SUBTITLE)
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if recipient %}")
    _p(doc, "{{ recipient }}", gb.RECIPIENT)
    _p(doc, "{%p endif %}")
    _blocks(doc)
    _p(doc, "{%p if contact_lines %}")
    if genre in _CONTACT_LEAD:
        _p(doc, _CONTACT_LEAD[genre], gb.BODY)
    _p(doc, "{%p for line in contact_lines %}")
    _p(doc, "{{ line }}", gb.BODY)
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if issuer %}")
    _p(doc, "{{ issuer }}", gb.SIGNATURE)
    _p(doc, "{%p endif %}")
    _p(doc, "{{ date }}", gb.DATE)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@lru_cache(maxsize=len(GENRES))
def default_template(genre: str) -> bytes:
    """The GB/T 9704 template for a genre (responsibility, personal, rectification, summary, bulletin)."""
    if genre not in GENRES:
        raise ValueError(f"未知的报告类型“{genre}”，应为：{'、'.join(GENRES)}")
    return _build(genre)


if __name__ == "__main__":  # pragma: no cover - a convenience for users who want to start a template
    if len(sys.argv) != 3:
        sys.exit("用法：python -m paperwork.write.templates <genre> <out.docx>")
    with open(sys.argv[2], "wb") as f:
        f.write(default_template(sys.argv[1]))
