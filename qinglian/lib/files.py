"""Uploaded files kept outside the web root, for every app: checked, stored, cleaned up, served.

Attachments are stored content-addressed (sm3/ab/cd/<SM3 of the bytes> under MEDIA_ROOT, or in the S3-compatible
store of QINGLIAN_STORAGE=s3 through Django's storage API), durably before the transaction that writes their
rows commits (`stored_files()`); identical bytes are kept once. Nothing removes
a stored file but the collector (`lib.filecheck`, `qinglian files collect`), once no row has referred to it
for a grace period. Rows of the old layout (area/YYYY/MM/random name) keep working. Downloads go only through
views that fetched the row with `visible_to(user)`; a file missing on disk says so in Chinese instead of
failing, and one whose bytes no longer match its hash is refused and audited.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
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
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

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
READABLE = ("docx", "pdf", "txt")  # what the report readers read (a PDF by its text layer)
PICTURES = ("pdf", "ofd", "jpg", "png")  # a clipping, a signed scan
READ_HINT = "扫描件和图片无法读取文字，请上传原始的 Word 文档或文字版 PDF，或先用 OCR 识别成文字。"


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


# -- the content-addressed store: MEDIA_ROOT/sm3/ab/cd/<SM3 of the bytes> ------------------------------------
STORE = "sm3"
TEMP_PREFIX = ".tmp-"  # a write under way, or one a crash interrupted (the collector removes old ones)
_CHUNK = 1 << 20


def store_name(digest: str) -> str:
    """Where the bytes whose SM3 is `digest` live, relative to MEDIA_ROOT."""
    return f"{STORE}/{digest[:2]}/{digest[2:4]}/{digest}"


def stored_digest(relative: str) -> str | None:
    """The SM3 a stored path names, or None for a path of the old layout (area/YYYY/MM/random)."""
    parts = relative.split("/")
    if len(parts) == 4 and parts[0] == STORE and _is_digest(parts[3]) and parts[1:3] == [parts[3][:2], parts[3][2:4]]:
        return parts[3]
    return None


def _is_digest(name: str) -> bool:
    return len(name) == 64 and all(c in "0123456789abcdef" for c in name)


def digests(handle: Any) -> tuple[str, str]:
    """SM3 and SHA-256 of an open binary file, read once in chunks from where it stands."""
    sm3, sha = hashlib.new("sm3"), hashlib.sha256()
    while chunk := handle.read(_CHUNK):
        sm3.update(chunk)
        sha.update(chunk)
    return sm3.hexdigest(), sha.hexdigest()


def intact(item: Any, handle: Any) -> bool:
    """Whether the bytes of `handle` are those the StoredFile row `item` recorded: its SHA-256 column, and the
    SM3 its content-addressed name carries. A row of the old layout without a SHA-256 cannot be judged and
    passes."""
    return matches(item, *digests(handle))


def matches(item: Any, sm3: str, sha256: str) -> bool:
    """`intact` for digests already computed."""
    named = stored_digest(item.stored)
    return (not item.sha256 or sha256 == item.sha256) and (named is None or sm3 == named)


def fsync_dir(folder: Path) -> None:
    """Make the entries of `folder` (a new name, a rename) durable."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _durable_folder(folder: Path) -> None:
    """Create `folder` and its missing parents, each new one made durable in its parent."""
    missing = []
    while not folder.is_dir():
        missing.append(folder)
        folder = folder.parent
    for new in reversed(missing):
        with suppress(FileExistsError):  # another worker made it first
            new.mkdir()
        fsync_dir(new.parent)


def write_durably(path: Path, content: bytes) -> None:
    """Write to a temp file in the same folder, fsync it, rename it over `path`, fsync the folder: once this
    returns the bytes survive a crash of the process or of the machine, and no reader ever sees half a file."""
    _durable_folder(path.parent)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(temp)
        raise
    fsync_dir(path.parent)


def _already_stored(path: Path, digest: str) -> bool:
    """True when `path` holds the bytes of `digest` already. Its mtime is set to now first: that tells the
    collector a row is about to refer to it (a file touched within the grace period is never removed)."""
    try:
        os.utime(path)
        with path.open("rb") as handle:
            return digests(handle)[0] == digest
    except FileNotFoundError:  # never stored, or the collector is taking it away right now: write it again
        return False


def file_storage() -> Any:
    """Django's default storage: MEDIA_ROOT on a disk the app servers share (the default), or the S3-compatible
    store of QINGLIAN_STORAGE=s3 (django-storages)."""
    from django.core.files.storage import storages

    return storages["default"]


