"""Agora core: the Pyramid application factory.

Reading :func:`make_app` tells you the whole application: settings, database, security,
errors, core subsystems, then each enabled plugin in the order of ``agora.plugins``.
"""
from __future__ import annotations

import logging
import warnings

# Pyramid 2.1 imports pkg_resources, which newer setuptools (80.9+) answers with a UserWarning
# on every start; setup.cfg keeps setuptools below that, this keeps a newer one quiet too.
warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)

from pyramid.config import Configurator  # noqa: E402

from config import Settings, load_settings  # noqa: E402
from core import registry  # noqa: E402
from core.db import use_session_factory  # noqa: E402
from core.plugins import build_plugin_manager, include_plugins  # noqa: E402

log = logging.getLogger("agora")


def load(ini: dict, environ=None) -> tuple[Settings, object, list]:
    """Settings validated with every enabled plugin's defaults, plus the plugin manager."""
    enabled = load_settings(ini, environ).plugins
    pm, loaded = build_plugin_manager(enabled)
    defaults: dict = {}
    for extra in reversed(pm.hook.agora_settings_defaults()):
        defaults.update(extra or {})
    keys = [key for declared in reversed(pm.hook.agora_settings_keys()) for key in declared or ()]
    return load_settings(ini, environ, extra_defaults=defaults, extra_keys=keys), pm, loaded


def make_app(settings: Settings, pm, loaded, *, dbsession_factory=None):
    """Build the WSGI application.  ``dbsession_factory`` lets tests hand in their session."""
    config = Configurator(settings={**registry.configurator_settings(settings), "retry.attempts": 3})
    registry.attach(config, pm, loaded)
    if dbsession_factory is not None:
        use_session_factory(config.registry, dbsession_factory)
    config.add_renderer("json", "core.jsonutil.OrjsonRenderer")
    config.include("cornice")
    config.commit()  # our error views below replace the ones cornice registers
    config.include("core.registry")
    config.include("core.db")
    config.include("core.security")
    config.include("core.errors")
    config.include("core.tweens")
    config.include("core.fastpath")
    config.include("core.client")
    config.include("core.accounts")
    config.include("core.catalog")
    config.include("core.orders")
    config.include("core.returns")
    config.include("core.audit")
    config.include("core.ops")
    config.include("core.pages")
    include_plugins(config, pm, loaded, settings)  # a plugin's mistake: one line naming it
    config.include("core.openapi")
    config.commit()
    _request_class_once(config.registry)
    return config.make_wsgi_app()


def _request_class_once(registry) -> None:
    """Give requests their methods and properties (``request.db``, ``request.user``, pyramid_tm's
    ``request.tm``, every plugin's) through one class made at start-up.

    Pyramid applies ``add_request_method`` properties by deriving a new class for every request
    (about 35 µs, a tenth of a cached catalog answer); the same descriptors on one subclass of
    the request factory behave identically, and the per-request step is then skipped."""
    from pyramid.interfaces import IRequestExtensions, IRequestFactory
    from pyramid.request import Request

    extensions = registry.queryUtility(IRequestExtensions)
    if extensions is None:
        return
    base = registry.queryUtility(IRequestFactory, default=Request)
    attributes = {**extensions.methods, **extensions.descriptors}
    registry.registerUtility(type("AgoraRequest", (base,), attributes), IRequestFactory)
    registry.unregisterUtility(provided=IRequestExtensions)


def main(global_config, **ini):
    """PasteDeploy entry point (``pserve``/``gunicorn --paste``)."""
    import sys

    from config import SettingsError
    from core.plugins import PluginError

    try:
        settings, pm, loaded = load(ini)
        return make_app(settings, pm, loaded)
    except (SettingsError, PluginError) as exc:
        print(f"agora: {exc}", file=sys.stderr)  # one line, no traceback
        raise SystemExit(1) from None
