"""The email plugin (being built): enable it with `agora.plugins = ... email`."""
