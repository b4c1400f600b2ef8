"""Scoring bands of one indicator: where the measured rate (0–100 %) falls, and the points it earns there.

A band is (lower %, upper %, points at lower, points at upper): equal points are a fixed score, different
points are linear inside the band. Written one band a line, "下限,上限,下限得分,上限得分", e.g. for 20 points:

    95,100,20,20      ≥95% 满分
    80,95,12,20       80%–95% 按比例 12–20 分
    0,80,0,0          <80% 不得分

The bands cover 0–100 % without gaps or overlaps; a rate belongs to the band whose lower bound it reaches
(100 % to the top band). Plain data in and out: no Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import pairwise

TENTH = Decimal("0.1")
HUNDRED = Decimal("100")


class BandError(ValueError):
    """Bands that cannot be used; the message is a Chinese sentence saying what to fix."""


@dataclass(frozen=True)
class Band:
    lower: Decimal
    upper: Decimal
    low_points: Decimal
    high_points: Decimal

    @property
    def fixed(self) -> bool:
        return self.low_points == self.high_points

    def describe(self) -> str:
        span = f"{_n(self.lower)}%及以上" if self.upper == HUNDRED and self.lower > 0 else (
            f"{_n(self.lower)}%–{_n(self.upper)}%")
        if self.fixed:
            return f"{span}：{_n(self.low_points)}分"
        return f"{span}：按比例计{_n(self.low_points)}–{_n(self.high_points)}分"

    def points(self, value: Decimal) -> Decimal:
        if self.fixed or self.upper == self.lower:
            return self.low_points
        share = (value - self.lower) / (self.upper - self.lower)
        return tenth(self.low_points + (self.high_points - self.low_points) * share)

    def as_list(self) -> list[str]:
        return [str(self.lower), str(self.upper), str(self.low_points), str(self.high_points)]


def tenth(value: Decimal) -> Decimal:
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


def _n(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else str(value)


def default_bands(weight: Decimal) -> list[Band]:
    """Points in proportion to the rate: 0 % → 0, 100 % → the weight."""
    return [Band(Decimal(0), HUNDRED, Decimal(0), weight)]


def from_lists(rows: list[list[str]]) -> list[Band]:
    return [Band(*(Decimal(x) for x in row)) for row in rows]


def parse(text: str, weight: Decimal) -> list[Band]:
    """Bands from the editor's text (commas, Chinese commas or spaces between numbers); empty → default."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not lines:
        return default_bands(weight)
    bands = []
    for number, line in enumerate(lines, start=1):
        parts = [p for p in re.split(r"[,，、\s]+", line.replace("%", "")) if p]
        if len(parts) != 4:
            raise BandError(f"第{number}行“{line}”应写4个数：下限%,上限%,下限得分,上限得分（如 80,95,12,20）。")
        try:
            values = [Decimal(p) for p in parts]
        except InvalidOperation as exc:
            raise BandError(f"第{number}行“{line}”中有不是数字的内容。") from exc
        bands.append(Band(*values))
    check(bands, weight)
    return sorted(bands, key=lambda b: b.lower, reverse=True)


def check(bands: list[Band], weight: Decimal) -> None:
    ordered = sorted(bands, key=lambda b: b.lower)
    for b in ordered:
        if not (0 <= b.lower < b.upper <= HUNDRED):
            raise BandError(f"分档“{b.describe()}”的下限须小于上限，且都在0到100之间。")
        if not (0 <= b.low_points <= weight and 0 <= b.high_points <= weight):
            raise BandError(f"分档“{b.describe()}”的得分须在0到本指标分值{_n(weight)}分之间。")
    if ordered[0].lower != 0 or ordered[-1].upper != HUNDRED:
        raise BandError("分档须覆盖0%到100%：最低一档的下限写0，最高一档的上限写100。")
    for below, above in pairwise(ordered):
        if below.upper != above.lower:
            raise BandError(f"分档之间有空缺或重叠：{_n(below.upper)}% 与 {_n(above.lower)}% 应相同。")


def band_for(bands: list[Band], value: Decimal) -> Band:
    for band in sorted(bands, key=lambda b: b.lower, reverse=True):
        if value >= band.lower:
            return band
    return min(bands, key=lambda b: b.lower)


def text_of(bands: list[Band]) -> str:
    """The editor's text for `bands` (what `parse` reads back)."""
    return "\n".join(",".join(_n(x) for x in (b.lower, b.upper, b.low_points, b.high_points))
                     for b in sorted(bands, key=lambda b: b.lower, reverse=True))