def on_disk() -> bool:
    """Whether uploads live under MEDIA_ROOT: then they are written durably by this module itself (fsync and
    rename, which Django's FileSystemStorage does not do); an object store's write is whole or nothing."""
    from django.core.files.storage import FileSystemStorage

    return isinstance(file_storage(), FileSystemStorage)


def open_stored(relative: str) -> Any:
    """The stored file at `relative` open for reading (binary, seekable); FileNotFoundError when it is gone."""
    if on_disk():
        return media_path(relative).open("rb")
    store = file_storage()
    if not store.exists(relative):
        raise FileNotFoundError(relative)
    return store.open(relative, "rb")


def read_stored(relative: str) -> bytes:
    with open_stored(relative) as handle:
        return bytes(handle.read())


def save_stored(relative: str, content: bytes) -> None:
    """Write a file the app made (a generated draft, its PDF, a report template) at `relative`, a fresh random
    name: durably under MEDIA_ROOT, or as an object of that exact name in the S3-compatible store."""
    if on_disk():
        write_durably(media_path(relative), content)
        return
    saved = file_storage().save(relative, ContentFile(content))
    if saved != relative:  # the store renamed it: a name that was not fresh
        file_storage().delete(saved)
        raise FileExistsError(relative)


def delete_stored(relative: str) -> None:
    """Remove a file the app made (gone already: nothing to do)."""
    if on_disk():
        media_path(relative).unlink(missing_ok=True)
    else:
        file_storage().delete(relative)


class StoredFiles(list[Path]):
    """The files written in one `stored_files()` block."""

    def store(self, upload: Upload, area: str = "") -> dict[str, Any]:
        """Keep the bytes under MEDIA_ROOT/sm3/ab/cd/<their SM3>, durably (`write_durably`) and once: the same
        bytes uploaded twice, in any app, are one file; a damaged copy is replaced by the good bytes. Returns the
        StoredFile fields. `area` (the app) no longer shapes the path: the store is shared."""
        digest = hashlib.new("sm3", upload.content).hexdigest()
        relative = store_name(digest)
        if on_disk():
            path = Path(settings.MEDIA_ROOT) / relative
            if not _already_stored(path, digest):
                write_durably(path, upload.content)
        else:
            path = Path(relative)
            store = file_storage()
            # the name is the bytes' SM3: an object of that name and size holds them already
            if not store.exists(relative) or store.size(relative) != len(upload.content):
                store.save(relative, ContentFile(upload.content))
        self.append(path)
        return {"name": os.path.basename(upload.name)[:255], "stored": relative,
                "size": len(upload.content), "sha256": hashlib.sha256(upload.content).hexdigest()}


@contextmanager
def stored_files() -> Iterator[StoredFiles]:
    """`with stored_files() as files, transaction.atomic(): … files.store(upload, "ledger") …`: every file is
    durable before the transaction commits, so a committed row never names missing bytes. A block that fails
    removes nothing: the same bytes may be what another row, committed or about to commit, refers to. What a
    failed block (or a crash before the commit) leaves is an orphan that `qinglian files collect` removes once
    nothing has referred to it for QINGLIAN_FILES_GRACE_DAYS."""
    yield StoredFiles()


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
    message when the file is missing on disk; a 429 when the account or the address downloads too often.

    Bytes that no longer match the row's hash are refused with a page and a 409, and the refusal is audited
    (TAMPERED): the row and the request are sound, the stored bytes conflict with what was recorded, and
    restoring the file from a backup resolves it. 410 would say the file is gone for good, which a restore
    disproves. The handle checked is the handle served, so a file swapped in between is not served either."""
    if refused := rate_refusal(request, Kind.DOWNLOAD):
        return refused
    try:
        handle = open_stored(item.stored)
    except FileNotFoundError:
        messages.error(request, f"文件“{item.name}”已丢失，请联系系统管理员从备份中恢复。")
        return redirect(back)
    if not intact(item, handle):
        handle.close()
        audit_request(request, action=Action.TAMPERED, summary=f"文件内容与登记的校验值不符，已拒绝下载：{item.name}",
                      obj=item)
        return render(request, "lib/file_damaged.html", {"name": item.name, "back": back}, status=409)
    handle.seek(0)
    audit_request(request, action=Action.DOWNLOAD, summary=f"下载文件：{item.name}", obj=item)
    return FileResponse(handle, as_attachment=True, filename=item.name)


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
