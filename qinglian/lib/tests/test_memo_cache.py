"""The memo with a cache that does not answer (a shared Valkey/Redis down): pages still answer, afresh."""

from __future__ import annotations

from unittest import mock

import pytest

from qinglian.lib.memo import remember


@pytest.mark.parametrize("failing", ["get", "set"])
def test_a_cache_that_does_not_answer_costs_only_the_memo(failing: str) -> None:
    calls: list[int] = []
    with mock.patch(f"qinglian.lib.memo.cache.{failing}", side_effect=ConnectionError("refused")):
        assert remember("memo:question:1.abc", lambda: calls.append(1) or 42) == 42
        assert remember("memo:question:1.abc", lambda: calls.append(1) or 42) == 42
    assert len(calls) == 2
