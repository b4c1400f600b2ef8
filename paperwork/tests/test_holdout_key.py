"""The held-out corpus and its answer key agree: a test of the key, not of the reader.

Like test_corpus_key.py for paperwork/tests/data/holdout/: every document has a key entry and every
entry a document; every title, heading, problem, plan and figure in the key is text of its document,
in document order. The markers and numbers allowed are the corpus's plus the holdout README's
extensions (第一部分 at level 1, 一） at level 2, thousands separators, XX.X).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from paperwork.read.model import GENRES
from paperwork.read.score import norm
from paperwork.tests.test_corpus_key import LEVEL_MARKER, _in_order, flat

DATA = Path(__file__).resolve().parent / "data"
HOLDOUT = DATA / "holdout"
KEY: dict[str, Any] = json.loads((DATA / "holdout_key.json").read_text(encoding="utf-8"))
FIELDS = {"title", "genre", "outline", "problems", "plans", "figures"}
MARKER = {
    **LEVEL_MARKER,
    1: re.compile(rf"{LEVEL_MARKER[1].pattern}|第[一二三四五六七八九十]{{1,3}}部分"),
    2: re.compile(rf"{LEVEL_MARKER[2].pattern}|[一二三四五六七八九十]{{1,3}}[）)]"),
}
NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[*＊]{1,6}|[XxＸ×]{1,4}(?:\.[XxＸ×])?|_{2,8}")


def text_of(name: str) -> str:
    return (HOLDOUT / name).read_text(encoding="utf-8")


def test_every_document_has_a_key_and_every_key_a_document() -> None:
    files = {p.name for p in HOLDOUT.glob("*.txt")}
    assert files == set(KEY), f"without key: {sorted(files - set(KEY))}; without file: {sorted(set(KEY) - files)}"
    assert len(files) == 24
    genres = [e["genre"] for e in KEY.values()]
    for genre in ("responsibility", "rectification", "personal", "summary"):
        assert genres.count(genre) >= 5, genre


@pytest.mark.parametrize("name", sorted(KEY))
def test_entry_is_well_formed(name: str) -> None:
    entry = KEY[name]
    assert set(entry) == FIELDS
    assert entry["genre"] in GENRES
    assert entry["title"].strip()
    for item in entry["outline"]:
        assert set(item) == {"level", "marker", "heading"}
        assert MARKER[item["level"]].fullmatch(item["marker"]), item
        assert item["heading"].strip() and item["heading"][-1] not in "。：:；;", item
    for text in entry["problems"] + entry["plans"]:
        assert isinstance(text, str) and len(norm(text)) >= 4, text
    for fig in entry["figures"]:
        assert set(fig) == {"text", "number", "counting_unit"}
        assert NUMBER.fullmatch(fig["number"]), fig
        assert fig["counting_unit"] and not re.search(r"\d", fig["counting_unit"]), fig
        assert fig["number"] in fig["text"], fig
        after = iter(fig["text"][fig["text"].rindex(fig["number"]) + len(fig["number"]):])
        assert all(ch in after for ch in fig["counting_unit"]), fig  # the unit follows the number


@pytest.mark.parametrize("name", sorted(KEY))
def test_key_texts_occur_in_the_document(name: str) -> None:
    entry, text = KEY[name], text_of(name)
    plain, normed = flat(text), norm(text)
    assert norm(entry["title"]) in normed, entry["title"]
    _in_order([flat(f["text"]) for f in entry["figures"]], plain, "figure")
    _in_order([norm(o["marker"]) + norm(o["heading"]) for o in entry["outline"]], normed, "heading")
    _in_order([norm(p) for p in entry["problems"]], normed, "problem")
    _in_order([norm(p) for p in entry["plans"]], normed, "plan")
