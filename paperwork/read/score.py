"""Measure the reader against a hand-made answer key.

    python -m paperwork.read.score /work/shared/seeds [--key paperwork/tests/data/seeds_key.json]
    python -m paperwork.read.score paperwork/tests/data/corpus --key paperwork/tests/data/corpus_key.json \
        [--variants DIR]

Every document named in the key is read from the directory; a `.docx` beside it (or in --variants)
with the same stem is scored against the same key entry. A document the reader refuses (ReadError)
scores as an empty reading and is counted as refused.

Matching is deliberately forgiving about form and strict about substance: texts are compared after
NFKC normalisation with punctuation and spaces removed; a heading must have the same level and
marker; a problem matches when most of the shorter text lies inside the longer one; a figure when
number and counting unit are equal and one span contains the other (placeholders compare
case-blind, units after NFKC and with traditional unit characters folded: 個 = 个). Pairs are one-to-one and in
document order, so a figure counted twice does not match twice.
"""

from __future__ import annotations

import argparse
import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from .model import ReadError, ReadResult
from .reader import read_path

DEFAULT_KEY = Path(__file__).resolve().parents[1] / "tests" / "data" / "seeds_key.json"
_PUNCT = re.compile(r"[\W_]+", re.UNICODE)
PROBLEM_OVERLAP = 0.8


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return _PUNCT.sub("", text).replace("×", "X").replace("Ｘ", "X")


# Form, not substance: a traditional-script unit is the same unit ("12個" counts like "12个").
_UNIT_FOLD = str.maketrans("個項條場萬億輪張節組臺處冊筆課時週篇間輛戶張", "个项条场万亿轮张节组台处册笔课时周篇间辆户张")


def norm_unit(unit: str) -> str:
    return unicodedata.normalize("NFKC", unit).translate(_UNIT_FOLD)


def norm_marker(marker: str) -> str:
    return unicodedata.normalize("NFKC", marker).replace("、", ".").replace(" ", "")


def mostly_contains(a: str, b: str, threshold: float = PROBLEM_OVERLAP) -> bool:
    a, b = norm(a), norm(b)
    if not a or not b:
        return False
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if short in long_:
        return True
    blocks = SequenceMatcher(None, short, long_, autojunk=False).get_matching_blocks()
    return sum(bl.size for bl in blocks) >= threshold * len(short)


def _match_count(found: Sequence[Any], expected: Sequence[Any], same: Callable[[Any, Any], bool]) -> int:
    """One-to-one greedy matching that prefers document order (a cursor) but falls back to any."""
    used = [False] * len(found)
    hits = 0
    cursor = 0
    for exp in expected:
        order = list(range(cursor, len(found))) + list(range(cursor))
        for i in order:
            if not used[i] and same(found[i], exp):
                used[i] = True
                hits += 1
                cursor = i + 1
                break
    return hits


def _pr(found: int, expected: int, hits: int) -> dict[str, float | int]:
    precision = hits / found if found else (1.0 if not expected else 0.0)
    recall = hits / expected if expected else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"found": found, "expected": expected, "hits": hits,
            "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def _same_heading(f: dict[str, Any], e: dict[str, Any]) -> bool:
    return (
        f["level"] == e["level"]
        and norm_marker(f["marker"]) == norm_marker(e["marker"])
        and (norm(f["heading"]) == norm(e["heading"]) or mostly_contains(f["heading"], e["heading"], 0.9))
    )


def _same_figure(f: dict[str, Any], e: dict[str, Any]) -> bool:
    if norm(f["number"]).upper() != norm(e["number"]).upper():
        return False
    if norm_unit(f["counting_unit"]) != norm_unit(e["counting_unit"]):
        return False
    a, b = norm(f["text"]), norm(e["text"])
    return a in b or b in a


def score(result: ReadResult | dict[str, Any], key: dict[str, Any]) -> dict[str, Any]:
    data = result.to_json() if isinstance(result, ReadResult) else result
    out: dict[str, Any] = {
        "title": norm(data["title"]) == norm(key.get("title", "")),
        "genre": data["genre"] == key.get("genre"),
    }
    out["outline"] = _pr(len(data["outline"]), len(key["outline"]),
                         _match_count(data["outline"], key["outline"], _same_heading))
    out["problems"] = _pr(len(data["problems"]), len(key["problems"]),
                          _match_count(data["problems"], key["problems"], mostly_contains))
    out["plans"] = _pr(len(data["plans"]), len(key["plans"]),
                       _match_count(data["plans"], key["plans"], mostly_contains))
    out["figures"] = _pr(len(data["figures"]), len(key["figures"]),
                         _match_count(data["figures"], key["figures"], _same_figure))
    return out


