"""A plugin that needs another plugin to be enabled."""
requires = ("testplugin",)
