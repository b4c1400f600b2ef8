"""schemathesis over the OpenAPI document, through the WSGI application with a leader's write token of unit A:
no answer is a 500, and every answer's status and body are the ones the document gives for that operation."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

pytestmark = [pytest.mark.django_db, pytest.mark.single_engine]


def test_the_api_honours_its_document(api_world: Any, settings: Any, tmp_path: Any) -> None:
    from django.core.wsgi import get_wsgi_application

    settings.MEDIA_ROOT = tmp_path
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    headers = {"Authorization": f"Bearer {api_world.leader_a}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 18
    for operation in operations:
        @given(case=operation.as_strategy())
        @hypothesis_settings
        def check(case: Any) -> None:
            case.call_and_validate(headers=headers)

        check()


hypothesis_settings = settings(max_examples=5, deadline=None, derandomize=True, database=None,
                               suppress_health_check=list(HealthCheck))
