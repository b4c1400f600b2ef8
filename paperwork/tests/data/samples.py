"""Small real files of every uploadable type, built in code, and old Office files made from them."""

from __future__ import annotations

import io
import struct
import subprocess
import tempfile
import zipfile
import zlib
from pathlib import Path

import docx
from openpyxl import Workbook

from paperwork.convert import soffice

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
JPG = (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
       b"\xff\xdb\x00\x43\x00" + bytes(range(1, 65)) + b"\xff\xd9")
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + b"PE\x00\x00" + b"\x00" * 64
HTML = "<html><body><script>alert(document.cookie)</script>整改</body></html>".encode()


def png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
            + chunk(b"IEND", b""))


def docx_bytes(text: str = "整改情况说明：已完成。") -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(value: str = "问题清单") -> bytes:
    wb = Workbook()
    wb.active["A1"] = value
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def ofd_bytes() -> bytes:
    return zip_of({"OFD.xml": b'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" '
                              b'DocType="OFD" Version="1.0"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml'
                              b"</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
                   "Doc_0/Document.xml": b"<ofd:Document/>"})


def old_office(data: bytes, suffix: str) -> bytes | None:
    """The .docx/.xlsx `data` saved by LibreOffice as `suffix` ("doc" or "xls"), or None without LibreOffice
    (or without its Calc part, for .xls)."""
    exe = soffice()
    if exe is None:
        return None
    source_suffix = "xlsx" if suffix == "xls" else "docx"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / f"in.{source_suffix}").write_bytes(data)
        subprocess.run([exe, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--convert-to",
                        suffix, "--outdir", str(work), str(work / f"in.{source_suffix}")],
                       capture_output=True, timeout=120, check=False, env={"HOME": tmp, "PATH": "/usr/bin:/bin"})
        out = work / f"in.{suffix}"
        return out.read_bytes() if out.is_file() else None
