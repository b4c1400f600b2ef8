"""The API object: Bearer-token authentication, the Chinese error shape {"detail": "…"}, the audit row of every
request made with a token, the per-token rate limit, ETag / If-Match, Idempotency-Key and paging.

Every endpoint module (`ledger`, `records`, …) adds its routes to `api`; `qinglian/api/urls.py` mounts it.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.renderers import JSONRenderer
from pydantic import Field

try:
    from ninja.responses import Status
except ImportError:  # pragma: no cover - django-ninja before 1.5 answers (status, body) tuples
    def Status(status: int, body: Any) -> Any:  # type: ignore[no-redef]
        return (status, body)
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from qinglian.api.models import IdempotentAnswer, PersonalAccessToken
from qinglian.api.services import token_for, token_touch
from qinglian.audit.models import Action
from qinglian.audit.services import audit_log, client_ip
from qinglian.lib.services import Change, ConflictError, changes_since
from qinglian.limits.services import Refusal, key_count
from qinglian.org.models import Unit
from qinglian.org.scoping import scope_root, visible_units

log = logging.getLogger("qinglian.api")

NOT_FOUND = "所请求的记录不存在，或不在您的令牌可见的单位范围内。"
MAX_PAGE = 10_000
MAX_ID = 2**62  # ids beyond bigint never reach the database (SQLite would refuse them with an error)
PAGE_SIZE = 50
Id = Annotated[int, Field(ge=1, le=MAX_ID)]  # an id in a body: in range, or the body is invalid (422)


# -- errors ------------------------------------------------------------------------------------------------
class ChangeOut(Schema):
    who: str
    when: str
    field: str
    old: str | None
    new: str | None


class Error(Schema):
    detail: str
    changes: list[ChangeOut] | None = None


class ApiError(Exception):
    """An answer other than success, with its status and a Chinese sentence saying what to do."""

    def __init__(self, status: int, detail: str, *, changes: Iterable[Change] = (),
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.changes, self.headers = status, detail, list(changes), headers or {}


class TooMany(ApiError):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(429, refusal.message, headers={"Retry-After": str(refusal.retry_after)})


def _changes(changes: Iterable[Change]) -> list[dict[str, Any]]:
    return [{"who": c.who, "when": c.when.isoformat(), "field": c.field,
             "old": None if c.old is None else str(c.old), "new": None if c.new is None else str(c.new)}
            for c in changes]


class ChineseJSON(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=ChineseJSON(), title="清廉台账数据接口", version="1", urls_namespace="api", docs_url=None, openapi_url="/openapi.json",
    description="以个人接口令牌（Authorization: Bearer …）读取和报送本单位及下级单位的数据；"
                "范围与页面相同。修改须带 If-Match，新建可带 Idempotency-Key。",
)


def _error(request: HttpRequest, status: int, detail: str, changes: Iterable[Change] = (),
           headers: dict[str, str] | None = None) -> HttpResponse:
    body: dict[str, Any] = {"detail": detail}
    if changes:
        body["changes"] = _changes(changes)
    response = api.create_response(request, body, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return _error(request, exc.status, exc.detail, exc.changes, exc.headers)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 401, "请在请求头 Authorization: Bearer 后附上有效的接口令牌；令牌可在“接口令牌”页面创建。",
                  headers={"WWW-Authenticate": 'Bearer realm="qinglian"'})


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    parts = []
    for error in exc.errors[:5]:
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path", "header"))
        parts.append(f"“{where or '请求体'}”{_reason(error)}")
    return _error(request, 422, "请求参数有误：" + "；".join(parts) + "。请对照接口文档 /api/openapi.json 修改后重试。")


def _reason(error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    if kind == "missing":
        return "必须填写"
    if "json" in kind:
        return "不是有效的 JSON"
    if kind.startswith(("int", "float")):
        return "须为整数"
    if kind.startswith(("date", "datetime")):
        return "须为日期，如 2026-03-05"
    if kind.startswith(("string", "too_")):
        return "长度或格式不符"
    if kind in ("enum", "literal_error"):
        return "不是可选的值之一"
    return "格式不符"


@api.exception_handler(DjangoValidationError)
def _refused(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return _error(request, 422, "；".join(exc.messages) or "提交的内容有误，请检查后重试。")


@api.exception_handler(ConflictError)
def _conflict(request: HttpRequest, exc: ConflictError) -> HttpResponse:
    return _error(request, 409, str(exc), exc.changes)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, str(exc) or "您的令牌无权进行此操作。")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, NOT_FOUND)


@api.exception_handler(BadRequest)
def _bad_request(request: HttpRequest, exc: BadRequest) -> HttpResponse:
    return _error(request, 422, str(exc) or "请求参数有误，请对照接口文档修改后重试。")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja's own (a malformed body it could not read): the status it chose, our sentence
    status = exc.status_code if exc.status_code in (400, 401, 403, 404, 405, 413, 415, 422) else 422
    return _error(request, 422 if status == 400 else status, "请求无法解析，请发送 JSON（Content-Type: application/json）。")


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.exception("API %s %s failed", request.method, request.path)
    return _error(request, 500, "服务器处理出错，已记录；请稍后重试，或联系系统管理员。")


# -- statuses every endpoint documents ---------------------------------------------------------------------
READ_ERRORS: dict[int, Any] = {401: Error, 403: Error, 404: Error, 422: Error, 429: Error}
WRITE_ERRORS: dict[int, Any] = {**READ_ERRORS, 409: Error}
EDIT_ERRORS: dict[int, Any] = {**WRITE_ERRORS, 412: Error, 428: Error}


def responses(ok: dict[int, Any], errors: dict[int, Any] = READ_ERRORS) -> dict[int, Any]:
    return {**ok, **errors}


# -- authentication, scope, rate limit, audit ----------------------------------------------------------------
class TokenAuth(HttpBearer):
    openapi_description = "个人接口令牌（qlt_…），在“接口令牌”页面创建；只读或读写，到期或撤销后失效。"

    def authenticate(self, request: HttpRequest, token: str) -> PersonalAccessToken | None:
        found = token_for(token)
        if found is None:
            with transaction.atomic():
                audit_log(action=Action.REFUSED, actor_name="接口调用方", ip=client_ip(request),
                          summary=f"无效、已撤销或已过期的接口令牌：{request.method} {request.path}"[:500])
            return None
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        refusal = key_count(kind="api", key=f"token:{found.pk}", window=60, limit=settings.QINGLIAN_API_PER_MINUTE)
        if refusal is not None:
            raise TooMany(refusal)
        token_touch(found, request)
        return found


def _audited(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Each request made with a valid token leaves one audit row: who, which token, what, and the answer."""

    @wraps(run)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = run(request, *args, **kwargs)
        token = getattr(request, "api_token", None)
        if token is not None:
            try:
                with transaction.atomic():
                    audit_log(action=Action.API, actor=token.user, ip=client_ip(request), obj=token,
                              summary=f"接口调用（令牌 #{token.pk}，{token.get_scope_display()}）："
                                      f"{request.method} {request.get_full_path()[:300]} → {response.status_code}")
            except Exception:  # auditing must not turn an answer into an error; it is logged
                log.exception("API request not audited")
        response.setdefault("Cache-Control", "private, no-store")
        return response

    return wrapped


