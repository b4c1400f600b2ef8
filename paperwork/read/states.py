"""A measure's state as a rectification notice states it: 已完成 / 持续推进 / 长期坚持, or nothing.

The notice's words decide, nearest first: the measure's own text (一是…), then what its problem's 整改情况
says before the measures ("整改情况：已整改到位。一是…") or a bracket after its heading ("（已完成）"), then
the parent problem's, then the notice as a whole ("12条具体问题已全面完成整改"); a notice that says nothing
leaves the measure under way (in_progress). A phrase that is negated ("尚未整改到位") says the measure is
still under way; one that is only aimed at ("确保整改到位", "要常态化") says nothing.

Within one text, under way beats long term beats done: "已完成第一阶段，正在推进" is under way, and
"已完成集中整改，常态化开展" is a long-term measure.
"""

from __future__ import annotations

import re

from .model import StateReading

DONE, IN_PROGRESS, LONG_TERM = "done", "in_progress", "long_term"

_PHRASES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (IN_PROGRESS, re.compile(r"持续推进|正在推进|推进中|正在整改|整改中")),
    (LONG_TERM, re.compile(r"长期坚持|持续抓好|常态化|长效机制")),
    (DONE, re.compile(
        r"已整改到位|已完成|整改完成|已落实|完成整改|整改到位|已整改|已建立|已制定|已修订|已出台|已办结"
    )),
)
# Said of the whole notice: every problem done ("已全面完成整改", "全部整改到位", "均已整改到位").
_OVERALL_DONE = re.compile(
    r"(?:已|均已)?(?:全面|全部)(?:完成(?:了)?整改|整改(?:到位|完成|完毕)|完成)(?:工作)?"
    r"|均已(?:完成整改|整改到位|整改完成)"
)
_NEGATED = re.compile(r"(?:尚未|仍未|还未|未能|没有|未)(?:全部|完全|全面)?$")
# Only aimed at, not done: the clause before the phrase says "to ensure", "until" …, or the phrase follows
# "will", "must" right away ("将持续推进" is still said: under way is what a plan is).
_AIMED = re.compile(r"确保|力争|争取|务必|必须|直至|直到|以便|要求|(?:将|要|需|需要|应|应当)(?:进一步|全面|全部|逐步|尽快)?$")
_CLAUSE_END = re.compile(r"[。；;！？!?，,：:\n]")
# Counted right after the phrase ("已全面完成整改10项"): a part of the problems, not all of them.
_COUNT_AFTER = re.compile(r"^\s*\d")


def _clause_before(text: str, at: int) -> str:
    start = max((m.end() for m in _CLAUSE_END.finditer(text, 0, at)), default=0)
    return text[start:at]


def _readings(text: str, pattern: re.Pattern[str], state: str) -> list[tuple[str, str]]:
    """(state, phrase) for each use of the pattern that is said, not negated or aimed at."""
    out = []
    for m in pattern.finditer(text):
        before = _clause_before(text, m.start())
        negated = _NEGATED.search(before)
        if negated:
            if state == DONE:  # "尚未整改到位": still under way
                out.append((IN_PROGRESS, negated.group(0) + m.group(0)))
            continue
        if _AIMED.search(before) and state != IN_PROGRESS:
            continue
        out.append((state, m.group(0)))
    return out


def state_stated(text: str) -> tuple[str, str] | None:
    """(state, phrase) a text states for a measure, or None when it says nothing."""
    found = [r for state, pattern in _PHRASES for r in _readings(text, pattern, state)]
    for state in (IN_PROGRESS, LONG_TERM, DONE):
        for got, phrase in found:
            if got == state:
                return got, phrase
    return None


def overall_state(paragraphs: list[str]) -> StateReading:
    """The notice-wide statement ("3个方面12条具体问题已全面完成整改") in paragraphs outside any problem."""
    for paragraph in paragraphs:
        for m in _OVERALL_DONE.finditer(paragraph):
            if _COUNT_AFTER.match(paragraph[m.end():]):
                continue
            before = _clause_before(paragraph, m.start())
            if _NEGATED.search(before) or _AIMED.search(before):
                continue
            return StateReading(DONE, m.group(0), "notice")
    return StateReading()


def measure_states(measures: list[str], problem_texts: list[str], group_texts: list[str],
                   overall: StateReading) -> list[StateReading]:
    """One reading a measure: its own words, else its problem's, else the parent problem's, else the notice's."""
    inherited = overall
    for where, texts in (("group", group_texts), ("problem", problem_texts)):
        for text in texts:
            said = state_stated(text)
            if said is not None:
                inherited = StateReading(said[0], said[1], where)
                break
    out = []
    for text in measures:
        said = state_stated(text)
        out.append(StateReading(said[0], said[1], "measure") if said else inherited)
    return out
