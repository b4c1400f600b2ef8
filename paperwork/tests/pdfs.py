"""PDFs written byte by byte for the tests: text pages, scans, and the hostile shapes a reader must survive.

A text page draws its lines in a CID font (Identity-H, one CID per Unicode code point) with a ToUnicode map,
as Word, WPS and LibreOffice write Chinese; the font program itself is not embedded, which a text extractor
never needs. No dependency: the objects and the cross-reference table are assembled here.
"""

from __future__ import annotations

import zlib


def assemble(objects: list[bytes], *, root: int = 1, trailer_extra: bytes = b"") -> bytes:
    """Objects numbered from 1 in order, a correct xref table and trailer."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, root, trailer_extra, xref)
    return bytes(out)


def stream(data: bytes, extra: bytes = b"", *, compress: bool = True) -> bytes:
    if compress:
        data = zlib.compress(data)
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def _to_unicode(chars: set[str]) -> bytes:
    codes = sorted(ord(c) for c in chars if ord(c) <= 0xFFFF)
    body = [b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
            b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
            b"1 begincodespacerange <0000> <FFFF> endcodespacerange"]
    for start in range(0, len(codes), 100):
        chunk = codes[start:start + 100]
        body.append(b"%d beginbfchar" % len(chunk))
        body.extend(b"<%04X> <%04X>" % (c, c) for c in chunk)
        body.append(b"endbfchar")
    body.append(b"endcmap CMapName currentdict /CMap defineresource pop end end")
    return b"\n".join(body)


def _show(line: str) -> bytes:
    return b"<" + "".join(f"{ord(c):04X}" for c in line if ord(c) <= 0xFFFF).encode() + b">"


def _page_content(lines: list[str], top: float = 800.0, leading: float = 22.0) -> bytes:
    ops = [b"BT /F1 16 Tf"]
    for i, line in enumerate(lines):
        ops.append(b"1 0 0 1 72 %.1f Tm %s Tj" % (top - i * leading, _show(line)))
    ops.append(b"ET")
    return b"\n".join(ops)


def text_pdf(pages: list[list[str]]) -> bytes:
    """One page per list, each string a line of text at the left margin, top to bottom."""
    chars = {c for page in pages for line in page for c in line}
    n = len(pages)
    first_page = 6
    kids = b" ".join(b"%d 0 R" % (first_page + 2 * i) for i in range(n))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H "
        b"/DescendantFonts [4 0 R] /ToUnicode 5 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDToGIDMap /Identity "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>",
        stream(_to_unicode(chars)),
    ]
    for page in pages:
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                       b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (len(objects) + 2))
        objects.append(stream(_page_content(page)))
    return assemble(objects)


def scanned_pdf(pages: int = 2) -> bytes:
    """Pages that only paint a picture, as a scanner writes them (a small grey image stretched over A4)."""
    pixels = bytes((x * 7 + y * 3) % 256 for y in range(32) for x in range(32))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % (4 + i) for i in range(pages)), pages),
        stream(pixels, b" /Type /XObject /Subtype /Image /Width 32 /Height 32 /ColorSpace /DeviceGray "
                       b"/BitsPerComponent 8"),
    ]
    content = len(objects) + pages + 1
    for _ in range(pages):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                       b"/Resources << /XObject << /Im1 3 0 R >> >> /Contents %d 0 R >>" % content)
    objects.append(stream(b"q 595 0 0 842 0 0 cm /Im1 Do Q"))
    return assemble(objects)


def many_pages_pdf(pages: int) -> bytes:
    """`pages` pages sharing one small content stream: cheap to write, costly to read page by page."""
    kids = b" ".join(b"4 0 R" for _ in range(pages))
    return assemble([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
        stream(b"BT ET"),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>",
    ])


def bomb_pdf(inflated: int = 200 * 1024 * 1024) -> bytes:
    """One page whose content stream is Flate twice over: a few KB that inflate to `inflated` bytes."""
    once = zlib.compress(b" " * inflated, 9)
    twice = zlib.compress(once, 9)
    return assemble([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        b"<< /Length %d /Filter [/FlateDecode /FlateDecode] >>\nstream\n" % len(twice) + twice + b"\nendstream",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>",
    ])


def content_pdf(content: bytes) -> bytes:
    """One page with `content` as its content stream and a Helvetica font as /F1."""
    return assemble([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        stream(content),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


def cyclic_pages_pdf() -> bytes:
    """A page tree whose node lists itself as its own kid."""
    return assemble([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        stream(b"BT ET"),
    ])


def heavy_pages_pdf(pages: int, operators: int) -> bytes:
    """`pages` pages sharing one content stream of `operators` path operators: slow to interpret, no text."""
    kids = b" ".join(b"4 0 R" for _ in range(pages))
    return assemble([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
        stream(b"0 0 m\n" * operators),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])
