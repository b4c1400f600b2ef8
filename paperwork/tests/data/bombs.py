"""Hostile Office files built in the test, streamed to disk so the test itself stays small in memory.

`write_bomb(path, base, member, inflated)` copies a real .xlsx/.docx (`base`, made with openpyxl or
python-docx) and replaces one XML part with about `inflated` bytes of repeated cells (one long run per cell:
deflate packs it about 1,000 to 1), written chunk by chunk. `declare=` forges the part's declared size in
both the local header and the zip directory, as a hostile tool would.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from pathlib import Path

MB = 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_ROW = b'<row><c t="inlineStr"><is><t>' + b"A" * (256 * 1024) + b"</t></is></c></row>"


def write_bomb(path: Path, base: bytes, member: str = SHEET, inflated: int = 1024 * MB, *,
               declare: int | None = None) -> Path:
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename != member:
                out.writestr(info.filename, src.read(info))
        with out.open(member, "w") as fh:
            fh.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}><sheetData>'.encode())
            written = 0
            while written < inflated:
                fh.write(_ROW)
                written += len(_ROW)
            fh.write(b"</sheetData></worksheet>")
    if declare is not None:
        _forge_size(path, member, declare)
    return path


def _forge_size(path: Path, member: str, size: int) -> None:
    """Write `size` as the part's uncompressed size in its local header and its directory entry."""
    with zipfile.ZipFile(path) as zf:
        offset = zf.getinfo(member).header_offset
        directory = zf.start_dir
    with path.open("r+b") as fh:
        fh.seek(offset + 22)
        fh.write(struct.pack("<I", size))
        fh.seek(directory)
        entries = fh.read()
        pos = 0
        while (pos := entries.find(b"PK\x01\x02", pos)) >= 0:
            name_len = struct.unpack_from("<H", entries, pos + 28)[0]
            if entries[pos + 46:pos + 46 + name_len].decode() == member:
                fh.seek(directory + pos + 24)
                fh.write(struct.pack("<I", size))
                return
            pos += 4
    raise AssertionError(f"{member} not in the directory")


def with_member(base: bytes, member: str, content: bytes) -> bytes:
    """`base` with one part replaced (or added)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename != member:
                out.writestr(info.filename, src.read(info))
        out.writestr(member, content)
    return buf.getvalue()


_DTDS = {
    "laughs": '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
              '<!ENTITY e "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>',
    "xxe": '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
}
_TEXT = re.compile(r"<(?:\w+:)?t(?:\s[^>]*)?>")


def with_doctype(base: bytes, member: str = SHEET, kind: str = "xxe") -> bytes:
    """`base` whose part carries a DTD (billion laughs or an external entity), the entity used in its first
    text element when it has one."""
    with zipfile.ZipFile(io.BytesIO(base)) as src:
        xml = src.read(member).decode(errors="replace")
    end = xml.find("?>") + 2 if xml.startswith("<?xml") and "?>" in xml else 0
    xml = xml[:end] + _DTDS[kind] + xml[end:]
    if found := _TEXT.search(xml, end + len(_DTDS[kind])):
        xml = xml[:found.end()] + "&e;" + xml[found.end():]
    return with_member(base, member, xml.encode())
