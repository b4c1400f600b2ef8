"""The evaluation corpus and its answer key agree (issue 15): a test of the key, not of the reader.

Every document has a key entry and every entry a document; every title, heading, problem, plan and
figure in the key is text of its document (compared as the scorer compares, spaces and line breaks
ignored) and in document order; the corpus covers the shapes its README promises.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import docx
import pytest

from paperwork.read.model import GENRES
from paperwork.read.score import norm
from paperwork.tests.data.corpus_docx import DOCX_VARIANTS, docx_paragraphs_for, write_variants

DATA = Path(__file__).resolve().parent / "data"
CORPUS = DATA / "corpus"
KEY: dict[str, Any] = json.loads((DATA / "corpus_key.json").read_text(encoding="utf-8"))
FIELDS = {"title", "genre", "outline", "problems", "plans", "figures"}
# The marker shapes of each level, as people type them (full or half width, 、 . ．).
LEVEL_MARKER = {
    1: re.compile(r"[一二三四五六七八九十]{1,3}[、.．，]"),
    2: re.compile(r"[（(][一二三四五六七八九十]{1,3}[）)][、.．]?"),
    3: re.compile(r"\d{1,2}[、.．，]"),
    4: re.compile(r"[（(]\d{1,2}[）)][、.．]?|\d{1,2}[)）]"),
}
NUMBER = re.compile(r"\d+(?:\.\d+)?|[*＊]{1,6}|[XxＸ×]{1,4}|_{2,8}")
NUMBERED_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)])", re.M)


def text_of(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_every_document_has_a_key_and_every_key_a_document() -> None:
    files = {p.name for p in CORPUS.glob("*.txt")}
    assert files == set(KEY), f"without key: {sorted(files - set(KEY))}; without file: {sorted(set(KEY) - files)}"
    assert len(files) >= 44


@pytest.mark.parametrize("name", sorted(KEY))
def test_entry_is_well_formed(name: str) -> None:
    entry = KEY[name]
    assert set(entry) == FIELDS
    assert entry["genre"] in GENRES
    assert entry["title"].strip()
    for item in entry["outline"]:
        assert set(item) == {"level", "marker", "heading"}
        assert LEVEL_MARKER[item["level"]].fullmatch(item["marker"]), item
        assert item["heading"].strip() and item["heading"][-1] not in "。：:；;", item
    for problem in entry["problems"] + entry["plans"]:
        assert isinstance(problem, str) and len(norm(problem)) >= 4, problem
    for fig in entry["figures"]:
        assert set(fig) == {"text", "number", "counting_unit"}
        assert NUMBER.fullmatch(fig["number"]), fig
        assert fig["counting_unit"] and not re.search(r"\d", fig["counting_unit"]), fig
        assert fig["number"] in fig["text"], fig
        after = iter(fig["text"][fig["text"].rindex(fig["number"]) + len(fig["number"]):])
        assert all(ch in after for ch in fig["counting_unit"]), fig  # the unit follows the number


def _in_order(needles: list[str], haystack: str, what: str) -> None:
    pos = 0
    for needle in needles:
        found = haystack.find(needle, pos)
        assert found >= 0, f"{what} {needle!r} not found (in order) in the document"
        pos = found + 1


@pytest.mark.parametrize("name", sorted(KEY))
def test_key_texts_occur_in_the_document(name: str) -> None:
    entry, text = KEY[name], text_of(name)
    plain, normed = flat(text), norm(text)
    assert norm(entry["title"]) in normed, entry["title"]
    _in_order([flat(f["text"]) for f in entry["figures"]], plain, "figure")
    _in_order([norm(o["marker"]) + norm(o["heading"]) for o in entry["outline"]], normed, "heading")
    _in_order([norm(p) for p in entry["problems"]], normed, "problem")
    _in_order([norm(p) for p in entry["plans"]], normed, "plan")


def test_corpus_covers_the_shapes() -> None:
    genres = [e["genre"] for e in KEY.values()]
    for genre in ("responsibility", "rectification", "personal", "summary"):
        assert genres.count(genre) >= 6, genre
    prose_only = [n for n in KEY if not KEY[n]["outline"]]
    assert len(prose_only) >= 6
    for name in prose_only:  # no numbered headings at all, yet a title, figures and problems
        assert not NUMBERED_HEADING.search(text_of(name)), name
        assert KEY[name]["figures"] and KEY[name]["problems"], name
    texts = [text_of(n) for n in KEY]
    assert sum(t.count("\n") <= 1 for t in texts) >= 3  # whole documents on one line
    assert sum(bool(re.search(r"[黨廉][風政]|落實|問題", t)) for t in texts) >= 5  # traditional script
    placeholders = {f["number"] for e in KEY.values() for f in e["figures"] if not f["number"][0].isdigit()}
    assert {"x", "X", "XX", "*", "**", "***", "__"} <= placeholders


def test_docx_variants_hold_the_same_text(tmp_path: Path) -> None:
    assert len(DOCX_VARIANTS) >= 10 and set(DOCX_VARIANTS) <= set(KEY)
    paths = write_variants(CORPUS, tmp_path)
    assert sorted(p.name for p in paths) == sorted(Path(n).stem + ".docx" for n in DOCX_VARIANTS)
    for path in paths:
        name = path.stem + ".txt"
        document = docx.Document(str(path))
        got = [p.text for p in document.paragraphs]
        assert got == [text for _, text in docx_paragraphs_for(text_of(name), DOCX_VARIANTS[name])]
        # The words are those of the .txt (auto-numbered headings lose only their typed marker).
        assert norm("".join(got)) in norm(text_of(name)) or DOCX_VARIANTS[name] == "numbered"
