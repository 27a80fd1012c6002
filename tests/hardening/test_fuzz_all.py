"""Schemathesis over every operation of /api/openapi.json, as four kinds of caller.

For each role (anonymous, customer, approved vendor with a product, manager) and each
operation, a bounded, derandomized run of valid (positive) and invalid (negative) requests
is sent with the role's ``Authorization`` header.  Every answer must be:

* never a 5xx;
* a status code the operation documents, with the content type it documents;
* when the operation documents a schema for that status, an instance of it (2xx bodies
  against the response schemas generated from ``@responds``, errors against ``Error``).

Each case runs inside a savepoint that is rolled back, so a fuzzed logout or cancel never
changes what the next case sees.  ``AGORA_FUZZ_EXAMPLES`` raises the bound for a deeper run.
"""
from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.hardening.conftest import isolated

pytestmark = pytest.mark.filterwarnings("ignore")

EXAMPLES = int(os.environ.get("AGORA_FUZZ_EXAMPLES", "8"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
FUZZED_ROLES = ("anonymous", "customer", "vendor", "manager")


def _run(operation, mode, send) -> None:
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case):
        send(case)

    try:
        check()
    except Unsatisfiable:
        # Nothing of this operation can be made invalid (no parameters, no body).
        assert mode is GenerationMode.NEGATIVE, operation.label


@pytest.mark.parametrize("role", FUZZED_ROLES)
def test_no_operation_answers_5xx_or_off_schema(role, app, world, connection):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    documented = sum(len(ops) for ops in app_spec_paths(schema).values())
    assert len(operations) == documented >= 50
    headers = world.headers[role]
    failures: dict[tuple, str] = {}  # (operation, what failed) → the first example
    statuses: dict[int, int] = {}

    def send(case):
        with isolated(connection):
            try:
                response = case.call_and_validate(headers=headers, checks=CHECKS)
            except FailureGroup as group:
                what = ", ".join(sorted({f"{type(f).__name__}: {f.title}" for f in group.exceptions}))
                failures.setdefault((case.operation.label, what), (
                    f"path={case.path_parameters} query={case.query} body={str(case.body)[:160]!r}\n"
                    + "\n".join(str(f.message)[:300] for f in group.exceptions)))
            else:
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

    for operation in operations:
        for mode in _modes(operation):
            _run(operation, mode, send)
    report = [f"{role} {label}: {what}\n    {example}" for (label, what), example in failures.items()]
    assert not report, "\n".join(report)
    assert sum(statuses.values()) >= len(operations) * 2
    if role != "anonymous":  # the role's token is accepted somewhere: not every answer is 401/403
        assert any(200 <= s < 300 for s in statuses), statuses


def _modes(operation) -> tuple:
    """Both modes, except for a multipart upload: schemathesis 4.32 makes negative multipart bodies
    that are not objects (``1.0``), which its WSGI transport (werkzeug) cannot even encode."""
    content = operation.definition.raw.get("requestBody", {}).get("content", {})
    if content and set(content) == {"multipart/form-data"}:
        return (GenerationMode.POSITIVE,)
    return (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)


def app_spec_paths(schema) -> dict:
    methods = {"get", "put", "post", "patch", "delete"}
    return {path: [m for m in ops if m in methods] for path, ops in schema.raw_schema["paths"].items()}