api.auth = [TokenAuth()]
api.add_decorator(_audited, mode="view")


def token_of(request: HttpRequest) -> PersonalAccessToken:
    return request.auth  # type: ignore[attr-defined, no-any-return]


def writes(view: Callable[..., Any]) -> Callable[..., Any]:
    """A write endpoint: a read-only token is refused (403) before anything is read."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not token_of(request).can_write:
            raise PermissionDenied("只读令牌不能修改数据：请在“接口令牌”页面创建读写令牌。")
        return view(request, *args, **kwargs)

    return wrapped


# -- scope helpers -----------------------------------------------------------------------------------------
def unit_or_root(request: HttpRequest, unit_id: int | None) -> Unit:
    """The unit a `unit` parameter names (404 unless the token's account sees it), else its scope root."""
    if unit_id is None:
        root = scope_root(request.user)
        if root is None:
            raise Http404
        return root
    unit = visible_units(request.user).filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    return unit


def one(qs: QuerySet[Any], pk: int) -> Any:
    row = qs.filter(pk=pk).first()
    if row is None:
        raise Http404
    return row


class Page(Schema):
    page: int
    has_next: bool


def paged(qs: QuerySet[Any], page: int, convert: Callable[[Any], Any], size: int = PAGE_SIZE) -> dict[str, Any]:
    """A page of rows without COUNT(*), as the pages' pager."""
    page = min(max(page, 1), MAX_PAGE)
    offset = (page - 1) * size
    rows = list(qs[offset: offset + size + 1])
    return {"page": page, "has_next": len(rows) > size, "items": [convert(r) for r in rows[:size]]}


# -- ETag / If-Match ---------------------------------------------------------------------------------------
def etag(obj: Any) -> str:
    return f'"{obj._meta.model_name}-{obj.pk}-v{obj.version}"'


def tagged(response: HttpResponse, obj: Any) -> None:
    response["ETag"] = etag(obj)


def _tag_version(tag: str, obj: Any) -> int | None:
    head = f'"{obj._meta.model_name}-{obj.pk}-v'
    tag = tag.removeprefix("W/")
    if tag.startswith(head) and tag.endswith('"') and tag[len(head):-1].isdigit():
        return int(tag[len(head):-1])
    return None


def check_if_match(request: HttpRequest, obj: Any, *, required: bool = True) -> None:
    """428 when an edit comes without If-Match; 412, with what changed since, when it names an older version."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        if required:
            raise ApiError(428, "修改须带 If-Match 请求头：先读取该记录，把应答中的 ETag 原样放入 If-Match 后重试。")
        return
    tags = [t.strip() for t in header.split(",") if t.strip()]
    if "*" in tags or etag(obj) in tags:
        return
    versions = [v for v in (_tag_version(t, obj) for t in tags) if v is not None]
    since = changes_since(obj, max(versions)) if versions else []
    raise ApiError(412, f"If-Match 与记录的当前版本（{etag(obj)}）不符：记录在您读取之后已被修改。"
                        "请重新读取，核对最新内容后再修改。", changes=since)


def check_version(obj: Any, version: int | None) -> None:
    """409 with the other writer's change when the body's `version` is not the record's current one."""
    if version is not None and version != obj.version:
        raise ConflictError(obj, changes_since(obj, version))


# -- Idempotency-Key ---------------------------------------------------------------------------------------
def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    digest.update(request.body or b"")
    return digest.hexdigest()


def idempotent(request: HttpRequest, response: HttpResponse, key: str | None,
               create: Callable[[], tuple[int, dict[str, Any], dict[str, str]]]) -> Any:
    """Run `create` (→ status, body, headers) once per (account, key): the same request again gets the stored
    answer (header Idempotent-Replayed: true); another request under a used key is refused with a 422."""

    def replay(stored: IdempotentAnswer) -> Any:
        if stored.fingerprint != _fingerprint(request):
            raise ApiError(422, f"幂等键“{key}”已用于另一个不同的请求：同一个键只能对应同一个请求，"
                                "新的请求请换一个新的 Idempotency-Key。")
        for name, value in {**stored.headers, "Idempotent-Replayed": "true"}.items():
            response[name] = value
        return Status(stored.status, stored.body)

    if not key:
        status, body, headers = create()
        for name, value in headers.items():
            response[name] = value
        return Status(status, body)
    if len(key) > 200 or not key.isprintable():
        raise ApiError(422, "Idempotency-Key 须为不超过 200 个字符的可打印文本，如一个 UUID。")
    user = request.user
    stored = IdempotentAnswer.objects.filter(user=user, key=key).first()
    if stored is not None:
        return replay(stored)
    try:
        with transaction.atomic():
            status, body, headers = create()
            IdempotentAnswer.objects.create(user=user, key=key, fingerprint=_fingerprint(request), status=status,
                                            body=body, headers=headers)
    except IntegrityError:  # the same key at the same moment: the other request won, its answer is given
        stored = IdempotentAnswer.objects.filter(user=user, key=key).first()
        if stored is None:
            raise
        return replay(stored)
    for name, value in headers.items():
        response[name] = value
    return Status(status, body)
