"""Character 5-shingles, MinHash signatures and LSH band keys for finding copied text (雷同). No Django here.

One-permutation MinHash (Li, Owen & Zhang 2012) with rotation densification (Shrivastava & Li 2014): each
shingle is hashed once (BLAKE2b, 64 bits); the hash picks one of K bins and the bin keeps its smallest value.
The share of bins two signatures agree on estimates the Jaccard similarity of the two shingle sets, as K
independent permutations would, at the cost of one hash per shingle (a 5,000-character report: ~3 ms in
plain Python). Bands of R bins become one key each: two reports whose similarity is s share at least one
key with probability 1 − (1 − s^R)^B, so the index answers "which reports may be similar" with one indexed
lookup of B keys (docs/decisions.md: why not datasketch).
"""

from __future__ import annotations

import hashlib
import re
from array import array
from collections.abc import Iterable

SHINGLE = 5
K = 126  # bins of a signature
R = 3  # bins a band
B = K // R  # bands: 42; P(candidate) is 0.29 at s=0.2, 0.68 at 0.3, 0.93 at 0.4, 0.996 at 0.5
_MASK63 = (1 << 63) - 1
_EMPTY = (1 << 64) - 1
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """The text as compared: without whitespace (a hard wrap or an indent changes nothing)."""
    return _SPACE.sub("", text)


def shingle_hash(shingle: str) -> int:
    """A stable 63-bit hash (fits a signed bigint column) of one shingle."""
    return int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big") & _MASK63


def shingles(text: str) -> dict[int, str]:
    """Hash → shingle, of the character 5-shingles of each line (a paragraph) without whitespace; none spans
    two paragraphs, so a stock phrase standing as its own line is discounted whole."""
    out: dict[int, str] = {}
    for line in text.split("\n"):
        t = normalise(line)
        for i in range(len(t) - SHINGLE + 1):
            out[shingle_hash(t[i:i + SHINGLE])] = t[i:i + SHINGLE]
    return out


def shingle_hashes(text: str) -> set[int]:
    return set(shingles(text))


def signature(hashes: Iterable[int]) -> array[int]:
    """K unsigned 64-bit values; all-empty (every value 2^64−1) for an empty set."""
    sig = array("Q", [_EMPTY] * K)
    for h in hashes:
        b = h % K
        v = h >> 7
        if v < sig[b]:
            sig[b] = v
    if all(v == _EMPTY for v in sig):
        return sig
    # densify: an empty bin borrows the nearest filled bin to its right, offset by the distance, so two sets
    # agree on it exactly when they agree on the borrowed bin at the same distance
    out = array("Q", sig)
    for i in range(K):
        if sig[i] == _EMPTY:
            d = 1
            while sig[(i + d) % K] == _EMPTY:
                d += 1
            out[i] = (sig[(i + d) % K] + d * (1 << 56)) & (_EMPTY - 1)
    return out


def to_bytes(sig: array[int]) -> bytes:
    return sig.tobytes()


def from_bytes(data: bytes) -> array[int]:
    sig = array("Q")
    sig.frombytes(bytes(data))
    return sig


def estimate(a: array[int], b: array[int]) -> float:
    """Estimated Jaccard similarity of the two sets behind the signatures."""
    if len(a) != K or len(b) != K:
        return 0.0
    return sum(1 for x, y in zip(a, b, strict=True) if x == y) / K


def band_keys(sig: array[int]) -> list[int]:
    """One signed 63-bit key per band (the band's number is part of it, so equal bins of different bands
    never collide)."""
    keys = []
    for band in range(B):
        part = sig[band * R:(band + 1) * R].tobytes()
        digest = hashlib.blake2b(band.to_bytes(2, "big") + part, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big") & _MASK63)
    return keys


def jaccard(a: set[int], b: set[int]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
