"""Uploaded files kept outside the web root, for every app: checked, stored, cleaned up, served.

`stored_files()` wraps the transaction that writes the rows: a file written before the transaction failed
is removed with it, so no orphan is left behind. Downloads go only through views that fetched the row with
`visible_to(user)`; a file missing on disk says so in Chinese instead of failing.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from paperwork.convert import ConvertError, is_old_format, to_ooxml
from paperwork.filetypes import OLD_FORMATS, TYPES, kind_of_name, labels, sniff
from qinglian.audit.models import Action
from qinglian.audit.services import audit_request
from qinglian.limits.services import Kind, rate_refusal


@dataclass
class Upload:
    """A file as the services take it: its name as the user had it and its bytes."""

    name: str
    content: bytes

    @classmethod
    def of(cls, uploaded: Any) -> Upload:
        """From a Django UploadedFile (the bytes read once, within the size limit the form already holds)."""
        return cls(name=uploaded.name, content=uploaded.read())


def check_sizes(files: Iterable[Any], what: str = "附件", field: str = "") -> None:
    """Refuse any file (an Upload or a Django UploadedFile) over QINGLIAN_MAX_UPLOAD_BYTES, naming it;
    `field` puts the message on that form field."""
    limit = settings.QINGLIAN_MAX_UPLOAD_BYTES
    for f in files:
        size = f.size if hasattr(f, "size") else len(f.content)
        if size and size > limit:
            _refuse(f"{what}“{f.name}”超过 {limit // 1024 // 1024} MB，请压缩后再上传。", field)


def _refuse(message: str, field: str) -> NoReturn:
    raise ValidationError({field: [message]} if field else message)


# -- what may be uploaded: checked by content and name (paperwork.filetypes), old formats converted -----------
READABLE = ("docx", "txt")  # what the report readers read
PICTURES = ("pdf", "ofd", "jpg", "png")  # a clipping, a signed scan
READ_HINT = "扫描件和图片无法读取文字，请上传原始的 Word 文档，或先用 OCR 识别成文字。"


def upload_types(*only: str) -> tuple[str, ...]:
    """The kinds QINGLIAN_UPLOAD_TYPES allows (what evidence and attachments may be), narrowed to `only`.
    Names it does not know are left out (a system check warns of them), and so are the old formats: a .doc is
    only ever kept as the .docx made from it."""
    kinds = tuple(dict.fromkeys(k for k in ({"jpeg": "jpg"}.get(k, k) for k in settings.QINGLIAN_UPLOAD_TYPES)
                                if k in TYPES and k not in OLD_FORMATS))
    return tuple(k for k in kinds if k in only) if only else kinds


def check_upload(upload: Any, *, allowed: Sequence[str] | None = None, what: str = "附件", field: str = "",
                 hint: str = "") -> Upload:
    """The file (an Upload or a Django UploadedFile) as it may be kept or read: its kind shown by both its
    content and its name and one of `allowed` (QINGLIAN_UPLOAD_TYPES when None); a .doc/.wps/.xls converted
    to .docx/.xlsx when that is allowed. Anything else raises a ValidationError naming the file and what is
    accepted (on `field` when given). A Django file is read and rewound, so a model FileField can still save
    it."""
    kinds = tuple(allowed) if allowed is not None else upload_types()
    if isinstance(upload, Upload):
        item = upload
    else:
        item = Upload.of(upload)
        upload.seek(0)
    name = os.path.basename(item.name.replace("\\", "/"))
    accepted = f"仅支持上传 {labels(kinds)}。"
    kind, named = sniff(item.content, item.name), kind_of_name(item.name)
    if kind in kinds:
        return item
    if named in OLD_FORMATS and OLD_FORMATS[named] in kinds:
        try:
            content, new_name = to_ooxml(item.content, item.name)
        except ConvertError as exc:
            _refuse(f"{what}“{name}”：{exc.message_zh}", field)
        return Upload(name=new_name, content=content)
    if not item.content:
        _refuse(f"{what}“{name}”是空文件，请检查是否选错了文件。", field)
    if named in kinds:
        noun = TYPES[named].noun
        _refuse(f"{what}“{name}”不是有效的{' ' if noun[0].isascii() else ''}{noun}（内容与扩展名不符），"
                f"请检查后重新上传。{accepted}{hint}", field)
    _refuse(f"{what}“{name}”的格式不受支持：{accepted}{hint}", field)


def check_uploads(files: Iterable[Any], *, allowed: Sequence[str] | None = None, what: str = "附件",
                  field: str = "") -> list[Upload]:
    """`check_sizes`, then `check_upload` for each file: the Uploads to store."""
    files = list(files)
    check_sizes(files, what, field)
    return [check_upload(f, allowed=allowed, what=what, field=field) for f in files]


def checked_file(upload: Any, *, allowed: Sequence[str] | None = None, what: str = "文件", hint: str = "") -> Any:
    """For a form's clean_<field>: the Django file when it passes `check_upload`, or the converted file in its
    place (same interface: .name, .size, .read()), so the view that reads it needs no change. No new upload
    (None, a cleared field, a file already stored) passes as it is."""
    if not isinstance(upload, UploadedFile):
        return upload
    check_sizes([upload], what)
    item = check_upload(upload, allowed=allowed, what=what, hint=hint)
    return upload if item.name == upload.name else SimpleUploadedFile(item.name, item.content)


def converted_workbook(upload: Any) -> Any:
    """For the Excel importers' clean_file: an old .xls converted to .xlsx (LibreOffice), any other file as
    it is, for the reader to judge and explain."""
    if isinstance(upload, UploadedFile) and is_old_format(upload.name):
        return checked_file(upload, allowed=("xlsx",), what="Excel 文件")
    return upload


class StoredFiles(list[Path]):
    """The files written in one `stored_files()` block."""

    def store(self, upload: Upload, area: str) -> dict[str, Any]:
        """Write the bytes under MEDIA_ROOT/area/YYYY/MM with a random name; the StoredFile fields."""
        today = timezone.localdate()
        folder = Path(settings.MEDIA_ROOT) / area / f"{today:%Y}" / f"{today:%m}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / uuid.uuid4().hex
        path.write_bytes(upload.content)
        self.append(path)
        return {"name": os.path.basename(upload.name)[:255], "stored": str(path.relative_to(settings.MEDIA_ROOT)),
                "size": len(upload.content), "sha256": hashlib.sha256(upload.content).hexdigest()}


@contextmanager
def stored_files() -> Iterator[StoredFiles]:
    """`with stored_files() as files: … files.store(upload, "ledger") …` inside or around a transaction:
    when the block raises, every file it wrote is removed (the rows are gone with the transaction)."""
    written = StoredFiles()
    try:
        yield written
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise


def media_path(relative: str) -> Path:
    """The file at `relative` under MEDIA_ROOT, refusing any stored path that would lead outside it."""
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise PermissionDenied("文件路径无效。")
    return path


def path_of(item: Any) -> Path:
    """The file of a StoredFile row."""
    return media_path(item.stored)


def download(request: HttpRequest, item: Any, back: str) -> HttpResponse:
    """The file of `item` (already fetched through `visible_to`) as a download, or back to `back` with a
    message when the file is missing on disk; a 429 when the account or the address downloads too often."""
    if refused := rate_refusal(request, Kind.DOWNLOAD):
        return refused
    path = path_of(item)
    if not path.exists():
        messages.error(request, f"文件“{item.name}”已丢失，请联系系统管理员从备份中恢复。")
        return redirect(back)
    audit_request(request, action=Action.DOWNLOAD, summary=f"下载文件：{item.name}", obj=item)
    return FileResponse(path.open("rb"), as_attachment=True, filename=item.name)


# -- uploads waiting for the user's confirmation (an import's preview) ---------------------------------------
PARKED_SECONDS = 24 * 3600


def _parking() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def park(content: bytes) -> str:
    """Keep an upload until the user confirms its preview; returns its token (a random name under
    MEDIA_ROOT/imports). Uploads whose preview was abandoned more than a day ago are removed on the way."""
    folder = _parking()
    stale = time.time() - PARKED_SECONDS
    for old in folder.iterdir():
        with suppress(OSError):  # another worker may have removed it first
            if old.is_file() and old.stat().st_mtime < stale:
                old.unlink()
    token = uuid.uuid4().hex
    (folder / token).write_bytes(content)
    return token


def parked(token: str) -> Path | None:
    """The parked upload of `token`, or None (unknown, expired or not a token at all)."""
    if not token.isalnum():
        return None
    path = _parking() / token
    return path if path.is_file() else None


def unpark(token: str) -> None:
    if token.isalnum():
        (_parking() / token).unlink(missing_ok=True)


# -- what was parsed from a parked upload, so its preview and confirm do not parse it again --------------------
def _parsed_path(token: str) -> Path | None:
    return _parking() / f"{token}.json" if token.isalnum() else None


def park_parsed(token: str, value: Any) -> None:
    """Keep the parsed result (plain JSON data) of the parked upload `token` next to it."""
    path = _parsed_path(token)
    if path is None:
        raise ValueError("not a parking token")
    path.write_text(json.dumps(value, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def parked_parsed(token: str) -> Any | None:
    """What `park_parsed` kept for `token`, or None (unknown, expired, or not kept)."""
    path = _parsed_path(token)
    try:
        return json.loads(path.read_text(encoding="utf-8")) if path is not None else None
    except (OSError, ValueError):
        return None


def unpark_parsed(token: str) -> None:
    """Remove the parked upload `token` and what was parsed from it."""
    unpark(token)
    path = _parsed_path(token)
    if path is not None:
        path.unlink(missing_ok=True)
