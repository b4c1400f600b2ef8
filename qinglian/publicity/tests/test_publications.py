"""Entering, listing, exporting publications; scoping; outlets seeded and admin-only."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from qinglian.audit.models import AuditEntry
from qinglian.publicity.models import Outlet, Publication
from qinglian.publicity.tests.conftest import outlet, publish

PNG = b"\x89PNG\r\n\x1a\n a clipping"  # the signature is what the upload check looks for


def test_outlets_are_seeded_with_levels_and_channels(db):
    assert outlet("人民日报").level == "central"
    assert outlet("学习强国").channel == "new_media"
    assert outlet("省纪委监委网站").level == "provincial"
    assert {"central", "provincial", "city", "county"} <= set(Outlet.objects.values_list("level", flat=True))


def test_clerk_enters_a_publication_with_a_clipping(world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    client = world.client("clerk_a")
    clip = SimpleUploadedFile("剪报.png", PNG, content_type="image/png")
    response = client.post("/publicity/new/", {
        "unit": world.a1.pk, "title": "我县扎实推进清廉机关建设", "authors": "张干事、赵股长",
        "outlet": outlet("中国纪检监察报").pk, "published_on": "2026年3月5日", "adopted": "on",
        "counting_unit": "篇", "link": "https://example.org/a", "clipping": clip})
    publication = Publication.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/publicity/{publication.pk}/"
    assert publication.published_on == date(2026, 3, 5) and publication.unit == world.a1
    page = client.get(f"/publicity/{publication.pk}/").content.decode()
    assert "中国纪检监察报" in page and "中央级" in page
    download = client.get(f"/publicity/{publication.pk}/clipping/")
    assert download.status_code == 200 and download.content == PNG
    assert not str(tmp_path).startswith(str(settings.STATIC_ROOT))
    assert AuditEntry.objects.filter(object_type="publicity.publication", action="create").exists()


def test_future_date_is_refused_in_chinese(world):
    response = world.client("clerk_a").post("/publicity/new/", {
        "unit": world.a.pk, "title": "标题", "outlet": outlet("人民日报").pk, "published_on": "2999-01-01",
        "counting_unit": "篇"})
    assert "刊发（报送）日期2999年1月1日晚于今天" in response.content.decode()
    assert not Publication.objects.exists()


def test_list_filters_and_export(world, django_assert_max_num_queries):
    for i in range(30):
        publish(world.a, "县融媒体中心", date(2026, 2, 1 + i % 27), title=f"县级稿件{i}")
    publish(world.a1, "人民日报", date(2026, 2, 10), title="中央级稿件")
    publish(world.b, "省日报", date(2026, 2, 11), title="财政局稿件")
    client = world.client("clerk_a")
    # bounded whatever the data: session and user, then at most seven look-back windows of the list
    with django_assert_max_num_queries(15):
        page = client.get("/publicity/?level=central").content.decode()
    assert "中央级稿件" in page and "县级稿件" not in page
    assert "财政局稿件" not in client.get("/publicity/").content.decode()
    export = client.get("/publicity/export.xlsx?level=county")
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert sheet.max_row == 31 and sheet["E2"].value == "县融媒体中心"


def test_edit_with_stale_version_reports_the_conflict(world):
    p = publish(world.a, "人民日报", date(2026, 2, 10), title="原标题")
    client = world.client("clerk_a")
    data = {"unit": world.a.pk, "title": "新标题", "outlet": outlet("人民日报").pk, "published_on": "2026-02-10",
            "adopted": "on", "counting_unit": "条", "version": 1}
    assert client.post(f"/publicity/{p.pk}/edit/", data).status_code == 302
    again = client.post(f"/publicity/{p.pk}/edit/", {**data, "title": "第三个标题"})
    assert "已被他人修改" in again.content.decode()
    assert Publication.objects.get().title == "新标题"


def test_scoping_other_unit_supervisor_and_admins(world):
    p = publish(world.a, "人民日报", date(2026, 2, 10), title="宣传部稿件")
    clerk_b = world.client("clerk_b")
    for url in (f"/publicity/{p.pk}/", f"/publicity/{p.pk}/edit/", f"/publicity/{p.pk}/clipping/"):
        assert clerk_b.get(url).status_code == 404
    assert clerk_b.post(f"/publicity/{p.pk}/delete/").status_code == 404
    assert "宣传部稿件" not in clerk_b.get("/publicity/").content.decode()
    assert "宣传部稿件" not in clerk_b.get("/publicity/export.xlsx").content.decode(errors="ignore")
    supervisor = world.client("supervisor")
    assert "宣传部稿件" in supervisor.get("/publicity/").content.decode()
    assert supervisor.get(f"/publicity/{p.pk}/").status_code == 200
    assert supervisor.get(f"/publicity/{p.pk}/edit/").status_code == 403
    assert supervisor.post(f"/publicity/{p.pk}/delete/").status_code == 403
    for admin in ("sysadmin", "secadmin", "auditor"):
        client = world.client(admin)
        assert client.get("/publicity/").status_code == 403
        assert client.get(f"/publicity/{p.pk}/").status_code == 403
        assert client.get("/publicity/bulletin/").status_code == 403


def test_outlets_are_edited_by_the_sysadmin_only(world):
    assert world.client("sysadmin").get("/admin/publicity/outlet/").status_code == 200
    assert world.client("clerk_a").get("/admin/publicity/outlet/").status_code == 302
    assert world.client("secadmin").get("/admin/publicity/outlet/").status_code in (302, 403)
