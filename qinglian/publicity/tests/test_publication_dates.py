"""A publication's date cannot lie ahead: entered by hand, corrected, or published from a signed draft."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from qinglian.lib.testing import make_person, make_user
from qinglian.org.models import Role
from qinglian.publicity.models import Draft, Publication
from qinglian.publicity.review import draft_create, draft_sign
from qinglian.publicity.services import publication_create, publication_update
from qinglian.publicity.tests.conftest import outlet


def test_the_services_refuse_a_date_ahead(world) -> None:
    later = timezone.localdate() + dt.timedelta(days=1)
    piece = Publication(unit=world.a, title="廉政教育月", outlet=outlet("人民日报"), published_on=later,
                        counting_unit="篇")
    with pytest.raises(ValidationError) as exc:
        publication_create(user=world.clerk_a, publication=piece)
    assert exc.value.message_dict.keys() == {"published_on"} and "晚于今天" in exc.value.messages[0]
    piece.published_on = timezone.localdate()
    saved = publication_create(user=world.clerk_a, publication=piece)
    with pytest.raises(ValidationError):
        publication_update(user=world.clerk_a, publication=saved, data={"published_on": later}, version=1)
    assert Publication.objects.get().published_on == timezone.localdate()


def test_a_signed_draft_published_with_a_date_ahead_keeps_the_form(review, world) -> None:
    writer = make_user("writer_a", Role.CLERK, world.a, make_person(world.a, "孙干事"))
    draft = draft_create(user=writer, draft=Draft(
        unit=world.a, title="综述", authors="孙干事", content="近日……"))
    for user, stage in ((world.clerk_a, "first"), (review.deputy_a, "second"), (world.leader_a, "final")):
        draft_sign(user=user, draft=Draft.objects.get(pk=draft.pk), stage=stage, opinion="同意")
    later = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = world.client("clerk_a").post(f"/publicity/drafts/{draft.pk}/publish/", {
        "outlet": outlet("县融媒体中心").pk, "published_on": later, "adopted": "on", "counting_unit": "篇",
        "link": "https://example.cn/a"})
    html = response.content.decode()
    assert "晚于今天" in html and f'value="{later}"' in html and 'value="https://example.cn/a"' in html
    assert not Publication.objects.exists() and Draft.objects.get().state == "signed"
