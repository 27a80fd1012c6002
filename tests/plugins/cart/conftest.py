"""Fixtures for the cart tests: a shopper's headers, and apps with chosen plugins (catalog rows:
``core.testing``'s ``make_product`` and ``make_vendor``)."""
from __future__ import annotations

import pytest
from sqlalchemy.orm import Session


@pytest.fixture
def headers(customer, auth_headers):
    """The ``customer``'s bearer headers."""
    return auth_headers(customer)


@pytest.fixture
def app_with(database_url, connection):
    """``app_with(plugins, extra_ini)`` → a WebTest app with only those plugins, on the test's
    connection (so it sees the test's rows and rolls back with it)."""
    import webtest

    from core import load, make_app
    from core.testing import ini_for

    def build(plugins: list[str], extra: dict | None = None):
        settings, pm, loaded = load(ini_for(database_url, plugins, extra), environ={})
        app = make_app(settings, pm, loaded, dbsession_factory=lambda: Session(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False))
        return webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "10.0.0.2"})

    return build
