"""Copied text (雷同): every uploaded and generated report in a MinHash/LSH index kept in the database.

What a report is compared on is its *own* text: its character 5-shingles less
- the genre's stock phrases (`boilerplate.txt`, data: one phrase a line),
- the text the generator wrote in any draft (`GeneratorShingle`: a generated draft adds every shingle it has,
  so an uploaded report that keeps the draft's wording unchanged is compared only on what the unit added), and
- shingles found in more than COMMON_SHARE of the uploaded reports (`CommonShingle`, the census).
So twenty units' generated drafts have no own text and flag nothing, while two units' reports that share a
paragraph they wrote are compared on that paragraph.

The signature and the band keys of a report are stored (`IndexedReport`, `ReportBand`); a new report is
checked by looking up its 42 band keys (one indexed query), then the candidates' signatures, then the exact
Jaccard similarity of the candidates' own shingles, recomputed with the discounting in force now (so a
signature made before the census changed costs at most a missed candidate until `--reindex`).
Two versions of one report (same unit, genre, year and person) are never a pair.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Count

from qinglian.org.models import Unit
from qinglian.org.scoping import subtree_q
from qinglian.oversight import minhash
from qinglian.oversight.models import (
    CommonShingle,
    GeneratorShingle,
    IndexedReport,
    ReportBand,
    UploadedReport,
)
from qinglian.reports.models import SEALED_GENRES, GeneratedReport

THRESHOLD = 0.5
MIN_OWN = 40  # own shingles a report needs to be compared at all (about two sentences)
COMMON_SHARE = 0.2  # a shingle in more than this share of uploaded reports is stock phrasing …
COMMON_MIN_REPORTS = 10  # … once it is in at least this many (a small corpus discounts nothing)
CENSUS_SAMPLE = 3000
PASSAGE_MIN = 12  # characters: a shared run shorter than this is not shown as a passage
_CHUNK = 900
BOILERPLATE = Path(__file__).with_name("boilerplate.txt")


# -- discounting ---------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def boilerplate_hashes() -> frozenset[int]:
    phrases = [line.strip() for line in BOILERPLATE.read_text(encoding="utf-8").splitlines()]
    return frozenset(h for p in phrases if p and not p.startswith("#") for h in minhash.shingle_hashes(p))


def generator_hashes(hashes: Iterable[int]) -> set[int]:
    """Those of `hashes` the generator wrote in some draft."""
    wanted = list(hashes)
    found: set[int] = set()
    for i in range(0, len(wanted), _CHUNK):
        found.update(GeneratorShingle.objects.filter(hash__in=wanted[i:i + _CHUNK]).values_list("hash", flat=True))
    return found


_common: dict[str, Any] = {"version": None, "hashes": frozenset()}


def common_hashes() -> frozenset[int]:
    """The census's shingles, read again only when the census changed (its size and largest hash)."""
    from django.db.models import Max

    version = tuple(CommonShingle.objects.aggregate(n=Count("hash"), top=Max("hash")).values())
    if _common["version"] != version:
        _common["hashes"] = frozenset(CommonShingle.objects.values_list("hash", flat=True))
        _common["version"] = version
    return frozenset(_common["hashes"])


def own_hashes(text: str, common: frozenset[int] | None = None) -> set[int]:
    """The shingles a report is compared on (see the module's docstring)."""
    hashes = minhash.shingle_hashes(text) - boilerplate_hashes()
    hashes -= common if common is not None else common_hashes()
    return hashes - generator_hashes(hashes)


# -- the index ----------------------------------------------------------------------------------------------
def generated_text(report: GeneratedReport) -> str:
    """What a draft says, a block a line (tables row by row)."""
    lines: list[str] = [report.title]
    for block in report.content_blocks:
        if block.get("kind") == "table":
            lines += ["".join(str(c.get("text", "")) for c in row) for row in block.get("rows", [])]
        else:
            lines.append(str(block.get("text", "")))
    return "\n".join(line for line in lines if line)


def index_generated(report: GeneratedReport) -> IndexedReport:
    """A draft: every shingle it has becomes generator text; it has no own text of its own."""
    text = generated_text(report)
    with transaction.atomic():
        GeneratorShingle.objects.bulk_create([GeneratorShingle(hash=h) for h in minhash.shingle_hashes(text)],
                                             ignore_conflicts=True, batch_size=2000)
        indexed, _ = IndexedReport.objects.update_or_create(generated=report, defaults={
            "unit_id": report.unit_id, "person_id": report.person_id, "genre": report.genre,
            "year": report.date_to.year, "title": report.title[:300], "text": text, "own": 0, "signature": b""})
        ReportBand.objects.filter(report=indexed).delete()
    return indexed


