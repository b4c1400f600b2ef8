"""Uploads parked for a preview: found by their token only, removed when confirmed, swept when abandoned."""

from __future__ import annotations

import os
import time

from qinglian.lib import files


def test_parked_uploads_are_found_by_token_and_abandoned_ones_are_swept(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    token = files.park(b"ledger.xlsx bytes")
    assert files.parked(token).read_bytes() == b"ledger.xlsx bytes"
    assert files.parked("../../etc/passwd") is None and files.parked("nosuchtoken") is None
    old = files.parked(token)
    day_ago = time.time() - files.PARKED_SECONDS - 60
    os.utime(old, (day_ago, day_ago))
    fresh = files.park(b"another")  # parking a new upload sweeps the abandoned one
    assert files.parked(token) is None and files.parked(fresh) is not None
    files.unpark(fresh)
    assert files.parked(fresh) is None
