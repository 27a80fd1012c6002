"""The application's shared objects and the stable ways to reach them.

Views and domain code never look objects up by registry string keys.  A request has:

- ``request.settings`` — the validated :class:`config.Settings` (core's and every plugin's keys);
- ``request.hooks`` — the plugin manager's hook relay (``request.hooks.agora_order_paid(...)``);
- ``request.payment_provider`` — the enabled provider, or None when no plugin brings one;
- ``request.db`` and ``request.user`` (``core.db``, ``core.security``).

Code that holds only the registry (the worker, the CLI, ``agora_includeme``) uses
:func:`settings_of`, :func:`hooks_of` and :func:`plugins_of`.  This module is the one place
that knows the keys; ``docs/plugins.md`` documents these names as the stable API.
"""
from __future__ import annotations

_SETTINGS = "agora.settings"
_PLUGIN_MANAGER = "agora.plugin_manager"
_PLUGINS = "agora.plugins"
_PAYMENT_PROVIDER = "agora.payment_provider"


def attach(config, pm, loaded) -> None:
    """Record the plugin manager and the loaded plugins on a new Configurator (``make_app``)."""
    config.registry[_PLUGIN_MANAGER] = pm
    config.registry[_PLUGINS] = loaded


def configurator_settings(settings) -> dict:
    """The ``settings`` argument of the Configurator: ours under one key."""
    return {_SETTINGS: settings}


def settings_of(registry):
    """The validated :class:`config.Settings` of the application."""
    return registry.settings[_SETTINGS]


def plugin_manager_of(registry):
    return registry[_PLUGIN_MANAGER]


def hooks_of(registry):
    """The hook relay: ``hooks_of(registry).agora_order_paid(request=..., order=...)``."""
    return registry[_PLUGIN_MANAGER].hook


def plugins_of(registry) -> list:
    """The loaded plugins (``core.plugins.LoadedPlugin``), in ``agora.plugins`` order."""
    return registry[_PLUGINS]


def set_payment_provider(registry, provider) -> None:
    registry[_PAYMENT_PROVIDER] = provider


def payment_provider_of(registry):
    """The enabled payment provider (``core.orders.payment.PaymentProvider``) or None."""
    return registry.get(_PAYMENT_PROVIDER)


def includeme(config):
    config.add_request_method(lambda request: settings_of(request.registry), "settings", reify=True)
    config.add_request_method(lambda request: hooks_of(request.registry), "hooks", reify=True)
    config.add_request_method(lambda request: payment_provider_of(request.registry), "payment_provider",
                              reify=True)