def index_upload(upload: UploadedReport, common: frozenset[int] | None = None) -> IndexedReport:
    """An upload: its own shingles' signature and band keys (drafts not indexed yet are indexed first, so the
    generator's wording of a draft generated a minute ago is already discounted)."""
    index_generated_pending()
    own = own_hashes(upload.text, common)
    sig = minhash.signature(own) if len(own) >= MIN_OWN else None
    with transaction.atomic():
        indexed, _ = IndexedReport.objects.update_or_create(upload=upload, defaults={
            "unit_id": upload.unit_id, "person_id": upload.person_id, "genre": upload.genre, "year": upload.year,
            "title": upload.title[:300], "text": upload.text, "own": len(own),
            "signature": minhash.to_bytes(sig) if sig is not None else b""})
        ReportBand.objects.filter(report=indexed).delete()
        if sig is not None:
            ReportBand.objects.bulk_create([ReportBand(report=indexed, key=k) for k in minhash.band_keys(sig)])
    return indexed


def index_generated_pending() -> int:
    done = 0
    for generated in GeneratedReport.objects.filter(indexed__isnull=True).exclude(genre__in=SEALED_GENRES).order_by("id").iterator(chunk_size=200):
        index_generated(generated)
        done += 1
    return done


def index_pending() -> int:
    """Index the drafts and uploads not indexed yet (drafts first: an upload discounts their text)."""
    done = index_generated_pending()
    uploads = UploadedReport.objects.filter(indexed__isnull=True).order_by("id")
    if uploads.exists():
        common = common_hashes()
        for upload in uploads.iterator(chunk_size=200):
            index_upload(upload, common)
            done += 1
    return done


def census_refresh(*, seed: int = 0) -> int:
    """Recompute the stock shingles from (a reproducible sample of) the uploaded reports; returns how many."""
    ids = list(IndexedReport.objects.filter(upload__isnull=False).values_list("id", flat=True).order_by("id"))
    if len(ids) > CENSUS_SAMPLE:
        ids = sorted(random.Random(seed).sample(ids, CENSUS_SAMPLE))
    counts: Counter[int] = Counter()
    for i in range(0, len(ids), 500):
        for text in IndexedReport.objects.filter(id__in=ids[i:i + 500]).values_list("text", flat=True):
            counts.update(minhash.shingle_hashes(text))
    floor = max(COMMON_MIN_REPORTS, int(COMMON_SHARE * len(ids)) + 1)
    common = [CommonShingle(hash=h, reports=n) for h, n in counts.items() if n >= floor]
    with transaction.atomic():
        CommonShingle.objects.all().delete()
        CommonShingle.objects.bulk_create(common, batch_size=2000)
    return len(common)


def reindex() -> int:
    """Rebuild everything: drafts, the census, then every upload's signature and bands."""
    for generated in GeneratedReport.objects.exclude(genre__in=SEALED_GENRES).order_by("id").iterator(chunk_size=200):
        index_generated(generated)
    index_pending()
    census_refresh()
    common = common_hashes()
    n = 0
    for upload in UploadedReport.objects.order_by("id").iterator(chunk_size=200):
        index_upload(upload, common)
        n += 1
    return n


# -- pairs --------------------------------------------------------------------------------------------------
@dataclass
class Pair:
    a: IndexedReport
    b: IndexedReport
    similarity: float
    shared: set[int] = field(default_factory=set, repr=False)

    @property
    def key(self) -> str:
        return f"similar:{self.a.ref}:{self.b.ref}"

    @property
    def same_owner(self) -> bool:
        """The same unit (or person) in another year: a report copied from its own previous one."""
        return self.a.year != self.b.year and (self.a.unit_id == self.b.unit_id or
                                               (self.a.person_id is not None and self.a.person_id == self.b.person_id))

    def passages(self, limit: int = 20) -> list[str]:
        return passages(self.a.text, self.shared, self.b.text)[:limit]


def _versions(a: IndexedReport, b: IndexedReport) -> bool:
    return (a.unit_id == b.unit_id and a.year == b.year and a.genre == b.genre and a.person_id == b.person_id)


class Owns:
    """Own shingles per indexed report, computed once per listing."""

    def __init__(self) -> None:
        self.common = common_hashes()
        self.cache: dict[int, set[int]] = {}

    def __call__(self, r: IndexedReport) -> set[int]:
        if r.pk not in self.cache:
            self.cache[r.pk] = own_hashes(r.text, self.common) if r.upload_id else set()
        return self.cache[r.pk]


def _judge(a: IndexedReport, b: IndexedReport, threshold: float, owns: Owns) -> Pair | None:
    if _versions(a, b):
        return None
    sa, sb = owns(a), owns(b)
    if len(sa) < MIN_OWN or len(sb) < MIN_OWN:
        return None
    similarity = minhash.jaccard(sa, sb)
    if similarity < threshold:
        return None
    if (b.year, b.pk) < (a.year, a.pk):  # the earlier report first: b is the one that may have copied
        a, b = b, a
    return Pair(a, b, round(similarity, 4), sa & sb)