PARTS = ("outline", "problems", "plans", "figures")
EMPTY_READING: dict[str, Any] = {"title": "", "genre": None, "outline": [], "problems": [], "plans": [],
                                 "figures": []}


def documents(directory: Path, keys: dict[str, Any], variants: Path | None = None) -> list[tuple[str, Path]]:
    """(key name, file) pairs: each keyed file that exists, then each same-stem .docx found."""
    pairs = [(name, directory / name) for name in sorted(keys) if (directory / name).exists()]
    for name in sorted(keys):
        if Path(name).suffix == ".docx":
            continue
        for folder in (directory, variants):
            docx_path = folder / (Path(name).stem + ".docx") if folder else None
            if docx_path is not None and docx_path.exists():
                pairs.append((name, docx_path))
                break
    return pairs


def score_dir(seeds: Path, key_path: Path = DEFAULT_KEY, variants: Path | None = None) -> dict[str, dict[str, Any]]:
    """Score every document named in the key (and its .docx variants); a "TOTAL" row pools the counts
    (micro-average) and counts the documents and those refused."""
    keys: dict[str, Any] = json.loads(key_path.read_text(encoding="utf-8"))
    rows: dict[str, dict[str, Any]] = {}
    for name, path in documents(seeds, keys, variants):
        try:
            reading: ReadResult | dict[str, Any] = read_path(path)
            refused = False
        except ReadError:
            reading, refused = EMPTY_READING, True
        rows[path.name] = {**score(reading, keys[name]), "refused": refused}
    total: dict[str, Any] = {"title": sum(r["title"] for r in rows.values()),
                             "genre": sum(r["genre"] for r in rows.values()),
                             "refused": sum(r["refused"] for r in rows.values()),
                             "documents": len(rows)}
    for part in PARTS:
        found = sum(r[part]["found"] for r in rows.values())
        expected = sum(r[part]["expected"] for r in rows.values())
        hits = sum(r[part]["hits"] for r in rows.values())
        total[part] = _pr(found, expected, hits)
    rows["TOTAL"] = total
    return rows


# Issue 15's targets on a corpus: F1 per part, share of titles right, documents refused.
TARGETS = {"outline": 0.98, "problems": 0.9, "figures": 0.98}
TITLE_TARGET = 0.95


def format_summary(rows: dict[str, dict[str, Any]]) -> str:
    """The pooled scores, one line a part, each beside its target."""
    total = rows["TOTAL"]
    n = total["documents"]
    lines = [f"{n} documents"]
    for part in PARTS:
        r = total[part]
        target = f"   (target F1 >= {TARGETS[part]:.2f})" if part in TARGETS else ""
        lines.append(f"  {part:<9} P {r['precision']:.3f}  R {r['recall']:.3f}  F1 {r['f1']:.3f}"
                     f"  ({r['hits']} of {r['expected']} expected, {r['found']} found){target}")
    share = total["title"] / n if n else 0.0
    lines.append(f"  titles    {total['title']}/{n} = {share:.0%}   (target >= {TITLE_TARGET:.0%})")
    lines.append(f"  genres    {total['genre']}/{n}")
    lines.append(f"  refused   {total['refused']}   (target 0)")
    return "\n".join(lines)


def format_table(rows: dict[str, dict[str, Any]]) -> str:
    width = max([28, *(len(name) + 1 for name in rows)])
    head = f"{'document':<{width}}{'title':>6}{'genre':>6}" + "".join(f"{p + ' P/R':>18}" for p in PARTS)
    lines = [head, "-" * len(head)]
    for name, r in rows.items():
        cells = "".join(
            f"{r[p]['precision']:>8.2f}/{r[p]['recall']:.2f} ({r[p]['hits']:>2})".rjust(18) for p in PARTS
        )
        refused = "  REFUSED" if r.get("refused") is True else ""
        lines.append(f"{name:<{width}}{r['title']!s:>6}{r['genre']!s:>6}{cells}{refused}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score the reader on documents with an answer key.")
    parser.add_argument("seeds", type=Path, help="directory holding the documents named in the key")
    parser.add_argument("--key", type=Path, default=DEFAULT_KEY)
    parser.add_argument("--variants", type=Path, default=None,
                        help="directory of .docx variants named like the key's .txt documents")
    args = parser.parse_args(argv)
    rows = score_dir(args.seeds, args.key, args.variants)
    print(format_table(rows))
    print()
    print(format_summary(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
