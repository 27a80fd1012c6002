"""The wishlist plugin (being built): enable it with `agora.plugins = ... wishlist`."""
