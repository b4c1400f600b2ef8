"""What a genre builder gets: plain data gathered by `qinglian.reports.selectors` (no ORM objects)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Count:
    """One counted figure as the statistics engine gave it. `key` is the kind code, or "kind@unit_id" for a
    figure of another unit than the report's (a row of the bulletin table)."""

    key: str
    name: str
    counting_unit: str
    count: int
    unit_id: int | None = None  # None: the report's unit

    @property
    def kind(self) -> str:
        return self.key.split("@", 1)[0]


@dataclass(frozen=True)
class MeasureItem:
    text: str
    status: str  # not_started | in_progress | done | long_term
    status_label: str
    leader: str = ""
    owner: str = ""
    deadline: str = ""
    situation: str = ""
    imported: bool = False  # its text was read from an imported report: its numbers were never counted
    origin: str = ""  # that report's file name


@dataclass(frozen=True)
class OpenProblem:
    """A specific problem still open at the end of the report's period, and who fed it back."""

    text: str
    source: str  # 县委第一巡察组 …
    imported: bool = False  # read from an imported report (see MeasureItem)
    origin: str = ""


@dataclass(frozen=True)
class ProblemItem:
    text: str
    measures: tuple[MeasureItem, ...] = ()
    children: tuple[ProblemItem, ...] = ()
    closed: bool = False
    imported: bool = False  # read from an imported report (see MeasureItem)
    origin: str = ""


@dataclass(frozen=True)
class AspectItem:
    title: str
    problems: tuple[ProblemItem, ...] = ()


@dataclass(frozen=True)
class SourceItem:
    title: str
    kind_label: str  # 巡察, 审计 …
    issued_by: str
    feedback_date: dt.date | None
    aspects: tuple[AspectItem, ...] = ()


@dataclass(frozen=True)
class DutyItem:
    list_label: str  # 第一责任人清单 …
    text: str
    frequency: str  # 每季度 …
    done: bool


@dataclass(frozen=True)
class PersonInfo:
    name: str
    post: str
    team_role: str  # principal | team_member | staff
    portfolio: tuple[str, ...] = ()
    duties: tuple[DutyItem, ...] = ()


@dataclass(frozen=True)
class TalkItem:
    """A talk the cadre received (提醒谈话, 约谈 …). `content` is empty when its 密级 is above the reader's
    clearance: only that it took place (date, kind) may be shown then."""

    date: dt.date
    kind: str  # 廉政提醒谈话 …
    protected: bool  # above the reader's clearance: content withheld
    content: str = ""  # 谈话人, topic and 要点, when within the clearance


@dataclass(frozen=True)
class LedgerItem:
    """A rectification measure the cadre is 责任领导 or 责任人 of, with its outcome."""

    text: str  # empty when above the reader's clearance
    role: str  # 责任领导 / 责任人 / 责任领导、责任人
    deadline: str
    outcome: str  # 提前完成 / 按期完成 / 逾期完成 / 推进中（已逾期） …


@dataclass(frozen=True)
class OrderItem:
    """A 督办 on one of the cadre's items."""

    content: str  # empty when its problem is above the reader's clearance
    due: str
    state: str


@dataclass(frozen=True)
class IntegrityInfo:
    """What the 党风廉政意见回复 lists besides its figures."""

    unit_name: str
    issuer: str  # the 纪检 office answering
    letters: tuple[str, ...] = ()
    talks: tuple[TalkItem, ...] = ()
    ledger: tuple[LedgerItem, ...] = ()
    orders: tuple[OrderItem, ...] = ()


@dataclass(frozen=True)
class BulletinRow:
    name: str
    cells: tuple[Count, ...]  # one per outlet level, in LEVEL order

    @property
    def total(self) -> int:
        return sum(c.count for c in self.cells)


@dataclass(frozen=True)
class ReportInput:
    genre: str
    unit_name: str
    date_from: dt.date
    date_to: dt.date
    today: dt.date
    figures: dict[str, Count] = field(default_factory=dict)
    unit_short: str = ""
    sources: tuple[SourceItem, ...] = ()
    open_problems: tuple[OpenProblem, ...] = ()  # specific problems still open at the period's end
    open_measures: tuple[MeasureItem, ...] = ()  # measures still under way (plans)
    person: PersonInfo | None = None
    previous: dict[str, Count] = field(default_factory=dict)  # the same figures a year earlier (changes.py)
    previous_label: str = ""  # how the text names that period: "2025年", "上年同期"
    bulletin_levels: tuple[str, ...] = ()  # column labels (中央级 …)
    bulletin_rows: tuple[BulletinRow, ...] = ()
    integrity: IntegrityInfo | None = None
    content_label: str = ""  # the highest 密级 of the records whose content the document quotes (意见回复)

    @property
    def short(self) -> str:
        return self.unit_short or self.unit_name

    def get(self, key: str) -> Count | None:
        return self.figures.get(key)

    def positive(self, key: str) -> Count | None:
        """The figure if the engine has it and it is not zero (a sentence about nothing is left out)."""
        found = self.figures.get(key)
        return found if found is not None and found.count > 0 else None
