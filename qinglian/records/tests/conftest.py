import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files of a test go to its own temporary directory; no memoised figures survive a test."""
    settings.MEDIA_ROOT = tmp_path / "files"
    cache.clear()
