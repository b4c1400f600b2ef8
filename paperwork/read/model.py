"""Plain data returned by the reader. No behaviour beyond serialisation."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

GENRES = ("responsibility", "personal", "rectification", "summary", "bulletin")


class ReadError(ValueError):
    """A document we cannot read. `message_zh` tells the user what to do."""

    def __init__(self, message_zh: str) -> None:
        super().__init__(message_zh)
        self.message_zh = message_zh


@dataclass(frozen=True)
class OutlineItem:
    level: int  # 1: 一、  2: （一）  3: 1.  4: （1）
    marker: str  # as typed, e.g. "一、", "(1)", "1．"
    heading: str  # text after the marker up to the first 。/：, or the whole short heading
    paragraph: int  # index into ReadResult.paragraphs
    value: int = 0  # the number the marker stands for (一 → 1)


@dataclass(frozen=True)
class Figure:
    text: str  # the span, e.g. "集中学习14次"
    number: str  # digits as written, or the placeholder itself ("*", "XX")
    counting_unit: str  # 次, 人次, 期 …
    placeholder: bool
    paragraph: int
    start: int = 0  # character offsets of `text` within the paragraph
    end: int = 0


@dataclass(frozen=True)
class StateReading:
    """What a rectification notice says of a measure's state, and the words that say it."""

    state: str = "in_progress"  # done | in_progress | long_term (the ledger's codes)
    phrase: str = ""  # the words that decided it ("已全面完成整改"); "" when the notice says nothing
    where: str = ""  # measure | problem | group | notice: whose text said it; "" nothing said


@dataclass(frozen=True)
class RectProblem:
    aspect: str  # the 方面 heading the problem falls under ("" if none)
    problem: str  # the specific problem as stated
    measures: list[str] = field(default_factory=list)  # 整改情况 items (一是…二是…)
    group: str = ""  # the parent problem when this is a sub-problem （1）（2）
    paragraph: int = 0
    states: list[StateReading] = field(default_factory=list)  # one a measure, in order (see read.states)

    def state_of(self, i: int) -> StateReading:
        return self.states[i] if i < len(self.states) else StateReading()


@dataclass
class ReadResult:
    title: str
    genre: str | None
    outline: list[OutlineItem]
    problems: list[str]
    plans: list[str]
    figures: list[Figure]
    paragraphs: list[str]
    rectification: list[RectProblem] = field(default_factory=list)
    source: str = ""  # "docx" or "txt"
    overall: StateReading = field(default_factory=StateReading)  # the notice-wide statement ("已全面完成整改")

    def to_plain(self) -> dict[str, Any]:
        """Everything, as JSON-ready data; `from_plain` gives the same result back (to_json is the summary)."""
        return asdict(self)

    @classmethod
    def from_plain(cls, data: dict[str, Any]) -> ReadResult:
        values = dict(data)
        values["outline"] = [OutlineItem(**o) for o in data["outline"]]
        values["figures"] = [Figure(**f) for f in data["figures"]]
        values["rectification"] = [
            RectProblem(**{**r, "states": [StateReading(**x) for x in r.get("states", [])]})
            for r in data["rectification"]
        ]
        values["overall"] = StateReading(**data.get("overall", {}))
        return cls(**values)

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "genre": self.genre,
            "outline": [
                {"level": o.level, "marker": o.marker, "heading": o.heading} for o in self.outline
            ],
            "problems": list(self.problems),
            "plans": list(self.plans),
            "figures": [
                {"text": f.text, "number": f.number, "counting_unit": f.counting_unit} for f in self.figures
            ],
            "rectification": [
                {"aspect": r.aspect, "group": r.group, "problem": r.problem, "measures": list(r.measures),
                 "states": [{"state": x.state, "phrase": x.phrase} for x in r.states]}
                for r in self.rectification
            ],
            "overall": {"state": self.overall.state, "phrase": self.overall.phrase},
            "paragraph_count": len(self.paragraphs),
        }
