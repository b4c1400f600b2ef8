"""schemathesis over the OpenAPI document, through the WSGI application with a leader's write token of unit A:
no answer is a 500, and every answer's status and body are the ones the document gives for that operation.

A schema-valid request may still be refused by a business rule (a date in the future, a kind that does not exist,
a measure not yet done): that 422 is documented, so schemathesis's "valid data is accepted" check is left out."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

pytestmark = [pytest.mark.django_db, pytest.mark.single_engine]


@pytest.fixture
def wsgi_app() -> Any:
    """The project's WSGI application, without closing the database connection after each request (as Django's
    test client does): the test's transaction holds the world the requests read."""
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_the_api_honours_its_document(api_world: Any, wsgi_app: Any, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi_app)
    headers = {"Authorization": f"Bearer {api_world.leader_a}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 18
    answered: set[int] = set()
    for operation in operations:
        @given(case=operation.as_strategy())
        @hypothesis_settings
        def check(case: Any) -> None:
            answered.add(case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance]).status_code)

        check()
    assert 200 in answered and 401 not in answered  # the token was accepted throughout: real answers were checked


hypothesis_settings = settings(max_examples=5, deadline=None, derandomize=True, database=None,
                               suppress_health_check=list(HealthCheck))
