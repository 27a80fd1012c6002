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

import os
import traceback
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


def _one_line(exc: BaseException) -> str:
    return " ".join(f"{type(exc).__name__}: {exc}".split())


def include_plugins(config, pm: pluggy.PluginManager, loaded: list[LoadedPlugin], settings) -> None:
    """Run each plugin's ``agora_includeme`` in the ini order, then commit what they registered.

    A plugin's mistake (any exception from its ``agora_includeme``, or a registration Pyramid
    refuses when the configuration is committed, e.g. ``Unknown view options`` for a guessed
    ``@service.get(colour=...)``) becomes one :class:`PluginError` line naming the plugin, its
    file and line, instead of a traceback through Pyramid."""
    from pyramid.exceptions import ConfigurationError, ConfigurationExecutionError

    for plugin in loaded:
        # pluggy calls implementations last-registered-first; the ini order must win here.
        others = [pm.get_plugin(p.name) for p in loaded if p.name != plugin.name]
        try:
            pm.subset_hook_caller("agora_includeme", remove_plugins=others)(config=config, settings=settings)
        except PluginError:
            raise
        except Exception as exc:
            raise PluginError(f"plugin {plugin.name!r} failed in agora_includeme: {_one_line(exc)}") from exc
    try:
        config.commit()
    except ConfigurationError as exc:
        info = exc.info if isinstance(exc, ConfigurationExecutionError) else _failing_action_info(exc)
        owner = _owner_of(getattr(info, "file", None), loaded)
        if owner is None:
            raise  # not a plugin's registration: core's own bug, keep the traceback
        cause = exc.evalue if isinstance(exc, ConfigurationExecutionError) else exc
        raise PluginError(f"plugin {owner.name!r} registered something Pyramid refuses "
                          f"({os.path.basename(info.file)}:{info.line}): {_one_line(cause)}") from exc


def _failing_action_info(exc: BaseException):
    """The ``info`` (file, line) of the action Pyramid was resolving when ``exc`` was raised.

    Pyramid attaches it to errors of an action's callable, but not to those raised while it
    computes an action's discriminator (where ``Unknown view options`` comes from); the
    resolving frame still holds that action."""
    info = None
    for frame, _ in traceback.walk_tb(exc.__traceback__):
        action = frame.f_locals.get("action")
        if isinstance(action, dict) and action.get("info") is not None:
            info = action["info"]
    return info


def _owner_of(path: str | None, loaded: list[LoadedPlugin]) -> LoadedPlugin | None:
    """The plugin whose package (or module) holds the file ``path``."""
    if not path:
        return None
    path = os.path.realpath(path)
    best = None
    for plugin in loaded:
        file = getattr(plugin.module, "__file__", None)
        if not file:
            continue
        root = os.path.dirname(os.path.realpath(file))
        if os.path.basename(file) != "__init__.py":  # a plain module: only that file
            root = os.path.realpath(file)
        if (path == root or path.startswith(root + os.sep)) and (best is None or len(root) > len(best[0])):
            best = (root, plugin)
    return best[1] if best else None
