"""Discover, check and load plugins.

A plugin is a module exposed through the ``agora.plugins`` entry-point group (Agora's own
plugins are registered there exactly like a third party's).  The ini's ``agora.plugins``
list says which are enabled and in which order.  A plugin module may declare:

* ``requires = ("cart",)`` — plugins that must be enabled too (listed before it or after);
* ``agora_version = ">=0.1,<1"`` — the Agora versions it works with (PEP 440 specifier);
* ``hookspecs = <module>`` — hook specifications of its own, which other plugins may implement
  (as devpi-web adds its own); they are added before the implementations are checked.

Every problem stops start-up with a :class:`PluginError` whose message is one line naming
the plugin and the cause.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata
from types import ModuleType

import pluggy
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from core import hooks

ENTRY_POINT_GROUP = "agora.plugins"


class PluginError(Exception):
    """A plugin cannot be loaded; the message is one line naming it and the cause."""


@dataclass(frozen=True)
class LoadedPlugin:
    name: str
    module: ModuleType
    version: str
    distribution: str


def agora_version() -> str:
    try:
        return metadata.version("agora")
    except metadata.PackageNotFoundError:  # running from a source tree without install
        return "0.0.0"


def available_plugins() -> dict[str, metadata.EntryPoint]:
    """Installed plugins by name (entry-point order is undefined; the ini list is the order)."""
    return {ep.name: ep for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}


def build_plugin_manager(enabled: list[str]) -> tuple[pluggy.PluginManager, list[LoadedPlugin]]:
    """Load the ``enabled`` plugins in order and return the manager and what was loaded."""
    pm = pluggy.PluginManager(hooks.PROJECT)
    pm.add_hookspecs(hooks)
    installed = available_plugins()
    loaded: list[LoadedPlugin] = []
    seen: set[str] = set()
    for name in enabled:
        if name in seen:
            raise PluginError(f"plugin {name!r} is listed twice in agora.plugins")
        seen.add(name)
        entry_point = installed.get(name)
        if entry_point is None:
            known = ", ".join(sorted(installed)) or "none"
            raise PluginError(f"unknown plugin {name!r} in agora.plugins (installed: {known})")
        try:
            module = entry_point.load()
        except Exception as exc:  # any import-time failure is the plugin's, report it in one line
            raise PluginError(f"plugin {name!r} failed to import: {type(exc).__name__}: {exc}") from exc
        _check_compatible(name, module)
        try:
            pm.register(module, name=name)
        except pluggy.PluginValidationError as exc:
            raise PluginError(f"plugin {name!r} is invalid: {exc}") from exc
        dist = entry_point.dist
        loaded.append(
            LoadedPlugin(
                name=name,
                module=module,
                version=dist.version if dist else "unknown",
                distribution=dist.metadata["Name"] if dist else "unknown",
            )
        )
    for plugin in loaded:
        specs = getattr(plugin.module, "hookspecs", None)
        if specs is not None:
            try:
                pm.add_hookspecs(specs)
            except (ValueError, pluggy.PluginValidationError) as exc:
                raise PluginError(f"plugin {plugin.name!r} declares invalid hookspecs: {exc}") from exc
    for plugin in loaded:
        for required in getattr(plugin.module, "requires", ()):
            if required not in seen:
                raise PluginError(
                    f"plugin {plugin.name!r} requires plugin {required!r}, which is not enabled in agora.plugins"
                )
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"a plugin implements an unknown hook: {exc}") from exc
    return pm, loaded


def _check_compatible(name: str, module: ModuleType) -> None:
    wanted = getattr(module, "agora_version", None)
    if not wanted:
        return
    try:
        spec = SpecifierSet(wanted)
    except InvalidSpecifier:
        raise PluginError(f"plugin {name!r} declares an invalid agora_version {wanted!r}") from None
    running = agora_version()
    if Version(running) not in spec:
        raise PluginError(f"plugin {name!r} needs Agora {wanted}, this is Agora {running}")


def implemented_hooks(pm: pluggy.PluginManager, plugin_name: str) -> list[str]:
    plugin = pm.get_plugin(plugin_name)
    if plugin is None:
        return []
    return sorted(caller.name for caller in pm.get_hookcallers(plugin) or [])


def describe(pm: pluggy.PluginManager, loaded: list[LoadedPlugin]) -> list[dict]:
    """The enabled plugins as ``GET /api/plugins/`` and ``agora CONFIG plugins`` show them."""
    return [
        {
            "name": p.name,
            "version": p.version,
            "distribution": p.distribution,
            "hooks": implemented_hooks(pm, p.name),
            "requires": list(getattr(p.module, "requires", ())),
        }
        for p in loaded
    ]
