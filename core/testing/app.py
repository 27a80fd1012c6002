"""The test application: which plugins it runs, its ini, the app under WebTest, the hook recorder.

Plugin authors override ``enabled_plugins`` (the ``agora.plugins`` list) and ``app_settings``
(extra ini keys).
"""
from __future__ import annotations

from importlib import metadata

import pytest
from sqlalchemy.orm import Session

from core.hooks import hookimpl
from core.testing.factories import TEST_PASSWORD


def first_party_plugins() -> list[str]:
    """Agora's own plugins (those in the ``plugins`` package), each after the plugins it requires."""
    eps = {ep.name: ep for ep in metadata.entry_points(group="agora.plugins") if ep.value.startswith("plugins.")}
    return dependency_order(eps)


def dependency_order(entry_points: dict) -> list[str]:
    """Names sorted so every plugin comes after what it ``requires`` (alphabetical otherwise)."""
    requires = {name: tuple(getattr(ep.load(), "requires", ())) for name, ep in entry_points.items()}
    ordered: list[str] = []

    def visit(name: str) -> None:
        if name in ordered or name not in requires:
            return
        for needed in requires[name]:
            visit(needed)
        ordered.append(name)

    for name in sorted(requires):
        visit(name)
    return ordered


@pytest.fixture(scope="session")
def enabled_plugins() -> list[str]:
    """The ``agora.plugins`` list of the test app: every first-party plugin and the test plugin."""
    names = first_party_plugins()
    installed = {ep.name for ep in metadata.entry_points(group="agora.plugins")}
    return names + (["testplugin"] if "testplugin" in installed else [])


@pytest.fixture(scope="session")
def app_settings(tmp_path_factory) -> dict:
    """Extra ini settings for the test app (override to add a plugin's keys)."""
    return {}


def ini_for(database_url: str, plugins: list[str], extra: dict | None = None) -> dict:
    ini = {
        "agora.env": "test",
        "agora.database_url": database_url,
        "agora.jwt_secret": "test-secret-" + "s" * 64,
        "agora.plugins": " ".join(plugins),
        "agora.log_requests": "false",
        "agora.broker_url": "memory://",
    }
    ini.update(extra or {})
    return ini


@pytest.fixture(scope="session")
def base_ini(database_url, enabled_plugins, app_settings, tmp_path_factory) -> dict:
    media = tmp_path_factory.mktemp("media")
    return ini_for(database_url, enabled_plugins, {"agora.media_dir": str(media), **app_settings})


@pytest.fixture(scope="session")
def loaded(base_ini):
    """(settings, plugin manager, loaded plugins) for the test app, built once."""
    from core import load

    return load(base_ini, environ={})


class HookRecorder:
    """Registered into the test app's plugin manager: records every accounts/order/vendor event."""

    def __init__(self):
        self.calls: list[tuple[str, dict]] = []

    def named(self, name: str) -> list[dict]:
        return [kw for n, kw in self.calls if n == name]

    def last(self, name: str) -> dict:
        found = self.named(name)
        assert found, f"hook {name} was not called"
        return found[-1]

    @hookimpl
    def agora_user_registered(self, user, token):
        self.calls.append(("agora_user_registered", {"user_id": user.id, "email": user.email, "token": token}))

    @hookimpl
    def agora_email_verified(self, user):
        self.calls.append(("agora_email_verified", {"user_id": user.id}))

    @hookimpl
    def agora_password_reset_requested(self, user, token):
        self.calls.append(("agora_password_reset_requested", {"user_id": user.id, "email": user.email, "token": token}))

    @hookimpl
    def agora_password_changed(self, user):
        self.calls.append(("agora_password_changed", {"user_id": user.id}))


@pytest.fixture
def hooks(loaded):
    recorder = HookRecorder()
    pm = loaded[1]
    pm.register(recorder, name=f"recorder-{id(recorder)}")
    yield recorder
    pm.unregister(recorder)


@pytest.fixture
def app(loaded, connection, hooks):
    from core import make_app

    settings, pm, plugins = loaded
    return make_app(settings, pm, plugins, dbsession_factory=lambda: Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False))


@pytest.fixture
def testapp(app):
    import webtest

    return webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "10.0.0.1"})


def bearer(app, user, password: str = TEST_PASSWORD) -> dict:
    """Log ``user`` in on a WebTest ``app`` (``testapp`` or one of the test's own) → its Authorization header."""
    token = app.post_json("/api/auth/login/", {"email": user.email, "password": password}).json["access"]
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def login(testapp):
    """``login(user)`` → the token answer of ``POST /api/auth/login/``."""

    def do(user, password: str = TEST_PASSWORD) -> dict:
        return testapp.post_json("/api/auth/login/", {"email": user.email, "password": password}).json

    return do


@pytest.fixture
def auth_headers(login):
    """``auth_headers(user)`` → ``{"Authorization": "Bearer …"}`` for a fresh login."""

    def headers(user) -> dict:
        return {"Authorization": f"Bearer {login(user)['access']}"}

    return headers
