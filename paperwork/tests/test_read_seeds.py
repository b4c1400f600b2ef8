"""The reader against the hand-made answer key for the five seed reports (targets from issue 6)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from paperwork.read import read_path
from paperwork.read.score import DEFAULT_KEY, format_table, score_dir


def seeds_dir() -> Path:
    env = os.environ.get("QINGLIAN_SEEDS")
    return Path(env) if env else Path(__file__).resolve().parents[3] / "shared" / "seeds"


SEEDS = seeds_dir()
needs_seeds = pytest.mark.skipif(
    not (SEEDS.is_dir() and any(SEEDS.glob("*.txt"))),
    reason=f"seed reports not found at {SEEDS} (set QINGLIAN_SEEDS to their directory)",
)


@needs_seeds
def test_seed_scores_meet_targets() -> None:
    rows = score_dir(SEEDS, DEFAULT_KEY)
    assert len(rows) > 1, "no seed named in the answer key was found"
    table = format_table(rows)
    for name, row in rows.items():
        assert row["outline"]["precision"] >= 0.98, f"{name} outline precision\n{table}"
        assert row["outline"]["recall"] >= 0.98, f"{name} outline recall\n{table}"
        assert row["problems"]["precision"] >= 0.9, f"{name} problems precision\n{table}"
        assert row["problems"]["recall"] >= 0.9, f"{name} problems recall\n{table}"
        assert row["figures"]["precision"] >= 0.95, f"{name} figures precision\n{table}"
        assert row["figures"]["recall"] >= 0.95, f"{name} figures recall\n{table}"


@needs_seeds
def test_seed_genres_and_titles() -> None:
    rows = score_dir(SEEDS, DEFAULT_KEY)
    for name, row in rows.items():
        assert row["genre"], name
        if name != "TOTAL":
            assert row["title"], name


@needs_seeds
def test_rectification_notice_structure() -> None:
    (path,) = SEEDS.glob("003_*.txt")
    result = read_path(path)
    rect = result.rectification
    assert len(rect) == 12
    assert len({r.aspect for r in rect}) == 3
    first = rect[0]
    assert first.aspect.startswith("学习贯彻落实党的路线方针政策")
    assert first.measures[0].startswith("创新学习方式")
    assert len(first.measures) == 3
    sub = rect[1]  # （1） under "2.关于主管领域工作推动不力…的问题"
    assert sub.group.startswith("关于主管领域工作推动不力")
    assert sub.problem.startswith("领导班子还未真正将党的领导")
    assert len(sub.measures) == 2


@needs_seeds
def test_to_json_shape() -> None:
    (path,) = SEEDS.glob("003_*.txt")
    data = read_path(path).to_json()
    assert list(data)[:6] == ["title", "genre", "outline", "problems", "plans", "figures"]
    assert set(data["outline"][0]) == {"level", "marker", "heading"}
    assert set(data["figures"][0]) == {"text", "number", "counting_unit"}
    texts = {f["text"] for f in data["figures"]}
    assert "《舆情提示函》34期" in texts
    assert any(f["number"] == "40" and f["counting_unit"] == "场次" for f in data["figures"])