def _loose(threshold: float) -> float:
    """How low a signature estimate may be for the exact check still to be worth it (K=126: σ ≤ 0.045)."""
    return max(0.0, threshold - 0.15)


def similar_to(indexed: IndexedReport, threshold: float = THRESHOLD, owns: Owns | None = None) -> list[Pair]:
    """The reports similar to one: one query for the candidates sharing a band key, one for their rows."""
    keys = list(indexed.bands.values_list("key", flat=True))
    if not keys or not indexed.signature:
        return []
    ids = set(ReportBand.objects.filter(key__in=keys).exclude(report=indexed).values_list("report_id", flat=True))
    sig = minhash.from_bytes(indexed.signature)
    owns = owns or Owns()
    out = []
    for other in IndexedReport.objects.filter(id__in=ids).select_related("unit"):
        if minhash.estimate(sig, minhash.from_bytes(other.signature)) < _loose(threshold):
            continue
        pair = _judge(indexed, other, threshold, owns)
        if pair is not None:
            out.append(pair)
    out.sort(key=lambda p: -p.similarity)
    return out


def similar_pairs(root: Unit, threshold: float = THRESHOLD, within: Unit | None = None) -> list[Pair]:
    """Every pair above `threshold` with at least one side in the subtree of `root` (and, with `within`, both
    sides inside that subtree: what a user may see), most similar first."""
    index_pending()
    mine = ReportBand.objects.filter(subtree_q(root, "report__unit")).values("key")
    shared = (ReportBand.objects.filter(key__in=mine).values("key").annotate(n=Count("report_id", distinct=True))
              .filter(n__gt=1).values("key"))
    groups: dict[int, list[int]] = defaultdict(list)
    for key, report_id in ReportBand.objects.filter(key__in=shared).values_list("key", "report_id"):
        groups[key].append(report_id)
    candidates = {(x, y) for ids in groups.values() for x in ids for y in ids if x < y}
    reports = IndexedReport.objects.filter(id__in={i for pair in candidates for i in pair}).select_related("unit")
    if within is not None:
        reports = reports.filter(subtree_q(within))
    by_id = {r.pk: r for r in reports}
    owns = Owns()
    out = []
    for x, y in sorted(candidates):
        a, b = by_id.get(x), by_id.get(y)
        if a is None or b is None or not (a.unit.is_within(root) or b.unit.is_within(root)):
            continue
        if minhash.estimate(minhash.from_bytes(a.signature), minhash.from_bytes(b.signature)) < _loose(threshold):
            continue
        pair = _judge(a, b, threshold, owns)
        if pair is not None:
            out.append(pair)
    out.sort(key=lambda p: (-p.similarity, p.a.pk, p.b.pk))
    return out


def pair_of(a: IndexedReport, b: IndexedReport) -> Pair:
    """Two reports as a pair whatever their similarity (the side-by-side page)."""
    owns = Owns()
    sa, sb = owns(a), owns(b)
    if (b.year, b.pk) < (a.year, a.pk):
        a, b = b, a
    return Pair(a, b, round(minhash.jaccard(sa, sb), 4), sa & sb)


# -- passages -----------------------------------------------------------------------------------------------
def marks(text: str, shared: set[int], other: str) -> list[list[tuple[str, bool]]]:
    """Each paragraph (without whitespace) as runs of (text, marked?): a run of characters covered by shingles
    the two texts share is marked when it holds at least one shared own shingle (so a copied passage shows
    whole, stock phrases inside it included, while a stock phrase alone is not marked)."""
    both = minhash.shingle_hashes(text) & minhash.shingle_hashes(other)
    out = []
    for paragraph in text.split("\n"):
        p = minhash.normalise(paragraph)
        if not p:
            continue
        covered, own = [False] * len(p), [False] * len(p)
        for i, h in minhash.line_hashes(p):
            if h in both:
                for j in range(i, i + minhash.SHINGLE):
                    covered[j] = True
                    own[j] = own[j] or h in shared
        runs: list[tuple[str, bool, bool]] = []
        for ch, c, o in zip(p, covered, own, strict=True):
            if runs and runs[-1][1] == c:
                runs[-1] = (runs[-1][0] + ch, c, runs[-1][2] or o)
            else:
                runs.append((ch, c, o))
        out.append([(t, c and o) for t, c, o in runs])
    return out


def passages(text: str, shared: set[int], other: str) -> list[str]:
    """The marked runs of `text`, in order, each at least PASSAGE_MIN characters."""
    return [run for paragraph in marks(text, shared, other) for run, hit in paragraph
            if hit and len(run) >= PASSAGE_MIN]


def as_json(pairs: Sequence[Pair]) -> list[dict[str, Any]]:
    def side(r: IndexedReport) -> dict[str, Any]:
        return {"id": r.ref, "unit": r.unit.full_name, "title": r.title, "year": r.year}

    return [{"a": side(p.a), "b": side(p.b), "similarity": p.similarity, "passages": p.passages()} for p in pairs]
