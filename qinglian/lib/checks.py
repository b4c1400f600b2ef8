"""System checks that warn about a bad configuration before a user trips over it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.database)
def database(app_configs: Any, **kwargs: Any) -> list[Any]:
    engine = settings.DATABASES["default"]["ENGINE"]
    if settings.PRODUCTION and engine.endswith("sqlite3"):
        return [Warning("生产环境建议使用 PostgreSQL（或兼容的国产数据库）：请设置 DATABASE_URL=postgres://…",
                        id="qinglian.W001")]
    return []
