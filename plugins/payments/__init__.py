"""The payments plugin (being built): enable it with `agora.plugins = ... payments`."""
