"""The signature estimates the Jaccard similarity of the shingle sets; band keys find similar texts only."""

from __future__ import annotations

import random

import pytest

from qinglian.oversight import minhash

pytestmark = pytest.mark.single_engine
CHARS = "党风廉政建设责任制落实情况报告学习教育监督检查谈话提醒制度整改问题措施会议组织干部群众工作推进"


def text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(CHARS) for _ in range(n))


def test_estimate_is_close_to_the_jaccard_similarity() -> None:
    rng = random.Random(7)
    base = text(rng, 3000)
    for keep in (0.2, 0.5, 0.8):
        other = base[: int(len(base) * keep)] + text(rng, int(len(base) * (1 - keep)))
        a, b = minhash.shingle_hashes(base), minhash.shingle_hashes(other)
        exact = minhash.jaccard(a, b)
        est = minhash.estimate(minhash.signature(a), minhash.signature(b))
        assert abs(est - exact) < 0.12, (keep, exact, est)


def test_similar_texts_share_a_band_key_and_unrelated_ones_do_not() -> None:
    rng = random.Random(3)
    base = text(rng, 2000)
    near = base[:1800] + text(rng, 200)
    far = text(rng, 2000)
    keys = set(minhash.band_keys(minhash.signature(minhash.shingle_hashes(base))))
    assert keys & set(minhash.band_keys(minhash.signature(minhash.shingle_hashes(near))))
    assert not keys & set(minhash.band_keys(minhash.signature(minhash.shingle_hashes(far))))


def test_whitespace_does_not_matter_and_short_sets_are_densified() -> None:
    assert minhash.shingle_hashes("中心组 学习\t十二次") == minhash.shingle_hashes("中心组学习十二次")
    assert not minhash.shingle_hashes("中心组\n学习")
    sig = minhash.signature(minhash.shingle_hashes("召开党组会议十二次"))
    assert len(sig) == minhash.K and len(set(sig)) > 1
    assert minhash.from_bytes(minhash.to_bytes(sig)) == sig
    assert minhash.estimate(sig, sig) == 1.0
