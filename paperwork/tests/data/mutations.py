"""Hypothesis strategies that spoil real .xlsx/.docx files the ways a fuzzer or a hostile tool would: bytes of
the zip flipped, cut, inserted or deleted; parts swapped, dropped, truncated, filled with noise; a DTD
injected into a part."""

from __future__ import annotations

import io
import zipfile

from hypothesis import strategies as st

from .bombs import _DTDS, with_doctype

_ZIP_OPS = ("flip", "cut", "insert", "delete")
# the ops a parser trips on most often come up most often
_PART_OPS = ("swap", "drop", "truncate", "noise", "doctype", "doctype", "xml", "xml", "xml")


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def zipped(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, content in parts.items():
            zf.writestr(name, content)
    return buf.getvalue()


@st.composite
def spoiled_bytes(draw: st.DrawFn, bases: list[bytes]) -> bytes:
    """A base file with 1–8 byte-level changes anywhere (directory, headers, deflate streams)."""
    data = bytearray(draw(st.sampled_from(bases)))
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(_ZIP_OPS))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[pos] = draw(st.integers(0, 255))
        elif op == "cut":
            del data[pos:]
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=16))
        elif op == "delete":
            del data[pos:pos + draw(st.integers(1, 64))]
    return bytes(data)


@st.composite
def spoiled_parts(draw: st.DrawFn, bases: list[bytes]) -> bytes:
    """A well-formed zip of a base file's parts, 1–4 of them changed: the zip layer no longer protects."""
    base = draw(st.sampled_from(bases))
    parts = members(base)
    for _ in range(draw(st.integers(1, 4))):
        names = sorted(parts)
        if not names:
            break
        op = draw(st.sampled_from(_PART_OPS))
        name = draw(st.sampled_from(names))
        if op == "swap":
            other = draw(st.sampled_from(names))
            parts[name], parts[other] = parts[other], parts[name]
        elif op == "drop":
            del parts[name]
        elif op == "truncate":
            parts[name] = parts[name][: draw(st.integers(0, max(len(parts[name]) - 1, 0)))]
        elif op == "noise":
            parts[name] = draw(st.binary(max_size=256))
        elif op == "doctype":
            if parts[name].lstrip().startswith(b"<"):
                return with_doctype(zipped(parts), name, draw(st.sampled_from(sorted(_DTDS))))
        else:  # "xml": one byte of the XML changed (unbalanced tags, bad attributes, bad numbers)
            content = bytearray(parts[name])
            if content:
                content[draw(st.integers(0, len(content) - 1))] = draw(st.sampled_from(b'<>"&=/0Az\x00\xff'))
            parts[name] = bytes(content)
    return zipped(parts)


def spoiled(bases: list[bytes]) -> st.SearchStrategy[bytes]:
    return st.one_of(spoiled_bytes(bases), spoiled_parts(bases))
