"""A plugin whose agora_includeme raises (a bug of the plugin, not a PluginError)."""
from core.hooks import hookimpl


@hookimpl
def agora_includeme(config, settings):
    raise KeyError("agora.raising.missing")
