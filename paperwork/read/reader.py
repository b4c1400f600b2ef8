"""The public entry points: a path, bytes or text in; a ReadResult out, or a ReadError."""

from __future__ import annotations

import os
from pathlib import Path

from ..ooxml import DEFAULT_MAX_UNPACKED
from .chrome import strip_chrome
from .decode import DEFAULT_MAX_BYTES, bytes_to_paragraphs, clean_paragraphs, too_large_message
from .figures import find_figures
from .model import ReadError, ReadResult, StateReading
from .normalise import as_written, has_matching_changes, matching_form, tidy
from .outline import find_outline
from .parts import (
    find_genre,
    find_problems_and_plans,
    find_rectification,
    find_title,
    problems_in_prose,
    problems_in_tables,
)

_UNEXPECTED = "读取文件时发生意外错误。请把文件在 Word 或 WPS 中“另存为” .docx 后重试；仍不行请联系管理员。"
_NO_TEXT = "文件里没有文字内容。请检查是否选错了文件。"


def prepare(paragraphs: list[str], convert: bool = True) -> list[str]:
    """Cleaned paragraphs → the report's own paragraphs: page chrome dropped, wraps joined, spaces tidied."""
    body = strip_chrome(tidy(strip_chrome(paragraphs, convert)), convert)
    return body or paragraphs  # a page that is all chrome is still text: read it as it is


def analyse(paragraphs: list[str], source: str = "txt") -> ReadResult:
    """Paragraphs → ReadResult. A text without numbered headings is still read (its outline is empty);
    ReadError only when there is no text at all."""
    if not paragraphs:
        raise ReadError(_NO_TEXT)
    convert = has_matching_changes("\n".join(paragraphs))
    shown = prepare(paragraphs, convert)
    seen = [matching_form(p) for p in shown] if convert else shown
    outline = find_outline(seen)
    title = find_title(seen)
    genre = find_genre(title, seen)
    rectification, overall = (find_rectification(outline, seen) if genre == "rectification" and outline
                              else ([], StateReading()))
    problems, plans = find_problems_and_plans(outline, seen)
    if rectification:
        problems = [r.problem for r in rectification]
    if not problems:
        problems = problems_in_tables(seen) or problems_in_prose(seen)
    result = ReadResult(
        title=title,
        genre=genre,
        outline=outline,
        problems=problems,
        plans=plans,
        figures=find_figures(seen),
        paragraphs=shown,
        rectification=rectification,
        source=source,
        overall=overall,
    )
    return as_written(result, seen) if convert else result


def read_bytes_unchecked(data: bytes, filename: str, *, max_bytes: int = DEFAULT_MAX_BYTES,
                         max_unpacked: int = DEFAULT_MAX_UNPACKED) -> ReadResult:
    """read_bytes without the safety net; the fuzz tests use it to find real bugs."""
    paragraphs, kind = bytes_to_paragraphs(data, filename, max_bytes, max_unpacked)
    return analyse(paragraphs, kind)


def read_bytes(data: bytes, filename: str = "", *, max_bytes: int = DEFAULT_MAX_BYTES,
               max_unpacked: int = DEFAULT_MAX_UNPACKED) -> ReadResult:
    """A .docx or .txt report read; ReadError (in Chinese) for anything else. A .docx passes paperwork.ooxml's
    guard: its parts may inflate to `max_unpacked` bytes in all."""
    try:
        return read_bytes_unchecked(data, filename, max_bytes=max_bytes, max_unpacked=max_unpacked)
    except ReadError:
        raise
    except (RecursionError, MemoryError, Exception) as exc:  # never a traceback for a user's file
        raise ReadError(_UNEXPECTED) from exc


def read_text(text: str) -> ReadResult:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    paragraphs = clean_paragraphs(lines)
    if not paragraphs:
        raise ReadError("文本是空的，没有可读取的内容。")
    return analyse(paragraphs, "txt")


def read_path(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ReadResult:
    p = Path(path)
    try:
        size = os.stat(p).st_size
        if size > max_bytes:  # refuse before reading a byte of it
            raise ReadError(too_large_message(max_bytes))
        with open(p, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except ReadError:
        raise
    except FileNotFoundError:
        raise ReadError(f"找不到文件“{p.name}”。请检查文件路径。") from None
    except IsADirectoryError:
        raise ReadError(f"“{p.name}”是一个文件夹，不是文件。请选择一份报告文件。") from None
    except OSError:
        raise ReadError(f"无法打开文件“{p.name}”。请检查文件是否被占用或没有读取权限。") from None
    return read_bytes(data, p.name, max_bytes=max_bytes)
