"""Genre builders: plain data (`ReportInput`) → `paperwork.write.Report`. No ORM, no Django here."""

from __future__ import annotations

from collections.abc import Callable

from paperwork.write import Report
from qinglian.reports.genres import bulletin, integrity, personal, rectification, responsibility, summary
from qinglian.reports.genres.data import ReportInput

BUILDERS: dict[str, Callable[[ReportInput], Report]] = {
    "responsibility": responsibility.build,
    "personal": personal.build,
    "rectification": rectification.build,
    "summary": summary.build,
    "bulletin": bulletin.build,
    "integrity": integrity.build,
}


def build_report(data: ReportInput) -> Report:
    return BUILDERS[data.genre](data)
