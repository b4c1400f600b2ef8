"""Every part of a report belongs to its period: a 2020 report says nothing of a source fed back in 2026, and
a report at the end of the source's year shows what was still open then, with its status as of then."""

from __future__ import annotations

import datetime as dt

import pytest

from paperwork.write import report_text
from qinglian.ledger.models import Measure, MeasureStatus, Progress
from qinglian.lib import tracking
from qinglian.reports.services import report_draft

from .conftest import YEAR

LEDGER_TEXTS = ("党中央重大决策部署学习贯彻", "财务支出审核", "执行财经纪律", "修订完善机关财务管理制度",
                "追缴违规报销资金", "创新学习方式", "县委第三巡察组")


def _text(seeded, genre: str, year: int, **kwargs) -> str:
    draft = report_draft(unit=seeded.world.a, genre=genre, date_from=dt.date(year, 1, 1),
                         date_to=dt.date(year, 12, 31), today=dt.date(YEAR, 11, 23), **kwargs)
    return "\n".join(report_text(draft.docx))


@pytest.mark.parametrize("genre", ["responsibility", "summary", "rectification", "personal", "bulletin"])
def test_a_report_before_any_source_has_nothing_from_later_years(seeded, genre: str) -> None:
    kwargs = {"person": seeded.world.member_a} if genre == "personal" else {}
    text = _text(seeded, genre, 2020, **kwargs)
    assert not [t for t in LEDGER_TEXTS if t in text]
    # the document is dated and plans for the year after (2021) at the latest; nothing of later years
    assert not [y for y in range(2022, YEAR + 2) if f"{y}年" in text], text


def test_the_year_of_the_source_lists_what_was_open_at_its_end(seeded) -> None:
    """The measure still in progress is a plan of its year; the same report for the following year, once
    the measure was finished in it, no longer lists it, while the year's own report keeps it."""
    text = _text(seeded, "responsibility", YEAR)
    assert "修订完善机关财务管理制度" in text and "执行财经纪律不严" in text
    measure = Measure.objects.get(text="修订完善机关财务管理制度")
    Progress.objects.create(measure=measure, unit=measure.unit, date=dt.date(YEAR + 1, 3, 1), text="已修订",
                            status_after=MeasureStatus.DONE)
    with tracking.bulk("测试准备"):
        Measure.objects.filter(pk=measure.pk).update(status=MeasureStatus.DONE)
    assert "修订完善机关财务管理制度" in _text(seeded, "responsibility", YEAR)  # done only after that year
    assert "修订完善机关财务管理制度" not in _text(seeded, "responsibility", YEAR + 1)
