"""Arbitrary Chinese text and block sequences never crash build_docx and come back as written."""

import datetime as dt
import io

from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperwork.write import Block, Heading, Paragraph, Report, Table, build_docx, number_headings, report_text
from paperwork.write.title import title_lines

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
# punctuation and markup-looking characters a clerk may type; "_" is left out because docxtpl turns the
# sequence "{_{" in its output into "{{"
OTHER = st.sampled_from(list("，。、；：“”‘’（）《》—…！？·　 abcXYZ0123456789<>&'\"%{}#*"))
line = st.text(st.one_of(CJK, OTHER), min_size=1, max_size=40).filter(lambda s: s.strip() != "")
multiline = st.lists(line, min_size=1, max_size=3).map("\n".join)

blocks = st.lists(
    st.one_of(
        st.builds(Heading, level=st.sampled_from([1, 2, 3, 4]), text=line),
        st.builds(Paragraph, text=multiline),
        st.builds(
            Table,
            header=st.lists(line, min_size=1, max_size=4),
            rows=st.lists(st.lists(line, min_size=1, max_size=4), max_size=3),
            title=line,
        ),
    ),
    max_size=8,
)


def expected_texts(report: Report) -> list[str]:
    out = ["\n".join(title_lines(report.title.strip())), report.recipient.strip()]  # a long title: lines
    for block, marker in zip(report.blocks, number_headings(report.blocks), strict=True):
        if isinstance(block, Heading):
            out.append(marker + block.text.strip())
        elif isinstance(block, Paragraph):
            out += [s.strip() for s in block.text.split("\n")]
        else:
            out.append(block.title.strip())
            out += [c.strip() for c in block.header]
            for row in block.rows:
                out += [c.strip() for c in row]
    out += [report.issuer.strip(), f"{report.date.year}年{report.date.month}月{report.date.day}日"]
    return [t for t in out if t]  # padding cells and absent fields write empty paragraphs


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=line,
    recipient=line,
    issuer=line,
    blocks=blocks,
    date=st.dates(dt.date(2000, 1, 1)),
    genre=st.sampled_from(["responsibility", "personal", "summary", "bulletin"]),
)
def test_text_round_trips(
    title: str, recipient: str, issuer: str, blocks: list[Block], date: dt.date, genre: str
) -> None:
    report = Report(title=title, genre=genre, issuer=issuer, date=date, recipient=recipient, blocks=blocks)
    assert report_text(build_docx(report)) == expected_texts(report)


@settings(max_examples=30, deadline=None)
@given(st.text(max_size=60), st.lists(st.text(max_size=30), max_size=3))
def test_any_unicode_never_crashes(text: str, cells: list[str]) -> None:
    """Control characters, surrogates and the like are dropped, and the file still opens."""
    report = Report(
        title=text,
        genre="summary",
        issuer=text,
        date=dt.date(2024, 1, 1),
        blocks=[Heading(1, text), Paragraph(text), Table(cells or ["x"], [cells])],
    )
    Document(io.BytesIO(build_docx(report)))
