"""The public entry points: a path, bytes or text in; a ReadResult out, or a ReadError."""

from __future__ import annotations

import os
from pathlib import Path

from ..ooxml import DEFAULT_MAX_UNPACKED
from .decode import DEFAULT_MAX_BYTES, bytes_to_paragraphs, clean_paragraphs, too_large_message
from .figures import find_figures
from .model import ReadError, ReadResult, StateReading
from .outline import find_outline
from .parts import find_genre, find_problems_and_plans, find_rectification, find_title

_NOT_A_REPORT = (
    "没有在文件中找到报告的层次标题（如“一、”“（一）”“1.”），这可能不是一份报告。"
    "请确认上传的是工作报告或整改通报的正文。"
)
_UNEXPECTED = "读取文件时发生意外错误。请把文件在 Word 或 WPS 中“另存为” .docx 后重试；仍不行请联系管理员。"


def analyse(paragraphs: list[str], source: str = "txt") -> ReadResult:
    """Paragraphs → ReadResult. Raises ReadError when no outline is found."""
    if not paragraphs:
        raise ReadError("文件里没有文字内容。请检查是否选错了文件。")
    outline = find_outline(paragraphs)
    if not outline:
        raise ReadError(_NOT_A_REPORT)
    title = find_title(paragraphs)
    genre = find_genre(title, paragraphs)
    rectification, overall = (find_rectification(outline, paragraphs) if genre == "rectification"
                              else ([], StateReading()))
    problems, plans = find_problems_and_plans(outline, paragraphs)
    if rectification:
        problems = [r.problem for r in rectification]
    return ReadResult(
        title=title,
        genre=genre,
        outline=outline,
        problems=problems,
        plans=plans,
        figures=find_figures(paragraphs),
        paragraphs=paragraphs,
        rectification=rectification,
        source=source,
        overall=overall,
    )


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
