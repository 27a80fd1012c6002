"""A plugin for an Agora version that does not exist yet."""
agora_version = ">=99"
