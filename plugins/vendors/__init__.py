"""The vendors plugin (being built): enable it with `agora.plugins = ... vendors`."""
