"""The outermost tween: whatever happens below it, the client gets the API's error shape."""
from __future__ import annotations

import json
import logging

import pytest
from pyramid.request import Request
from pyramid.testing import DummyRequest
from pyramid_retry import mark_error_retryable

from core.tweens import request_tween_factory, user_id_of


def test_an_error_below_the_error_views_is_a_json_500_not_the_servers_html_page(app, caplog):
    def handler(request):
        raise RuntimeError("a commit hook failed")

    tween = request_tween_factory(handler, app.registry)
    request = Request.blank("/api/products/")
    request.environ["retry.attempt"], request.environ["retry.attempts"] = 0, 1
    with caplog.at_level(logging.ERROR, logger="agora.request"):  # the test app's access log is off
        response = tween(request)
    assert response.status_code == 500 and response.content_type == "application/json"
    body = json.loads(response.body)
    assert body["status"] == "error" and "a commit hook failed" not in response.text
    assert response.headers["X-Request-ID"]
    assert any("error outside the views" in r.getMessage() for r in caplog.records)


def test_a_retryable_error_goes_up_to_the_retry_policy(app):
    def handler(request):
        exc = RuntimeError("serialization failure")
        mark_error_retryable(exc)
        raise exc

    tween = request_tween_factory(handler, app.registry)
    request = Request.blank("/api/orders/checkout/")
    request.environ["retry.attempt"], request.environ["retry.attempts"] = 0, 3
    request.registry = None
    with pytest.raises(RuntimeError):
        tween(request)


def test_the_log_line_names_the_user_of_an_aborted_transaction(db, make_user):
    """The user loaded for the request is detached once its transaction was aborted (the
    409 of a lost unique-key race): the access log still names it, without a query."""
    user = make_user()
    user_id = user.id
    db.expunge(user)
    from sqlalchemy.orm.attributes import instance_state
    instance_state(user)._expire(instance_state(user).dict, set())  # what the abort does to it
    request = DummyRequest()
    request.__dict__["user"] = user
    assert user_id_of(request) == user_id
    assert user_id_of(DummyRequest()) is None
