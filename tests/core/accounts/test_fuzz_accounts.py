"""Schemathesis over the /api/auth/ operations: no input makes the server answer 5xx."""
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture
def schema(app):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


def test_auth_services_never_answer_5xx(schema):
    operations = [op for op in schema.get_all_operations() if op.ok().path.startswith("/api/auth/")]
    assert len(operations) >= 10
    failures = []
    calls = []
    for result in operations:
        operation = result.ok()

        @settings(max_examples=15, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case):
            response = case.call()
            calls.append(response.status_code)
            if response.status_code >= 500:
                failures.append((operation.label, case.body, response.status_code))

        check()
    assert len(calls) >= 5 * len(operations)
    assert failures == []
