"""Settings schema and loading: ini keys, environment overrides, validation."""
from config.settings import Settings, SettingsError, load_settings

__all__ = ["Settings", "SettingsError", "load_settings"]
