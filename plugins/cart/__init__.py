"""The cart plugin (being built): enable it with `agora.plugins = ... cart`."""
