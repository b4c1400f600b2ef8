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


@register()
def s3_storage(app_configs: Any, **kwargs: Any) -> list[Any]:
    if settings.QINGLIAN_STORAGE != "s3":
        return []
    options = settings.STORAGES["default"]["OPTIONS"]
    missing = [name for name, key in (("QINGLIAN_S3_ENDPOINT", "endpoint_url"), ("QINGLIAN_S3_ACCESS_KEY", "access_key"),
                                      ("QINGLIAN_S3_SECRET_KEY", "secret_key")) if not options.get(key)]
    if missing:
        return [Warning(f"QINGLIAN_STORAGE=s3 还缺少 {'、'.join(missing)}：请填写对象存储的地址和访问密钥（见 docs/deploy.md）。",
                        id="qinglian.W030")]
    return []


@register(deploy=True)
def s3_shared_folder(app_configs: Any, **kwargs: Any) -> list[Any]:
    if settings.QINGLIAN_STORAGE != "s3":
        return []
    return [Warning("QINGLIAN_STORAGE=s3 只存放证明材料和附件；生成的报告、报告模板、待确认的导入文件和备份仍在 "
                    f"{settings.MEDIA_ROOT}，有多台应用服务器时该目录仍须共享（见 docs/deploy.md）。",
                    id="qinglian.W031")]
