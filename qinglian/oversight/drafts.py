"""Is a generated draft a copy of the unit's earlier reports? The preview's 查重, with the measure of `similar`.

A draft is compared on its *fact-bearing* text: its character 5-shingles less the stock phrases
(`boilerplate.txt`) and less the generator's fixed wording — the shingles of the same genre built for the same
unit and period from no records at all and from a record of every figure (`skeleton`). What is left is what the
records put there (the figures, the ledger's problems and measures, the year's comparison), so two untouched
drafts of years with different records are far apart, while a draft whose records are last year's again is
close to last year's draft. Earlier drafts are compared the same way; an upload on its own text
(`similar.own_hashes`), which already leaves out every generator shingle.

The earlier reports are the same unit's (and, for a personal report, the same person's) drafts and uploads of
the same genre for an earlier year, the latest draft of each year only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db.models import Q
from django.utils import timezone

from qinglian.oversight import minhash, similar
from qinglian.oversight.models import IndexedReport, UploadedReport
from qinglian.reports.models import GeneratedReport

WARN_AT = similar.THRESHOLD  # the preview warns from this Jaccard similarity of the fact-bearing text
MIN_FACTS = 20  # fact-bearing shingles a draft needs to be compared at all
SKELETON_COUNT = 987654321


@dataclass(frozen=True)
class Match:
    year: int
    similarity: float
    title: str
    generated: GeneratedReport | None = None
    upload: UploadedReport | None = None

    @property
    def percent(self) -> int:
        return round(self.similarity * 100)

    @property
    def ref(self) -> str:
        """Its id on the side-by-side page (oversight:pair)."""
        return f"generated:{self.generated.pk}" if self.generated is not None else f"upload:{self.upload.pk}"


@lru_cache(maxsize=256)
def _skeleton(genre: str, unit_name: str, unit_short: str, date_from: dt.date, date_to: dt.date, today: dt.date,
              person: tuple[str, str, str] | None, figures: tuple[tuple[str, str, str], ...]) -> frozenset[int]:
    from qinglian.reports.genres import build_report
    from qinglian.reports.genres.data import Count, PersonInfo, ReportInput

    base = ReportInput(genre=genre, unit_name=unit_name, unit_short=unit_short, date_from=date_from, date_to=date_to,
                       today=today, person=PersonInfo(*person) if person else None)
    # a count no real figure has, so that only the wording around the numbers is the generator's
    full = {k: Count(key=k, name=n, counting_unit=u, count=SKELETON_COUNT) for k, n, u in figures}
    hashes: set[int] = set()
    for data in (base, dataclasses.replace(base, figures=full, previous=full)):
        try:
            report = build_report(data)
        except Exception:  # a genre that needs more than figures (a person's lists …): its phrases stay counted
            continue
        hashes |= minhash.shingle_hashes(report_lines(report.title, report.blocks))
    return frozenset(hashes)


def report_lines(title: str, blocks: list[Any]) -> str:
    """A built report's text, a block a line, as `similar.generated_text` writes a stored draft's."""
    lines = [title]
    for b in blocks:
        rows = getattr(b, "rows", None)
        if rows is not None:
            lines += ["".join(str(c) for c in row) for row in rows]
        else:
            lines.append(str(getattr(b, "text", "")))
    return "\n".join(line for line in lines if line)


def skeleton(generated: GeneratedReport) -> frozenset[int]:
    """The shingles the generator writes for this genre, unit and period whatever the records say."""
    person = generated.person
    return _skeleton(
        generated.genre, generated.unit.name, generated.unit.short_name, generated.date_from, generated.date_to,
        timezone.localdate(generated.created_at),
        (person.name, person.post, person.team_role) if person is not None else None,
        tuple(sorted({(f.get("key") or f.get("kind", ""), f.get("name", ""), f.get("counting_unit", ""))
                      for f in generated.figures if f.get("kind")})))


def fact_hashes(generated: GeneratedReport) -> set[int]:
    """What a draft is compared on (see the module's docstring)."""
    text = similar.generated_text(generated)
    return minhash.shingle_hashes(text) - similar.boilerplate_hashes() - skeleton(generated)


def _earlier_drafts(generated: GeneratedReport) -> list[GeneratedReport]:
    qs = (GeneratedReport.objects.filter(unit_id=generated.unit_id, genre=generated.genre,
                                         date_to__year__lt=generated.date_to.year)
          .filter(Q(person_id=generated.person_id) if generated.person_id else Q(person__isnull=True))
          .select_related("unit", "person").order_by("-date_to", "-created_at", "-id"))
    latest: dict[int, GeneratedReport] = {}
    for g in qs[:50]:
        latest.setdefault(g.date_to.year, g)
    return list(latest.values())


def _earlier_uploads(generated: GeneratedReport) -> list[IndexedReport]:
    similar.index_pending()
    qs = IndexedReport.objects.filter(upload__isnull=False, unit_id=generated.unit_id, genre=generated.genre,
                                      year__lt=generated.date_to.year).select_related("upload")
    if generated.person_id:
        qs = qs.filter(person_id=generated.person_id)
    return list(qs.order_by("-year", "-id")[:20])


def draft_matches(generated: GeneratedReport, warn_at: float = WARN_AT) -> list[Match]:
    """The unit's earlier reports of the genre whose text is at least `warn_at` alike, most similar first."""
    mine = fact_hashes(generated)
    if len(mine) < MIN_FACTS:
        return []
    out = []
    for earlier in _earlier_drafts(generated):
        s = minhash.jaccard(mine, fact_hashes(earlier))
        if s >= warn_at:
            out.append(Match(earlier.date_to.year, round(s, 4), earlier.title, generated=earlier))
    owns = similar.Owns()
    for indexed in _earlier_uploads(generated):
        s = minhash.jaccard(mine, owns(indexed))
        if s >= warn_at:
            out.append(Match(indexed.year, round(s, 4), indexed.title, upload=indexed.upload))
    out.sort(key=lambda m: -m.similarity)
    return out


def draft_similarity(generated: GeneratedReport, other: GeneratedReport) -> float:
    """Two drafts' similarity by the preview's measure (tests and the bench)."""
    return minhash.jaccard(fact_hashes(generated), fact_hashes(other))
