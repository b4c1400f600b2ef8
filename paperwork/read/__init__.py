"""Read the reports a unit already has (.docx, .txt) into plain data.

    from paperwork.read import read_path
    result = read_path("2023年述责述廉报告.docx")
    result.outline, result.problems, result.figures, result.to_json()

No Django here: plain data in, plain data out.
"""

from .decode import DEFAULT_MAX_BYTES
from .model import GENRES, Figure, OutlineItem, ReadError, ReadResult, RectProblem, StateReading
from .reader import analyse, read_bytes, read_path, read_text

__all__ = [
    "DEFAULT_MAX_BYTES",
    "GENRES",
    "Figure",
    "OutlineItem",
    "ReadError",
    "ReadResult",
    "RectProblem",
    "StateReading",
    "analyse",
    "read_bytes",
    "read_path",
    "read_text",
]
