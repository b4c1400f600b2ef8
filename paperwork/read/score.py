"""Measure the reader against a hand-made answer key.

    python -m paperwork.read.score /work/shared/seeds [--key paperwork/tests/data/seeds_key.json]

Matching is deliberately forgiving about form and strict about substance: texts are compared after
NFKC normalisation with punctuation and spaces removed; a heading must have the same level and
marker; a problem matches when most of the shorter text lies inside the longer one; a figure when
number and counting unit are equal and one span contains the other. Pairs are one-to-one and in
document order, so a figure counted twice does not match twice.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
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
    return {"found": found, "expected": expected, "hits": hits,
            "precision": round(precision, 4), "recall": round(recall, 4)}


def _same_heading(f: dict[str, Any], e: dict[str, Any]) -> bool:
    return (
        f["level"] == e["level"]
        and norm_marker(f["marker"]) == norm_marker(e["marker"])
        and (norm(f["heading"]) == norm(e["heading"]) or mostly_contains(f["heading"], e["heading"], 0.9))
    )


def _same_figure(f: dict[str, Any], e: dict[str, Any]) -> bool:
    if norm(f["number"]) != norm(e["number"]) or f["counting_unit"] != e["counting_unit"]:
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


def score_dir(seeds: Path, key_path: Path = DEFAULT_KEY) -> dict[str, dict[str, Any]]:
    """Score every seed named in the key; a "TOTAL" row pools the counts (micro-average)."""
    keys: dict[str, Any] = json.loads(key_path.read_text(encoding="utf-8"))
    rows: dict[str, dict[str, Any]] = {}
    for name, key in sorted(keys.items()):
        path = seeds / name
        if not path.exists():
            continue
        rows[name] = score(read_path(path), key)
    total: dict[str, Any] = {"title": sum(r["title"] for r in rows.values()),
                             "genre": sum(r["genre"] for r in rows.values())}
    for part in PARTS:
        found = sum(r[part]["found"] for r in rows.values())
        expected = sum(r[part]["expected"] for r in rows.values())
        hits = sum(r[part]["hits"] for r in rows.values())
        total[part] = _pr(found, expected, hits)
    rows["TOTAL"] = total
    return rows


def format_table(rows: dict[str, dict[str, Any]]) -> str:
    head = f"{'seed':<28}{'title':>6}{'genre':>6}" + "".join(f"{p + ' P/R':>18}" for p in PARTS)
    lines = [head, "-" * len(head)]
    for name, r in rows.items():
        cells = "".join(
            f"{r[p]['precision']:>8.2f}/{r[p]['recall']:.2f} ({r[p]['hits']:>2})".rjust(18) for p in PARTS
        )
        lines.append(f"{name[:27]:<28}{r['title']!s:>6}{r['genre']!s:>6}{cells}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score the reader on the seed reports.")
    parser.add_argument("seeds", type=Path, help="directory holding the seed .txt files")
    parser.add_argument("--key", type=Path, default=DEFAULT_KEY)
    args = parser.parse_args(argv)
    try:
        rows = score_dir(args.seeds, args.key)
    except ReadError as exc:
        print(exc.message_zh, file=sys.stderr)
        return 2
    print(format_table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
