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


@register()
def upload_types(app_configs: Any, **kwargs: Any) -> list[Any]:
    from paperwork.filetypes import OLD_FORMATS, TYPES

    known = {"jpeg", *(k for k in TYPES if k not in OLD_FORMATS)}
    unknown = [k for k in settings.QINGLIAN_UPLOAD_TYPES if k not in known]
    if unknown:
        return [Warning(f"QINGLIAN_UPLOAD_TYPES 中有无法识别的类型：{'、'.join(unknown)}（将被忽略）。"
                        f"可用：{','.join(k for k in TYPES if k not in OLD_FORMATS)}",
                        id="qinglian.W020")]
    return []
