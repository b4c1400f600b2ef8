"""Rate limits counted in the shared cache (CACHE_URL): the same refusals, no counter rows; a cache that does
not answer falls back to the database's counters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from qinglian.lib.testing import PASSWORD, World
from qinglian.limits.models import RateCounter, RatePolicy

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _shared_cache(settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    settings.QINGLIAN_SHARED_CACHE = True
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "rate-limits-shared"}}
    RatePolicy.forget()
    RatePolicy.objects.create(**{**RatePolicy.DEFAULTS, "login_limit": 2})
    with mock.patch("qinglian.limits.services.timezone.now",
                    return_value=dt.datetime(2026, 3, 2, 10, 2, 30, tzinfo=ZoneInfo("Asia/Shanghai"))):
        yield
    RatePolicy.forget()


def _login(username: str, password: str = "Wrong#Pass123") -> int:
    return Client(REMOTE_ADDR="10.7.0.1").post("/login/", {"username": username, "password": password}).status_code


def test_login_attempts_are_counted_in_the_shared_cache_and_refused_past_the_limit(world: World) -> None:
    assert [_login("nobody"), _login("nobody")] == [200, 200]
    assert _login("clerk_a", PASSWORD) == 429
    assert not RateCounter.objects.exists()


def test_a_cache_that_does_not_answer_leaves_the_counting_to_the_database(world: World) -> None:
    with mock.patch("qinglian.limits.services.cache.add", side_effect=ConnectionError("refused")):
        assert [_login("nobody"), _login("nobody")] == [200, 200]
        assert _login("clerk_a", PASSWORD) == 429
    assert RateCounter.objects.filter(key="address:10.7.0.1", count=3).exists()
