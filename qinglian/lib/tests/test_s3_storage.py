"""QINGLIAN_STORAGE=s3: an attachment uploaded over HTTP is kept in the S3-compatible store (a local moto server
here) under its SM3 name and downloads from there, byte for byte."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from moto.server import ThreadedMotoServer

from qinglian.lib import files
from qinglian.lib.testing import World, free_port
from qinglian.records.models import Activity, ActivityKind

ROOT = Path(__file__).resolve().parents[3]
BUCKET = "qinglian-files"


@pytest.fixture
def s3(settings, tmp_path: Path) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        env = {**os.environ, "QINGLIAN_STORAGE": "s3", "QINGLIAN_S3_ENDPOINT": f"http://127.0.0.1:{port}",
               "QINGLIAN_S3_BUCKET": BUCKET, "QINGLIAN_S3_ACCESS_KEY": "testing", "QINGLIAN_S3_SECRET_KEY": "testing",
               "DJANGO_SETTINGS_MODULE": "qinglian.settings"}
        # the storage exactly as settings.py makes it from the environment
        configured = subprocess.run(
            [sys.executable, "-c", "import json; from django.conf import settings; "
                                   "print(json.dumps(settings.STORAGES['default']))"],
            env=env, cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
        settings.STORAGES = {**settings.STORAGES, "default": json.loads(configured.stdout)}
        settings.MEDIA_ROOT = tmp_path / "files"
        client = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", aws_access_key_id="testing",
                              aws_secret_access_key="testing", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield client
    finally:
        server.stop()


@pytest.mark.django_db
def test_an_attachment_is_kept_in_the_s3_store_and_downloads_from_it(s3: Any, world: World) -> None:
    assert not files.on_disk()
    content = b"%PDF-1.4\n% signed-in sheet of the meeting\n"
    clerk = world.client("clerk_a")
    kind = ActivityKind.objects.filter(active=True).first()
    assert kind is not None
    response = clerk.post("/records/activities/new/", {
        "unit": world.a.pk, "kind": kind.pk, "happened_on": "2024-03-05", "topic": "集中学习",
        "participants": [world.staff_a.pk], "files": SimpleUploadedFile("签到表.pdf", content)})
    assert response.status_code == 302
    attachment = Activity.objects.get().attachments.get()
    stored = s3.get_object(Bucket=BUCKET, Key=attachment.stored)["Body"].read()
    assert stored == content and attachment.stored.startswith("sm3/")
    assert not (Path(files.settings.MEDIA_ROOT) / attachment.stored).exists()  # nothing on the local disk
    download = clerk.get(f"/records/attachments/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == content
    # the same bytes again are the same object, not a second copy
    assert files.StoredFiles().store(files.Upload("again.pdf", content))["stored"] == attachment.stored
    assert s3.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 1


def test_the_system_check_names_what_s3_storage_lacks(settings) -> None:  # type: ignore[no-untyped-def]
    from qinglian.lib.checks import s3_storage

    settings.QINGLIAN_STORAGE = "s3"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage",
                                                          "OPTIONS": {"bucket_name": "qinglian", "endpoint_url": None,
                                                                      "access_key": "", "secret_key": ""}}}
    [warning] = s3_storage(None)
    assert warning.id == "qinglian.W030" and "QINGLIAN_S3_ENDPOINT、QINGLIAN_S3_ACCESS_KEY" in warning.msg


@pytest.mark.django_db
def test_drafts_and_templates_are_kept_in_the_s3_store_too(s3: Any, world: World) -> None:
    """What the app writes itself (a generated draft, a unit's report template) goes where the uploads go: the
    other app servers read it from the store, not from this machine's disk."""
    import datetime as dt
    import io

    from docx import Document

    from paperwork.write import default_template
    from qinglian.reports.models import GeneratedReport, ReportTemplate
    from qinglian.reports.services import report_generate

    report = report_generate(user=world.clerk_a, unit=world.a, genre="summary", date_from=dt.date(2024, 1, 1),
                             date_to=dt.date(2024, 12, 31))
    stored = s3.get_object(Bucket=BUCKET, Key=report.stored)["Body"].read()
    assert report.stored.startswith("reports/") and not (Path(files.settings.MEDIA_ROOT) / report.stored).exists()
    clerk = world.client("clerk_a")
    download = clerk.get(f"/reports/{report.pk}/download/")
    assert download.status_code == 200 and download.content == stored
    assert Document(io.BytesIO(download.content)).paragraphs  # a real .docx, opened again
    # a template uploaded over HTTP: kept in the store, downloaded from it
    template = default_template("summary")
    response = clerk.post("/reports/templates/", {"genre": "summary", "file": SimpleUploadedFile(
        "本单位模板.docx", template)})
    assert response.status_code == 302, response.content.decode()[:500]
    kept = ReportTemplate.objects.get(unit=world.a)
    assert s3.get_object(Bucket=BUCKET, Key=kept.stored)["Body"].read() == template
    assert clerk.get(f"/reports/templates/{kept.pk}/file/").content == template
    # the next draft is built from the template read back from the store
    again = report_generate(user=world.clerk_a, unit=world.a, genre="summary", date_from=dt.date(2024, 1, 1),
                            date_to=dt.date(2024, 12, 31))
    assert again.template_name.endswith("本单位模板.docx") and GeneratedReport.objects.count() == 2
