"""The cost of field encryption: the activity list page and the statistics question over the demo county
whose talks' content is SM4-GCM encrypted, beside the same with a provider that does no cipher at all.

Builds its own demo county in a temporary SQLite database (with its own key file); changes nothing else.
    .venv/bin/python bench/bench_crypto.py [--runs 60]

Prints p50/p95 of each and the ratio encrypted / not encrypted (target ≤ 1.1): list pages do not decrypt what
they do not show (the content is deferred), and statistics never read it.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import io
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="qinglian-bench-crypto-")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/county.sqlite3"
os.environ["QINGLIAN_DATA_DIR"] = TMP
os.environ["QINGLIAN_KEY_FILE"] = f"{TMP}/keys/qinglian-keys.json"
os.environ["QINGLIAN_RATE_LIMITS_OFF"] = "1"  # one account asks many times
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinglian.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from bench.timing import timed  # noqa: E402
from qinglian.crypto import provider as crypto_provider  # noqa: E402

TODAY = dt.date(2026, 11, 23)


class PlainProvider(crypto_provider.CryptoProvider):
    """The same interface, no cipher: the baseline (the stored value is the plaintext, base64-encoded)."""

    def current_key_id(self) -> str:
        return "plain"

    def key_ids(self) -> list[str]:
        return ["plain"]

    def seal(self, plaintext: bytes, associated: bytes) -> tuple[str, bytes]:
        return "plain", plaintext

    def open(self, key_id: str, blob: bytes, associated: bytes) -> bytes:
        return blob

    def mac(self, data: bytes) -> bytes:
        return data[:8]


def _both_versions() -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """Every activity's content as stored (SM4-GCM) and as the baseline provider would store it."""
    from qinglian.crypto.fields import PREFIX
    from qinglian.records.models import Activity

    sealed, plain = [], []
    for activity in Activity.with_deleted.only("pk", "minutes"):
        text = activity.minutes
        if text:
            sealed.append((activity.__dict__["_sealed_opened"]["minutes"][1].token, activity.pk))
            plain.append((f"{PREFIX}plain:{base64.urlsafe_b64encode(text.encode()).decode()}", activity.pk))
    return sealed, plain


def _store(rows: list[tuple[str, int]], provider: crypto_provider.CryptoProvider | None) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany("UPDATE records_activity SET minutes = %s WHERE id = %s", rows)
    crypto_provider._provider = provider


def _measure(client, unit, runs: int) -> dict[str, tuple[float, float]]:  # type: ignore[no-untyped-def]
    from qinglian.stats import engine

    def page() -> None:
        response = client.get("/records/")
        assert response.status_code == 200, response.status_code

    def detail_pages() -> None:  # the one page that shows (so decrypts) the content, for reference
        for pk in DETAIL_PKS:
            assert client.get(f"/records/activities/{pk}/").status_code == 200

    def question() -> None:
        engine.figures(unit=unit, date_from=dt.date(TODAY.year, 1, 1), date_to=TODAY, memo=False)

    return {"纪实列表页 /records/": timed(page, runs), "统计问题（全县本年度，全部统计项）": timed(question, runs),
            "详情页 ×10（显示并解密谈话内容）": timed(detail_pages, max(5, runs // 4))}


DETAIL_PKS: list[int] = []


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    from django.test import Client

    from qinglian.org.models import User
    from qinglian.records.demo_texts import TALK_KINDS
    from qinglian.records.models import Activity

    call_command("migrate", verbosity=0)
    call_command("keys", "init", stdout=io.StringIO())
    call_command("demo", "--today", TODAY.isoformat(), stdout=io.StringIO())
    talks = Activity.objects.filter(kind__code__in=TALK_KINDS)
    DETAIL_PKS.extend(talks.values_list("pk", flat=True)[:10])
    user = User.objects.get(username="county_leader")
    client = Client()
    client.force_login(user)
    unit = user.unit
    print(f"示范县：纪实记录 {Activity.objects.count()} 条，其中谈话类 {talks.count()} 条（谈话内容加密存储）")
    software = crypto_provider.get_provider()
    sealed, plain_rows = _both_versions()
    rounds: dict[str, list[dict[str, tuple[float, float]]]] = {"enc": [], "plain": []}
    for _ in range(3):  # alternate, so that the machine's load falls on both alike
        _store(sealed, software)
        rounds["enc"].append(_measure(client, unit, args.runs))
        _store(plain_rows, PlainProvider())
        rounds["plain"].append(_measure(client, unit, args.runs))
    encrypted, plain = (
        {name: tuple(statistics.median(r[name][i] for r in rounds[which]) for i in (0, 1)) for name in rounds[which][0]}
        for which in ("enc", "plain"))
    print(f"{'':36}{'加密 p50/p95 ms':>18}{'不加密 p50/p95 ms':>20}{'比值':>8}")
    worst = 0.0
    for name in encrypted:
        (e50, e95), (p50, p95) = encrypted[name], plain[name]
        ratio = e50 / p50 if p50 else 1.0
        if not name.startswith("详情页"):
            worst = max(worst, ratio)
        print(f"{name:36}{e50:9.2f}/{e95:<8.2f}{p50:11.2f}/{p95:<8.2f}{ratio:8.2f}")
    print(f"列表页与统计问题的最大比值 {worst:.2f}（目标 ≤ 1.1）")


if __name__ == "__main__":
    main()
